// Real responses of the compat dialects (ok2run, Chock) match what the document says about them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildOpenApiSpec } from '../../src/http/openapi/spec.js';
import { conformsTo } from './conformance.js';
import { buildAppWithDocs, buildDeps, call, type KeyRole } from './fixture.js';

const spec: any = buildOpenApiSpec('1.2.3');
const conforms = conformsTo(spec);

describe('compat responses match the document', () => {
  const app = buildAppWithDocs(buildDeps());
  const run = async (role: KeyRole | null, method: string, path: string, template: string, body?: unknown) => {
    const reply = await call(app, role, method, path, body);
    conforms(method, template, reply);
    return reply;
  };

  it('ok2run: create, read (pending and decided), email reply, and its refusals', async () => {
    const created = await run('agent', 'POST', '/v1/approvals', '/v1/approvals', { session_id: 's-1', action_type: 'bash', title: 'Run tests', preview: 'npm test', options: ['Unit', 'All'] });
    assert.equal(created.status, 200);
    const id = created.body.approval_id;
    assert.equal((await run('agent', 'GET', `/v1/approvals/${id}`, '/v1/approvals/{id}')).body.status, 'pending');
    const reply = await run('approver', 'POST', '/v1/inbox/email-reply', '/v1/inbox/email-reply', { subject: `Re: [${id}]`, body: '4 B\n> quoted' });
    assert.equal(reply.status, 200);
    const read = await run('agent', 'GET', `/v1/approvals/${id}?wait=1`, '/v1/approvals/{id}');
    assert.equal(read.body.status, 'approved');
    assert.equal((await run('approver', 'POST', '/v1/inbox/email-reply', '/v1/inbox/email-reply', { subject: `Re: [${id}]`, body: '1' })).status, 409);
    assert.equal((await run('agent', 'POST', '/v1/approvals', '/v1/approvals', { title: 'missing fields' })).status, 422);
    assert.equal((await run('approver', 'POST', '/v1/approvals', '/v1/approvals', { session_id: 's', action_type: 'a', title: 't', preview: 'p' })).status, 403);
    assert.equal((await run('agent', 'POST', '/v1/inbox/email-reply', '/v1/inbox/email-reply', { body: '1' })).status, 403);
    assert.equal((await run('approver', 'POST', '/v1/inbox/email-reply', '/v1/inbox/email-reply', { body: '1 no id here' })).status, 422);
    assert.equal((await run(null, 'GET', `/v1/approvals/${id}`, '/v1/approvals/{id}')).status, 401);
    assert.equal((await run('agent', 'GET', '/v1/approvals/req_nope', '/v1/approvals/{id}')).status, 404);
  });

  it('Chock: create, list, read, pending, respond, the race, cancel, activity, health', async () => {
    const role: KeyRole = 'agent';
    const created = await run(role, 'POST', '/api/requests', '/api/requests', {
      title: 'Refund order 1234',
      plan: 'POST /refunds',
      requester: 'support-bot',
      tags: ['refund'],
      priority: 'high',
      conditions_schema: [{ key: 'max_amount', label: 'Max amount', type: 'number', required: true }],
    });
    assert.equal(created.status, 201);
    const id = created.body.id;
    const other = (await run(role, 'POST', '/api/requests', '/api/requests', { title: 'Second' })).body.id;
    assert.equal((await run('approver', 'GET', '/api/requests?status=pending&limit=5', '/api/requests')).status, 200);
    assert.equal((await run('approver', 'GET', '/api/requests?requester=support-bot', '/api/requests')).body.length, 1);
    assert.equal((await run('agent', 'GET', `/api/requests/${id}`, '/api/requests/{id}')).status, 200);
    assert.equal((await run('approver', 'GET', '/api/pending', '/api/pending')).body.length, 2);
    const responded = await run('approver', 'POST', `/api/requests/${id}/respond`, '/api/requests/{id}/respond', { status: 'conditional', responder: 'alice', comment: 'ok', conditions: { max_amount: 50 } });
    assert.equal(responded.status, 200);
    assert.equal((await run('approver', 'GET', `/api/requests/${id}`, '/api/requests/{id}')).body.response.status, 'conditional');
    assert.equal((await run('admin', 'POST', `/api/requests/${id}/respond`, '/api/requests/{id}/respond', { status: 'denied' })).status, 400);
    assert.equal((await run('agent', 'POST', `/api/requests/${other}/respond`, '/api/requests/{id}/respond', { status: 'approved' })).status, 403);
    assert.equal((await run('agent', 'DELETE', `/api/requests/${other}?reason=done`, '/api/requests/{id}')).status, 200);
    assert.equal((await run('agent', 'DELETE', `/api/requests/${id}`, '/api/requests/{id}')).status, 400);
    assert.equal((await run('agent', 'GET', '/api/requests/req_nope', '/api/requests/{id}')).status, 404);
    assert.equal((await run('agent', 'POST', '/api/requests', '/api/requests', { title: 'x', priority: 'urgent' })).status, 400);
    assert.equal((await run('agent', 'POST', '/api/requests', '/api/requests', { plan: 'no title' })).status, 422);
    assert.equal((await run('approver', 'GET', '/api/requests?limit=abc', '/api/requests')).status, 422);
    const activity = await run('approver', 'GET', '/api/activity?limit=10', '/api/activity');
    assert.ok(activity.body.length > 0);
    assert.equal((await run('agent', 'GET', '/api/activity', '/api/activity')).status, 403);
    assert.equal((await run(null, 'GET', '/health', '/health')).status, 200);
  });
});
