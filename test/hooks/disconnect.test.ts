// A hook call waiting for a human stops waiting when its agent goes away: the abort signal is
// built only once the call waits (a policy-decided call never builds it), and it still fires for a
// connection that closes during the wait.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { KEYS, type TestServer } from '../helpers/harness.js';
import { eventually } from '../telegram/emulator.js';
import { claudePre, nextPending, postHook, startHookServer } from './helpers.js';

describe('a hook call whose agent disconnects', { timeout: 60_000 }, () => {
  let s: TestServer;
  before(async () => {
    s = await startHookServer();
  });
  after(() => s.stop());

  it('stops waiting for a human when the connection closes', async () => {
    const filed = nextPending(s);
    const req = request(`${s.url}/v1/hooks/claude-code?wait_sec=30`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.agent}` } });
    req.on('error', () => {}); // the socket is destroyed below
    req.end(JSON.stringify(claudePre('Bash', { command: 'rm -rf build' })));
    await filed;
    await eventually(() => s.events.waiterCount() === 1, 'the hook call waits for a human');
    req.destroy();
    await eventually(() => s.events.waiterCount() === 0, 'the wait ended with the connection');
  });

  it('answers a policy-decided call at once, without waiting', async () => {
    const r = await postHook(s, 'claude-code', claudePre('Bash', { command: 'git status' }), { waitSec: 30 });
    assert.equal(r.status, 200);
    assert.equal(r.body.hookSpecificOutput.permissionDecision, 'allow');
    assert.equal(s.events.waiterCount(), 0);
  });
});
