// The machine a hook call comes from: the command hook runs on the agent's machine and names it
// (os.hostname()), so an approver can limit a grant to it ("only on this host"). A host's own "http"
// hook posts straight to the server, which never invents a host: such a request names none, and a
// host-limited grant does not apply to it (it asks).
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { KEYS, type TestServer } from '../helpers/harness.js';
import { claudePre, decide, nextPending, postHook, runHookProcess, startHookServer } from './helpers.js';

describe('the machine a hook call comes from', () => {
  let s: TestServer;
  const env = () => ({ GREENLIGHT_URL: s.url, GREENLIGHT_KEY: KEYS.agent, GREENLIGHT_HOOK_WAIT_SEC: '0' });
  before(async () => {
    s = await startHookServer();
  });
  after(() => s.stop());

  it('the command hook names this machine on the request it files', async () => {
    const filed = nextPending(s);
    const r = await runHookProcess('claude-code', claudePre('Bash', { command: 'make deploy-hostname-1' }), env());
    assert.equal(r.out.hookSpecificOutput.permissionDecision, 'deny', 'still waiting for a human');
    const [request] = await filed;
    assert.equal(request.host, hostname());
    assert.equal((await s.call('admin', 'GET', `/v1/requests/${request.id}`)).body.host, hostname());
  });

  it('an "http" hook sends no hostname: the server leaves the host empty', async () => {
    const filed = nextPending(s);
    const r = await postHook(s, 'claude-code', claudePre('Bash', { command: 'make deploy-hostname-2' }), { waitSec: 0 });
    assert.equal(r.status, 200);
    const [request] = await filed;
    assert.equal(request.host, null);
  });

  it('a session grant "only on this host" lets the command hook through, and asks for the same call from the http hook', async () => {
    const command = 'make deploy-hostname-3';
    const first = await s.call('agent', 'POST', '/v1/requests', { title: command, tool: 'Bash', input: { command }, session_id: 'sess-1', cwd: '/tmp/project', host: hostname() });
    assert.equal(first.body.status, 'pending', first.text);
    const d = await decide(s, first.body.id, { outcome: 'approved', scope: 'session', grant_limits: { host: hostname() } });
    assert.equal(d.status, 200, d.text);
    const hook = await runHookProcess('claude-code', claudePre('Bash', { command }), env());
    assert.equal(hook.out.hookSpecificOutput.permissionDecision, 'allow', JSON.stringify(hook.out));
    const http = await postHook(s, 'claude-code', claudePre('Bash', { command }), { waitSec: 0 });
    assert.equal(http.body.hookSpecificOutput.permissionDecision, 'deny');
    assert.match(http.body.hookSpecificOutput.permissionDecisionReason, /waiting for human approval/, 'no host: the grant does not apply, a human is asked');
  });

  it('a hostile hostname on the hook URL is refused, never filed: a deny that names the field', async () => {
    for (const bad of ['evil host', 'a<b>', 'x'.repeat(300), 'a\u202eb']) {
      const res = await fetch(`${s.url}/v1/hooks/claude-code?wait_sec=0&hostname=${encodeURIComponent(bad)}`, { method: 'POST', headers: { authorization: `Bearer ${KEYS.agent}`, 'content-type': 'application/json' }, body: JSON.stringify(claudePre('Bash', { command: 'make deploy-hostname-4' })) });
      const body = (await res.json()) as any;
      assert.equal(body.hookSpecificOutput.permissionDecision, 'deny');
      assert.match(body.hookSpecificOutput.permissionDecisionReason, /VALIDATION_FAILED.*host: must be a hostname/);
    }
  });
});
