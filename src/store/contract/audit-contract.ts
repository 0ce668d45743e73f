import assert from 'node:assert/strict';
import { it } from 'node:test';
import { AUDIT_GENESIS, verifyAuditChain } from '../../core/audit-chain.js';
import { AUDIT_HEAD_META_KEY, parseAuditHead } from '../adapter-kit.js';
import { NO_EFFECTS, T0, effectsFor, makeAudit, makeDecision, makeRequest } from '../fixtures.js';
import { allAudit, type StoreHandle } from './handle.js';

export function auditContract(h: StoreHandle): void {
  it('chains every row from seq 1, whichever method wrote it, and the chain verifies', async () => {
    for (let i = 0; i < 30; i++) {
      const request = makeRequest({ created_at: T0 + i });
      const created = effectsFor(request.id, 'request.created');
      created.audit.push(makeAudit({ action: 'policy.asked', request_id: request.id, detail: { rule: `Bash(x ${i})`, n: i } }));
      await h.store.createRequest(request, created);
      if (i % 2 === 0) await h.store.settleRequest(request.id, 'approved', makeDecision(), T0 + i, effectsFor(request.id, 'request.decided'));
      if (i % 3 === 0) await h.store.appendAudit([makeAudit({ action: 'tick', at: T0 + i }), makeAudit({ action: 'tock', via: 'cli' })]);
    }
    const entries = await allAudit(h.store);
    assert.equal(entries.length, 30 * 2 + 15 + 10 * 2);
    assert.deepEqual(entries.map((e) => e.seq), entries.map((_, i) => i + 1));
    assert.equal(entries[0].prev_hash, AUDIT_GENESIS);
    for (let i = 1; i < entries.length; i++) assert.equal(entries[i].prev_hash, entries[i - 1].hash);
    const head = parseAuditHead(await h.store.getMeta(AUDIT_HEAD_META_KEY));
    assert.deepEqual(head, { seq: entries.length, hash: entries[entries.length - 1].hash });
    assert.deepEqual(verifyAuditChain(entries, head), { ok: true, checked: entries.length, problem: null, bad_seq: null });
  });

  it('gives back exactly what it hashed, so values JSON cannot keep still verify', async () => {
    const detail = { when: new Date(0), dropped: undefined, list: [1, 'two', null], nested: { b: 2, a: 1 } } as unknown as Record<string, unknown>;
    await h.store.appendAudit([makeAudit({ detail })]);
    const entries = await allAudit(h.store);
    assert.deepEqual(entries[0].detail, { when: '1970-01-01T00:00:00.000Z', list: [1, 'two', null], nested: { b: 2, a: 1 } });
    assert.equal(verifyAuditChain(entries).ok, true);
  });

  it('keeps every field of an entry', async () => {
    const input = makeAudit({ at: T0 + 7, actor_kind: 'approver', actor_name: 'alice', action: 'request.decided', request_id: 'req_1', via: 'telegram', detail: { outcome: 'approved' } });
    await h.store.appendAudit([input]);
    const [entry] = await allAudit(h.store);
    assert.deepEqual({ ...entry, prev_hash: undefined, hash: undefined, seq: undefined }, { ...input, prev_hash: undefined, hash: undefined, seq: undefined });
    assert.match(entry.hash, /^[0-9a-f]{64}$/);
  });

  it('writes nothing for an empty append', async () => {
    await h.store.appendAudit([]);
    assert.deepEqual(await allAudit(h.store), []);
    assert.equal(await h.store.getMeta(AUDIT_HEAD_META_KEY), null);
  });

  it('lists by request, after and before a seq, newest first, up to a limit', async () => {
    await h.store.appendAudit(Array.from({ length: 10 }, (_, i) => makeAudit({ action: `a${i + 1}`, request_id: i % 2 ? 'req_odd' : 'req_even' })));
    const actions = (rows: { action: string }[]) => rows.map((r) => r.action);
    assert.deepEqual(actions(await h.store.listAudit({ limit: 3 })), ['a1', 'a2', 'a3']);
    assert.deepEqual(actions(await h.store.listAudit({ limit: -1 })), []);
    assert.deepEqual(actions(await h.store.listAudit({ limit: 3, order: 'desc' })), ['a10', 'a9', 'a8']);
    assert.deepEqual(actions(await h.store.listAudit({ limit: 10, after_seq: 7 })), ['a8', 'a9', 'a10']);
    assert.deepEqual(actions(await h.store.listAudit({ limit: 10, before_seq: 3 })), ['a1', 'a2']);
    assert.deepEqual(actions(await h.store.listAudit({ limit: 10, after_seq: 2, before_seq: 9, request_id: 'req_odd' })), ['a4', 'a6', 'a8']);
    assert.deepEqual(actions(await h.store.listAudit({ limit: 2, before_seq: 9, order: 'desc', request_id: 'req_even' })), ['a7', 'a5']);
  });

  it('refuses audited writes while the recorded head is damaged, and says what to do', async () => {
    await h.store.appendAudit([makeAudit()]);
    await h.store.setMeta(AUDIT_HEAD_META_KEY, '{not json');
    await assert.rejects(h.store.appendAudit([makeAudit()]), /audit head .* is damaged.*greenlight audit verify/s);
    const request = makeRequest();
    await assert.rejects(h.store.createRequest(request, effectsFor(request.id, 'request.created')), /damaged/);
    assert.equal(await h.store.getRequest(request.id), null);
    assert.equal((await allAudit(h.store)).length, 1);
  });

  it('does not let a failed write leave audit rows behind', async () => {
    const request = makeRequest();
    await h.store.createRequest(request, NO_EFFECTS);
    const before = await allAudit(h.store);
    await assert.rejects(h.store.createRequest({ ...makeRequest(), id: request.id }, effectsFor(request.id, 'never')));
    assert.deepEqual(await allAudit(h.store), before);
    await h.store.appendAudit([makeAudit({ action: 'after' })]);
    const after = await allAudit(h.store);
    assert.equal(after[0].seq, 1);
    assert.equal(verifyAuditChain(after).ok, true);
  });
}
