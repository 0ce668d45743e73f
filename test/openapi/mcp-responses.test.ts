// Real responses of the agent integrations (/mcp, GET /v1/tools/openai) match what the document says.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OPENAI_TOOLS } from '../../src/mcp/openai-tools.js';
import { MCP_TOOLS, OPENAI_TOOL_NAMES } from '../../src/http/openapi/paths-mcp.js';
import { buildOpenApiSpec } from '../../src/http/openapi/spec.js';
import { conformsTo } from './conformance.js';
import { buildAppWithDocs, buildDeps, call, type KeyRole } from './fixture.js';
import { validateJson } from './openapi-check.js';

const spec: any = buildOpenApiSpec('1.2.3');
const conforms = conformsTo(spec);
const MCP_ACCEPT = { accept: 'application/json, text/event-stream' };
const rpc = (id: number, method: string, params: unknown = {}) => ({ jsonrpc: '2.0', id, method, params });
const INIT = rpc(1, 'initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'openapi-test', version: '0' } });

describe('agent integration responses match the document', () => {
  const app = buildAppWithDocs(buildDeps());
  const run = async (role: KeyRole | null, method: string, path: string, template: string, body?: unknown, headers?: Record<string, string>) => {
    const reply = await call(app, role, method, path, body, headers);
    conforms(method, template, reply);
    return reply;
  };

  it('GET /v1/tools/openai: static definitions, no key needed, matching the OpenAiTools schema', async () => {
    const reply = await run(null, 'GET', '/v1/tools/openai', '/v1/tools/openai');
    assert.equal(reply.status, 200);
    assert.deepEqual(validateJson(spec, { $ref: '#/components/schemas/OpenAiTools' }, reply.body, { closed: true }), []);
    assert.deepEqual(reply.body.tools.map((t: any) => t.function.name), [...OPENAI_TOOL_NAMES]);
    assert.deepEqual(OPENAI_TOOLS.map((t) => t.function.name), [...OPENAI_TOOL_NAMES]);
    assert.deepEqual((await run('agent', 'GET', '/v1/tools/openai', '/v1/tools/openai')).body, reply.body);
  });

  it('POST /mcp: initialize, tools/list (the documented tools), tools/call, notifications (202)', async () => {
    const init = await run('agent', 'POST', '/mcp', '/mcp', INIT, MCP_ACCEPT);
    assert.equal(init.status, 200);
    assert.equal(init.body.result.serverInfo.name, 'greenlight');
    assert.equal((await run('agent', 'POST', '/mcp', '/mcp', { jsonrpc: '2.0', method: 'notifications/initialized' }, MCP_ACCEPT)).status, 202);
    const list = await run('agent', 'POST', '/mcp', '/mcp', rpc(2, 'tools/list'), MCP_ACCEPT);
    assert.equal(list.status, 200);
    const names: string[] = list.body.result.tools.map((t: any) => t.name);
    const documented = MCP_TOOLS.map((t) => t.name);
    for (const n of names) assert.ok(documented.includes(n), `tool ${n} is not listed in the /mcp description`);
    for (const n of documented.filter((n) => n !== 'execute_approved')) assert.ok(names.includes(n), `documented tool ${n} is not served`);
    for (const n of documented) assert.ok(spec.paths['/mcp'].post.description.includes(`\`${n}\``), n);
    const called = await run('agent', 'POST', '/mcp', '/mcp', rpc(3, 'tools/call', { name: 'request_approval', arguments: { action_type: 'bash_command', title: 'Deploy', preview: 'make deploy' } }), MCP_ACCEPT);
    assert.equal(called.status, 200);
    assert.equal(called.body.result.content[0].type, 'text');
    const example = spec.paths['/mcp'].post.requestBody.content['application/json'];
    assert.deepEqual(validateJson(spec, example.schema, example.example), []);
  });

  it('/mcp refusals: 401, 403 (role and Origin), 400, 406, 415; GET and DELETE as documented', async () => {
    assert.equal((await run(null, 'POST', '/mcp', '/mcp', INIT, MCP_ACCEPT)).status, 401);
    assert.equal((await run('approver', 'POST', '/mcp', '/mcp', INIT, MCP_ACCEPT)).status, 403);
    assert.equal((await run('agent', 'POST', '/mcp', '/mcp', INIT, { ...MCP_ACCEPT, origin: 'https://evil.example' })).status, 403);
    assert.equal((await run('agent', 'POST', '/mcp', '/mcp', INIT, { ...MCP_ACCEPT, origin: 'http://localhost' })).status, 200);
    assert.equal((await run('agent', 'POST', '/mcp', '/mcp', INIT, { accept: 'application/json' })).status, 406);
    assert.equal((await run('agent', 'POST', '/mcp', '/mcp', INIT, { ...MCP_ACCEPT, 'content-type': 'text/plain' })).status, 415);
    assert.equal((await run('agent', 'POST', '/mcp', '/mcp', { nope: true }, MCP_ACCEPT)).status, 400);
    assert.equal((await run('agent', 'GET', '/mcp', '/mcp', undefined, { accept: 'application/json' })).status, 406);
    const del = await run('agent', 'DELETE', '/mcp', '/mcp');
    assert.equal(del.status, 200);
    const res = await app.request('/mcp', { headers: { authorization: 'Bearer openapi-agent-key-0123456789', accept: 'text/event-stream' } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.ok(spec.paths['/mcp'].get.responses['200'].content['text/event-stream']);
    await res.body?.cancel();
  });
});
