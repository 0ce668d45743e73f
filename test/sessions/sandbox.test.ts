// A sandboxed context with the real Claude Code: its Bash runs inside Claude Code's own sandbox
// (bubblewrap here; the `bubblewrap` and `socat` packages are in .ci/apt-packages), so the sandbox,
// not a human, bounds it: the policy allows the call at once, the command writes in the context's
// directory, and a write outside it fails. A dangerous command still goes to a human.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic.js';
import { startTestServer, type TestServer } from '../helpers/harness.js';
import { eventually } from '../telegram/emulator.js';
import { claudeEnv, claudeWorkspace } from './fixtures.js';

describe('a sandboxed context with the real Claude Code', () => {
  let server: TestServer;
  let mock: MockAnthropic;
  const { root, project, home, remove } = claudeWorkspace('greenlight-sandbox-');
  const outside = join(root, 'outside.txt');

  before(async () => {
    mock = await startMockAnthropic();
    writeFileSync(join(project, 'secret.txt'), 'the secret');
    server = await startTestServer({
      contexts: [
        { name: 'box', directory: project, sandbox: true },
        { name: 'plain', directory: project, deny: ['Bash(cat *)'] },
      ],
      sessions: { env: claudeEnv(mock.url, home) },
    });
  });
  after(async () => {
    await server?.stop();
    await mock?.close();
    remove();
  });

  const turn = async (prompt: string, context = 'box') => {
    const res = await server.call('approver', 'POST', '/v1/agent-sessions', { context, prompt });
    assert.equal(res.status, 201, res.text);
    return res.body.id as string;
  };

  it('allows the call without a human; the sandbox lets it write inside the directory and not outside', async () => {
    mock.setTool({ name: 'Bash', input: { command: `touch inside.txt; touch ${outside}; echo rc=$?`, description: 'Write two files' } });
    const id = await turn('write the files');
    await eventually(async () => (await server.store.getAgentSession(id))?.last_outcome, 'the turn to end', 90_000);
    const [request] = (await server.store.listRequests({ order: 'newest', agent: 'context:box', limit: 5 })).items;
    assert.equal(request.status, 'approved');
    assert.equal(request.decision?.decided_by_kind, 'policy');
    assert.ok(request.policy?.trace?.some((t) => t.reason === 'allowed: the project is sandboxed'), JSON.stringify(request.policy?.trace));
    assert.ok(existsSync(join(project, 'inside.txt')));
    assert.ok(!existsSync(outside), 'the sandbox kept the write outside its directory from happening');
    assert.match(mock.toolResults.join('\n'), /Read-only file system[\s\S]*rc=1/);
  });

  it('still sends a dangerous command to a human', async () => {
    mock.setTool({ name: 'Bash', input: { command: 'rm -rf /', description: 'Clean up' } });
    const id = await turn('clean up everything');
    const pending = await eventually(async () => (await server.store.listRequests({ order: 'queue', status: ['pending'], agent: 'context:box', limit: 5 })).items[0], 'a request waiting for a human', 60_000);
    assert.equal(pending.policy?.dangerous, true);
    await server.call('approver', 'POST', `/v1/requests/${pending.id}/decision`, { outcome: 'denied', comment: 'no' });
    await eventually(async () => (await server.store.getAgentSession(id))?.last_outcome, 'the turn to end', 90_000);
    assert.match(mock.toolResults.join('\n'), /denied by alice/);
  });

  it('sends even a read-only command Claude Code would run on its own through the gate', async () => {
    // Claude Code runs `cat` of a file in its directory without asking; the context's policy denies it.
    mock.setTool({ name: 'Bash', input: { command: 'cat secret.txt', description: 'Read the file' } });
    const id = await turn('read the secret', 'plain');
    await eventually(async () => (await server.store.getAgentSession(id))?.last_outcome, 'the turn to end', 90_000);
    const [request] = (await server.store.listRequests({ order: 'newest', agent: 'context:plain', limit: 5 })).items;
    assert.equal(request.status, 'denied');
    assert.equal(request.decision?.decided_by, 'Bash(cat *)');
    assert.doesNotMatch(mock.toolResults.join('\n'), /the secret/);
  });
});
