// The ntfy channel end to end: the real server with SQLite, a strict loopback ntfy server
// (fake-ntfy.ts), and the buttons pressed the way the ntfy app presses them. Decisions reach a
// waiting agent; forged, replayed, expired, someone else's and another request's tokens decide
// nothing; hostile agent text arrives as plain, visible text; a request that needs more than a tap
// gets only Open; an ntfy outage delays notifications, never loses or doubles them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { tokenKit } from '../../src/channels/action-token.js';
import { ntfyChannelFactory } from '../../src/channels/ntfy/ntfy-channel.js';
import { eventually } from '../email/fixtures.js';
import { KEYS, startTestServer, type TestServer } from '../helpers/harness.js';
import { assertShownVisibly, HOSTILE } from '../helpers/hostile-text.js';
import { FakeNtfy, type NtfyAction, type Published } from './fake-ntfy.js';
import { MovableClock as Clock } from '../helpers/clock.js';

const TOKEN = 'tk_fake0123456789abcdefghijklmn';
const ALICE_TOPIC = 'gl-alice-7c1e9f2a';
const BOB_TOPIC = 'gl-bob-5d0b7e44';
const TEAM_TOPIC = 'gl-team-0af3c2';


function ntfySuite() {
  const rig = {} as { ntfy: FakeNtfy; s: TestServer; clock: Clock };
  before(async () => {
    rig.ntfy = await FakeNtfy.start(`Bearer ${TOKEN}`);
    rig.clock = new Clock();
    rig.s = await startTestServer(
      {
        approvers: [
          { name: 'alice', key: KEYS.approver },
          // bob decides project "ops" only.
          { name: 'bob', key: KEYS.otherApprover, projects: ['ops'] },
        ],
        projects: [{ name: 'ops' }, { name: 'web', routes: [{ channel: 'ntfy', target: TEAM_TOPIC }] }],
        delivery: { backoff_base_ms: 10, backoff_max_ms: 40, max_attempts: 100 },
        channels: {
          ntfy: {
            server_url: rig.ntfy.url,
            access_token: TOKEN,
            topics: [
              { topic: ALICE_TOPIC, approver: 'alice' },
              { topic: BOB_TOPIC, approver: 'bob' },
            ],
            action_ttl_sec: 60,
          },
        },
      },
      { channels: [ntfyChannelFactory], clock: rig.clock },
    );
  });
  after(async () => {
    await rig.s?.stop();
    await rig.ntfy?.close();
  });
  return rig;
}

let n = 0;
async function file(s: TestServer, body: Record<string, unknown> = {}): Promise<string> {
  const r = await s.call('agent', 'POST', '/v1/requests', { title: 'Restart web', tool: 'Bash', input: { command: `kubectl rollout restart deploy/web-${++n}` }, ...body });
  assert.equal(r.status, 201, r.text);
  return r.body.id;
}

const announced = (ntfy: FakeNtfy, id: string, topic = ALICE_TOPIC) => eventually(async () => ntfy.forRequest(id, topic)[0]);
const button = (p: Published, label: string): NtfyAction => {
  const a = p.actions.find((x) => x.label === label);
  assert.ok(a, `no ${label} button: ${p.actions.map((x) => x.label).join(', ')}`);
  return a;
};
const tokenOf = (a: NtfyAction): string => JSON.parse(a.body!).token;
const act = (s: TestServer, body: string, type = 'application/json') => fetch(`${s.url}/v1/ntfy/act`, { method: 'POST', headers: { 'content-type': type }, body });

describe('ntfy: what Greenlight publishes', { timeout: 120_000 }, () => {
  const rig = ntfySuite();

  it('publishes one JSON message per routed topic: the action first, Approve / Deny that post a token, and Open', async () => {
    const id = await file(rig.s, { preview: 'restarts the web pods', cwd: '/srv/web', session_id: 's-1' });
    const p = await announced(rig.ntfy, id);
    assert.equal(p.authorization, `Bearer ${TOKEN}`);
    assert.equal(p.sequence_id, id, 'the request id is the sequence id, so the follow-up replaces it');
    assert.equal(p.title, 'Approve? Restart web');
    const lines = p.message.split('\n');
    assert.equal(lines[0], '▶ Bash (command)');
    assert.equal(lines[1], `kubectl rollout restart deploy/web-${n}`);
    assert.match(p.message, /Agent's description \(its own words\): restarts the web pods/);
    assert.match(p.message, /Agent: agent-a/);
    assert.match(p.message, /Directory: \/srv\/web/);
    assert.deepEqual(p.actions.map((a) => [a.action, a.label]), [['http', 'Approve'], ['http', 'Deny'], ['view', 'Open']]);
    const approve = button(p, 'Approve');
    assert.equal(approve.url, `${rig.s.url}/v1/ntfy/act`);
    assert.equal(approve.method, 'POST');
    assert.deepEqual(approve.headers, { 'Content-Type': 'application/json' });
    assert.deepEqual(Object.keys(JSON.parse(approve.body!)), ['token']);
    assert.equal(button(p, 'Open').url, `${rig.s.url}/#/r/${encodeURIComponent(id)}`);
    assert.equal(p.click, `${rig.s.url}/#/r/${encodeURIComponent(id)}`);
    // bob decides project "ops" only: his topic hears nothing of this request.
    assert.deepEqual(rig.ntfy.forRequest(id, BOB_TOPIC), []);
  });

  it('a project route to a shared topic gets the notification with Open only (no approver to bind a button to)', async () => {
    const id = await file(rig.s, { project: 'web' });
    const p = await announced(rig.ntfy, id, TEAM_TOPIC);
    assert.deepEqual(p.actions.map((a) => a.label), ['Open']);
    assert.deepEqual(rig.ntfy.forRequest(id, ALICE_TOPIC), [], 'the route replaces the default topics');
  });

  for (const [what, body] of [
    ['a question', { tool: null, input: null, preview: 'Which region?', question: { options: ['eu', 'us'] } }],
    ['a conditions form', { conditions_schema: [{ name: 'max_cost', type: 'number', required: true }] }],
    ['an action longer than a phone shows', { input: { command: `echo ${'x'.repeat(3000)}` } }],
  ] as const) {
    it(`${what} gets only Open, and says why`, async () => {
      const id = await file(rig.s, body);
      const p = await announced(rig.ntfy, id);
      assert.deepEqual(p.actions.map((a) => a.label), ['Open']);
      assert.match(p.message, /dashboard \(Open\)|Cut short here: Open shows all of it/);
    });
  }

  it('shows hostile agent text as plain, visible text: markdown stays off, invisible characters are written out', async () => {
    const id = await file(rig.s, { title: `Deploy ${HOSTILE.rlo}`, input: { command: `${HOSTILE.rlo} ${HOSTILE.smuggled}` }, preview: `${HOSTILE.markdown} ${HOSTILE.html}` });
    const p = await announced(rig.ntfy, id);
    assertShownVisibly(p.title, HOSTILE.rlo, 'the title');
    assertShownVisibly(p.message, HOSTILE.rlo, 'the command');
    assertShownVisibly(p.message, HOSTILE.smuggled, 'the smuggled instruction');
    assert.ok(p.message.includes(HOSTILE.markdown) && p.message.includes(HOSTILE.html), 'markdown and HTML arrive as literal text');
    // The strict fake refuses `markdown`; the message was accepted, so ntfy renders it as plain text.
  });
});

describe('ntfy: the buttons decide, once, as the approver they were made for', { timeout: 120_000 }, () => {
  const rig = ntfySuite();

  for (const [label, status] of [['Approve', 'approved'], ['Deny', 'denied']] as const) {
    it(`${label} reaches the waiting agent, and the notification is replaced by who decided it`, async () => {
      const id = await file(rig.s);
      const waiting = rig.s.call('agent', 'GET', `/v1/requests/${id}/wait?timeout_sec=30`);
      const p = await announced(rig.ntfy, id);
      const res = await FakeNtfy.press(button(p, label));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body, { result: 'decided', request_id: id, status, decided_by: 'alice' });
      const done = await waiting;
      assert.equal(done.body.status, status);
      assert.equal(done.body.decision.decided_by, 'alice');
      assert.equal(done.body.decision.via, 'ntfy');
      assert.equal(done.body.decision.scope, 'once');
      const replaced = await eventually(async () => rig.ntfy.forRequest(id, ALICE_TOPIC)[1]);
      assert.equal(replaced.sequence_id, id);
      assert.match(replaced.title, new RegExp(`^${status[0].toUpperCase()}${status.slice(1)} by alice via ntfy$`));
      assert.deepEqual(replaced.actions.map((a) => a.action), ['view'], 'no button decides anything any more');
      assert.deepEqual(rig.ntfy.shown(ALICE_TOPIC).filter((x) => x.sequence_id === id), [replaced], 'the phone shows one notification for it');
    });
  }

  it('decided elsewhere: the notification is replaced, and its button answers 409 naming the winner', async () => {
    const id = await file(rig.s);
    const p = await announced(rig.ntfy, id);
    const d = await rig.s.call('approver', 'POST', `/v1/requests/${id}/decision`, { outcome: 'denied', comment: 'no' });
    assert.equal(d.status, 200, d.text);
    const replaced = await eventually(async () => rig.ntfy.forRequest(id, ALICE_TOPIC)[1]);
    assert.match(replaced.title, /^Denied by alice via api$/);
    const res = await FakeNtfy.press(button(p, 'Approve'));
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'ALREADY_DECIDED');
    assert.equal((await rig.s.call('agent', 'GET', `/v1/requests/${id}`)).body.status, 'denied');
  });

  it('the same button pressed twice at once decides once', async () => {
    const id = await file(rig.s);
    const approve = button(await announced(rig.ntfy, id), 'Approve');
    const results = await Promise.all([FakeNtfy.press(approve), FakeNtfy.press(approve), FakeNtfy.press(approve)]);
    assert.equal(results.filter((r) => r.status === 200).length, 1, JSON.stringify(results));
    for (const r of results.filter((x) => x.status !== 200)) assert.ok(['ALREADY_DECIDED', 'ACTION_TOKEN_USED'].includes(r.body.error.code), JSON.stringify(r.body));
    const audit = await rig.s.call('admin', 'GET', `/v1/audit?request_id=${id}`);
    assert.equal(audit.body.items.filter((e: { action: string }) => e.action === 'request.approved').length, 1);
  });

  it('a forged token, or one moved to another request, decides nothing', async () => {
    const a = await file(rig.s);
    const b = await file(rig.s);
    const token = tokenOf(button(await announced(rig.ntfy, a), 'Approve'));
    const [payload, sig] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const moved = `${Buffer.from(JSON.stringify({ ...claims, r: b })).toString('base64url')}.${sig}`;
    const asBob = `${Buffer.from(JSON.stringify({ ...claims, a: 'bob' })).toString('base64url')}.${sig}`;
    const otherKey = tokenKit('ntfy', 'action').sign('a-secret-that-is-not-this-servers-0123456789', { requestId: a, approver: 'alice', action: 'approve', expiresAt: claims.e, nonce: 'n' });
    const emailKit = tokenKit('email').sign('x'.repeat(40), { requestId: a, approver: 'alice', action: 'approve', expiresAt: claims.e, nonce: 'n' });
    for (const forged of [moved, asBob, otherKey, emailKit, `${payload}.${sig.slice(0, -2)}AA`, 'junk', '']) {
      const res = await act(rig.s, JSON.stringify({ token: forged }));
      assert.equal(res.status, 400, forged);
      assert.equal(((await res.json()) as any).error.code, 'ACTION_TOKEN_INVALID');
    }
    for (const id of [a, b]) assert.equal((await rig.s.call('agent', 'GET', `/v1/requests/${id}`)).body.status, 'pending');
    const audit = await rig.s.call('admin', 'GET', '/v1/audit?limit=100');
    assert.ok(audit.body.items.some((e: { action: string; detail: { reason: string } }) => e.action === 'ntfy.action_refused' && e.detail.reason === 'invalid'));
  });

  it('a token made for an approver who does not decide the request is refused with 403, even signed with the real secret', async () => {
    const id = await file(rig.s); // no project: bob does not decide it
    await announced(rig.ntfy, id);
    const secret = await rig.s.store.getMeta('ntfy:action_secret');
    assert.ok(secret);
    const token = tokenKit('ntfy', 'action').sign(secret, { requestId: id, approver: 'bob', action: 'approve', expiresAt: rig.clock.now() + 30_000, nonce: 'forged-by-test' });
    const res = await act(rig.s, JSON.stringify({ token }));
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as any).error.code, 'NOT_ROUTED_TO_YOU');
    const offList = tokenKit('ntfy', 'action').sign(secret, { requestId: id, approver: 'alice', action: 'always', expiresAt: rig.clock.now() + 30_000, nonce: 'n2' });
    const res2 = await act(rig.s, JSON.stringify({ token: offList }));
    assert.equal(res2.status, 400, 'only what the notification showed');
    const gone = tokenKit('ntfy', 'action').sign(secret, { requestId: 'req_01jzzzzzzzzzzzzzzzzzzzzzzz', approver: 'alice', action: 'approve', expiresAt: rig.clock.now() + 30_000, nonce: 'n3' });
    assert.equal((await act(rig.s, JSON.stringify({ token: gone }))).status, 404);
    assert.equal((await rig.s.call('agent', 'GET', `/v1/requests/${id}`)).body.status, 'pending');
  });

  it('an expired token decides nothing (410), while the request itself still waits', async () => {
    const id = await file(rig.s);
    const approve = button(await announced(rig.ntfy, id), 'Approve');
    rig.clock.offset += 61_000; // channels.ntfy.action_ttl_sec is 60
    try {
      const res = await FakeNtfy.press(approve);
      assert.equal(res.status, 410);
      assert.equal(res.body.error.code, 'ACTION_TOKEN_EXPIRED');
      assert.equal((await rig.s.call('agent', 'GET', `/v1/requests/${id}`)).body.status, 'pending');
    } finally {
      rig.clock.offset -= 61_000;
    }
  });

  it('refuses malformed, oversized, nested and non-JSON bodies, and answers no GET', async () => {
    const id = await file(rig.s);
    await announced(rig.ntfy, id);
    const cases: [string, string, number, string][] = [
      ['not json', '{token:', 400, 'INVALID_JSON'],
      ['an array', '["x"]', 400, 'ACTION_TOKEN_INVALID'],
      ['a number token', '{"token":1}', 400, 'ACTION_TOKEN_INVALID'],
      ['extra keys', '{"token":"a.b","approver":"alice"}', 400, 'ACTION_TOKEN_INVALID'],
      ['deeply nested', `{"token":${'['.repeat(1500)}${']'.repeat(1500)}}`, 400, 'JSON_TOO_DEEP'],
      ['oversized', JSON.stringify({ token: 'x'.repeat(5000) }), 413, 'PAYLOAD_TOO_LARGE'],
    ];
    for (const [what, body, status, code] of cases) {
      const res = await act(rig.s, body);
      assert.equal(res.status, status, what);
      assert.equal(((await res.json()) as any).error.code, code, what);
    }
    const form = await act(rig.s, 'token=x', 'application/x-www-form-urlencoded');
    assert.equal(form.status, 415);
    assert.equal((await fetch(`${rig.s.url}/v1/ntfy/act`)).status, 404, 'a GET (a link preview, a scanner) finds nothing');
    assert.equal((await rig.s.call('agent', 'GET', `/v1/requests/${id}`)).body.status, 'pending');
  });
});

describe('ntfy: outages', { timeout: 120_000 }, () => {
  const rig = ntfySuite();

  it('ntfy down for a while: the request waits in the outbox, is delivered once when ntfy is back, and /v1/channels says so meanwhile', async () => {
    rig.ntfy.outage = 'refuse';
    const id = await file(rig.s);
    await eventually(async () => ((await rig.s.store.listOutbox({ request_id: id, limit: 10 })).find((i) => i.kind === 'ntfy' && i.attempts >= 2) ? true : undefined));
    const during = await rig.s.call('approver', 'GET', '/v1/channels');
    assert.equal(during.status, 200, during.text);
    const ntfy = during.body.items.find((c: { name: string }) => c.name === 'ntfy');
    assert.equal(ntfy.state, 'failing');
    assert.match(ntfy.last_error.message, /cannot be reached/);
    assert.ok(ntfy.backlog.pending >= 1);
    assert.equal((await rig.s.call('agent', 'GET', `/v1/requests/${id}`)).body.status, 'pending', 'the request is not lost or failed');
    rig.ntfy.outage = null;
    await announced(rig.ntfy, id);
    await eventually(async () => ((await rig.s.store.listOutbox({ request_id: id, limit: 10 })).every((i) => i.state === 'delivered') ? true : undefined));
    assert.equal(rig.ntfy.forRequest(id).length, 1, 'published exactly once');
    const now = (await rig.s.call('admin', 'GET', '/v1/channels')).body.items.find((c: { name: string }) => c.name === 'ntfy');
    assert.equal(now.state, 'ok');
    assert.ok(now.last_success_at);
    assert.equal(now.backlog.pending, 0);
    assert.equal((await rig.s.call('agent', 'GET', '/v1/channels')).status, 403, 'agents do not read channel health');
  });

  it('ntfy answering 503, then 429, is retried; a 403 (wrong token) goes dead at once with a message that says what to check', async () => {
    rig.ntfy.outage = 503;
    const id = await file(rig.s);
    await eventually(async () => ((await rig.s.store.listOutbox({ request_id: id, limit: 10 })).find((i) => i.kind === 'ntfy' && i.attempts >= 1) ? true : undefined));
    rig.ntfy.outage = 429;
    await eventually(async () => ((await rig.s.store.listOutbox({ request_id: id, limit: 10 })).find((i) => i.kind === 'ntfy' && i.attempts >= 2) ? true : undefined));
    rig.ntfy.outage = null;
    await announced(rig.ntfy, id);
    rig.ntfy.outage = 403;
    const dead = await file(rig.s);
    const item = await eventually(async () => (await rig.s.store.listOutbox({ request_id: dead, limit: 10 })).find((i) => i.kind === 'ntfy' && i.state === 'dead'));
    assert.equal(item.attempts, 1);
    assert.match(item.last_error ?? '', /ntfy answered 403 .*access_token/);
    rig.ntfy.outage = null;
  });
});
