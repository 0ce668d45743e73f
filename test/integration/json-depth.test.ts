// Hostile JSON nesting on every entry point that reads JSON: the native API, the compat routes,
// the hook endpoint, MCP over HTTP, the dashboard sign-in, the Telegram webhook, the email inbox
// route, and the two stdio paths (the command hook and `greenlight mcp`). Each refuses a body
// nested past MAX_JSON_DEPTH with a clear error that names the limit, loses nothing, and keeps
// serving; nothing answers 500 or crashes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { MAX_JSON_DEPTH } from '../../src/core/bounded-json.js';
import { KEYS, startTestServer, type TestServer } from '../helpers/harness.js';
import { claudePre } from '../hooks/helpers.js';
import { cliArgv } from '../mcp/spawn-cli.js';
import { startRig, type Rig } from '../telegram/emulator.js';
import { emailSuite, INBOUND_SECRET } from '../email/fixtures.js';

/** JSON text `levels` objects deep around `leaf`. */
const nest = (levels: number, leaf = '1') => '{"a":'.repeat(levels) + leaf + '}'.repeat(levels);
/** Deep enough to overflow a recursive JSON.stringify: thousands of levels, as an attacker sends. */
const HOSTILE = 5000;
const LIMIT = new RegExp(`${MAX_JSON_DEPTH} levels`);
const MCP_ACCEPT = { accept: 'application/json, text/event-stream' };

function assertRefused(r: { status: number; body: any; text: string }) {
  assert.equal(r.status, 400, r.text.slice(0, 300));
  assert.equal(r.body.error.code, 'JSON_TOO_DEEP');
  assert.match(r.body.error.message, LIMIT);
  assert.equal(r.body.error.details.max_depth, MAX_JSON_DEPTH);
}

describe('JSON nested too deep: HTTP entry points', () => {
  let s: TestServer;
  let pendingId: string;
  before(async () => {
    s = await startTestServer();
    pendingId = (await s.call('agent', 'POST', '/v1/requests', { title: 'stays pending' })).body.id;
  });
  after(async () => s.stop());

  const count = async () => (await s.call('approver', 'GET', '/v1/requests?limit=1000')).body.items.length;

  it('native create: a deep input or metadata is a 400 naming the limit, and no request is filed', async () => {
    const before = await count();
    assertRefused(await s.call('agent', 'POST', '/v1/requests', `{"title":"deep input","input":${nest(HOSTILE)}}`));
    assertRefused(await s.call('agent', 'POST', '/v1/requests', `{"title":"deep metadata","metadata":${nest(HOSTILE)}}`));
    assertRefused(await s.call('agent', 'POST', '/v1/requests', `{"title":"arrays","input":${'['.repeat(HOSTILE)}${']'.repeat(HOSTILE)}}`));
    assert.equal(await count(), before, 'nothing was filed');
    assert.equal((await s.call('agent', 'POST', '/v1/requests', { title: 'still serving' })).status, 201);
  });

  it('the limit is exact: a body exactly MAX_JSON_DEPTH deep is filed, one more level is refused', async () => {
    const at = await s.call('agent', 'POST', '/v1/requests', `{"title":"at the limit","input":${nest(MAX_JSON_DEPTH - 1)}}`);
    assert.equal(at.status, 201, at.text);
    assertRefused(await s.call('agent', 'POST', '/v1/requests', `{"title":"past the limit","input":${nest(MAX_JSON_DEPTH)}}`));
  });

  it('brackets inside strings do not count, escaped quotes included', async () => {
    const preview = `echo "${'['.repeat(HOSTILE)}" \\" {{{{`;
    const r = await s.call('agent', 'POST', '/v1/requests', { title: 'brackets in a string', preview, input: { s: '\\"[[[[' + '{'.repeat(HOSTILE) } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.preview, preview);
  });

  it('a deep decision body is refused and the request stays pending', async () => {
    assertRefused(await s.call('approver', 'POST', `/v1/requests/${pendingId}/decision`, `{"outcome":"approved","conditions":${nest(HOSTILE)}}`));
    assert.equal((await s.call('approver', 'GET', `/v1/requests/${pendingId}`)).body.status, 'pending');
  });

  it('policy dry run and key creation refuse deep bodies', async () => {
    assertRefused(await s.call('approver', 'POST', '/v1/policy/evaluate', `{"tool":"Bash","input":${nest(HOSTILE)}}`));
    assertRefused(await s.call('admin', 'POST', '/v1/keys', `{"role":"agent","name":"x","projects":${nest(HOSTILE)}}`));
  });

  it('ok2run POST /v1/approvals: 400 with the limit in both error.message and detail', async () => {
    const r = await s.call('agent', 'POST', '/v1/approvals', `{"session_id":"s","action_type":"a","title":"t","preview":"p","channel":"telegram","target":${nest(HOSTILE)}}`);
    assertRefused(r);
    assert.match(r.body.detail, LIMIT);
    assertRefused(await s.call('approver', 'POST', '/v1/inbox/email-reply', `{"subject":"x","body":"1","extra":${nest(HOSTILE)}}`));
  });

  it('Chock create and respond: 400 naming the limit', async () => {
    const created = await s.call('agent', 'POST', '/api/requests', `{"title":"t","metadata":${nest(HOSTILE)}}`);
    assertRefused(created);
    assert.match(created.body.detail, LIMIT);
    assertRefused(await s.call('approver', 'POST', `/api/requests/${pendingId}/respond`, `{"status":"approved","conditions":${nest(HOSTILE)}}`));
    assert.equal((await s.call('approver', 'GET', `/v1/requests/${pendingId}`)).body.status, 'pending');
  });

  it('the hook endpoint answers the host\'s own deny, naming the limit, and files nothing', async () => {
    const before = await count();
    const payload = JSON.stringify(claudePre('mcp__db__query', { q: 'x' })).replace('{"q":"x"}', nest(HOSTILE));
    const r = await s.call('agent', 'POST', '/v1/hooks/claude-code', payload);
    assert.equal(r.status, 200, 'hooks always answer 200 with the host output, so the host reads the deny');
    assert.equal(r.body.hookSpecificOutput.permissionDecision, 'deny');
    assert.match(r.body.hookSpecificOutput.permissionDecisionReason, /JSON_TOO_DEEP/);
    assert.match(r.body.hookSpecificOutput.permissionDecisionReason, LIMIT);
    assert.equal(await count(), before);
  });

  it('MCP over HTTP: a JSON-RPC parse error (400) naming the limit; the next call works', async () => {
    const body = `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"request_approval","arguments":{"action_type":"x","title":"t","preview":"p","metadata":${nest(HOSTILE)}}}}`;
    const r = await s.call('agent', 'POST', '/mcp', body, MCP_ACCEPT);
    assert.equal(r.status, 400, r.text.slice(0, 300));
    assert.equal(r.body.jsonrpc, '2.0');
    assert.equal(r.body.error.code, -32700);
    assert.match(r.body.error.message, LIMIT);
    assert.equal(r.body.error.data.code, 'JSON_TOO_DEEP');
    const ok = await s.call('agent', 'POST', '/mcp', { jsonrpc: '2.0', id: 8, method: 'tools/list' }, MCP_ACCEPT);
    assert.equal(ok.status, 200);
  });

  it('dashboard sign-in refuses a deep body', async () => {
    assertRefused(await s.call(null, 'POST', '/auth/login', `{"key":${nest(HOSTILE, '"x"')}}`));
  });
});

describe('JSON nested too deep: channel routes', () => {
  let rig: Rig;
  const em = emailSuite();
  const SECRET = 'whsec_0123456789abcdefABCDEF';
  before(async () => {
    rig = await startRig({ telegram: { mode: 'webhook', webhook: { secret_token: SECRET } }, server: { host: '127.0.0.1', port: 0, public_url: 'https://gl.example.com' } });
  });
  after(() => rig.stop());

  it('the Telegram webhook refuses a deep update with 400 and keeps taking updates', async () => {
    const post = (body: string) => fetch(`${rig.srv.url}/v1/telegram/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET }, body });
    const res = await post(`{"update_id":1,"message":${nest(HOSTILE)}}`);
    assertRefused({ status: res.status, text: '', body: await res.json() });
    assert.equal((await post('{"update_id":2}')).status, 200);
  });

  it('the email inbox route refuses a deep JSON body with 400', async () => {
    const res = await fetch(`${em.s.url}/v1/inbox/email`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-greenlight-inbound-secret': INBOUND_SECRET }, body: `{"raw":"x","headers":${nest(HOSTILE)}}` });
    assertRefused({ status: res.status, text: '', body: await res.json() });
  });
});

describe('JSON nested too deep: stdio paths', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(async () => s.stop());

  it('the command hook prints the host\'s deny naming the limit, exits 0, and never files the call', async () => {
    const hook = fileURLToPath(new URL('../../src/cli/hook.js', import.meta.url));
    const payload = JSON.stringify(claudePre('mcp__db__query', { q: 'x' })).replace('{"q":"x"}', nest(HOSTILE));
    const child = spawn(process.execPath, [hook, 'claude-code'], { env: { PATH: process.env.PATH, GREENLIGHT_URL: s.url, GREENLIGHT_KEY: KEYS.agent } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.stdin.end(payload);
    const code = await new Promise((resolve) => child.on('close', resolve));
    assert.equal(code, 0, err);
    const parsed = JSON.parse(out);
    assert.equal(parsed.hookSpecificOutput.permissionDecision, 'deny');
    assert.match(parsed.hookSpecificOutput.permissionDecisionReason, LIMIT);
    assert.equal(err, '');
    assert.equal((await s.call('approver', 'GET', '/v1/requests')).body.items.length, 0, 'nothing reached the gate');
  });

  it('greenlight mcp answers a deep message with a JSON-RPC parse error carrying its id, then keeps serving', async () => {
    const a = cliArgv('mcp', []);
    const child = spawn(a.command, a.args, { cwd: a.cwd, env: { ...process.env, GREENLIGHT_URL: s.url, GREENLIGHT_KEY: KEYS.agent }, stdio: ['pipe', 'pipe', 'pipe'] });
    let buffer = '';
    const replies: any[] = [];
    const waiters: (() => void)[] = [];
    child.stdout.on('data', (d) => {
      buffer += d;
      for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
        replies.push(JSON.parse(buffer.slice(0, nl)));
        buffer = buffer.slice(nl + 1);
        waiters.splice(0).forEach((w) => w());
      }
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const reply = async (id: number) => {
      for (;;) {
        const hit = replies.find((r) => r.id === id);
        if (hit) return hit;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    };
    try {
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } })}\n`);
      await reply(1);
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
      // Split across writes, as a pipe may deliver it.
      const deep = `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"permission_prompt","arguments":{"tool_name":"Bash","input":${nest(HOSTILE)}}}}\n`;
      child.stdin.write(deep.slice(0, 1000));
      child.stdin.write(deep.slice(1000));
      const refused = await reply(2);
      assert.equal(refused.error.code, -32700);
      assert.match(refused.error.message, LIMIT);
      assert.equal(refused.error.data.code, 'JSON_TOO_DEEP');
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/list' })}\n`);
      assert.ok((await reply(3)).result.tools.length > 0, 'still serving');
      assert.equal(child.exitCode, null, `still running: ${stderr}`);
    } finally {
      child.kill();
    }
  });
});
