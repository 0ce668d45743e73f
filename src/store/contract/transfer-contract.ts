// Export and import: how `greenlight db copy` moves a whole install from one store to another.
// Every kind of row leaves and arrives exactly as it was: outbox state and attempts, revoked keys,
// used grants, expiring meta entries, and the audit chain with its own seq and hashes.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { verifyAuditChain } from '../../core/audit-chain.js';
import { AUDIT_HEAD_META_KEY, parseAuditHead } from '../adapter-kit.js';
import { NO_EFFECTS, T0, effectsFor, makeAudit, makeDecision, makeGrant, makeKey, makeOutbox, makeRequest } from '../fixtures.js';
import { ROW_KINDS, type RowKind, type RowPage, type Store, type StoreRows } from '../store.js';
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
  const [a, b, c] = [makeRequest({ created_at: T0 + 1, tags: ['x'], idempotency_key: 'k1' }), makeRequest({ created_at: T0 + 2 }), makeRequest({ created_at: T0 + 3, session_id: 's1' })];
  for (const r of [a, b, c]) await store.createRequest(r, effectsFor(r.id, 'request.created'));
  const grant = makeGrant({ scope: 'session', session_id: 's1', agent: 'claude', source_request_id: c.id, max_uses: 3 });
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
  });

  it('imports everything another store exported, exactly, with the audit chain intact and continuing', async () => {
    await fill(h.store);
    const source = await exportEverything(h.store);
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
