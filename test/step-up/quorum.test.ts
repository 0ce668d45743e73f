// Step-up and a quorum together: a critical request that needs two approvals asks each approving
// voter for their own second factor before the vote counts; a denial needs none.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MovableClock } from '../helpers/clock.js';
import type { TestServer } from '../helpers/harness.js';
import { app, enrol, fileCritical, startStepUpServer } from './helpers.js';

const WORKFLOW = {
  groups: [{ name: 'sre', members: ['alice', 'bob'] }],
  workflows: [{ name: 'critical-two', match: { priority: ['critical'] }, quorum: { approvals: 2 }, approvers: ['group:sre'] }],
};

describe('step-up on a request that needs a quorum', () => {
  let server: TestServer;
  let clock: MovableClock;
  const secrets: Record<string, string> = {};
  before(async () => {
    ({ server, clock } = await startStepUpServer(WORKFLOW));
    secrets.alice = await enrol(server, clock, 'approver');
    secrets.bob = await enrol(server, clock, 'otherApprover');
    clock.offset += 60_000; // the enrolment codes are spent
  });
  after(() => server.stop());

  const vote = (role: 'approver' | 'otherApprover', id: string, body: unknown) => server.call(role, 'POST', `/v1/requests/${id}/decision`, body);

  it('counts an approving vote only with its voter\'s own code, and records the factor on the vote', async () => {
    const id = await fileCritical(server);
    const noCode = await vote('approver', id, { outcome: 'approved' });
    assert.equal(noCode.status, 403, noCode.text);
    assert.equal(noCode.body.error.code, 'STEP_UP_REQUIRED');
    const aliceCode = app(secrets.alice, clock).now();
    const first = await vote('approver', id, { outcome: 'approved', step_up: { code: aliceCode } });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.status, 'pending');
    assert.equal(first.body.workflow.votes.length, 1);
    // Bob cannot ride on Alice's code: his own app's code is checked against his own secret.
    const borrowed = await vote('otherApprover', id, { outcome: 'approved', step_up: { code: aliceCode } });
    assert.notEqual(borrowed.status, 200, borrowed.text);
    assert.match(borrowed.body.error.code, /^STEP_UP_CODE_(WRONG|REPLAYED)$/);
    const second = await vote('otherApprover', id, { outcome: 'approved', step_up: { code: app(secrets.bob, clock).now() } });
    assert.equal(second.status, 200, second.text);
    assert.equal(second.body.status, 'approved');
    const voted = ((await server.call('admin', 'GET', `/v1/audit?request_id=${id}&limit=50`)).body.items as { action: string; detail: any }[]).filter((e) => e.action === 'request.voted');
    assert.deepEqual(voted.map((e) => e.detail.step_up), ['totp', 'totp']);
  });

  it('takes a denying vote without a code', async () => {
    clock.offset += 30_000;
    const id = await fileCritical(server, 'Another deploy');
    const deny = await vote('otherApprover', id, { outcome: 'denied', comment: 'not now' });
    assert.equal(deny.status, 200, deny.text);
    assert.equal(deny.body.status, 'denied');
  });
});
