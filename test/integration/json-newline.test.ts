// Every JSON response ends with a newline (so `curl` output does not run into the shell prompt),
// on every route family — native, compat, hooks, MCP, docs — for successes and errors alike, and
// Content-Length counts it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KEYS, startTestServer, type TestServer } from '../helpers/harness.js';

const MCP_ACCEPT = { accept: 'application/json, text/event-stream' };

describe('JSON responses end with a newline', () => {
  let s: TestServer;
  let id: string;
  before(async () => {
    s = await startTestServer();
    id = (await s.call('agent', 'POST', '/v1/requests', { title: 'newline' })).body.id;
  });
  after(async () => s.stop());

  const cases: [string, () => Promise<{ status: number; text: string; headers: Headers }>, number][] = [
    ['native create', () => s.call('agent', 'POST', '/v1/requests', { title: 'x' }), 201],
    ['native read', () => s.call('agent', 'GET', `/v1/requests/${id}`), 200],
    ['native validation error', () => s.call('agent', 'POST', '/v1/requests', { title: 7 }), 400],
    ['missing key', () => s.call(null, 'GET', '/v1/requests'), 401],
    ['unknown route', () => s.call('agent', 'GET', '/v1/nowhere'), 404],
    ['broken JSON', () => s.call('agent', 'POST', '/v1/requests', '{"title":'), 400],
    ['ok2run create', () => s.call('agent', 'POST', '/v1/approvals', { session_id: 's', action_type: 'a', title: 't', preview: 'p', channel: 'telegram', target: {} }), 200],
    ['ok2run 422', () => s.call('agent', 'POST', '/v1/approvals', {}), 422],
    ['chock list', () => s.call('approver', 'GET', '/api/requests'), 200],
    ['chock error', () => s.call('approver', 'POST', `/api/requests/${id}/respond`, { status: 'nonsense' }), 400],
    ['health', () => s.call(null, 'GET', '/health'), 200],
    ['hook endpoint', () => s.call('agent', 'POST', '/v1/hooks/claude-code', 'not json'), 200],
    ['MCP over HTTP', () => s.call('agent', 'POST', '/mcp', { jsonrpc: '2.0', id: 1, method: 'tools/list' }, MCP_ACCEPT), 200],
    ['OpenAPI document', () => s.call(null, 'GET', '/openapi.json'), 200],
  ];

  for (const [name, call, status] of cases) {
    it(`${name}: ends with "\\n", parses, and Content-Length counts the newline`, async () => {
      const r = await call();
      assert.equal(r.status, status, r.text.slice(0, 300));
      assert.match(r.headers.get('content-type') ?? '', /json/);
      assert.ok(/[}\]]\n$/.test(r.text), `ends with a newline: ${JSON.stringify(r.text.slice(-20))}`);
      assert.ok(!r.text.endsWith('\n\n'), 'exactly one newline');
      JSON.parse(r.text);
      const length = r.headers.get('content-length');
      if (length !== null) assert.equal(Number(length), Buffer.byteLength(r.text));
    });
  }

  it('a 304 for the OpenAPI document stays empty', async () => {
    const first = await s.call(null, 'GET', '/openapi.json');
    const again = await s.call(null, 'GET', '/openapi.json', undefined, { 'if-none-match': first.headers.get('etag')! });
    assert.equal(again.status, 304);
    assert.equal(again.text, '');
  });

  it('the server events stream is not touched', async () => {
    const ac = new AbortController();
    const res = await fetch(`${s.url}/v1/events`, { headers: { authorization: `Bearer ${KEYS.approver}` }, signal: ac.signal });
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    ac.abort();
    await res.body?.cancel().catch(() => {});
  });
});
