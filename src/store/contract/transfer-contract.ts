// Export and import: how `greenlight db copy` moves a whole install from one store to another.
// Every kind of row leaves and arrives exactly as it was: outbox state and attempts, revoked keys,
// used grants, expiring meta entries, the audit chain with its own seq and hashes, and agent
// sessions with what is left of their bounded transcripts.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { verifyAuditChain } from '../../core/audit-chain.js';
import { AUDIT_HEAD_META_KEY, parseAuditHead } from '../adapter-kit.js';
import { NO_EFFECTS, T0, effectsFor, makeAgentSession, makeAudit, makeDecision, makeGrant, makeKey, makeOutbox, makeRequest, makeSessionEvent, makeWorkflow } from '../fixtures.js';
import { ROW_KINDS, type AgentSession, type RowKind, type RowPage, type Store, type StoreRows } from '../store.js';
import { allAudit, type StoreHandle } from './handle.js';

async function exportAll<K extends RowKind>(store: Store, kind: K, pageSize = 1000): Promise<StoreRows[K][]> {
  const rows: StoreRows[K][] = [];
  let after: string | null = null;
  for (let pages = 0; ; pages++) {
    assert.ok(pages < 10_000, 'export does not end');
    const page: RowPage<K> = await store.exportRows(kind, after, pageSize);
    rows.push(...page.rows);
    if (page.next === null) return rows;
    after = page.next;
  }
}

/** A store with every kind of row, in every state. */
async function fill(store: Store): Promise<void> {
  const [a, b, c] = [makeRequest({ created_at: T0 + 1, tags: ['x'], idempotency_key: 'k1' }), makeRequest({ created_at: T0 + 2, workflow: makeWorkflow({ votes: [{ approver: 'bob', outcome: 'approved', via: 'telegram', at: T0 + 3, comment: 'ok \u0000 <b>' }] }) }), makeRequest({ created_at: T0 + 3, session_id: 's1', host: 'laptop-7' })];
  for (const r of [a, b, c]) await store.createRequest(r, effectsFor(r.id, 'request.created'));
  const grant = makeGrant({ scope: 'session', session_id: 's1', agent: 'claude', source_request_id: c.id, max_uses: 3, host: 'laptop-7' });
  await store.settleRequest(c.id, 'approved', makeDecision({ scope: 'session' }), T0 + 10, { ...effectsFor(c.id, 'request.approved'), grants: [grant] });
  await store.useGrant(grant.id, T0 + 11);
  const revokedGrant = makeGrant({ created_at: T0 + 5 });
  await store.insertGrant(revokedGrant, NO_EFFECTS);
  await store.revokeGrant(revokedGrant.id, T0 + 12, effectsFor(null, 'grant.revoked', false));
  await store.addChannelMessage({ request_id: a.id, channel: 'telegram', target: '-100', message_id: '7', created_at: T0 + 4 });
  await store.addChannelMessage({ request_id: a.id, channel: 'email', target: 'ops@example.test', message_id: '<m@x>', created_at: T0 + 4 });
  await store.addChannelMessage({ request_id: b.id, channel: 'telegram', target: '-100', message_id: '8', created_at: T0 + 5 });
  const [live, revoked] = [makeKey({ role: 'approver', projects: ['web'] }), makeKey()];
  await store.insertKey(live, effectsFor(null, 'key.created', false));
  await store.insertKey(revoked, NO_EFFECTS);
  await store.revokeKey(revoked.id, T0 + 20, NO_EFFECTS);
  const [delivered, dead, retrying] = [makeOutbox({ next_attempt_at: T0 }), makeOutbox({ next_attempt_at: T0 }), makeOutbox({ next_attempt_at: T0, payload: { deep: { list: [1, null] } } })];
  await store.enqueueOutbox([delivered, dead, retrying]);
  await store.claimOutbox(T0, 10, 60_000, ['webhook']);
  await store.completeOutbox(delivered.id, T0 + 30);
  await store.failOutbox(dead.id, 'HTTP 410', null);
  await store.failOutbox(retrying.id, 'timeout', T0 + 5000);
  await store.appendAudit([makeAudit({ action: 'tick', detail: { n: 1 } })]);
  await store.setMeta('first_admin_created', '1');
  await store.setMeta('web:session:abc', '{"v":1}', { expires_at: T0 + 3600_000 });
  const run = makeAgentSession({ external_id: 'cc-1', status: 'idle', turns: 2, cost_usd: 0.125, input_tokens: 900, output_tokens: 70, last_outcome: 'completed', updated_at: T0 + 40 });
  const hooked = makeAgentSession({ kind: 'hook', agent: 'claude', context: null, external_id: 'cc-2', chat_channel: null, chat_target: null, status: 'ended', created_at: T0 + 1, ended_at: T0 + 2 });
  await store.saveAgentSession(run);
  await store.saveAgentSession(hooked);
  // Four events, three kept: the copy holds seqs 2..4 and goes on at 5.
  for (let i = 1; i <= 4; i++) await store.appendSessionEvents(run.id, [makeSessionEvent({ kind: i === 1 ? 'prompt' : 'text', text: `line ${i} \u0000 <b>`, data: i === 4 ? { outcome: 'completed', n: [1, null] } : null })], 3);
  await store.appendSessionEvents(hooked.id, [makeSessionEvent({ kind: 'status', text: 'Session ended (exit).' })], 3);
}

async function exportEverything(store: Store): Promise<Record<RowKind, unknown[]>> {
  const out = {} as Record<RowKind, unknown[]>;
  for (const kind of ROW_KINDS) out[kind] = await exportAll(store, kind);
  return out;
}

export function transferContract(h: StoreHandle): void {
  it('exports each kind of row in a fixed order, page by page, the same rows the store gives back elsewhere', async () => {
    await fill(h.store);
    const requests = await exportAll(h.store, 'requests', 2);
    const listed = (await h.store.listRequests({ order: 'newest', limit: 100 })).items;
    assert.deepEqual(requests, [...listed].sort((x, y) => (x.id < y.id ? -1 : 1)));
    const audit = await exportAll(h.store, 'audit', 2);
    assert.deepEqual(audit, await allAudit(h.store));
    const outbox = await exportAll(h.store, 'outbox', 2);
    assert.deepEqual(outbox, [...(await h.store.listOutbox({ limit: 100 }))].sort((x, y) => (x.id < y.id ? -1 : 1)));
    assert.deepEqual(await exportAll(h.store, 'keys', 1), [...(await h.store.listKeys())].sort((x, y) => (x.id < y.id ? -1 : 1)));
    assert.deepEqual(await exportAll(h.store, 'grants', 1), [...(await h.store.listGrants({ include_revoked: true }))].sort((x, y) => (x.id < y.id ? -1 : 1)));
    const messages = await exportAll(h.store, 'channel_messages', 1);
    assert.equal(messages.length, 3);
    const key = (m: (typeof messages)[number]) => [m.request_id, m.channel, m.target, m.message_id].join('\u0000');
    assert.deepEqual(messages.map(key), [...messages].map(key).sort());
    const meta = await exportAll(h.store, 'meta', 1);
    assert.deepEqual(meta.map((m) => m.key), [...meta.map((m) => m.key)].sort());
    assert.deepEqual(meta.find((m) => m.key === 'web:session:abc'), { key: 'web:session:abc', value: '{"v":1}', expires_at: T0 + 3600_000 });
    assert.deepEqual((await h.store.exportRows('keys', null, 0)).rows, []);
    const sessions = await exportAll(h.store, 'agent_sessions', 1);
    assert.deepEqual(sessions, [...(await h.store.listAgentSessions({ limit: 100 }))].sort((x, y) => (x.id < y.id ? -1 : 1)));
    const events = await exportAll(h.store, 'session_events', 2);
    const stored = (await Promise.all(sessions.map((s) => h.store.listSessionEvents(s.id, { limit: 100 })))).flat();
    assert.deepEqual(events, stored);
    assert.deepEqual(events.filter((e) => e.session_id === sessions.find((s) => s.kind === 'run')!.id).map((e) => e.seq), [2, 3, 4]);
  });

  it('imports everything another store exported, exactly, with the audit chain intact and continuing', async () => {
    await fill(h.store);
    const source = await exportEverything(h.store);
    assert.ok((source.requests as { host: string | null }[]).some((r) => r.host === 'laptop-7') && (source.grants as { host: string | null }[]).some((g) => g.host === 'laptop-7'), 'the machine a request named, and a grant\'s host limit, are exported');
    const target = await h.open();
    for (const kind of ROW_KINDS) {
      const rows = source[kind];
      for (let i = 0; i < rows.length; i += 2) await target.importRows(kind, rows.slice(i, i + 2) as never);
    }
    assert.deepEqual(await exportEverything(target), source);
    const head = parseAuditHead(await target.getMeta(AUDIT_HEAD_META_KEY));
    assert.equal(verifyAuditChain(await allAudit(target), head).ok, true);
    await target.appendAudit([makeAudit({ action: 'after.copy' })]);
    const after = await allAudit(target);
    assert.equal(after.at(-1)?.seq, source.audit.length + 1);
    assert.equal(verifyAuditChain(after, parseAuditHead(await target.getMeta(AUDIT_HEAD_META_KEY))).ok, true);
    const outbox = await target.claimOutbox(T0 + 5000, 10, 1000);
    assert.equal(outbox.length, 1, 'only the retrying item is due; delivered and dead ones stay done');
    assert.equal(outbox[0].attempts, 1);
    const run = source.agent_sessions.find((s) => (s as AgentSession).kind === 'run') as AgentSession;
    const [next] = await target.appendSessionEvents(run.id, [makeSessionEvent({ text: 'after the copy' })], 3);
    assert.equal(next.seq, 5, 'the transcript goes on after the copied events');
    await assert.rejects(target.importRows('session_events', [{ session_id: 'ses_missing', seq: 1, at: T0, kind: 'text', text: 'x', data: null }]));
  });

  it('refuses a batch holding a row it already has, and writes none of that batch', async () => {
    const [old, fresh] = [makeRequest(), makeRequest()];
    await h.store.createRequest(old, NO_EFFECTS);
    await assert.rejects(h.store.importRows('requests', [fresh, old]));
    assert.equal(await h.store.getRequest(fresh.id), null);
    const key = makeKey();
    await h.store.insertKey(key, NO_EFFECTS);
    await assert.rejects(h.store.importRows('keys', [key]));
    assert.equal((await h.store.listKeys()).length, 1);
  });
}
