// The Bash grammar (tree-sitter's WebAssembly) is loaded by the first request that needs it, not at
// start-up: a server that never judges a Bash command does not carry it (docs/benchmarks.md). This
// file runs in its own process, so nothing else has loaded the grammar before the server starts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bashParserReady } from '../../src/policy/bash-parser.js';
import { startTestServer, type TestServer } from '../helpers/harness.js';

describe('the Bash grammar on demand', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ policy: { allow: ['Bash(git status *)', 'Read'] } });
  });
  after(() => s.stop());

  it('is not loaded at start-up, nor by requests that are not Bash commands', async () => {
    assert.equal(bashParserReady(), false, 'loaded at start-up');
    const plain = await s.call('agent', 'POST', '/v1/requests', { title: 'deploy', preview: 'deploy the thing' });
    assert.equal(plain.status, 201, plain.text);
    assert.equal(plain.body.status, 'pending');
    const read = await s.call('agent', 'POST', '/v1/requests', { title: 'read', tool: 'Read', input: { file_path: '/tmp/x' }, cwd: '/tmp' });
    assert.equal(read.body.status, 'approved', read.text);
    assert.equal(bashParserReady(), false, 'loaded by a request that is not a Bash command');
  });

  it('is loaded by the first Bash command, which is judged on its subcommands like every later one', async () => {
    const calls = await Promise.all(['git status --short', 'git status && rm -rf /', 'git status'].map((command) =>
      s.call('agent', 'POST', '/v1/requests', { title: command, tool: 'Bash', input: { command }, cwd: '/tmp' })));
    assert.equal(bashParserReady(), true);
    assert.deepEqual(calls.map((r) => [r.status, r.body.status]), [[201, 'approved'], [201, 'pending'], [201, 'approved']]);
    assert.equal(calls[1].body.policy.dangerous, true, 'rm -rf / found as its own subcommand');
  });
  // A dry run (POST /v1/policy/evaluate) loads it the same way: test/deploy/package.test.ts runs one
  // first thing against a fresh server process.
});
