import assert from 'node:assert/strict';
import { it } from 'node:test';
import { NO_EFFECTS, T0, effectsFor, makeDecision, makeGrant, makeRequest } from '../fixtures.js';
import { allAudit, allOutbox, idsOf, seedRequests, type StoreHandle } from './handle.js';

export function settlingContract(h: StoreHandle): void {
  it('settles a pending request: status, decision, updated_at and effects in one go', async () => {
    const request = makeRequest();
    await h.store.createRequest(request, NO_EFFECTS);
    const decision = makeDecision({ comment: 'fine', updated_input: { command: 'npm test -- --ci' } });
    const result = await h.store.settleRequest(request.id, 'approved', decision, T0 + 1000, effectsFor(request.id, 'request.decided'));
    const expected = { ...request, status: 'approved' as const, decision, updated_at: T0 + 1000 };
    assert.deepEqual(result, { ok: true, request: expected });
    assert.deepEqual(await h.store.getRequest(request.id), expected);
    assert.deepEqual((await allAudit(h.store)).map((a) => a.action), ['request.decided']);
    assert.equal((await allOutbox(h.store)).length, 1);
  });

  it('lets exactly one of 20 concurrent settles win; the others see the winner', async () => {
    const request = makeRequest();
    await h.store.createRequest(request, NO_EFFECTS);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        h.store.settleRequest(request.id, i % 2 ? 'approved' : 'denied', makeDecision({ outcome: i % 2 ? 'approved' : 'denied', decided_by: `approver-${i}` }), T0 + i, effectsFor(request.id, `decided-by-${i}`)),
      ),
    );
    const winners = results.filter((r) => r.ok);
    assert.equal(winners.length, 1);
    const winner = winners[0].ok ? winners[0].request : null;
    for (const r of results) {
      if (!r.ok) assert.equal(r.current?.decision?.decided_by, winner?.decision?.decided_by);
    }
    assert.deepEqual((await allAudit(h.store)).map((a) => a.action), [`decided-by-${winner?.decision?.decided_by.slice('approver-'.length)}`]);
    assert.equal((await allOutbox(h.store)).length, 1);
  });

  it('writes the grants a decision creates with it, and none when the settle loses', async () => {
    const request = makeRequest({ session_id: 's1' });
    await h.store.createRequest(request, NO_EFFECTS);
    const grant = makeGrant({ rule: 'Bash(git status *)', scope: 'session', session_id: 's1', source_request_id: request.id });
    const won = await h.store.settleRequest(request.id, 'approved', makeDecision({ scope: 'session' }), T0 + 1, { audit: [], outbox: [], grants: [grant] });
    assert.ok(won.ok);
    assert.deepEqual((await h.store.getGrant(grant.id))?.rule, 'Bash(git status *)');
    const late = makeGrant({ rule: 'Bash(rm *)', scope: 'always' });
    const lost = await h.store.settleRequest(request.id, 'approved', makeDecision({ scope: 'always' }), T0 + 2, { audit: [], outbox: [], grants: [late] });
    assert.equal(lost.ok, false);
    assert.equal(await h.store.getGrant(late.id), null);
  });

  it('answers a settle of a missing request with current: null and writes nothing', async () => {
    const result = await h.store.settleRequest('req_missing', 'approved', makeDecision(), T0, effectsFor('req_missing', 'request.decided'));
    assert.deepEqual(result, { ok: false, current: null });
    assert.equal((await allAudit(h.store)).length, 0);
    assert.equal((await allOutbox(h.store)).length, 0);
  });

  it('refuses to settle a request that is no longer pending, writing no effects', async () => {
    const request = makeRequest();
    await h.store.createRequest(request, NO_EFFECTS);
    const first = await h.store.settleRequest(request.id, 'denied', makeDecision({ outcome: 'denied' }), T0 + 1, NO_EFFECTS);
    assert.ok(first.ok);
    const second = await h.store.settleRequest(request.id, 'approved', makeDecision(), T0 + 2, effectsFor(request.id, 'late'));
    assert.deepEqual(second, { ok: false, current: first.request });
    assert.equal((await allAudit(h.store)).length, 0);
    assert.equal((await allOutbox(h.store)).length, 0);
  });

  it('expires without a decision and cancels with one', async () => {
    const [toExpire, toCancel] = await seedRequests(h.store, [{}, {}]);
    const expired = await h.store.settleRequest(toExpire.id, 'expired', null, T0 + 5, NO_EFFECTS);
    assert.ok(expired.ok);
    assert.equal(expired.request.status, 'expired');
    assert.equal(expired.request.decision, null);
    const cancelDecision = makeDecision({ outcome: 'denied', decided_by: 'codex', decided_by_kind: 'agent', via: 'api' });
    const cancelled = await h.store.settleRequest(toCancel.id, 'cancelled', cancelDecision, T0 + 6, NO_EFFECTS);
    assert.ok(cancelled.ok);
    assert.deepEqual((await h.store.getRequest(toCancel.id))?.decision, cancelDecision);
    assert.equal((await h.store.getRequest(toCancel.id))?.status, 'cancelled');
  });

  it('refuses to settle back to pending', async () => {
    const [request] = await seedRequests(h.store, [{}]);
    await assert.rejects(h.store.settleRequest(request.id, 'pending', null, T0, NO_EFFECTS));
  });

  it('lists pending requests past their deadline, earliest deadline first, up to the limit', async () => {
    const [late, later, notYet, decided, latest] = await seedRequests(h.store, [
      { expires_at: T0 + 10 },
      { expires_at: T0 + 20 },
      { expires_at: T0 + 1000 },
      { expires_at: T0 + 5 },
      { expires_at: T0 + 30 },
    ]);
    await h.store.settleRequest(decided.id, 'approved', makeDecision(), T0, NO_EFFECTS);
    assert.deepEqual(idsOf(await h.store.listExpired(T0 + 30, 10)), idsOf([late, later, latest]));
    assert.deepEqual(idsOf(await h.store.listExpired(T0 + 30, 2)), idsOf([late, later]));
    assert.deepEqual(idsOf(await h.store.listExpired(T0 + 9, 10)), []);
    assert.deepEqual(idsOf(await h.store.listExpired(T0 + 30, -1)), []);
    assert.ok(!idsOf(await h.store.listExpired(T0 + 999, 10)).includes(notYet.id));
  });

  it('reports the earliest deadline among pending requests only', async () => {
    assert.equal(await h.store.nextExpiry(), null);
    const [early, mid, late] = await seedRequests(h.store, [{ expires_at: T0 + 5 }, { expires_at: T0 + 50 }, { expires_at: T0 + 500 }]);
    assert.equal(await h.store.nextExpiry(), T0 + 5);
    await h.store.settleRequest(early.id, 'approved', makeDecision(), T0, NO_EFFECTS);
    assert.equal(await h.store.nextExpiry(), T0 + 50);
    await h.store.settleRequest(mid.id, 'expired', null, T0, NO_EFFECTS);
    await h.store.settleRequest(late.id, 'cancelled', null, T0, NO_EFFECTS);
    assert.equal(await h.store.nextExpiry(), null);
  });
}
