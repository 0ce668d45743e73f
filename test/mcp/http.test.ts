import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { serve, type ServerType } from '@hono/node-server';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createKeyring } from '../../src/auth/keyring.js';
import { createHttpApp } from '../../src/http/app.js';
import { silentLogger } from '../../src/log.js';
import { mcpRouteGroup } from '../../src/mcp/http.js';
import { KEYS, startTestServer, type TestServer } from '../helpers/harness.js';

const jsonOf = (r: any) => JSON.parse(r.content[0].text);

// Until the lead registers mcpRouteGroup() in route-groups.ts, the test mounts it on its own app
// over the test server's gate and store.
describe('MCP over Streamable HTTP (/mcp)', () => {
  let srv: TestServer;
  let http: ServerType;
  let url: string;
  let workDir: string;
  before(async () => {
    srv = await startTestServer({ server: { host: '127.0.0.1', port: 0, allowed_origins: ['https://ok.example'] } });
    workDir = mkdtempSync(join(tmpdir(), 'greenlight-exec-'));
    const config = { ...srv.config, mcp: { execute_approved: { enabled: true, directory: workDir, timeout_sec: 2, max_output_bytes: 2048 } } } as typeof srv.config;
    const app = createHttpApp({ gate: srv.gate, keyring: createKeyring(config, srv.store), config, metrics: srv.metrics, logger: silentLogger, version: 'test', ready: async () => true }, [mcpRouteGroup()]);
    http = await new Promise((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    const addr = http.address() as { port: number };
    url = `http://127.0.0.1:${addr.port}`;
  });
  after(async () => {
    await new Promise<void>((r) => {
      http.close(() => r());
      (http as any).closeAllConnections?.();
    });
    await srv.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  async function connect(key: string, headers: Record<string, string> = {}): Promise<Client> {
    const client = new Client({ name: 'test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${key}`, ...headers } } }));
    return client;
  }

  it('refuses a missing key with 401 and a foreign Origin with 403', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    const h = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    assert.equal((await fetch(`${url}/mcp`, { method: 'POST', headers: h, body })).status, 401);
    const evil = await fetch(`${url}/mcp`, { method: 'POST', headers: { ...h, authorization: `Bearer ${KEYS.agent}`, origin: 'https://evil.example' }, body });
    assert.equal(evil.status, 403);
  });

  it('accepts a listed Origin and an approver key is refused', async () => {
    const c = await connect(KEYS.agent, { origin: 'https://ok.example' });
    assert.ok((await c.listTools()).tools.length >= 7);
    await c.close();
    await assert.rejects(connect(KEYS.approver));
  });

  it('execute_approved runs the edited command a human approved, once, with an output cap', async () => {
    const c = await connect(KEYS.agent);
    const created = jsonOf(await c.callTool({ name: 'request_approval', arguments: { action_type: 'bash_command', title: 'write file', preview: 'echo original > out.txt' } }));
    let r: any = await c.callTool({ name: 'execute_approved', arguments: { approval_id: created.approval_id } });
    assert.equal(r.isError, true, 'pending requests are never run');
    await srv.call('approver', 'POST', `/v1/requests/${created.approval_id}/decision`, { outcome: 'approved', updated_input: 'echo edited > out.txt; yes | head -c 5000' });
    r = await c.callTool({ name: 'execute_approved', arguments: { approval_id: created.approval_id } });
    assert.equal(r.isError, undefined, r.content[0].text);
    const out = jsonOf(r);
    assert.equal(out.exit_code, 0);
    assert.equal(out.truncated, true);
    assert.ok(out.stdout.length <= 2048);
    assert.equal(readFileSync(join(workDir, 'out.txt'), 'utf8'), 'edited\n');
    r = await c.callTool({ name: 'execute_approved', arguments: { approval_id: created.approval_id } });
    assert.equal(r.isError, true, 'runs at most once');
    await c.close();
  });

  it('execute_approved refuses a request the policy approved, and kills a command at the timeout', async () => {
    const c = await connect(KEYS.agent);
    const created = jsonOf(await c.callTool({ name: 'request_approval', arguments: { action_type: 'bash_command', title: 'auto', preview: 'echo hi' } }));
    const ok = await srv.gate.autoApprove(created.approval_id, { rule: 'Bash(echo *)', via: 'grant', comment: 'covered by grant' });
    assert.equal(ok, true);
    const r: any = await c.callTool({ name: 'execute_approved', arguments: { approval_id: created.approval_id } });
    assert.equal(r.isError, true);
    assert.match(r.content[0].text, /not by a human decision/);

    const slow = jsonOf(await c.callTool({ name: 'request_approval', arguments: { action_type: 'bash_command', title: 'slow', preview: 'sleep 30' } }));
    await srv.call('approver', 'POST', `/v1/requests/${slow.approval_id}/decision`, { outcome: 'approved' });
    const t: any = await c.callTool({ name: 'execute_approved', arguments: { approval_id: slow.approval_id } });
    assert.equal(t.isError, true);
    assert.equal(jsonOf(t).timed_out, true);
    await c.close();
  });

  it('wait_for_approval over HTTP unblocks on the decision', async () => {
    const c = await connect(KEYS.agent);
    const created = jsonOf(await c.callTool({ name: 'request_approval', arguments: { action_type: 'x', title: 'http wait', preview: 'p' } }));
    const waiting = c.callTool({ name: 'wait_for_approval', arguments: { approval_id: created.approval_id, max_wait: 30 } });
    await srv.call('approver', 'POST', `/v1/requests/${created.approval_id}/decision`, { outcome: 'approved' });
    const result = jsonOf(await waiting);
    assert.equal(result.status, 'approved');
    // The signed receipt reaches the agent in the tool result, as in the API.
    assert.deepEqual(result.receipt, (await srv.call('agent', 'GET', `/v1/requests/${created.approval_id}/receipt`)).body);
    assert.deepEqual(result.receipt.approvers, [{ name: 'alice', kind: 'approver', via: 'api' }]);
    await c.close();
  });
});
