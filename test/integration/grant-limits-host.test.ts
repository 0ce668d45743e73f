// "Only this host": requests say which machine the agent runs on (`host`), and an approver can
// limit a grant to the request's own host (grant_limits.host). The gate applies such a grant only
// to requests naming that host (case-insensitive); a request from another machine, or one that
// names none, asks a human (fail closed) — for new requests, dry runs and covered pending requests.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually } from '../email/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/harness.js';

const HOSTILE = ['build a', 'build\u0000a', 'build\u001ba', 'build\u202ea', 'x'.repeat(300), '<b>laptop</b>', '', 'laptop\n', 'laptöp', 42];

describe('grant limit: only this host', () => {
  const project = mkdtempSync(join(tmpdir(), 'greenlight-host-'));
  let s: TestServer;
  let n = 0;

  before(async () => {
    s = await startTestServer({ projects: [{ name: 'webapp', directories: [project] }] });
  });
  after(async () => {
    await s.stop();
    rmSync(project, { recursive: true, force: true });
  });

  const ask = async (command: string, host?: string | null) => {
    const r = await s.call('agent', 'POST', '/v1/requests', { title: `Bash: ${command}`, tool: 'Bash', input: { command }, cwd: project, session_id: 'sess-1', ...(host === undefined ? {} : { host }) });
    assert.equal(r.status, 201, r.text);
    return r.body;
  };
  const decide = (id: string, body: Record<string, unknown>) => s.call('approver', 'POST', `/v1/requests/${id}/decision`, body);
  const grantOf = async (requestId: string) => (await s.call('admin', 'GET', '/v1/grants?include_revoked=true')).body.items.find((g: { source_request_id: string }) => g.source_request_id === requestId);

  it('stores the host a request names, and null when it names none', async () => {
    const named = await ask(`make show-${++n}`, 'build-a.example.internal');
    assert.equal(named.host, 'build-a.example.internal');
    assert.equal((await s.call('admin', 'GET', `/v1/requests/${named.id}`)).body.host, 'build-a.example.internal');
    assert.equal((await ask(`make show-${++n}`)).host, null);
  });

  it('a session grant limited to host A allows the same action from A (any case), and asks from host B and from a request without a host', async () => {
    const command = `make deploy-${++n}`;
    const first = await ask(command, 'build-a');
    assert.equal(first.status, 'pending');
    const d = await decide(first.id, { outcome: 'approved', scope: 'session', grant_limits: { host: 'build-a' } });
    assert.equal(d.status, 200, d.text);
    const grant = await grantOf(first.id);
    assert.equal(grant.host, 'build-a');
    assert.equal((await ask(command, 'build-a')).status, 'approved');
    assert.equal((await ask(command, 'BUILD-A')).status, 'approved', 'hostnames compare case-insensitively');
    assert.equal((await ask(command, 'build-b')).status, 'pending', 'another machine asks');
    assert.equal((await ask(command, 'build-a.evil')).status, 'pending', 'a longer name is another machine');
    assert.equal((await ask(command)).status, 'pending', 'a request without a host never fits a host-limited grant');
    const audit = await s.call('admin', 'GET', `/v1/audit?request_id=${first.id}&order=asc`);
    const created = audit.body.items.find((e: { action: string }) => e.action === 'grant.created');
    assert.equal(created.detail.host, 'build-a', 'the host limit is audited with the grant');
  });

  it('a revoked host-limited grant allows nothing more, not even from its host', async () => {
    const command = `make revoke-${++n}`;
    const first = await ask(command, 'build-a');
    assert.equal((await decide(first.id, { outcome: 'approved', scope: 'always', grant_limits: { host: 'build-a' } })).status, 200);
    assert.equal((await ask(command, 'build-a')).status, 'approved');
    const grant = await grantOf(first.id);
    assert.equal((await s.call('admin', 'DELETE', `/v1/grants/${grant.id}`)).status, 200);
    assert.equal((await ask(command, 'build-a')).status, 'pending');
  });

  it('a dry run applies a host-limited grant only for the host it is given', async () => {
    const command = `make dry-${++n}`;
    const first = await ask(command, 'build-a');
    // A rule grant ("accept all make dry-N"): the dry run evaluates rules, not exact-action grants.
    const rule = first.policy.suggestions.find((g: { kind: string }) => g.kind !== 'exact')?.rule;
    assert.ok(rule, JSON.stringify(first.policy.suggestions));
    const d = await decide(first.id, { outcome: 'approved', scope: 'always', grant_rule: rule, grant_limits: { host: 'build-a' } });
    assert.equal(d.status, 200, d.text);
    const dry = (host?: string) => s.call('approver', 'POST', '/v1/policy/evaluate', { tool: 'Bash', input: { command }, cwd: project, agent: first.agent, project: first.project, ...(host ? { host } : {}) });
    assert.equal((await dry('Build-A')).body.verdict, 'allow');
    assert.equal((await dry('build-b')).body.verdict, 'ask');
    assert.equal((await dry()).body.verdict, 'ask');
    const bad = await dry('<script>');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /host: must be a hostname/);
  });

  it('a host-limited grant approves only the covered pending requests from its host', async () => {
    const command = `make covered-${++n}`;
    const source = await ask(command, 'build-a');
    // Filed in this order, A's last: the pass over the queue has judged the others by the time A's is approved.
    const [fromB, fromNowhere, fromA] = [await ask(command, 'build-b'), await ask(command), await ask(command, 'build-a')];
    assert.equal((await decide(source.id, { outcome: 'approved', scope: 'always', grant_limits: { host: 'build-a' } })).status, 200);
    const status = async (id: string) => (await s.call('admin', 'GET', `/v1/requests/${id}`)).body.status as string;
    await eventually(async () => ((await status(fromA.id)) === 'approved' ? true : null), 'the covered request from build-a is approved');
    assert.equal((await grantOf(source.id)).uses, 1);
    assert.equal(await status(fromB.id), 'pending');
    assert.equal(await status(fromNowhere.id), 'pending');
  });

  it('refuses a malformed or hostile host on the create body, filing nothing', async () => {
    const before = (await s.call('admin', 'GET', '/v1/requests?limit=500')).body.items.length;
    for (const host of HOSTILE) {
      const res = await s.call('agent', 'POST', '/v1/requests', { title: 'x', tool: 'Bash', input: { command: 'make x' }, host });
      assert.equal(res.status, 400, `${JSON.stringify(host)}: ${res.text}`);
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
      assert.match(res.body.error.message, /host: /);
    }
    assert.equal((await s.call('admin', 'GET', '/v1/requests?limit=500')).body.items.length, before);
  });

  it('refuses a malformed, hostile or foreign host limit, and one without a grant, deciding nothing', async () => {
    const r = await ask(`make bad-${++n}`, 'build-a');
    for (const host of HOSTILE) {
      const res = await decide(r.id, { outcome: 'approved', scope: 'always', grant_limits: { host } });
      assert.equal(res.status, 400, `${JSON.stringify(host)}: ${res.text}`);
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
    }
    const foreign = await decide(r.id, { outcome: 'approved', scope: 'always', grant_limits: { host: 'build-b' } });
    assert.equal(foreign.status, 400);
    assert.match(foreign.body.error.message, /this request's own host \(build-a\)/);
    const once = await decide(r.id, { outcome: 'approved', grant_limits: { host: 'build-a' } });
    assert.equal(once.status, 400);
    assert.match(once.body.error.message, /need scope "session" or "always"/);
    const asAgent = await s.call('agent', 'POST', `/v1/requests/${r.id}/decision`, { outcome: 'approved', scope: 'always', grant_limits: { host: 'build-a' } });
    assert.equal(asAgent.status, 403);
    const noHost = await ask(`make bad-${++n}`);
    const res = await decide(noHost.id, { outcome: 'approved', scope: 'always', grant_limits: { host: 'build-a' } });
    assert.equal(res.status, 400);
    assert.match(res.body.error.message, /names none/);
    for (const id of [r.id, noHost.id]) assert.equal((await s.call('admin', 'GET', `/v1/requests/${id}`)).body.status, 'pending');
  });
});
