import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { KEYS, startTestServer, type TestServer } from '../helpers/harness.js';
import { startCli } from '../mcp/spawn-cli.js';

/**
 * The id of the pending request titled `title`: one already filed, or the next one filed. No
 * deadline of its own (a CLI starting on a busy machine can take well over 10 s); the test
 * runner's timeout bounds it.
 */
async function pendingIdOf(srv: TestServer, title: string): Promise<string> {
  let off = () => {};
  const filed = new Promise<string>((resolve) => {
    off = srv.events.subscribe((e) => {
      if (e.type === 'request.created' && e.request.status === 'pending' && e.request.title === title) resolve(e.request.id);
    });
  });
  try {
    const res = await srv.call('approver', 'GET', '/v1/requests/pending');
    const hit = res.body.items.find((r: any) => r.title === title);
    return hit ? hit.id : await filed;
  } finally {
    off();
  }
}

describe('agent CLI: run, ask, request, pending, decide', () => {
  let srv: TestServer;
  let env: Record<string, string>;
  before(async () => {
    srv = await startTestServer();
    env = { GREENLIGHT_URL: srv.url, GREENLIGHT_KEY: KEYS.agent };
  });
  after(() => srv.stop());

  it('run executes the command once approved and exits with its code', async () => {
    const p = startCli('run', ['--title', 'run ok', '--', 'sh', '-c', 'echo ran; exit 3'], env);
    const id = await pendingIdOf(srv, 'run ok');
    assert.equal((await srv.call('admin', 'GET', `/v1/requests/${id}`)).body.host, hostname(), 'it runs on the agent\'s machine and says which');
    await srv.call('approver', 'POST', `/v1/requests/${id}/decision`, { outcome: 'approved' });
    const r = await p.done;
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, 'ran\n');
  });

  it('run executes the edited command when the approver edited it', async () => {
    const p = startCli('run', ['--title', 'run edit', '--', 'echo', 'original'], env);
    const id = await pendingIdOf(srv, 'run edit');
    await srv.call('approver', 'POST', `/v1/requests/${id}/decision`, { outcome: 'approved', updated_input: { command: 'echo edited' } });
    const r = await p.done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'edited\n');
  });

  it('run exits 10 on a denial without running, and 11 on a timeout', async () => {
    const p = startCli('run', ['--title', 'run deny', '--', 'echo', 'should-not-run'], env);
    const id = await pendingIdOf(srv, 'run deny');
    await srv.call('approver', 'POST', `/v1/requests/${id}/decision`, { outcome: 'denied', comment: 'no' });
    const r = await p.done;
    assert.equal(r.code, 10);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /Denied by alice/);
    const t = await startCli('run', ['--timeout', '0', '--', 'echo', 'x'], env).done;
    assert.equal(t.code, 11);
    assert.equal(t.stdout, '');
  });

  it('ask prints the chosen option', async () => {
    const p = startCli('ask', ['Which region?', '-o', 'eu', '-o', 'us'], env);
    const id = await pendingIdOf(srv, 'Which region?');
    const q = await srv.call('approver', 'GET', `/v1/requests/${id}`);
    await srv.call('approver', 'POST', `/v1/requests/${id}/decision`, { outcome: 'answered', answer: [q.body.question.options[1].key] });
    const r = await p.done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'us\n');
  });

  it('request --wait --json, pending and decide work for an approver in a terminal', async () => {
    const p = startCli('request', ['--title', 'cli req', '--preview', 'do it', '--wait', '--json'], env);
    const id = await pendingIdOf(srv, 'cli req');
    const listed = await startCli('pending', ['--key', KEYS.approver], { GREENLIGHT_URL: srv.url }).done;
    assert.equal(listed.code, 0);
    assert.match(listed.stdout, new RegExp(id));
    const decided = await startCli('decide', [id, 'approve', '--comment', 'ok'], { GREENLIGHT_URL: srv.url, GREENLIGHT_KEY: KEYS.approver }).done;
    assert.equal(decided.code, 0, decided.stderr);
    const r = await p.done;
    assert.equal(r.code, 0);
    assert.equal(JSON.parse(r.stdout).status, 'approved');
  });

  it('decide with an agent key fails with the server code', async () => {
    const created = await srv.call('agent', 'POST', '/v1/requests', { title: 'self' });
    const r = await startCli('decide', [created.body.id, 'approve'], env).done;
    assert.equal(r.code, 1);
    assert.match(r.stderr, /AGENT_CANNOT_DECIDE/);
  });

  it('a missing key is a usage error (exit 2)', async () => {
    const r = await startCli('request', ['--title', 'x'], { GREENLIGHT_URL: srv.url }).done;
    assert.equal(r.code, 2);
    assert.match(r.stderr, /GREENLIGHT_KEY/);
  });
});
