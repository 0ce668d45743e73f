// The Agent SDK (and the Claude Code binary behind it) loads only when a session's first turn
// starts: a server that serves hooks, the API and the Agents view, contexts configured or not,
// never imports it, so its idle memory is what it was. A module-resolve hook in a child process
// reports every import of the SDK.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';

const dir = mkdtempSync(join(tmpdir(), 'greenlight-lazy-sdk-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const LOADER = `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent("export async function resolve(s, c, next) { if (s.includes('claude-agent-sdk')) process.stderr.write('SDK-RESOLVED ' + s + '\\\\n'); return next(s, c); }"));
`;

function run(script: string): { stderr: string; stdout: string; status: number | null } {
  const loader = join(dir, 'loader.mjs');
  const main = join(dir, `main-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(loader, LOADER);
  writeFileSync(main, script);
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(loader).href, main], { encoding: 'utf8', timeout: 60_000 });
  return { stderr: r.stderr, stdout: r.stdout, status: r.status };
}

const harness = pathToFileURL(join(process.cwd(), 'dist/test/helpers/harness.js')).href;
const runner = pathToFileURL(join(process.cwd(), 'dist/src/sessions/claude-runner.js')).href;

describe('the Agent SDK loads lazily', () => {
  it('is not imported by a server with contexts that serves hooks and the sessions API', () => {
    const r = run(`
      const { startTestServer } = await import(${JSON.stringify(harness)});
      const s = await startTestServer({ contexts: [{ name: 'web', directory: '/tmp' }] });
      const hook = await s.call('agent', 'POST', '/v1/hooks/claude-code', { hook_event_name: 'Stop', session_id: 'x' });
      const list = await s.call('approver', 'GET', '/v1/agent-sessions');
      console.log('ok', hook.status, list.status);
      await s.stop();
    `);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /ok 200 200/);
    assert.doesNotMatch(r.stderr, /SDK-RESOLVED/);
  });

  it('is imported when a turn starts (the probe sees it)', () => {
    const r = run(`
      const { createClaudeRunner } = await import(${JSON.stringify(runner)});
      const turn = createClaudeRunner({ executable: '/nonexistent/claude' }).runTurn(
        { prompt: 'x', resume: null, cwd: '/tmp', additionalDirectories: [], model: null, sandbox: { enabled: false, allowedDomains: [] }, env: {}, maxBudgetUsd: null, authorize: async () => ({ behavior: 'deny', message: 'no' }) },
        () => {},
      );
      console.log('outcome', await turn.done);
    `);
    assert.match(r.stderr, /SDK-RESOLVED @anthropic-ai\/claude-agent-sdk/);
    assert.match(r.stdout, /outcome failed/);
  });
});
