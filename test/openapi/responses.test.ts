// Real responses of the native API match what the document says: the status is documented for
// the operation, and the body validates against the documented schema with no undocumented fields.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildOpenApiSpec } from '../../src/http/openapi/spec.js';
import { conformsTo } from './conformance.js';
import { buildAppWithDocs, buildDeps, call, type KeyRole } from './fixture.js';
import { validateJson } from './openapi-check.js';

const spec: any = buildOpenApiSpec('1.2.3');
const conforms = conformsTo(spec);

describe('live responses match the document', () => {
  const app = buildAppWithDocs(buildDeps());
  const run = async (role: KeyRole | null, method: string, path: string, template: string, body?: unknown, headers?: Record<string, string>) => {
    const reply = await call(app, role, method, path, body, headers);
    conforms(method, template, reply);
    return reply;
  };

  it('covers the request lifecycle: create, get, list, pending, wait, decide, the race, cancel', async () => {
    const created = await run('agent', 'POST', '/v1/requests', '/v1/requests', {
      title: 'Deploy billing',
      preview: 'kubectl rollout restart deploy/billing',
      tool: 'Bash',
      input: { command: 'kubectl rollout restart deploy/billing' },
      priority: 'high',
      tags: ['prod'],
      question: { options: ['Now', 'Tonight'] },
      conditions_schema: [{ name: 'window', type: 'select', options: ['now', 'tonight'], required: true }],
      metadata: { ticket: 42 },
    });
    assert.equal(created.status, 201);
    const id = created.body.id;
    const again = await run('agent', 'POST', '/v1/requests', '/v1/requests', { title: 'same', idempotency_key: 'k1' });
    assert.equal(again.status, 201);
    assert.equal((await run('agent', 'POST', '/v1/requests', '/v1/requests', { title: 'same', idempotency_key: 'k1' })).status, 200);

    assert.equal((await run('agent', 'GET', `/v1/requests/${id}`, '/v1/requests/{id}')).status, 200);
    const list = await run('approver', 'GET', '/v1/requests?status=pending,approved&priority=high&limit=1', '/v1/requests');
    assert.equal(list.status, 200);
    assert.equal((await run('approver', 'GET', '/v1/requests?limit=1', '/v1/requests')).body.next_cursor !== null, true);
    assert.equal((await run('approver', 'GET', '/v1/requests/pending?limit=10', '/v1/requests/pending')).status, 200);
    const waited = await run('agent', 'GET', `/v1/requests/${id}/wait?timeout_sec=0`, '/v1/requests/{id}/wait');
    assert.equal(waited.body.status, 'pending');

    const decided = await run('approver', 'POST', `/v1/requests/${id}/decision`, '/v1/requests/{id}/decision', { outcome: 'conditional', conditions: { window: 'tonight' }, comment: 'after 22:00' });
    assert.equal(decided.status, 200);
    assert.equal(decided.body.decision.decided_by, 'alice');
    const race = await run('admin', 'POST', `/v1/requests/${id}/decision`, '/v1/requests/{id}/decision', { outcome: 'denied' });
    assert.equal(race.status, 409);
    assert.equal(race.body.error.code, 'ALREADY_DECIDED');
    assert.equal((await run('agent', 'POST', `/v1/requests/${id}/cancel`, '/v1/requests/{id}/cancel', {})).status, 409);
    assert.equal((await run('agent', 'POST', `/v1/requests/${again.body.id}/cancel`, '/v1/requests/{id}/cancel', { reason: 'done' })).status, 200);
  });

  it('documents the refusals it gives: 400, 401, 403, 404, 415', async () => {
    assert.equal((await run(null, 'GET', '/v1/requests', '/v1/requests')).status, 401);
    assert.equal((await run('agent', 'POST', '/v1/requests', '/v1/requests', { title: '' })).status, 400);
    assert.equal((await run('agent', 'POST', '/v1/requests', '/v1/requests', 'x', { 'content-type': 'application/xml' })).status, 415);
    assert.equal((await run('approver', 'POST', '/v1/requests', '/v1/requests', { title: 'x' })).status, 403);
    assert.equal((await run('agent', 'GET', '/v1/requests/req_nope', '/v1/requests/{id}')).status, 404);
    assert.equal((await run('agent', 'GET', '/v1/audit', '/v1/audit')).status, 403);
    assert.equal((await run('agent', 'GET', '/v1/requests?limit=0', '/v1/requests')).status, 400);
    assert.equal((await run('agent', 'GET', '/v1/requests?cursor=nonsense', '/v1/requests')).status, 400);
    const { id } = (await call(app, 'agent', 'POST', '/v1/requests', { title: 'refuse me' })).body;
    assert.equal((await run('agent', 'POST', `/v1/requests/${id}/decision`, '/v1/requests/{id}/decision', { outcome: 'approved' })).status, 403);
    assert.equal((await run('approver', 'POST', `/v1/requests/${id}/cancel`, '/v1/requests/{id}/cancel')).status, 403);
  });

  it('documents 413 for bodies over the limit', async () => {
    const big = { title: 'x', preview: 'y'.repeat(2 * 1024 * 1024) };
    assert.equal((await run('agent', 'POST', '/v1/requests', '/v1/requests', big)).status, 413);
  });

  it('covers the audit log, keys, me, health, readiness', async () => {
    const audit = await run('admin', 'GET', '/v1/audit?order=asc&limit=5', '/v1/audit');
    assert.ok(audit.body.items.length > 0);
    assert.equal((await run('agent', 'GET', '/v1/me', '/v1/me')).status, 200);
    const key = await run('admin', 'POST', '/v1/keys', '/v1/keys', { role: 'approver', name: 'carol' });
    assert.equal(key.status, 201);
    assert.equal((await run('admin', 'GET', '/v1/keys', '/v1/keys')).status, 200);
    assert.equal((await run('admin', 'DELETE', `/v1/keys/${key.body.id}`, '/v1/keys/{id}')).status, 200);
    assert.equal((await run('admin', 'DELETE', '/v1/keys/key_nope', '/v1/keys/{id}')).status, 404);
    assert.equal((await run(null, 'GET', '/healthz', '/healthz')).status, 200);
    assert.equal((await run(null, 'GET', '/readyz', '/readyz')).status, 200);
    const metrics = await run(null, 'GET', '/metrics', '/metrics');
    assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain/);
  });

  it('streams server-sent events as documented', async () => {
    const res = await app.request('/v1/events', { headers: { authorization: 'Bearer openapi-approver-key-01234567' } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.ok(spec.paths['/v1/events'].get.responses['200'].content['text/event-stream']);
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    assert.match(first, /^event: ready/);
    await call(app, 'agent', 'POST', '/v1/requests', { title: 'stream me' });
    let text = '';
    const complete = () => text.includes('event: request.created') && text.slice(text.indexOf('event: request.created')).includes('\n\n');
    while (!complete()) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    const data = JSON.parse(/data: (.*)/.exec(text.slice(text.indexOf('event: request.created')))![1]);
    assert.deepEqual(validateJson(spec, { $ref: '#/components/schemas/RequestEventData' }, data, { closed: true }), []);
  });
});
