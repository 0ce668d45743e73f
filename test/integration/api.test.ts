// The native API against the real server on a free port with a real SQLite file.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/harness.js';

const PROJECTS = [
  { name: 'webapp', directories: ['/home/alice/webapp'], routes: [{ channel: 'telegram', target: '-100200300' }] },
  { name: 'infra', directories: ['/srv/infra'], approvers: ['bob'] },
];

describe('native API', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ projects: PROJECTS });
  });
  after(async () => s.stop());

  const create = async (body: Record<string, unknown> = {}, role: 'agent' | 'otherAgent' = 'agent') => {
    const r = await s.call(role, 'POST', '/v1/requests', { title: 'Deploy webapp', action_type: 'deploy', preview: 'kubectl apply -f prod.yaml', ...body });
    assert.equal(r.status, 201, r.text);
    return r.body;
  };

  it('creates a pending request and returns it with a Location header', async () => {
    const r = await s.call('agent', 'POST', '/v1/requests', { title: 'Run migrations', priority: 'high', tags: ['db'], session_id: 's1' });
    assert.equal(r.status, 201);
    assert.equal(r.body.status, 'pending');
    assert.equal(r.body.agent, 'agent-a');
    assert.equal(r.body.priority, 'high');
    assert.deepEqual(r.body.tags, ['db']);
    assert.match(r.body.id, /^req_[0-9a-z]{26}$/);
    assert.equal(r.headers.get('location'), `/v1/requests/${r.body.id}`);
    assert.ok(Date.parse(r.body.expires_at) - Date.parse(r.body.created_at) === 3600_000, 'default expiry is one hour');
    assert.equal(r.body.on_timeout, 'deny');
  });

  it('refuses requests without a key (401) and with an unknown key (401)', async () => {
    const none = await s.call(null, 'POST', '/v1/requests', { title: 'x' });
    assert.equal(none.status, 401);
    assert.equal(none.body.error.code, 'UNAUTHENTICATED');
    assert.ok(none.body.error.request_id);
    const bad = await s.call(null, 'GET', '/v1/requests', undefined, { authorization: 'Bearer not-a-real-key-000000' });
    assert.equal(bad.status, 401);
  });

  it('an agent key can never decide: 403 and the request stays pending', async () => {
    const req = await create();
    const r = await s.call('agent', 'POST', `/v1/requests/${req.id}/decision`, { outcome: 'approved' });
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'AGENT_CANNOT_DECIDE');
    // Not even on another agent's request, and without learning whether it exists.
    const other = await s.call('otherAgent', 'POST', `/v1/requests/${req.id}/decision`, { outcome: 'approved' });
    assert.equal(other.status, 404);
    assert.equal((await s.call('agent', 'GET', `/v1/requests/${req.id}`)).body.status, 'pending');
  });

  it('an approver decides; the decision records who, via which channel, and when', async () => {
    const req = await create({ session_id: 'sess-1' });
    const r = await s.call('approver', 'POST', `/v1/requests/${req.id}/decision`, { outcome: 'approved', scope: 'session', comment: 'ok for today' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'approved');
    assert.equal(r.body.decision.decided_by, 'alice');
    assert.equal(r.body.decision.via, 'api');
    assert.equal(r.body.decision.scope, 'session');
    assert.equal(r.body.decision.comment, 'ok for today');
    assert.ok(Date.parse(r.body.decision.decided_at) > 0);
  });

  it('a second decision gets 409 naming the winner and the channel', async () => {
    const req = await create();
    await s.call('approver', 'POST', `/v1/requests/${req.id}/decision`, { outcome: 'denied', comment: 'no' });
    const r = await s.call('admin', 'POST', `/v1/requests/${req.id}/decision`, { outcome: 'approved' });
    assert.equal(r.status, 409);
    assert.equal(r.body.error.code, 'ALREADY_DECIDED');
    assert.match(r.body.error.message, /denied, decided by alice via api/);
    assert.equal(r.body.error.details.decided_by, 'alice');
  });

  it('20 parallel decisions: exactly one 200 and nineteen 409s naming the same winner', async () => {
    const req = await create();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => s.call(i % 2 ? 'approver' : 'admin', 'POST', `/v1/requests/${req.id}/decision`, { outcome: i % 3 ? 'approved' : 'denied', comment: `click ${i}` })),
    );
    const ok = results.filter((r) => r.status === 200);
    const conflicts = results.filter((r) => r.status === 409);
    assert.equal(ok.length, 1);
    assert.equal(conflicts.length, 19);
    const winner = ok[0].body.decision.decided_by;
    for (const c of conflicts) assert.equal(c.body.error.details.decided_by, winner);
    const audit = await s.call('admin', 'GET', `/v1/audit?request_id=${req.id}`);
    assert.equal(audit.body.items.filter((e: { action: string }) => e.action.startsWith('request.') && e.action !== 'request.created').length, 1, 'one decision in the audit log');
  });

  it('an approver not routed to a project cannot decide it (403), the routed one can', async () => {
    const req = await create({ project: 'infra' });
    const alice = await s.call('approver', 'POST', `/v1/requests/${req.id}/decision`, { outcome: 'approved' });
    assert.equal(alice.status, 403);
    assert.equal(alice.body.error.code, 'NOT_ROUTED_TO_YOU');
    const bob = await s.call('otherApprover', 'POST', `/v1/requests/${req.id}/decision`, { outcome: 'approved' });
    assert.equal(bob.status, 200);
  });

  it('an agent cannot name a target that is not a configured route of its project', async () => {
    const bad = await s.call('agent', 'POST', '/v1/requests', { title: 'x', project: 'webapp', channel: 'telegram', target: '999' });
    assert.equal(bad.status, 403);
    assert.equal(bad.body.error.code, 'TARGET_NOT_ROUTED');
    assert.match(bad.body.error.message, /cannot choose who approves/);
    const good = await s.call('agent', 'POST', '/v1/requests', { title: 'x', project: 'webapp', channel: 'telegram', target: '-100200300' });
    assert.equal(good.status, 201);
  });

  it('resolves the project from the cwd', async () => {
    const req = await create({ cwd: '/home/alice/webapp/src' });
    assert.equal(req.project, 'webapp');
  });

  it('an agent reads and lists only its own requests', async () => {
    const mine = await create({ title: 'mine-only-marker' });
    const theirs = await create({ title: 'theirs-only-marker' }, 'otherAgent');
    assert.equal((await s.call('agent', 'GET', `/v1/requests/${theirs.id}`)).status, 404);
    const list = await s.call('agent', 'GET', '/v1/requests?limit=1000');
    assert.ok(list.body.items.some((r: { id: string }) => r.id === mine.id));
    assert.ok(list.body.items.every((r: { agent: string }) => r.agent === 'agent-a'));
    const all = await s.call('approver', 'GET', '/v1/requests?q=theirs-only-marker');
    assert.deepEqual(all.body.items.map((r: { id: string }) => r.id), [theirs.id]);
  });

  it('an agent cancels its own request (kept as cancelled), not another agent\'s', async () => {
    const req = await create();
    assert.equal((await s.call('otherAgent', 'POST', `/v1/requests/${req.id}/cancel`)).status, 404);
    const r = await s.call('agent', 'POST', `/v1/requests/${req.id}/cancel`, { reason: 'no longer needed' });
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'cancelled');
    assert.equal((await s.call('approver', 'GET', `/v1/requests/${req.id}`)).body.status, 'cancelled');
  });

  it('lists the pending queue by priority, then age', async () => {
    const tag = `q${Date.now()}`;
    const low = await create({ priority: 'low', tags: [tag] });
    const crit = await create({ priority: 'critical', tags: [tag] });
    const normal1 = await create({ priority: 'normal', tags: [tag] });
    const normal2 = await create({ priority: 'normal', tags: [tag] });
    const q = await s.call('approver', 'GET', '/v1/requests/pending?limit=1000');
    const order = q.body.items.filter((r: { tags: string[] }) => r.tags.includes(tag)).map((r: { id: string }) => r.id);
    assert.deepEqual(order, [crit.id, normal1.id, normal2.id, low.id]);
  });

  it('paginates history with a cursor, newest first, without gaps or repeats', async () => {
    const tag = `page${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await create({ tags: [tag] })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: { body: { items: { id: string }[]; next_cursor: string | null } } = await s.call('approver', 'GET', `/v1/requests?tag=${tag}&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...r.body.items.map((x) => x.id));
      cursor = r.body.next_cursor;
    } while (cursor);
    assert.deepEqual(seen, [...ids].reverse());
  });

  it('the same idempotency key returns the same request', async () => {
    const a = await s.call('agent', 'POST', '/v1/requests', { title: 'once' }, { 'idempotency-key': 'k-123' });
    const b = await s.call('agent', 'POST', '/v1/requests', { title: 'once' }, { 'idempotency-key': 'k-123' });
    assert.equal(a.status, 201);
    assert.equal(b.status, 200);
    assert.equal(a.body.id, b.body.id);
    const c = await s.call('otherAgent', 'POST', '/v1/requests', { title: 'once' }, { 'idempotency-key': 'k-123' });
    assert.notEqual(c.body.id, a.body.id);
    const changed = await s.call('agent', 'POST', '/v1/requests', { title: 'something else' }, { 'idempotency-key': 'k-123' });
    assert.equal(changed.status, 409);
    assert.equal(changed.body.error.code, 'IDEMPOTENCY_CONFLICT');
  });

  it('validates conditions_schema on create and the values on decide', async () => {
    const bad = await s.call('agent', 'POST', '/v1/requests', { title: 'x', conditions_schema: [{ name: 'env', type: 'select' }] });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /select/);
    const req = await create({ conditions_schema: [{ name: 'env', type: 'select', options: ['staging', 'prod'], required: true }, { name: 'max_rows', type: 'number' }] });
    const missing = await s.call('approver', 'POST', `/v1/requests/${req.id}/decision`, { outcome: 'conditional', conditions: { max_rows: 10 } });
    assert.equal(missing.status, 400);
    assert.match(missing.body.error.message, /Missing required conditions: env/);
    const wrongOption = await s.call('approver', 'POST', `/v1/requests/${req.id}/decision`, { outcome: 'conditional', conditions: { env: 'dev' } });
    assert.equal(wrongOption.status, 400);
    const wrongType = await s.call('approver', 'POST', `/v1/requests/${req.id}/decision`, { outcome: 'conditional', conditions: { env: 'prod', max_rows: 'lots' } });
    assert.equal(wrongType.status, 400);
    const ok = await s.call('approver', 'POST', `/v1/requests/${req.id}/decision`, { outcome: 'conditional', conditions: { env: 'staging', max_rows: '100' } });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body.decision.conditions, { env: 'staging', max_rows: 100 });
  });

  it('a question is answered with an option or free text', async () => {
    const q = await create({ title: 'Which region?', question: { options: ['eu-west', 'us-east'], allow_free_text: true } });
    assert.deepEqual(q.question.options.map((o: { key: string }) => o.key), ['A', 'B']);
    const byOption = await s.call('approver', 'POST', `/v1/requests/${q.id}/decision`, { outcome: 'answered', answer: 'b' });
    assert.equal(byOption.status, 200);
    assert.equal(byOption.body.decision.answer, 'B');
    const q2 = await create({ title: 'Pick', question: { options: ['x', 'y'] } });
    const free = await s.call('approver', 'POST', `/v1/requests/${q2.id}/decision`, { outcome: 'answered', answer: 'something else' });
    assert.equal(free.status, 400, 'free text refused when not allowed');
  });

  it('refuses on_timeout approve unless the server allows it', async () => {
    const r = await s.call('agent', 'POST', '/v1/requests', { title: 'x', on_timeout: 'approve' });
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'ON_TIMEOUT_APPROVE_NOT_ALLOWED');
  });

  it('answers malformed, oversized and wrongly typed bodies with clear 4xx errors', async () => {
    const broken = await s.call('agent', 'POST', '/v1/requests', '{"title": ');
    assert.equal(broken.status, 400);
    assert.equal(broken.body.error.code, 'INVALID_JSON');
    const arr = await s.call('agent', 'POST', '/v1/requests', [1, 2]);
    assert.equal(arr.status, 400);
    const huge = await s.call('agent', 'POST', '/v1/requests', { title: 'x', preview: 'a'.repeat(2 * 1024 * 1024) });
    assert.equal(huge.status, 413);
    assert.equal(huge.body.error.code, 'PAYLOAD_TOO_LARGE');
    const long = await s.call('agent', 'POST', '/v1/requests', { title: 't'.repeat(501) });
    assert.equal(long.status, 400);
    assert.match(long.body.error.message, /title/);
    const unknown = await s.call('agent', 'POST', '/v1/requests', { title: 'x', approver: 'me' });
    assert.equal(unknown.status, 400);
    const type = await s.call('agent', 'POST', '/v1/requests', 'title=x', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(type.status, 415);
    const route = await s.call('agent', 'GET', '/v1/nope');
    assert.equal(route.status, 404);
    assert.equal(route.body.error.code, 'NOT_FOUND');
  });

  it('stores hostile text verbatim and returns it as JSON data', async () => {
    const evil = '<script>alert(1)</script><img src=x onerror=alert(2)> *bold* _x_ `rm` [a](javascript:1) \u202e';
    const req = await create({ title: evil, preview: evil, context: evil, tags: [evil.slice(0, 50)] });
    const got = await s.call('approver', 'GET', `/v1/requests/${req.id}`);
    assert.equal(got.body.title, evil);
    assert.equal(got.headers.get('content-type')?.startsWith('application/json'), true);
    assert.equal(got.headers.get('x-content-type-options'), 'nosniff');
  });

  it('serves health, readiness and Prometheus metrics', async () => {
    assert.equal((await s.call(null, 'GET', '/healthz')).status, 200);
    assert.equal((await s.call(null, 'GET', '/readyz')).status, 200);
    const m = await s.call(null, 'GET', '/metrics');
    assert.equal(m.status, 200);
    assert.match(m.text, /^greenlight_requests_pending \d+$/m);
    assert.match(m.text, /greenlight_http_request_duration_seconds_count\{route="\/v1\/requests",method="POST",status="201"\} \d+/);
  });

  it('admins manage keys over the API; other roles cannot', async () => {
    assert.equal((await s.call('approver', 'GET', '/v1/keys')).status, 403);
    assert.equal((await s.call('agent', 'POST', '/v1/keys', { role: 'admin', name: 'sneaky' })).status, 403);
    const created = await s.call('admin', 'POST', '/v1/keys', { role: 'agent', name: 'ci-bot' });
    assert.equal(created.status, 201);
    const key = created.body.key as string;
    const me = await s.call(null, 'GET', '/v1/me', undefined, { authorization: `Bearer ${key}` });
    assert.deepEqual([me.body.name, me.body.role], ['ci-bot', 'agent']);
    const listed = await s.call('admin', 'GET', '/v1/keys');
    assert.ok(!JSON.stringify(listed.body).includes(key), 'the secret is never listed');
    assert.equal((await s.call('admin', 'DELETE', `/v1/keys/${created.body.id}`)).status, 200);
    assert.equal((await s.call(null, 'GET', '/v1/me', undefined, { authorization: `Bearer ${key}` })).status, 401);
  });
});
