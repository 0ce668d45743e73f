// "Away until … with a delegate" over HTTP on a real server: who may set it, what bad input gets,
// and that a workflow step asks the delegate while it lasts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KEYS, startTestServer, type TestServer } from '../helpers/harness.js';
import { CAROL_KEY, people } from './rig.js';

describe('away with a delegate', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({
      ...people(),
      groups: [{ name: 'sre', members: ['alice', 'bob', 'carol'] }],
      workflows: [{ name: 'prod', match: { projects: ['prod'] }, ladder: [{ who: ['alice'], wait: '5m' }, { who: ['group:sre'] }] }],
    });
  });
  after(() => s.stop());

  const soon = () => new Date(Date.now() + 3_600_000).toISOString();
  const put = (key: string | null, name: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${s.url}/v1/approvers/${encodeURIComponent(name)}/away`, {
      method: 'PUT',
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

  it('lets an approver set their own absence, asks the delegate meanwhile, and audits both ways', async () => {
    const set = await put(KEYS.approver, 'alice', { until: soon(), delegate: 'bob', note: 'Skiing \u202egnikiks <b>' });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.delegate, 'bob');
    assert.equal(set.body.note, 'Skiing \u202egnikiks <b>', 'kept as text; channels escape it');
    const read = await s.call('otherApprover', 'GET', '/v1/approvers/alice/away');
    assert.equal(read.body.away, true);
    const filed = await s.call('agent', 'POST', '/v1/requests', { title: 'deploy', preview: 'make deploy', project: 'prod' });
    assert.deepEqual(filed.body.workflow.ladder.started[0].paged.map((p: { name: string }) => p.name), ['bob']);
    assert.match(filed.body.workflow.progress[0], /^Step 1 of 2: asked bob \(delegate of alice, away until .* UTC\)/);
    const back = await s.call('approver', 'DELETE', '/v1/approvers/alice/away');
    assert.deepEqual(back.body, { away: false, approver: 'alice' });
    assert.deepEqual((await s.call('approver', 'GET', '/v1/approvers/alice/away')).body, { away: false, approver: 'alice' });
    const actions = (await s.call('admin', 'GET', '/v1/audit?limit=20')).body.items.map((e: { action: string }) => e.action);
    assert.ok(actions.includes('approver.away') && actions.includes('approver.back'), actions.join());
  });

  it('lets only the approver themselves or an admin set it; agents and strangers never', async () => {
    assert.equal((await put(KEYS.otherApprover, 'alice', { until: soon() })).body.error.code, 'FORBIDDEN');
    assert.equal((await put(KEYS.agent, 'alice', { until: soon() })).body.error.code, 'FORBIDDEN');
    assert.equal((await put(null, 'alice', { until: soon() })).status, 401);
    assert.equal((await s.call('agent', 'GET', '/v1/approvers/alice/away')).status, 403);
    assert.equal((await s.call('otherApprover', 'DELETE', '/v1/approvers/alice/away')).body.error.code, 'FORBIDDEN');
    const byAdmin = await put(KEYS.admin, 'carol', { until: soon(), delegate: null });
    assert.equal(byAdmin.status, 200);
    assert.equal(byAdmin.body.set_by, 'root');
    assert.equal((await put(CAROL_KEY, 'carol', { until: soon() })).status, 200);
    await s.call('admin', 'DELETE', '/v1/approvers/carol/away');
  });

  it('refuses bad input with a clear error and keeps nothing', async () => {
    const cases: [unknown, number, string, RegExp?][] = [
      ['{"until": ', 400, 'INVALID_JSON'],
      [{ until: '2020-01-01T00:00:00Z' }, 400, 'VALIDATION_FAILED', /until must be in the future/],
      [{ until: '2099-01-01T00:00:00Z' }, 400, 'VALIDATION_FAILED', /at most a year ahead/],
      [{ until: '2026-03-09 09:00' }, 400, 'VALIDATION_FAILED', /an ISO-8601 time with its offset/],
      [{ until: soon(), delegate: 'zed' }, 400, 'VALIDATION_FAILED', /"zed" is not a configured approver/],
      [{ until: soon(), delegate: 'alice' }, 400, 'VALIDATION_FAILED', /cannot be their own delegate/],
      [{ until: soon(), owner: 'x' }, 400, 'VALIDATION_FAILED'],
      [{ until: soon(), note: 'x'.repeat(501) }, 400, 'VALIDATION_FAILED'],
      [{ until: soon(), delegate: '<script>alert(1)</script>' }, 400, 'VALIDATION_FAILED'],
      [[soon()], 400, 'VALIDATION_FAILED'],
      [JSON.stringify({ until: soon(), note: JSON.parse('['.repeat(200) + ']'.repeat(200)) }), 400, 'JSON_TOO_DEEP'],
    ];
    for (const [body, status, code, message] of cases) {
      const r = await put(KEYS.approver, 'alice', body);
      assert.equal(r.status, status, `${JSON.stringify(body).slice(0, 80)} → ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, code, JSON.stringify(r.body));
      if (message) assert.match(r.body.error.message, message);
    }
    const big = await put(KEYS.approver, 'alice', { until: soon(), note: 'x'.repeat(2 * 1024 * 1024) });
    assert.equal(big.status, 413);
    assert.equal((await s.call('approver', 'GET', '/v1/approvers/alice/away')).body.away, false, 'nothing kept');
    const hostile = await s.call('approver', 'GET', `/v1/approvers/${encodeURIComponent('<img src=x onerror=alert(1)>')}/away`);
    assert.equal(hostile.status, 404);
    assert.equal(hostile.headers.get('content-type')?.startsWith('application/json'), true);
  });
});
