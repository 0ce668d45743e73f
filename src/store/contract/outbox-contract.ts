import assert from 'node:assert/strict';
import { it } from 'node:test';
import { T0, makeOutbox } from '../fixtures.js';
import { idsOf, type StoreHandle } from './handle.js';

const LEASE = 30_000;

export function outboxContract(h: StoreHandle): void {
  it('enqueues items as pending with no attempts, lease or delivery', async () => {
    const item = makeOutbox({ request_id: 'req_1', payload: { event: 'x', nested: { list: [1, { a: null }] } } });
    await h.store.enqueueOutbox([item]);
    assert.deepEqual(await h.store.getOutbox(item.id), { ...item, attempts: 0, last_error: null, state: 'pending', locked_until: null, delivered_at: null });
    assert.equal(await h.store.getOutbox('out_missing'), null);
  });

  it('claims due items in due order, up to the limit, and leases them', async () => {
    const [soon, sooner, future] = [makeOutbox({ next_attempt_at: T0 + 20 }), makeOutbox({ next_attempt_at: T0 + 10 }), makeOutbox({ next_attempt_at: T0 + 1000 })];
    await h.store.enqueueOutbox([soon, sooner, future]);
    const claimed = await h.store.claimOutbox(T0 + 50, 10, LEASE);
    assert.deepEqual(idsOf(claimed), idsOf([sooner, soon]));
    assert.ok(claimed.every((c) => c.locked_until === T0 + 50 + LEASE));
    assert.equal((await h.store.getOutbox(soon.id))?.locked_until, T0 + 50 + LEASE);
    assert.deepEqual(await h.store.claimOutbox(T0 + 60, 10, LEASE), [], 'leased items are not claimed twice');
    await h.store.enqueueOutbox([makeOutbox({ next_attempt_at: T0 }), makeOutbox({ next_attempt_at: T0 + 1 })]);
    assert.equal((await h.store.claimOutbox(T0 + 60, 1, LEASE)).length, 1);
  });

  it('makes a leased item claimable again once its lease runs out, so a crash retries', async () => {
    const item = makeOutbox({ next_attempt_at: T0 });
    await h.store.enqueueOutbox([item]);
    await h.store.claimOutbox(T0, 10, LEASE);
    assert.deepEqual(await h.store.claimOutbox(T0 + LEASE - 1, 10, LEASE), []);
    const again = await h.store.claimOutbox(T0 + LEASE, 10, LEASE);
    assert.deepEqual(idsOf(again), [item.id]);
    assert.equal(again[0].locked_until, T0 + 2 * LEASE);
  });

  it('claims only the kinds asked for', async () => {
    const [hook, mail] = [makeOutbox({ kind: 'webhook' }), makeOutbox({ kind: 'email' })];
    await h.store.enqueueOutbox([hook, mail]);
    assert.deepEqual(idsOf(await h.store.claimOutbox(T0, 10, LEASE, ['email'])), [mail.id]);
    assert.deepEqual(await h.store.claimOutbox(T0, 10, LEASE, []), []);
    assert.deepEqual(idsOf(await h.store.claimOutbox(T0, 10, LEASE, ['email', 'webhook'])), [hook.id]);
  });

  it('never hands the same item to two concurrent claimers', async () => {
    const items = Array.from({ length: 10 }, (_, i) => makeOutbox({ next_attempt_at: T0 + i }));
    await h.store.enqueueOutbox(items);
    const [a, b] = await Promise.all([h.store.claimOutbox(T0 + 100, 6, LEASE), h.store.claimOutbox(T0 + 100, 6, LEASE)]);
    const both = [...idsOf(a), ...idsOf(b)];
    assert.equal(new Set(both).size, both.length, 'an item was claimed twice');
    assert.deepEqual([...both].sort(), idsOf(items).sort());
  });

  it('releases a claimed item unsent: claimable again at once, no attempt or error recorded', async () => {
    const item = makeOutbox({ next_attempt_at: T0 });
    await h.store.enqueueOutbox([item]);
    await h.store.claimOutbox(T0, 10, LEASE);
    await h.store.releaseOutbox(item.id);
    assert.deepEqual(await h.store.getOutbox(item.id), { ...item, attempts: 0, last_error: null, state: 'pending', locked_until: null, delivered_at: null });
    assert.deepEqual(idsOf(await h.store.claimOutbox(T0 + 1, 10, LEASE)), [item.id]);
    await h.store.completeOutbox(item.id, T0 + 2);
    await h.store.releaseOutbox(item.id);
    assert.equal((await h.store.getOutbox(item.id))?.state, 'delivered', 'a delivered item stays delivered');
  });

  it('records a failure: one more attempt, the error, no lease, retried at the next time', async () => {
    const item = makeOutbox({ next_attempt_at: T0 });
    await h.store.enqueueOutbox([item]);
    await h.store.claimOutbox(T0, 10, LEASE);
    await h.store.failOutbox(item.id, 'HTTP 502', T0 + 5000);
    const failed = await h.store.getOutbox(item.id);
    assert.deepEqual({ ...failed }, { ...item, attempts: 1, last_error: 'HTTP 502', state: 'pending', locked_until: null, delivered_at: null, next_attempt_at: T0 + 5000 });
    assert.deepEqual(await h.store.claimOutbox(T0 + 4999, 10, LEASE), []);
    assert.deepEqual(idsOf(await h.store.claimOutbox(T0 + 5000, 10, LEASE)), [item.id]);
    await h.store.failOutbox(item.id, 'timeout', T0 + 9000);
    assert.equal((await h.store.getOutbox(item.id))?.attempts, 2);
  });

  it('marks an item dead when there is no next attempt, and never claims it again', async () => {
    const item = makeOutbox({ next_attempt_at: T0 });
    await h.store.enqueueOutbox([item]);
    await h.store.failOutbox(item.id, 'gave up', null);
    const dead = await h.store.getOutbox(item.id);
    assert.equal(dead?.state, 'dead');
    assert.equal(dead?.last_error, 'gave up');
    assert.equal(dead?.attempts, 1);
    assert.deepEqual(await h.store.claimOutbox(T0 + 1e9, 10, LEASE), []);
    assert.equal(await h.store.nextOutboxAttempt(), null);
  });

  it('completes an item: delivered, with the time, never claimed again', async () => {
    const item = makeOutbox({ next_attempt_at: T0 });
    await h.store.enqueueOutbox([item]);
    await h.store.claimOutbox(T0, 10, LEASE);
    await h.store.completeOutbox(item.id, T0 + 42);
    const done = await h.store.getOutbox(item.id);
    assert.equal(done?.state, 'delivered');
    assert.equal(done?.delivered_at, T0 + 42);
    assert.equal(done?.locked_until, null);
    assert.equal(done?.attempts, 1);
    assert.deepEqual(await h.store.claimOutbox(T0 + 1e9, 10, LEASE), []);
    await h.store.failOutbox(item.id, 'late failure report', T0 + 50);
    assert.equal((await h.store.getOutbox(item.id))?.state, 'delivered', 'a delivered item stays delivered');
  });

  it('reports when the next pending item becomes claimable', async () => {
    assert.equal(await h.store.nextOutboxAttempt(), null);
    const [first, second, delivered] = [makeOutbox({ next_attempt_at: T0 + 10 }), makeOutbox({ next_attempt_at: T0 + 20 }), makeOutbox({ next_attempt_at: T0 + 1 })];
    await h.store.enqueueOutbox([first, second, delivered]);
    await h.store.completeOutbox(delivered.id, T0);
    assert.equal(await h.store.nextOutboxAttempt(), T0 + 10);
    await h.store.claimOutbox(T0 + 10, 1, LEASE); // leases `first` until T0 + 10 + LEASE
    assert.equal(await h.store.nextOutboxAttempt(), T0 + 20);
  });

  it('lists items by request and by state, oldest first', async () => {
    const [a, b, c] = [
      makeOutbox({ request_id: 'req_a', created_at: T0 + 2 }),
      makeOutbox({ request_id: 'req_a', created_at: T0 + 1 }),
      makeOutbox({ request_id: 'req_b', created_at: T0 + 3 }),
    ];
    await h.store.enqueueOutbox([a, b, c]);
    await h.store.failOutbox(c.id, 'no', null);
    assert.deepEqual(idsOf(await h.store.listOutbox({ request_id: 'req_a', limit: 10 })), idsOf([b, a]));
    assert.deepEqual(idsOf(await h.store.listOutbox({ state: 'dead', limit: 10 })), [c.id]);
    assert.deepEqual(idsOf(await h.store.listOutbox({ state: 'pending', request_id: 'req_b', limit: 10 })), []);
    assert.deepEqual(idsOf(await h.store.listOutbox({ limit: 2 })), idsOf([b, a]));
  });

  it('claims and lists nothing with a limit of zero or less', async () => {
    await h.store.enqueueOutbox([makeOutbox({ next_attempt_at: T0 }), makeOutbox({ next_attempt_at: T0 })]);
    assert.deepEqual(await h.store.claimOutbox(T0, 0, LEASE), []);
    assert.deepEqual(await h.store.claimOutbox(T0, -1, LEASE), []);
    assert.deepEqual(await h.store.listOutbox({ limit: -1 }), []);
    assert.equal((await h.store.claimOutbox(T0, Infinity, LEASE)).length, 2);
  });

  it('rejects a duplicate item id and writes none of the batch', async () => {
    const item = makeOutbox();
    await h.store.enqueueOutbox([item]);
    const fresh = makeOutbox();
    await assert.rejects(h.store.enqueueOutbox([fresh, { ...item }]));
    assert.equal(await h.store.getOutbox(fresh.id), null);
  });
}
