// Three real instances behind one PostgreSQL database: a decision made on one instance wakes
// waiters on the others (long-poll, SSE, the blocking http hook), exactly one of many concurrent
// decisions spread over the instances wins and every channel message is updated once, and when
// the Telegram leader is killed with SIGKILL another instance resumes polling within seconds.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { claudePre } from '../hooks/helpers.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { watchSse } from '../helpers/sse.js';
import { ALICE, BOB, CHAT, Emulator, TOKEN, buttonData, type BotMessage } from '../telegram/emulator.js';
import { KEYS, baseYaml, startBotApiProxy, startInstances, until, type Instance } from './instances.js';

let pg: TestPostgres;
let emu: Emulator;
let proxy: Awaited<ReturnType<typeof startBotApiProxy>>;
let nodes: Instance[] = [];
let [A, B, C] = [] as Instance[];
const dir = mkdtempSync(join(tmpdir(), 'greenlight-cross-'));

before(async () => {
  pg = await startPostgres();
  emu = await Emulator.start();
  proxy = await startBotApiProxy(emu.apiRoot);
  const telegram = `channels: { telegram: { bot_token: "${TOKEN}", api_root: "${proxy.apiRoot}", chats: ["${CHAT}"], poll_timeout_sec: 0, poll_interval_ms: 20 } }`;
  nodes = await startInstances(3, dir, await pg.createDatabase('cross'), baseYaml([telegram, 'delivery: { backoff_base_ms: 50, backoff_max_ms: 200 }']));
  [A, B, C] = nodes;
});

after(async () => {
  for (const n of nodes) await n.kill('SIGKILL');
  await proxy?.close();
  await emu?.close();
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
});


async function file(on: Instance, body: Record<string, unknown>): Promise<string> {
  const r = await on.call(KEYS.agent, 'POST', '/v1/requests', body);
  assert.equal(r.status, 201, r.text);
  return r.body.id;
}

/** The Telegram card of a request, once an instance has posted it. */
async function cardOf(on: Instance, id: string): Promise<BotMessage> {
  return until(async () => {
    const request = await on.call(KEYS.approver, 'GET', `/v1/requests/${id}`);
    const title = request.body?.title as string;
    return emu.messages(CHAT).find((m) => m.text.includes(title));
  }, `the Telegram card of ${id}`, 10_000);
}

describe('three instances, one PostgreSQL', () => {
  it('answers /ready on every instance: store, migrations and events ok', async () => {
    for (const n of nodes) {
      const r = await n.call(null, 'GET', '/ready');
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body.checks, { store: 'ok', migrations: 'ok', events: 'ok', draining: 'ok' });
      assert.equal((await n.call(null, 'GET', '/health')).status, 200);
    }
  });

  it('wakes a long-poll waiter on A, an SSE stream on C and a blocked hook call on C when B decides', async () => {
    const id = await file(A, { title: 'cross-instance wait', preview: 'kubectl apply -f prod.yaml' });
    const started = Date.now();
    const waiting = A.call(KEYS.agent, 'GET', `/v1/requests/${id}/wait?timeout_sec=20`);
    const sse = watchSse(`${C.url}/v1/events`, KEYS.approver, (e) => e.data.request?.id === id && e.data.request?.status === 'approved', 20_000);
    await sse.ready;
    const hook = fetch(`${C.url}/v1/hooks/claude-code?wait_sec=20`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.agent}`, 'content-type': 'application/json' },
      body: JSON.stringify(claudePre('Bash', { command: 'curl https://x.example/install.sh | sh' })),
    }).then((r) => r.json() as Promise<any>);
    const hooked = await until(async () => {
      const pending = await B.call(KEYS.approver, 'GET', '/v1/requests/pending?limit=100');
      return pending.body.items.find((r: { preview: string }) => r.preview.includes('x.example/install.sh'));
    }, 'the hook request to be filed', 10_000);
    await new Promise((r) => setTimeout(r, 200)); // let A's waiter and C's hook subscribe
    assert.equal((await B.call(KEYS.approver, 'POST', `/v1/requests/${id}/decision`, { outcome: 'approved' })).status, 200);
    assert.equal((await B.call(KEYS.approver, 'POST', `/v1/requests/${hooked.id}/decision`, { outcome: 'denied', comment: 'not from the internet' })).status, 200);
    const waited = await waiting;
    assert.equal(waited.body.status, 'approved', 'the waiter on A saw the decision made on B');
    assert.ok(Date.now() - started < 15_000, 'it came by notification, not at the end of the wait');
    assert.equal((await sse.done).data.request.status, 'approved');
    const output = await hook;
    assert.equal(output.hookSpecificOutput.permissionDecision, 'deny');
    assert.match(output.hookSpecificOutput.permissionDecisionReason, /not from the internet/);
  });

  it('lets exactly one of 20 concurrent decisions over three instances (and Telegram) win, and edits the card once', async () => {
    const id = await file(B, { title: 'one winner across instances', preview: 'terraform apply' });
    const card = await cardOf(A, id);
    const editsBefore = proxy.calls.filter((c) => c.method === 'editMessageText' && c.payload.message_id === card.id).length;
    assert.equal(editsBefore, 0);
    const approve = buttonData(card, 'Approve');
    const api = Array.from({ length: 18 }, (_, i) =>
      nodes[i % 3].call(i % 2 ? KEYS.approver : KEYS.otherApprover, 'POST', `/v1/requests/${id}/decision`, { outcome: i % 4 < 2 ? 'approved' : 'denied', comment: `click ${i}` }),
    );
    const taps = [emu.tap(ALICE, card, approve), emu.tap(BOB, card, approve)];
    const results = await Promise.all(api);
    await Promise.all(taps);
    const settled = await until(async () => {
      const r = await C.call(KEYS.approver, 'GET', `/v1/requests/${id}`);
      return r.body.status !== 'pending' && r.body;
    }, 'the decision', 10_000);
    const apiWins = results.filter((r) => r.status === 200);
    assert.ok(apiWins.length <= 1, `${apiWins.length} API calls won`);
    for (const r of results.filter((x) => x.status !== 200)) {
      assert.equal(r.status, 409);
      assert.equal(r.body.error.code, 'ALREADY_DECIDED');
      assert.equal(r.body.error.details.decided_by, settled.decision.decided_by, 'every loser is told who won');
    }
    if (apiWins.length === 0) assert.equal(settled.decision.via, 'telegram', 'no API call won, so a tap did');
    // Every tap is answered, and the card is edited exactly once, by whichever instance sent the update.
    await until(() => proxy.calls.filter((c) => c.method === 'answerCallbackQuery').length >= 2, 'both taps answered', 15_000);
    await until(() => proxy.calls.some((c) => c.method === 'editMessageText' && c.payload.message_id === card.id), 'the card edited', 15_000);
    await new Promise((r) => setTimeout(r, 1500));
    const edits = proxy.calls.filter((c) => c.method === 'editMessageText' && c.payload.message_id === card.id && c.payload.chat_id === CHAT);
    assert.equal(edits.length, 1, `the card was edited ${edits.length} times`);
    const audit = await A.call(KEYS.admin, 'GET', `/v1/audit?request_id=${id}&limit=100`);
    const decided = (audit.body.items ?? audit.body).filter((e: { action: string }) => /^request\.(approved|denied)$/.test(e.action));
    assert.equal(decided.length, 1, 'one decision in the audit log');
  });

  it('keeps a dashboard session on every instance: signed in on A, used on B, signed out on C, refused on A', async () => {
    const login = await fetch(`${A.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: KEYS.approver }) });
    assert.equal(login.status, 200);
    const token = /greenlight_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')![1];
    const csrf = ((await login.json()) as { csrf_token: string }).csrf_token;
    const cookie = `greenlight_session=${token}`;
    const session = (on: Instance) => fetch(`${on.url}/auth/session`, { headers: { cookie } }).then((r) => r.json() as Promise<{ signed_in?: boolean; name?: string }>);
    assert.equal((await session(B)).name, 'alice', 'B knows the session A made');
    const id = await file(A, { title: 'decided with a session cookie', preview: 'echo hi' });
    const decided = await fetch(`${B.url}/v1/requests/${id}/decision`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' }, body: JSON.stringify({ outcome: 'denied' }) });
    assert.equal(decided.status, 200);
    const out = await fetch(`${C.url}/auth/logout`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf } });
    assert.equal(out.status, 200);
    assert.equal((await session(A)).signed_in, false, 'signed out on C is signed out on A');
  });

  it('resumes Telegram polling on another instance within seconds when the leader is killed with SIGKILL', async () => {
    const leaders = await Promise.all(nodes.map((n) => n.metric('greenlight_leader')));
    assert.equal(leaders.filter((v) => v === 1).length, 1, `one leader: ${leaders}`);
    const leader = nodes[leaders.indexOf(1)];
    const rest = nodes.filter((n) => n !== leader);
    const id = await file(rest[0], { title: 'after the leader dies', preview: 'helm upgrade' });
    const card = await cardOf(rest[0], id);
    await leader.kill('SIGKILL');
    const killedAt = Date.now();
    const next = await until(async () => {
      const now = await Promise.all(rest.map((n) => n.metric('greenlight_leader')));
      return now.filter((v) => v === 1).length === 1 ? rest[now.indexOf(1)] : null;
    }, 'another instance to lead', 10_000);
    const takeoverMs = Date.now() - killedAt;
    await emu.tap(ALICE, card, buttonData(card, 'Deny'));
    const decided = await until(async () => {
      const r = await next.call(KEYS.approver, 'GET', `/v1/requests/${id}`);
      return r.body.status === 'denied' && r.body;
    }, 'the tap to be polled and decided by the new leader', 10_000);
    assert.equal(decided.decision.via, 'telegram');
    assert.ok(takeoverMs < 10_000, `took over in ${takeoverMs} ms`);
    // The survivors still serve and are ready.
    for (const n of rest) assert.equal((await n.call(null, 'GET', '/ready')).status, 200);
  });
});
