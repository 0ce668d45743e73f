import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeWorkflow, T0 } from '../store/fixtures.js';
import { GreenlightError } from './errors.js';
import { applyVote, ladderText, nextStep, progressText, startStep, tally, type Vote, type Workflow } from './workflow.js';

const vote = (approver: string, outcome: Vote['outcome'] = 'approved', via = 'telegram'): Vote => ({ approver, outcome, via, at: T0 + 1, comment: null });
const cast = (wf: Workflow, ...votes: Vote[]) => votes.reduce((w, v) => applyVote(w, v).workflow, wf);

describe('quorum', () => {
  it('stays pending until M distinct approvers approved, then approves', () => {
    const wf = makeWorkflow();
    const one = applyVote(wf, vote('alice'));
    assert.equal(one.outcome, 'pending');
    assert.equal(progressText(one.workflow), '1 of 2 approvals — alice approved');
    const two = applyVote(one.workflow, vote('bob', 'approved', 'email'));
    assert.equal(two.outcome, 'approved');
    assert.equal(progressText(two.workflow), '2 of 2 approvals — alice and bob approved');
    assert.equal(two.workflow.rev, wf.rev + 2);
  });

  it('refuses a second vote by the same approver, whatever it says and on whichever channel', () => {
    const wf = cast(makeWorkflow(), vote('alice'));
    for (const again of [vote('alice'), vote('alice', 'denied', 'email')]) {
      assert.throws(() => applyVote(wf, again), (e: unknown) => e instanceof GreenlightError && e.code === 'ALREADY_VOTED' && /alice already approved this request \(via telegram\)/.test(e.message));
    }
  });

  it('refuses a vote by anyone not eligible (the filer and the owner are never eligible)', () => {
    assert.throws(() => applyVote(makeWorkflow(), vote('mallory')), (e: unknown) => e instanceof GreenlightError && e.code === 'NOT_ROUTED_TO_YOU' && /alice, bob, carol/.test(e.message));
  });

  it('ends on the first deny in first mode', () => {
    assert.equal(applyVote(cast(makeWorkflow(), vote('alice')), vote('bob', 'denied')).outcome, 'denied');
  });

  it('in majority mode ends denied only once most denied or the quorum is out of reach', () => {
    const wf = makeWorkflow({ quorum: { required: 2, deny: 'majority' }, eligible: ['a', 'b', 'c', 'd', 'e'] });
    assert.equal(tally(cast(wf, vote('a', 'denied'))), 'pending');
    assert.equal(tally(cast(wf, vote('a', 'denied'), vote('b', 'denied'))), 'pending');
    assert.equal(tally(cast(wf, vote('a', 'denied'), vote('b', 'denied'), vote('c', 'denied'))), 'denied');
    assert.equal(tally(cast(wf, vote('a', 'denied'), vote('b'), vote('c'))), 'approved');
    // 2 of 3 with two denials: only one approver is left, the quorum cannot be reached.
    const small = makeWorkflow({ quorum: { required: 2, deny: 'majority' } });
    assert.equal(tally(cast(small, vote('alice', 'denied'))), 'pending');
    assert.equal(tally(cast(small, vote('alice', 'denied'), vote('bob', 'denied'))), 'denied');
    assert.equal(progressText(cast(small, vote('carol'), vote('alice', 'denied'))), '1 of 2 approvals — carol approved; alice denied');
  });
});

describe('ladder', () => {
  it('starts the next step after the wait, then ends with the final outcome', () => {
    const wf = makeWorkflow();
    assert.deepEqual(nextStep(wf), { kind: 'step', step: 1 });
    const second = startStep(wf, 1, T0 + 300_000, [{ name: 'dave', why: 'member of sre' }]);
    assert.equal(second.next_at, T0 + 300_000 + 900_000);
    assert.ok(second.eligible.includes('dave'), 'whom a step asks may vote');
    assert.deepEqual(nextStep(second), { kind: 'final', outcome: 'deny' });
    assert.equal(ladderText(second), 'Step 2 of 2: asked dave (member of sre), email sre@example.test · then denied at 2026-01-01 00:20 UTC');
    assert.equal(ladderText(wf), 'Step 1 of 2: asked alice (on call for sre) · next step at 2026-01-01 00:05 UTC');
  });
});
