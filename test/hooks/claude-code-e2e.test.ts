// End to end with the real Claude Code CLI (@anthropic-ai/claude-code, run offline against a local
// mock of the Messages API): the installed hook gates a real Bash call in a real directory.
// Claude Code 2.0.x has no "type": "http" hooks, so the http endpoint is driven with the exact
// payload the CLI sent to the command hook.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { installHooks } from '../../src/hooks/install.js';
import { KEYS, type TestServer } from '../helpers/harness.js';
import { decide, nextPending, postHook, startHookServer } from './helpers.js';
import { startMockAnthropic, type MockAnthropic } from './mock-anthropic.js';

const require = createRequire(import.meta.url);
function claudeCli(): string | null {
  try {
    return require.resolve('@anthropic-ai/claude-code/cli.js');
  } catch {
    return null;
  }
}
const CLI = claudeCli();
const HOOK = fileURLToPath(new URL('../../src/cli/hook.js', import.meta.url));

describe('real Claude Code CLI with the Greenlight hook', { skip: CLI ? false : 'npm i -D @anthropic-ai/claude-code@2.0.77 to run' }, () => {
  let s: TestServer;
  let mock: MockAnthropic;
  const root = mkdtempSync(join(tmpdir(), 'greenlight-cc-'));
  const home = join(root, 'home');
  const capture = join(root, 'payload.json');

  before(async () => {
    s = await startHookServer();
    mock = await startMockAnthropic();
    // The hook as `greenlight install claude-code --user` writes it, plus a tee of the payload.
    installHooks({ host: 'claude-code', scope: 'user', http: false, url: null, command: `(cat; echo) | tee -a "${capture}" | node "${HOOK}" claude-code`, home });
  });
  after(async () => {
    await mock.close();
    await s.stop();
    rmSync(root, { recursive: true, force: true });
  });

  function project(): string {
    const dir = mkdtempSync(join(root, 'proj-'));
    mkdirSync(join(dir, 'target', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'target', 'keep.txt'), 'x');
    return dir;
  }

  function claude(cwd: string, prompt: string): Promise<{ code: number | null; result: any; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI!, '-p', prompt, '--output-format', 'json'], {
        cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          PATH: process.env.PATH,
          HOME: home,
          ANTHROPIC_BASE_URL: mock.url,
          ANTHROPIC_API_KEY: 'dummy',
          DISABLE_TELEMETRY: '1',
          DISABLE_ERROR_REPORTING: '1',
          DISABLE_AUTOUPDATER: '1',
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
          GREENLIGHT_URL: s.url,
          GREENLIGHT_KEY: KEYS.agent,
        },
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      const timer = setTimeout(() => child.kill(), 90_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        try {
          resolve({ code, result: JSON.parse(out), stderr: err });
        } catch {
          reject(new Error(`claude printed no JSON (exit ${code}): ${out.slice(0, 500)} ${err.slice(0, 500)}`));
        }
      });
    });
  }

  it('a denied rm -rf target leaves the directory, and the model reads the reason', async () => {
    const dir = project();
    mock.setTool({ name: 'Bash', input: { command: 'rm -rf target', description: 'Remove target' } });
    const filed = nextPending(s);
    const run = claude(dir, 'clean up the target directory');
    const [req] = await filed;
    assert.equal(req.tool, 'Bash');
    assert.equal(req.cwd, dir);
    assert.equal((req.metadata as any).permission_mode, 'default');
    await decide(s, req.id, { outcome: 'denied', comment: 'keep target for now' });
    const r = await run;
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(join(dir, 'target', 'keep.txt')));
    assert.match(mock.toolResults.join('\n'), /keep target for now/);
  });

  it('an approved rm -rf target removes it', async () => {
    const dir = project();
    mock.setTool({ name: 'Bash', input: { command: 'rm -rf target', description: 'Remove target' } });
    const filed = nextPending(s);
    const run = claude(dir, 'clean up the target directory');
    const [req] = await filed;
    await decide(s, req.id, { outcome: 'approved' });
    const r = await run;
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!existsSync(join(dir, 'target')));
  });

  it('an edited command runs as edited', async () => {
    const dir = project();
    mock.setTool({ name: 'Bash', input: { command: 'rm -rf target', description: 'Remove target' } });
    const filed = nextPending(s);
    const run = claude(dir, 'clean up the target directory');
    const [req] = await filed;
    await decide(s, req.id, { outcome: 'approved', updated_input: { command: 'rm -rf target/sub && echo edited-ran' } });
    const r = await run;
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(join(dir, 'target', 'keep.txt')));
    assert.ok(!existsSync(join(dir, 'target', 'sub')));
    assert.match(mock.toolResults.join('\n'), /edited-ran/);
  });

  const captured = () => readFileSync(capture, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

  it('AskUserQuestion is answered from Greenlight (print mode: the answers reach the model via the hook)', async () => {
    const dir = project();
    const questions = [{ question: 'Which database should we use?', header: 'DB', multiSelect: false, options: [{ label: 'Postgres', description: 'server' }, { label: 'SQLite', description: 'file' }] }];
    mock.setTool({ name: 'AskUserQuestion', input: { questions } });
    const filed = nextPending(s);
    const run = claude(dir, 'ask me which database');
    const [req] = await filed;
    assert.equal(req.action_type, 'question');
    await decide(s, req.id, { outcome: 'answered', answer: 'B' });
    const r = await run;
    assert.equal(r.code, 0, r.stderr);
    assert.match(mock.toolResults.join('\n'), /"Which database should we use\?" → SQLite/);
  });

  it('the http hook endpoint answers the payload the CLI sent exactly as the command hook does', async () => {
    const payload = captured().find((p) => p.hook_event_name === 'PreToolUse' && p.tool_name === 'Bash');
    assert.equal(typeof payload.session_id, 'string');
    assert.equal(typeof payload.tool_use_id, 'string');
    const bash = { ...payload, tool_input: { command: 'git status' } };
    const r = await postHook(s, 'claude-code', bash);
    assert.equal(r.body.hookSpecificOutput.permissionDecision, 'allow');
  });
});
