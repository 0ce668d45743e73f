import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { KEYS, startTestServer, type TestServer } from '../helpers/harness.js';
import { cliArgv } from './spawn-cli.js';

const textOf = (r: any) => r.content[0].text as string;
const jsonOf = (r: any) => JSON.parse(textOf(r));

async function pendingIdOf(srv: TestServer, title: string): Promise<string> {
  for (;;) {
    const res = await srv.call('approver', 'GET', '/v1/requests/pending');
    const hit = res.body.items.find((r: any) => r.title === title);
    if (hit) return hit.id;
    await new Promise((r) => setImmediate(r));
  }
}

describe('MCP over stdio (greenlight mcp)', () => {
  let srv: TestServer;
  let client: Client;
  before(async () => {
    srv = await startTestServer();
    const a = cliArgv('mcp', []);
    const transport = new StdioClientTransport({ command: a.command, args: a.args, cwd: a.cwd, env: { ...(process.env as Record<string, string>), APPROVAL_GATE_URL: srv.url, APPROVAL_API_KEY: KEYS.agent }, stderr: 'pipe' });
    client = new Client({ name: 'test', version: '1' });
    await client.connect(transport);
  });
  after(async () => {
    await client?.close();
    await srv?.stop();
  });

  it('lists ok2run tool names plus check, cancel and permission_prompt, and no execute_approved when it is off', async () => {
    const names = (await client.listTools()).tools.map((t) => t.name).sort();
    assert.deepEqual(names, ['ask_user', 'cancel_request', 'check_request', 'permission_prompt', 'request_approval', 'wait_for_approval']);
  });

  it('request_approval then wait_for_approval returns the approval pushed by a human', async () => {
    const created = jsonOf(await client.callTool({ name: 'request_approval', arguments: { action_type: 'bash_command', title: 'deploy prod', preview: 'make deploy' } }));
    assert.equal(created.status, 'pending');
    assert.ok(created.approval_id);
    const waiting = client.callTool({ name: 'wait_for_approval', arguments: { approval_id: created.approval_id, max_wait: 30 } });
    await srv.call('approver', 'POST', `/v1/requests/${created.approval_id}/decision`, { outcome: 'approved', comment: 'go' });
    const r: any = await waiting;
    assert.equal(r.isError, undefined);
    assert.equal(jsonOf(r).status, 'approved');
    assert.equal(jsonOf(r).decision.note, 'go');
  });

  it('a denial is a result with isError and a readable message', async () => {
    const created = jsonOf(await client.callTool({ name: 'request_approval', arguments: { action_type: 'bash_command', title: 'drop db', preview: 'dropdb prod' } }));
    await srv.call('approver', 'POST', `/v1/requests/${created.approval_id}/decision`, { outcome: 'denied', comment: 'no way' });
    const r: any = await client.callTool({ name: 'wait_for_approval', arguments: { approval_id: created.approval_id } });
    assert.equal(r.isError, true);
    assert.match(jsonOf(r).message, /Denied by alice/);
  });

  it('a timeout is a result with isError that says it is still pending', async () => {
    const created = jsonOf(await client.callTool({ name: 'request_approval', arguments: { action_type: 'x', title: 'slow', preview: 'p' } }));
    const r: any = await client.callTool({ name: 'wait_for_approval', arguments: { approval_id: created.approval_id, max_wait: 0 } });
    assert.equal(r.isError, true);
    assert.equal(jsonOf(r).status, 'pending');
    const c: any = await client.callTool({ name: 'cancel_request', arguments: { approval_id: created.approval_id } });
    assert.equal(jsonOf(c).status, 'cancelled');
  });

  it('ask_user returns the chosen option label', async () => {
    const asking = client.callTool({ name: 'ask_user', arguments: { question: 'Which framework?', options: ['React', 'Vue'] } });
    const id = await pendingIdOf(srv, 'Which framework?');
    const q = await srv.call('approver', 'GET', `/v1/requests/${id}`);
    const vue = q.body.question.options.find((o: any) => o.label === 'Vue').key;
    await srv.call('approver', 'POST', `/v1/requests/${id}/decision`, { outcome: 'answered', answer: [vue] });
    const r: any = await asking;
    assert.equal(jsonOf(r).answer, 'Vue');
  });

  it('permission_prompt answers allow with the edited input, and deny with a message', async () => {
    const allowing = client.callTool({ name: 'permission_prompt', arguments: { tool_name: 'Bash', input: { command: 'rm -rf build' }, tool_use_id: 't1' } });
    const id = await pendingIdOf(srv, 'Bash: rm -rf build');
    await srv.call('approver', 'POST', `/v1/requests/${id}/decision`, { outcome: 'approved', updated_input: { command: 'rm -rf build/tmp' } });
    assert.deepEqual(jsonOf(await allowing), { behavior: 'allow', updatedInput: { command: 'rm -rf build/tmp' } });

    const denying = client.callTool({ name: 'permission_prompt', arguments: { tool_name: 'Bash', input: { command: 'curl evil' } } });
    const id2 = await pendingIdOf(srv, 'Bash: curl evil');
    await srv.call('approver', 'POST', `/v1/requests/${id2}/decision`, { outcome: 'denied', comment: 'nope' });
    const d = jsonOf(await denying);
    assert.equal(d.behavior, 'deny');
    assert.match(d.message, /nope/);
  });

  it('check_request of an unknown id is an error result naming the code', async () => {
    const r: any = await client.callTool({ name: 'check_request', arguments: { approval_id: 'req_nope' } });
    assert.equal(r.isError, true);
    assert.match(textOf(r), /NOT_FOUND/);
  });
});
