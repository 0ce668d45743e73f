// Real responses of workflow requests (quorum votes, the ladder) and of the away routes match what
// the document says, refusals included.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildOpenApiSpec } from '../../src/http/openapi/spec.js';
import { conformsTo } from './conformance.js';
import { buildAppWithDocs, buildDeps, call, type KeyRole } from './fixture.js';

const spec: any = buildOpenApiSpec('1.2.3');
const conforms = conformsTo(spec);

describe('workflow routes: live responses match the document', () => {
  const deps = buildDeps(true, {
    approvers: [
      { name: 'alice', key: 'openapi-approver-key-01234567', telegram_user_id: 111, discord_user_id: '1400000000000000001', slack_user_id: 'U0ALICE01' },
      { name: 'bob', telegram_user_id: 112 },
    ],
    groups: [{ name: 'sre', members: ['alice', 'bob'], on_call: { rotation: 'daily', time_zone: 'Europe/Berlin', start: '2026-01-05' } }],
    workflows: [{ name: 'prod', quorum: { approvals: 2 }, approvers: ['group:sre'], ladder: [{ who: ['oncall:sre'], wait: '5m' }, { who: ['group:sre'] }] }],
  });
  const app = buildAppWithDocs(deps);
  const run = async (role: KeyRole | null, method: string, path: string, template: string, body?: unknown) => {
    const reply = await call(app, role, method, path, body);
    conforms(method, template, reply);
    return reply;
  };

  it('documents a request with its workflow, a vote, a second vote and a vote that is not plain', async () => {
    const filed = await run('agent', 'POST', '/v1/requests', '/v1/requests', { title: 'deploy', preview: 'make deploy' });
    assert.equal(filed.status, 201);
    assert.equal(filed.body.workflow.route, 'prod');
    assert.equal(filed.body.workflow.ladder.started.length, 1);
    const id = filed.body.id;
    const t = '/v1/requests/{id}/decision';
    assert.equal((await run('approver', 'POST', `/v1/requests/${id}/decision`, t, { outcome: 'approved', scope: 'always' })).body.error.code, 'VOTE_NOT_ALLOWED');
    const voted = await run('approver', 'POST', `/v1/requests/${id}/decision`, t, { outcome: 'approved' });
    assert.equal(voted.status, 200);
    assert.equal(voted.body.status, 'pending');
    assert.equal(voted.body.workflow.progress[0], '1 of 2 approvals — alice approved');
    const again = await run('approver', 'POST', `/v1/requests/${id}/decision`, t, { outcome: 'denied' });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'ALREADY_VOTED');
    assert.equal((await run('admin', 'POST', `/v1/requests/${id}/decision`, t, { outcome: 'approved' })).body.error.code, 'NOT_ROUTED_TO_YOU');
    assert.equal((await run('approver', 'GET', `/v1/requests/${id}`, '/v1/requests/{id}')).status, 200);
  });

  it('documents the away routes and their refusals', async () => {
    const t = '/v1/approvers/{name}/away';
    const until = new Date(Date.now() + 86_400_000).toISOString();
    assert.equal((await run('approver', 'GET', '/v1/approvers/alice/away', t)).body.away, false);
    assert.equal((await run('approver', 'PUT', '/v1/approvers/alice/away', t, { until, delegate: 'bob', note: 'off' })).status, 200);
    assert.equal((await run('approver', 'GET', '/v1/approvers/alice/away', t)).body.delegate, 'bob');
    assert.equal((await run('approver', 'PUT', '/v1/approvers/bob/away', t, { until })).status, 403);
    assert.equal((await run('agent', 'GET', '/v1/approvers/alice/away', t)).status, 403);
    assert.equal((await run(null, 'GET', '/v1/approvers/alice/away', t)).status, 401);
    assert.equal((await run('approver', 'GET', '/v1/approvers/zed/away', t)).status, 404);
    assert.equal((await run('approver', 'PUT', '/v1/approvers/alice/away', t, { until: 'tomorrow' })).status, 400);
    assert.equal((await run('approver', 'DELETE', '/v1/approvers/alice/away', t)).status, 200);
  });
});
