import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { hostname } from 'node:os';
import { createClient, GreenlightApiError, GreenlightNetworkError, machineHostname } from '../../src/client/index.js';
import { OPENAI_TOOLS, openaiToolsRouteGroup } from '../../src/mcp/openai-tools.js';
import { KEYS, startTestServer, type TestServer } from '../helpers/harness.js';

describe('client SDK against a real server', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer();
  });
  after(() => srv.stop());
  const agent = () => createClient({ url: srv.url, key: KEYS.agent });

  for (const via of ['long-poll', 'sse'] as const) {
    it(`waitForDecision via ${via} returns the decision as soon as it is made`, async () => {
      const c = agent();
      const r = await c.request({ title: `wait ${via}`, preview: 'x' });
      assert.equal(r.status, 'pending');
      const waiting = c.waitForDecision(r.id, { via, timeoutSec: 30 });
      await new Promise((res) => setTimeout(res, 50));
      await srv.call('approver', 'POST', `/v1/requests/${r.id}/decision`, { outcome: 'approved', comment: 'ok' });
      const done = await waiting;
      assert.equal(done.status, 'approved');
      assert.equal(done.decision?.comment, 'ok');
    });

    it(`waitForDecision via ${via} returns the pending request when the timeout runs out`, async () => {
      const c = agent();
      const r = await c.request({ title: `timeout ${via}` });
      const done = await c.waitForDecision(r.id, { via, timeoutSec: 1 });
      assert.equal(done.status, 'pending');
    });
  }

  it('names the machine it runs on only when created with host; a request that names its own host keeps it', async () => {
    assert.equal(machineHostname(), hostname());
    assert.equal((await agent().request({ title: 'no host' })).host, null, 'off by default');
    const c = createClient({ url: srv.url, key: KEYS.agent, host: machineHostname() });
    assert.equal((await c.request({ title: 'this machine' })).host, hostname());
    assert.equal((await c.ask('which?', { options: ['a', 'b'], timeoutSec: 0 })).request.host, hostname(), 'questions too');
    assert.equal((await c.request({ title: 'named', host: 'build-9' })).host, 'build-9');
  });

  it('waitForDecision via sse returns at once for an already decided request', async () => {
    const c = agent();
    const r = await c.request({ title: 'decided first' });
    await c.cancel(r.id, 'changed my mind');
    assert.equal((await c.waitForDecision(r.id, { via: 'sse', timeoutSec: 30 })).status, 'cancelled');
  });

  it('ask returns free text', async () => {
    const c = agent();
    const asking = c.ask('Name the release?', { freeText: true, timeoutSec: 30 });
    let id: string | undefined;
    while (!id) {
      id = (await srv.call('approver', 'GET', '/v1/requests/pending')).body.items.find((r: any) => r.title === 'Name the release?')?.id;
      await new Promise((res) => setTimeout(res, 5));
    }
    await srv.call('approver', 'POST', `/v1/requests/${id}/decision`, { outcome: 'answered', answer: 'Aurora' });
    const a = await asking;
    assert.equal(a.status, 'answered');
    assert.equal(a.answer, 'Aurora');
  });

  it('API errors carry code, status and request_id; agents cannot decide', async () => {
    const c = agent();
    const r = await c.request({ title: 'self approve' });
    const err = await c.decide(r.id, { outcome: 'approved' }).catch((e) => e);
    assert.ok(err instanceof GreenlightApiError);
    assert.equal(err.code, 'AGENT_CANNOT_DECIDE');
    assert.equal(err.status, 403);
    assert.ok(err.request_id);
    const bad = await createClient({ url: srv.url, key: 'nope-nope-nope-nope' }).get(r.id).catch((e) => e);
    assert.equal(bad.code, 'UNAUTHENTICATED');
  });

  it('network failures are GreenlightNetworkError with the cause kept', async () => {
    const err = await createClient({ url: 'http://127.0.0.1:1', key: 'k' }).get('x').catch((e) => e);
    assert.ok(err instanceof GreenlightNetworkError);
    assert.ok(err.cause);
  });
});

describe('GET /v1/tools/openai', () => {
  it('serves OpenAI function definitions for request_approval, wait_for_approval and ask_user', async () => {
    const app = new Hono();
    app.route('/', openaiToolsRouteGroup() as unknown as Hono);
    const res = await app.request('/v1/tools/openai');
    const body: any = await res.json();
    assert.deepEqual(body.tools.map((t: any) => t.function.name), ['request_approval', 'wait_for_approval', 'ask_user']);
    assert.equal(OPENAI_TOOLS.length, 3);
  });
});
