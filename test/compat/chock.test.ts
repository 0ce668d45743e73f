// Chock compatibility against the real server: its shapes, limits and error words, under
// Greenlight's auth rules (respond needs an approver key; cancels are kept).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KEYS, startTestServer, type TestServer } from '../helpers/harness.js';

const CHOCK_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?\+00:00$/;

describe('Chock compatibility', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(async () => s.stop());

  const create = async (body: Record<string, unknown> = {}, role: 'agent' | 'otherAgent' = 'agent') => {
    const r = await s.call(role, 'POST', '/api/requests', { title: 'Migrate users table', ...body });
    assert.equal(r.status, 201, r.text);
    return r.body as { id: string; status: string };
  };
  const get = async (id: string, role: 'agent' | 'approver' = 'approver') => {
    const r = await s.call(role, 'GET', `/api/requests/${id}`);
    assert.equal(r.status, 200, r.text);
    return r.body;
  };
  const respond = (id: string, body: Record<string, unknown>, role: 'agent' | 'approver' | 'admin' = 'approver') => s.call(role, 'POST', `/api/requests/${id}/respond`, body);

  it('POST /api/requests → 201 {id, status}; GET returns Chock\'s request shape field by field', async () => {
    const r = await s.call('agent', 'POST', '/api/requests', {
      title: 'Migrate users table',
      plan: 'ALTER TABLE users ADD COLUMN plan text;',
      requester: 'db-bot',
      context: 'Ticket 42',
      tags: ['db', 'prod'],
      priority: 'high',
      callback_url: 'https://agents.example.com/cb',
      conditions_schema: [
        { key: 'budget', label: 'Budget limit ($)', type: 'number', required: true },
        { key: 'scope', label: 'Scope', type: 'select', options: ['full', 'partial'] },
        { key: 'deadline', label: 'Must complete by', description: 'local time' },
      ],
    });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(Object.keys(r.body).sort(), ['id', 'status']);
    assert.equal(r.body.status, 'pending');
    const v = await get(r.body.id);
    assert.deepEqual(Object.keys(v).sort(), ['callback_url', 'conditions_schema', 'context', 'created_at', 'id', 'plan', 'priority', 'requester', 'response', 'status', 'tags', 'title', 'updated_at']);
    assert.equal(v.id, r.body.id);
    assert.equal(v.title, 'Migrate users table');
    assert.equal(v.plan, 'ALTER TABLE users ADD COLUMN plan text;');
    assert.equal(v.requester, 'db-bot');
    assert.equal(v.context, 'Ticket 42');
    assert.deepEqual(v.tags, ['db', 'prod']);
    assert.equal(v.priority, 'high');
    assert.equal(v.status, 'pending');
    assert.equal(v.callback_url, 'https://agents.example.com/cb');
    assert.deepEqual(v.conditions_schema, [
      { key: 'budget', label: 'Budget limit ($)', type: 'number', options: [], required: true, description: '' },
      { key: 'scope', label: 'Scope', type: 'select', options: ['full', 'partial'], required: false, description: '' },
      { key: 'deadline', label: 'Must complete by', type: 'text', options: [], required: false, description: 'local time' },
    ]);
    assert.equal(v.response, null);
    assert.match(v.created_at, CHOCK_TIME);
    assert.match(v.updated_at, CHOCK_TIME);

    const native = await s.call('approver', 'GET', `/v1/requests/${r.body.id}`);
    assert.equal(native.body.origin, 'chock');
    assert.equal(native.body.preview, 'ALTER TABLE users ADD COLUMN plan text;', 'the plan is what approvers see as the action');
    assert.equal(native.body.context, 'Ticket 42');
    assert.equal(native.body.requester, 'db-bot');
    assert.equal(native.body.agent, 'agent-a', 'the key decides the agent; requester is only a display name');
  });

  it('fills Chock\'s defaults for a minimal request', async () => {
    const v = await get((await create()).id);
    assert.equal(v.plan, '');
    assert.equal(v.requester, '');
    assert.equal(v.context, '');
    assert.deepEqual(v.tags, []);
    assert.equal(v.priority, 'normal');
    assert.equal(v.callback_url, '');
    assert.deepEqual(v.conditions_schema, []);
  });

  it('enforces Chock\'s limits with 422 (and 400 for an unknown priority)', async () => {
    const at = (r: { body: { detail: { loc: (string | number)[] }[] } }) => r.body.detail.map((d) => d.loc.join('.'));
    assert.equal((await s.call('agent', 'POST', '/api/requests', { title: 'x'.repeat(500) })).status, 201);
    const cases: [Record<string, unknown>, string][] = [
      [{ title: 'x'.repeat(501) }, 'body.title'],
      [{ title: 'ok', plan: 'p'.repeat(10_001) }, 'body.plan'],
      [{ title: 'ok', requester: 'r'.repeat(201) }, 'body.requester'],
      [{ title: 'ok', context: 'c'.repeat(10_001) }, 'body.context'],
      [{ title: 'ok', tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, 'body.tags'],
      [{ title: 'ok', tags: ['t'.repeat(101)] }, 'body.tags'],
      [{ title: 'ok', callback_url: `https://example.com/${'u'.repeat(2000)}` }, 'body.callback_url'],
      [{ title: 'ok', conditions_schema: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, label: 'L' })) }, 'body.conditions_schema'],
      [{ title: 'ok', conditions_schema: [{ key: 'k' }] }, 'body.conditions_schema.0.label'],
      [{}, 'body.title'],
    ];
    for (const [body, loc] of cases) {
      const r = await s.call('agent', 'POST', '/api/requests', body);
      assert.equal(r.status, 422, `${loc}: ${r.text.slice(0, 200)}`);
      assert.ok(at(r).includes(loc), `${loc} in ${at(r)}`);
    }
    const tag = await s.call('agent', 'POST', '/api/requests', { title: 'ok', tags: ['t'.repeat(101)] });
    assert.match(tag.body.detail[0].msg, /Each tag must be 100 characters or fewer/);
    const prio = await s.call('agent', 'POST', '/api/requests', { title: 'ok', priority: 'urgent' });
    assert.equal(prio.status, 400);
    assert.equal(prio.body.detail, "Invalid priority. Use one of: ['low', 'normal', 'high', 'critical']");
    for (const p of ['low', 'normal', 'high', 'critical']) assert.equal((await s.call('agent', 'POST', '/api/requests', { title: 'ok', priority: p })).status, 201);
  });

  describe('respond', () => {
    it('an agent key can never respond: 403, and the request stays pending', async () => {
      const req = await create();
      const r = await respond(req.id, { status: 'approved' }, 'agent');
      assert.equal(r.status, 403);
      assert.equal((await get(req.id)).status, 'pending');
    });

    it('an approver responds: Chock\'s response shape, decided by the key\'s owner', async () => {
      const req = await create();
      const r = await respond(req.id, { status: 'approved', responder: 'Jim', comment: 'go ahead' });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(Object.keys(r.body).sort(), ['request_id', 'response', 'status']);
      assert.equal(r.body.status, 'approved');
      assert.equal(r.body.request_id, req.id);
      assert.deepEqual(Object.keys(r.body.response).sort(), ['comment', 'conditions', 'responded_at', 'responder', 'status']);
      assert.equal(r.body.response.status, 'approved');
      assert.equal(r.body.response.responder, 'alice', 'the authenticated approver, not the free-text responder');
      assert.equal(r.body.response.comment, 'go ahead');
      assert.deepEqual(r.body.response.conditions, {});
      assert.match(r.body.response.responded_at, CHOCK_TIME);
      const v = await get(req.id);
      assert.equal(v.status, 'approved');
      assert.deepEqual(v.response, r.body.response);
      const native = await s.call('approver', 'GET', `/v1/requests/${req.id}`);
      assert.equal(native.body.decision.via, 'chock');
    });

    it('a second response gets 400 "Already responded: approved"', async () => {
      const req = await create();
      assert.equal((await respond(req.id, { status: 'approved' })).status, 200);
      const again = await respond(req.id, { status: 'denied' }, 'admin');
      assert.equal(again.status, 400);
      assert.equal(again.body.detail, 'Already responded: approved');
      assert.equal(again.body.error.code, 'ALREADY_DECIDED');
      assert.equal((await get(req.id)).status, 'approved');
    });

    it('conditional: missing required conditions are listed; select values are checked', async () => {
      const req = await create({
        conditions_schema: [
          { key: 'budget', label: 'Budget', type: 'number', required: true },
          { key: 'region', label: 'Region', type: 'text', required: true },
          { key: 'scope', label: 'Scope', type: 'select', options: ['full', 'partial'] },
        ],
      });
      const missing = await respond(req.id, { status: 'conditional', conditions: { scope: 'full' } });
      assert.equal(missing.status, 400);
      assert.equal(missing.body.detail, "Missing required conditions: ['budget', 'region']");
      const badOption = await respond(req.id, { status: 'conditional', conditions: { budget: '10', region: 'eu', scope: 'everything' } });
      assert.equal(badOption.status, 400);
      assert.equal(badOption.body.error.code, 'CONDITIONS_INVALID');
      assert.match(badOption.body.detail, /scope/);
      const ok = await respond(req.id, { status: 'conditional', responder: 'Jim', comment: 'within budget', conditions: { budget: '5000', region: 'eu', scope: 'partial' } });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.body.status, 'conditional');
      assert.deepEqual(ok.body.response.conditions, { budget: 5000, region: 'eu', scope: 'partial' });
      assert.equal((await get(req.id, 'agent')).response.status, 'conditional');
    });

    it('refuses an unknown status, bad types and unknown ids in Chock\'s words', async () => {
      const req = await create();
      const status = await respond(req.id, { status: 'maybe' });
      assert.equal(status.status, 400);
      assert.equal(status.body.detail, "Status must be 'approved', 'denied', or 'conditional'");
      const types = await respond(req.id, { status: 'approved', conditions: ['x'], comment: 5 });
      assert.equal(types.status, 422);
      const many = await respond(req.id, { status: 'conditional', conditions: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) });
      assert.equal(many.status, 422);
      const unknown = await respond('req_00000000000000000000000000', { status: 'approved' });
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.detail, 'Request not found');
      assert.equal((await get(req.id)).status, 'pending');
    });
  });

  describe('cancel', () => {
    it('DELETE keeps the request as cancelled; GET still returns it', async () => {
      const req = await create();
      assert.equal((await s.call('approver', 'DELETE', `/api/requests/${req.id}`)).status, 403, 'approvers deny instead');
      assert.equal((await s.call('otherAgent', 'DELETE', `/api/requests/${req.id}`)).status, 404);
      const r = await s.call('agent', 'DELETE', `/api/requests/${req.id}`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body, { status: 'cancelled' });
      const v = await get(req.id, 'agent');
      assert.equal(v.id, req.id);
      assert.equal(v.status, 'cancelled');
      assert.equal(v.response, null);
      const again = await s.call('agent', 'DELETE', `/api/requests/${req.id}`);
      assert.equal(again.status, 400);
      assert.equal(again.body.detail, 'Cannot cancel — already cancelled');
      const late = await respond(req.id, { status: 'approved' });
      assert.equal(late.status, 400);
      assert.equal(late.body.detail, 'Already responded: cancelled');
    });
  });

  describe('lists', () => {
    it('GET /api/requests: a bare list, newest first, with status, priority, tag, q, requester, limit and offset', async () => {
      const tag = `list${Date.now()}`;
      const a = await create({ title: 'alpha needle', requester: 'bot', tags: [tag], priority: 'low' });
      const b = await create({ title: 'beta', requester: 'bot-2', tags: [tag], plan: 'needle in the plan' });
      const c = await create({ title: 'gamma', requester: 'bot', tags: [tag], priority: 'critical', context: 'the bot said so' });
      await respond(b.id, { status: 'denied' });
      const ids = async (query: string) => {
        const r = await s.call('approver', 'GET', `/api/requests?tag=${tag}&${query}`);
        assert.equal(r.status, 200, r.text);
        assert.ok(Array.isArray(r.body), 'a bare list, as Chock returns');
        return r.body.map((x: { id: string }) => x.id);
      };
      assert.deepEqual(await ids(''), [c.id, b.id, a.id]);
      assert.deepEqual(await ids('status=denied'), [b.id]);
      assert.deepEqual(await ids('status=pending'), [c.id, a.id]);
      assert.deepEqual(await ids('priority=critical'), [c.id]);
      assert.deepEqual(await ids('q=needle'), [b.id, a.id]);
      assert.deepEqual(await ids('requester=bot'), [c.id, a.id], 'requester is an exact match (bot-2 is not bot)');
      assert.deepEqual(await ids('requester=bot&q=alpha'), [a.id]);
      assert.deepEqual(await ids('requester=bot&limit=1&offset=1'), [a.id]);
      assert.deepEqual(await ids('limit=2'), [c.id, b.id]);
      assert.deepEqual(await ids('limit=2&offset=2'), [a.id]);
      assert.deepEqual(await ids('limit=0'), [c.id], 'Chock clamps limit to 1..1000');
      assert.equal((await ids('limit=5000')).length, 3);
      const badStatus = await s.call('approver', 'GET', '/api/requests?status=bogus');
      assert.equal(badStatus.status, 400);
      assert.match(badStatus.body.detail, /^Invalid status\. Use one of: \['pending', 'approved', 'denied', 'conditional'/);
      assert.equal((await s.call('approver', 'GET', '/api/requests?priority=urgent')).status, 400);
      assert.equal((await s.call('approver', 'GET', '/api/requests?limit=ten')).status, 422);
    });

    it('an agent lists only its own requests', async () => {
      const mine = await create({ title: 'mine-chock-marker' });
      const theirs = await create({ title: 'theirs-chock-marker' }, 'otherAgent');
      const r = await s.call('agent', 'GET', '/api/requests?limit=1000');
      assert.ok(r.body.some((x: { id: string }) => x.id === mine.id));
      assert.ok(!r.body.some((x: { id: string }) => x.id === theirs.id));
      assert.equal((await s.call('agent', 'GET', `/api/requests/${theirs.id}`)).status, 404);
    });

    it('GET /api/pending: only pending, highest priority first, then oldest first', async () => {
      const tag = `pend${Date.now()}`;
      const low = await create({ priority: 'low', tags: [tag] });
      const crit = await create({ priority: 'critical', tags: [tag] });
      const n1 = await create({ tags: [tag] });
      const n2 = await create({ tags: [tag] });
      const done = await create({ priority: 'critical', tags: [tag] });
      await respond(done.id, { status: 'approved' });
      const r = await s.call('approver', 'GET', '/api/pending');
      assert.equal(r.status, 200);
      assert.ok(Array.isArray(r.body));
      assert.ok(r.body.every((x: { status: string }) => x.status === 'pending'));
      const order = r.body.filter((x: { tags: string[] }) => x.tags.includes(tag)).map((x: { id: string }) => x.id);
      assert.deepEqual(order, [crit.id, n1.id, n2.id, low.id]);
    });
  });

  it('GET /api/activity: Chock\'s rows for created, responded and cancelled; approvers only', async () => {
    const a = await create({ title: 'activity-a', requester: 'db-bot' });
    await respond(a.id, { status: 'denied', responder: 'Jim', comment: 'not now' });
    const b = await create({ title: 'activity-b' });
    await s.call('agent', 'DELETE', `/api/requests/${b.id}`);
    assert.equal((await s.call('agent', 'GET', '/api/activity')).status, 403);
    const r = await s.call('approver', 'GET', '/api/activity?limit=20');
    assert.equal(r.status, 200, r.text);
    assert.ok(Array.isArray(r.body) && r.body.length <= 20);
    for (const row of r.body) {
      assert.deepEqual(Object.keys(row).sort(), ['action', 'actor', 'details', 'id', 'request_id', 'timestamp']);
      assert.match(row.timestamp, CHOCK_TIME);
    }
    const of = (id: string) => r.body.filter((x: { request_id: string }) => x.request_id === id);
    const aRows = of(a.id);
    assert.deepEqual(aRows.map((x: { action: string }) => x.action).sort(), ['created', 'responded_denied', 'responder_named']);
    const denied = aRows.find((x: { action: string }) => x.action === 'responded_denied');
    assert.equal(denied.actor, 'alice');
    assert.equal(denied.details, 'denied: not now');
    assert.equal(aRows.find((x: { action: string }) => x.action === 'created').details, 'activity-a');
    assert.equal(aRows.find((x: { action: string }) => x.action === 'responder_named').details, 'Jim');
    assert.deepEqual(of(b.id).map((x: { action: string }) => x.action).sort(), ['cancelled', 'created']);
    const ids = r.body.map((x: { id: number }) => x.id);
    assert.deepEqual(ids, [...ids].sort((x: number, y: number) => y - x), 'newest first');
    assert.equal((await s.call('approver', 'GET', '/api/activity?limit=2')).body.length, 2);
  });

  it('GET /health answers without a key in Chock\'s shape', async () => {
    const r = await s.call(null, 'GET', '/health');
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body).sort(), ['service', 'status', 'timestamp']);
    assert.equal(r.body.status, 'ok');
    assert.equal(r.body.service, 'chock');
    assert.match(r.body.timestamp, CHOCK_TIME);
  });

  it('auth: X-API-Key or Bearer; reads need a key too (Chock left them open); no key 401', async () => {
    const viaHeader = await s.call(null, 'POST', '/api/requests', { title: 'via x-api-key' }, { 'x-api-key': KEYS.agent });
    assert.equal(viaHeader.status, 201);
    assert.equal((await s.call(null, 'GET', `/api/requests/${viaHeader.body.id}`, undefined, { 'x-api-key': KEYS.approver })).status, 200);
    for (const [method, path] of [['GET', '/api/requests'], ['GET', '/api/pending'], ['GET', `/api/requests/${viaHeader.body.id}`], ['POST', '/api/requests'], ['GET', '/api/activity']]) {
      const r = await s.call(null, method, path, method === 'POST' ? { title: 'x' } : undefined);
      assert.equal(r.status, 401, `${method} ${path}`);
    }
    const none = await s.call(null, 'POST', `/api/requests/${viaHeader.body.id}/respond`, { status: 'approved' });
    assert.equal(none.status, 401);
    const bad = await s.call(null, 'POST', `/api/requests/${viaHeader.body.id}/respond`, { status: 'approved' }, { 'x-api-key': 'not-a-real-key-0000000000' });
    assert.equal(bad.status, 401);
    assert.equal((await s.call('approver', 'POST', '/api/requests', { title: 'x' })).status, 403, 'approvers do not file requests');
  });

  it('hostile strings round-trip verbatim as data; broken bodies never give a 500', async () => {
    const hostile = '<script>alert("x")</script> & <img src=x onerror=alert(1)> \' " \u0000 \u202e 🚀';
    const req = await create({ title: hostile, plan: hostile, requester: hostile, context: hostile, tags: [hostile.slice(0, 90)], conditions_schema: [{ key: 'note', label: hostile, description: hostile }] });
    const r = await respond(req.id, { status: 'conditional', responder: hostile, comment: hostile, conditions: { note: hostile } });
    assert.equal(r.status, 200, r.text);
    const v = await get(req.id);
    for (const k of ['title', 'plan', 'requester', 'context'] as const) assert.equal(v[k], hostile, k);
    assert.deepEqual(v.tags, [hostile.slice(0, 90)]);
    assert.equal(v.conditions_schema[0].label, hostile);
    assert.equal(v.response.comment, hostile);
    assert.deepEqual(v.response.conditions, { note: hostile });
    const q = await s.call('approver', 'GET', `/api/requests?q=${encodeURIComponent('<script>')}`);
    assert.ok(q.body.some((x: { id: string }) => x.id === req.id));

    const broken = await s.call('agent', 'POST', '/api/requests', '{"title": ');
    assert.equal(broken.status, 422);
    assert.equal(broken.body.error.code, 'INVALID_JSON');
    assert.equal((await s.call('agent', 'POST', '/api/requests', 'null')).status, 422);
    assert.equal((await respond(req.id, '"approved"' as unknown as Record<string, unknown>)).status, 422);
    const huge = await s.call('agent', 'POST', '/api/requests', { title: 'x', plan: 'p'.repeat(2 * 1024 * 1024) });
    assert.equal(huge.status, 413);
    const weird = await s.call('agent', 'POST', '/api/requests', { title: ['x'], tags: 'db', conditions_schema: [null, 'x'], priority: 7 });
    assert.equal(weird.status, 422);
    const badKey = await s.call('agent', 'POST', '/api/requests', { title: 'x', conditions_schema: [{ key: 'has spaces', label: 'L' }] });
    assert.ok(badKey.status >= 400 && badKey.status < 500, badKey.text);
  });
});
