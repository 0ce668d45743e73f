// The workflow's compare-and-set (src/core/workflow.ts): votes and ladder steps are written only
// against the revision they were counted from, so concurrent votes on any instance are each
// counted exactly once, and a vote that completes the quorum settles the request in the same write.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Workflow } from '../../core/workflow.js';
import { NO_EFFECTS, T0, effectsFor, makeDecision, makeRequest, makeWorkflow } from '../fixtures.js';
import { allAudit, allOutbox, idsOf, seedRequests, type StoreHandle } from './handle.js';

const voted = (wf: Workflow, approver: string): Workflow => ({ ...wf, rev: wf.rev + 1, votes: [...wf.votes, { approver, outcome: 'approved', via: 'telegram', at: T0 + 1, comment: null }] });

export function workflowContract(h: StoreHandle): void {
  it('stores a request with its workflow and reads it back as written', async () => {
    const request = makeRequest({ workflow: makeWorkflow() });
    const created = await h.store.createRequest(request, NO_EFFECTS);
    assert.deepEqual(created.request, request);
    assert.deepEqual(await h.store.getRequest(request.id), request);
    assert.deepEqual((await h.store.listRequests({ order: 'newest', limit: 10 })).items[0].workflow, request.workflow);
  });

  it('advances the workflow from the revision it was read at, with its effects, and keeps it pending', async () => {
    const request = makeRequest({ workflow: makeWorkflow() });
    await h.store.createRequest(request, NO_EFFECTS);
    const next = voted(request.workflow!, 'alice');
    const result = await h.store.advanceWorkflow(request.id, 1, next, T0 + 1, effectsFor(request.id, 'request.voted'));
    assert.deepEqual(result, { ok: true, request: { ...request, workflow: next, updated_at: T0 + 1 } });
    assert.deepEqual(await h.store.getRequest(request.id), { ...request, workflow: next, updated_at: T0 + 1 });
    assert.deepEqual((await allAudit(h.store)).map((a) => a.action), ['request.voted']);
    assert.equal((await allOutbox(h.store)).length, 1);
  });

  it('refuses a write from a stale revision and writes none of its effects', async () => {
    const request = makeRequest({ workflow: makeWorkflow() });
    await h.store.createRequest(request, NO_EFFECTS);
    assert.ok((await h.store.advanceWorkflow(request.id, 1, voted(request.workflow!, 'alice'), T0 + 1, NO_EFFECTS)).ok);
    const stale = await h.store.advanceWorkflow(request.id, 1, voted(request.workflow!, 'bob'), T0 + 2, effectsFor(request.id, 'request.voted'));
    assert.equal(stale.ok, false);
    assert.deepEqual(stale.ok ? null : stale.current?.workflow?.votes.map((v) => v.approver), ['alice']);
    assert.equal((await allAudit(h.store)).length, 0);
    assert.equal((await allOutbox(h.store)).length, 0);
  });

  it('lets exactly one of 20 concurrent votes from the same revision win', async () => {
    const request = makeRequest({ workflow: makeWorkflow() });
    await h.store.createRequest(request, NO_EFFECTS);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => h.store.advanceWorkflow(request.id, 1, voted(request.workflow!, `approver-${i}`), T0 + i, effectsFor(request.id, `voted-${i}`))),
    );
    const winners = results.filter((r) => r.ok);
    assert.equal(winners.length, 1);
    const stored = await h.store.getRequest(request.id);
    assert.equal(stored?.workflow?.votes.length, 1);
    assert.equal(stored?.workflow?.rev, 2);
    assert.deepEqual((await allAudit(h.store)).map((a) => a.action), [`voted-${stored!.workflow!.votes[0].approver.slice('approver-'.length)}`]);
  });

  it('settles the request in the same write when the vote completes the quorum', async () => {
    const request = makeRequest({ workflow: voted(makeWorkflow(), 'alice') });
    await h.store.createRequest(request, NO_EFFECTS);
    const final = { ...voted(request.workflow!, 'bob'), next_at: null };
    const decision = makeDecision({ decided_by: 'alice, bob', via: 'telegram, email' });
    const result = await h.store.advanceWorkflow(request.id, 2, final, T0 + 9, effectsFor(request.id, 'request.approved'), { status: 'approved', decision });
    assert.ok(result.ok);
    assert.deepEqual(await h.store.getRequest(request.id), { ...request, status: 'approved', decision, workflow: final, updated_at: T0 + 9 });
    // Settled: no later vote, ladder step or settle changes it.
    assert.equal((await h.store.advanceWorkflow(request.id, 3, voted(final, 'carol'), T0 + 10, NO_EFFECTS)).ok, false);
    assert.equal((await h.store.settleRequest(request.id, 'denied', makeDecision({ outcome: 'denied' }), T0 + 11, NO_EFFECTS)).ok, false);
    assert.deepEqual(await h.store.listWorkflowDue(T0 + 3_600_000, 10), []);
  });

  it('does not advance a request that was settled or never had a workflow at that revision', async () => {
    const [plain, decided] = await seedRequests(h.store, [{}, { workflow: makeWorkflow() }]);
    assert.equal((await h.store.advanceWorkflow(plain.id, 1, makeWorkflow(), T0 + 1, NO_EFFECTS)).ok, false);
    assert.ok((await h.store.advanceWorkflow(plain.id, 0, makeWorkflow(), T0 + 1, NO_EFFECTS)).ok, 'a request without a workflow is at revision 0');
    await h.store.settleRequest(decided.id, 'denied', makeDecision({ outcome: 'denied' }), T0 + 2, NO_EFFECTS);
    assert.equal((await h.store.advanceWorkflow(decided.id, 1, voted(decided.workflow!, 'bob'), T0 + 3, effectsFor(decided.id, 'x'))).ok, false);
    assert.deepEqual(await h.store.advanceWorkflow('req_missing', 0, makeWorkflow(), T0, NO_EFFECTS), { ok: false, current: null });
    assert.equal((await allAudit(h.store)).length, 0);
  });

  it('lists pending requests whose ladder step is over, earliest first, and the next wake-up', async () => {
    assert.equal(await h.store.nextWorkflowWake(), null);
    const [late, early, none, settled] = await seedRequests(h.store, [
      { workflow: makeWorkflow({ next_at: T0 + 20_000 }) },
      { workflow: makeWorkflow({ next_at: T0 + 10_000 }) },
      { workflow: makeWorkflow({ next_at: null }) },
      { workflow: makeWorkflow({ next_at: T0 + 1_000 }) },
    ]);
    await h.store.settleRequest(settled.id, 'approved', makeDecision(), T0 + 2, NO_EFFECTS);
    assert.equal(await h.store.nextWorkflowWake(), T0 + 10_000);
    assert.deepEqual(idsOf(await h.store.listWorkflowDue(T0 + 9_999, 10)), []);
    assert.deepEqual(idsOf(await h.store.listWorkflowDue(T0 + 20_000, 10)), [early.id, late.id]);
    assert.deepEqual(idsOf(await h.store.listWorkflowDue(T0 + 20_000, 1)), [early.id]);
    // Moving the ladder on moves the wake-up with it.
    await h.store.advanceWorkflow(early.id, 1, { ...early.workflow!, rev: 2, next_at: T0 + 30_000 }, T0 + 10_000, NO_EFFECTS);
    assert.equal(await h.store.nextWorkflowWake(), T0 + 20_000);
    assert.ok(none.workflow);
  });
}
