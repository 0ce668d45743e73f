// Who may file and who may decide, on every entry point: only agent keys file requests (approver
// and admin keys get AGENT_KEY_REQUIRED on the API, the compat routes, the hook endpoint, MCP and
// the CLI), and nobody decides a request filed under their own name (FILER_CANNOT_DECIDE on the
// API, Chock's respond and ok2run's email-reply; the request stays pending for someone else, and
// the channels do not ask them).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newId } from '../../src/core/ids.js';
import type { ApprovalRequest } from '../../src/core/types.js';
import { KEYS, startTestServer, type Role, type TestServer } from '../helpers/harness.js';
import { claudePre } from '../hooks/helpers.js';
import { startCli } from '../mcp/spawn-cli.js';
import { emailSuite } from '../email/fixtures.js';

const MCP_ACCEPT = { accept: 'application/json, text/event-stream' };
const OK2RUN = { session_id: 's', action_type: 'exec_cmd', title: 'Run', preview: 'make', channel: 'telegram', target: {} };

describe('only agent keys file requests', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(async () => s.stop());

  const total = async () => (await s.call('admin', 'GET', '/v1/requests?limit=1000')).body.items.length;

  for (const role of ['approver', 'admin'] as Role[]) {
    it(`an ${role} key gets 403 AGENT_KEY_REQUIRED on the native API, ok2run, Chock and /mcp, and files nothing`, async () => {
      const before = await total();
      const tries = [
        await s.call(role, 'POST', '/v1/requests', { title: 'self-serve' }),
        await s.call(role, 'POST', '/v1/approvals', OK2RUN),
        await s.call(role, 'POST', '/api/requests', { title: 'self-serve' }),
        await s.call(role, 'POST', '/mcp', { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'request_approval', arguments: { action_type: 'x', title: 't', preview: 'p' } } }, MCP_ACCEPT),
      ];
      for (const r of tries) {
        assert.equal(r.status, 403, r.text);
        assert.equal(r.body.error.code, 'AGENT_KEY_REQUIRED');
        assert.match(r.body.error.message, /Only agent keys file requests/);
      }
      assert.equal(await total(), before);
    });

    it(`the hook endpoint answers an ${role} key with the host's deny naming AGENT_KEY_REQUIRED`, async () => {
      const before = await total();
      const r = await s.call(role, 'POST', '/v1/hooks/claude-code', claudePre('Bash', { command: 'rm -rf build' }));
      assert.equal(r.status, 200);
      assert.equal(r.body.hookSpecificOutput.permissionDecision, 'deny');
      assert.match(r.body.hookSpecificOutput.permissionDecisionReason, /AGENT_KEY_REQUIRED/);
      assert.equal(await total(), before);
    });
  }

  it('greenlight request with an admin key fails and says to use an agent key', async () => {
    const r = await startCli('request', ['--title', 'from the CLI', '--preview', 'make'], { GREENLIGHT_URL: s.url, GREENLIGHT_KEY: KEYS.admin }).done;
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Only agent keys file requests/);
    assert.equal(r.stdout, '');
  });

  it('an agent key still files everywhere', async () => {
    assert.equal((await s.call('agent', 'POST', '/v1/requests', { title: 'fine' })).status, 201);
    assert.equal((await s.call('agent', 'POST', '/v1/approvals', OK2RUN)).status, 200);
    assert.equal((await s.call('agent', 'POST', '/api/requests', { title: 'fine' })).status, 201);
  });
});

describe('nobody decides a request filed under their own name', () => {
  let s: TestServer;
  let aliceAgentKey: string;
  before(async () => {
    s = await startTestServer();
    // An agent key that carries the approver's name: the same identity on both sides.
    const created = await s.call('admin', 'POST', '/v1/keys', { role: 'agent', name: 'alice' });
    assert.equal(created.status, 201, created.text);
    aliceAgentKey = created.body.key;
  });
  after(async () => s.stop());

  const fileAsAlice = async (path: string, body: Record<string, unknown>) => {
    const res = await fetch(s.url + path, { method: 'POST', headers: { authorization: `Bearer ${aliceAgentKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await res.json()) as Record<string, any>;
    assert.ok(res.status === 200 || res.status === 201, JSON.stringify(json));
    return (json.id ?? json.approval_id) as string;
  };

  /** A request an admin key filed on an older server (before only agents could file). */
  const legacyAdminRequest = async (): Promise<string> => {
    const now = Date.now();
    const id = newId('req', now);
    const request: ApprovalRequest = {
      id, status: 'pending', title: 'filed by root', action_type: 'shell', preview: 'make deploy', tool: null, input: null, agent: 'root', requester: null,
      session_id: null, project: null, cwd: null, host: null, priority: 'normal', tags: [], context: null, question: null, conditions_schema: null, created_at: now, updated_at: now,
      expires_at: now + 3_600_000, on_timeout: 'deny', callback_url: null, idempotency_key: null, channel: null, target: null, origin: 'native', policy: null, decision: null, metadata: null, workflow: null,
    };
    await s.store.createRequest(request, { audit: [], outbox: [] });
    return id;
  };

  const status = async (id: string) => (await s.call('admin', 'GET', `/v1/requests/${id}`)).body.status;

  it('the approver named like the filing agent gets 403 FILER_CANNOT_DECIDE on the native API; another approver decides', async () => {
    const id = await fileAsAlice('/v1/requests', { title: 'alice asks' });
    for (const outcome of ['approved', 'denied']) {
      const r = await s.call('approver', 'POST', `/v1/requests/${id}/decision`, { outcome });
      assert.equal(r.status, 403, r.text);
      assert.equal(r.body.error.code, 'FILER_CANNOT_DECIDE');
      assert.match(r.body.error.message, /nobody decides a request they filed/);
    }
    assert.equal(await status(id), 'pending');
    const bob = await s.call('otherApprover', 'POST', `/v1/requests/${id}/decision`, { outcome: 'approved' });
    assert.equal(bob.status, 200, bob.text);
    assert.equal(bob.body.decision.decided_by, 'bob');
  });

  it('Chock\'s respond refuses the filer too, with Chock\'s detail', async () => {
    const id = await fileAsAlice('/api/requests', { title: 'alice asks via chock' });
    const r = await s.call('approver', 'POST', `/api/requests/${id}/respond`, { status: 'approved', responder: 'alice' });
    assert.equal(r.status, 403, r.text);
    assert.equal(r.body.error.code, 'FILER_CANNOT_DECIDE');
    assert.match(r.body.detail, /filed by "alice"/);
    assert.equal(await status(id), 'pending');
  });

  it('ok2run\'s email-reply refuses the filer too', async () => {
    const id = await fileAsAlice('/v1/approvals', OK2RUN);
    const r = await s.call('approver', 'POST', '/v1/inbox/email-reply', { subject: `Re: ${id}`, body: '1' });
    assert.equal(r.status, 403, r.text);
    assert.equal(r.body.error.code, 'FILER_CANNOT_DECIDE');
    assert.equal(await status(id), 'pending');
  });

  it('a request an admin key filed (older servers) cannot be decided by that admin, on any route', async () => {
    const id = await legacyAdminRequest();
    const native = await s.call('admin', 'POST', `/v1/requests/${id}/decision`, { outcome: 'approved' });
    assert.equal(native.status, 403);
    assert.equal(native.body.error.code, 'FILER_CANNOT_DECIDE');
    const chock = await s.call('admin', 'POST', `/api/requests/${id}/respond`, { status: 'approved' });
    assert.equal(chock.body.error.code, 'FILER_CANNOT_DECIDE');
    const ok2run = await s.call('admin', 'POST', '/v1/inbox/email-reply', { subject: id, body: '1' });
    assert.equal(ok2run.body.error.code, 'FILER_CANNOT_DECIDE');
    assert.equal(await status(id), 'pending');
    const audit = await s.call('admin', 'GET', `/v1/audit?request_id=${id}`);
    assert.equal(audit.body.items.length, 0, 'no decision was recorded');
    assert.equal((await s.call('approver', 'POST', `/v1/requests/${id}/decision`, { outcome: 'denied' })).status, 200, 'someone else decides it');
  });
});

describe('channels do not ask the filer to decide', () => {
  const em = emailSuite();

  it('a request filed under an approver\'s name is mailed to the other routed approvers, not to them', async () => {
    const key = await em.s.call('admin', 'POST', '/v1/keys', { role: 'agent', name: 'alice' });
    const res = await fetch(`${em.s.url}/v1/requests`, { method: 'POST', headers: { authorization: `Bearer ${key.body.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ title: 'alice asks', project: 'ops' }) });
    const { id } = (await res.json()) as { id: string };
    const toBob = await em.smtp.announcement(id, 'Bob@Example.com');
    assert.ok(toBob);
    const control = await em.s.call('agent', 'POST', '/v1/requests', { title: 'agent-a asks', project: 'ops' });
    await em.smtp.announcement(control.body.id, 'alice@example.com');
    assert.equal(em.smtp.mails.filter((m) => m.header('x-greenlight-request') === id && m.envelope.to.includes('alice@example.com')).length, 0);
    const planned = await em.s.store.listOutbox({ request_id: id, limit: 100 });
    assert.deepEqual(planned.filter((i) => i.kind === 'email').map((i) => i.target), ['Bob@Example.com'], 'only bob was ever planned');
  });
});
