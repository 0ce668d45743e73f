// End to end with the real Claude Code CLI (@anthropic-ai/claude-code, its native binary from npm)
// in print mode, offline against a loopback mock of the Messages API. Three ways users install
// Greenlight, each exactly as written: the command hooks of `greenlight install claude-code`, the
// http hook of `--http`, and the plugin from this repository's marketplace
// (`claude plugin marketplace add` + `claude plugin install`). The interactive terminal
// (AskUserQuestion, the channel relay) is in claude-code-tui.test.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestServer } from '../helpers/harness.js';
import { decide, nextPending, startHookServer } from '../hooks/helpers.js';
import { CLAUDE, CLAUDE_VERSION, claudeEnv, noteClaude, seedClaudeHome } from './claude-kit.js';
import { beforeExit, type CapturingProxy, GREENLIGHT_BIN, matchesFixture, project as makeProject, REPO, runCli, scratch, startCapturingProxy } from './host-kit.js';
import { approvedRemovesIt, deniedLeavesIt, editedRunsAsEdited, type HostUnderTest, policyAllowsIt } from './scenarios.js';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic.js';

describe('real Claude Code CLI in print mode', () => {
  let s: TestServer;
  let proxy: CapturingProxy;
  let mock: MockAnthropic;
  const root = scratch('cc');
  const homes = { hooks: join(root, 'home-hooks'), http: join(root, 'home-http'), plugin: join(root, 'home-plugin') };
  const project = () => makeProject(root);

  before(async () => {
    s = await startHookServer();
    proxy = await startCapturingProxy(s.url);
    mock = await startMockAnthropic();
    for (const home of Object.values(homes)) seedClaudeHome(home);
  });
  after(async () => {
    await mock.close();
    await proxy.close();
    await s.stop();
    rmSync(root, { recursive: true, force: true });
  });

  function greenlight(home: string, args: string[]) {
    const r = spawnSync(process.execPath, [GREENLIGHT_BIN, ...args], { env: { PATH: process.env.PATH, HOME: home, GREENLIGHT_URL: proxy.url }, cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  }

  async function claude(home: string, cwd: string, prompt: string, extraPath = '') {
    const env = claudeEnv(home, mock.url, proxy.url, extraPath ? { PATH: `${extraPath}${delimiter}${process.env.PATH}` } : {});
    const r = await runCli(CLAUDE, ['-p', prompt, '--output-format', 'json'], { cwd, env, timeoutMs: 120_000 });
    try {
      return { ...r, result: JSON.parse(r.stdout) };
    } catch {
      throw new Error(`claude printed no JSON (exit ${r.code}): ${r.stdout.slice(0, 500)} ${r.stderr.slice(0, 500)}`);
    }
  }

  const rmTarget = () => mock.setTool({ name: 'Bash', input: { command: 'rm -rf target', description: 'Remove target' } });

  describe('command hooks as `greenlight install claude-code` writes them', () => {
    it('installs PreToolUse, PermissionRequest and the session reports into ~/.claude/settings.json', () => {
      const out = greenlight(homes.hooks, ['install', 'claude-code']);
      assert.match(out, /Added Greenlight's claude-code hooks \(PreToolUse, PermissionRequest, SessionStart, SessionEnd, Stop, Notification\)/);
      const settings = JSON.parse(readFileSync(join(homes.hooks, '.claude', 'settings.json'), 'utf8'));
      assert.equal(settings.hooks.PreToolUse[0].hooks[0].timeout, 60);
    });

    const h = (): HostUnderTest => ({
      s,
      root,
      shell: (command) => mock.setTool({ name: 'Bash', input: { command, description: 'asked by the test' } }),
      run: (dir, prompt) => claude(homes.hooks, dir, prompt),
      seen: () => mock.toolResults.join('\n'),
    });

    it('a denied rm -rf target leaves the directory, and the model reads the reason', async () => {
      const req = await deniedLeavesIt(h());
      assert.equal((req.metadata as any).permission_mode, 'default');
      noteClaude('deny', 'denied `rm -rf target` is blocked at PreToolUse; the model reads the reason', ['PreToolUse']);
      noteClaude('install', '`greenlight install claude-code` (command hooks), `--http` and the plugin from this repository\'s marketplace each gate a real call');
    });

    it('an approved rm -rf target removes it', async () => {
      await approvedRemovesIt(h());
      noteClaude('approve', 'approved `rm -rf target` runs');
    });

    it('an edited command runs as edited', async () => {
      await editedRunsAsEdited(h());
      noteClaude('edit', 'an approver-edited command runs as edited (updatedInput)');
    });

    it('an approved edit changed on its way back is refused by the command hook: nothing runs, the model reads ACTION_MISMATCH', async () => {
      // Between the hook and the gate, something swaps the approver's edit for the original command.
      proxy.rewrite = (answer) => {
        if (answer?.hookSpecificOutput?.updatedInput) answer.hookSpecificOutput.updatedInput = { ...answer.hookSpecificOutput.updatedInput, command: 'rm -rf target' };
        return answer;
      };
      try {
        const dir = project();
        rmTarget();
        const filed = nextPending(s);
        const run = claude(homes.hooks, dir, 'clean up the target directory');
        const [req] = await beforeExit(filed, run);
        await decide(s, req.id, { outcome: 'approved', updated_input: { command: 'rm -rf target/sub && echo edited-ran' } });
        const r = await run;
        assert.equal(r.code, 0, r.stderr);
        assert.ok(existsSync(join(dir, 'target', 'keep.txt')), 'the swapped command must not run');
        assert.ok(existsSync(join(dir, 'target', 'sub')), 'nor the edit: the hook denied the call');
        assert.match(mock.toolResults.join('\n'), /ACTION_MISMATCH/);
        noteClaude('receipt', 'the command hook checks an allow against the signed receipt: an edit swapped on its way back is refused (ACTION_MISMATCH)');
      } finally {
        proxy.rewrite = null;
      }
    });

    it('a policy-allowed command runs with no human', async () => {
      await policyAllowsIt(h());
      noteClaude('policy', 'policy-allowed `echo …` runs with no human');
    });

    it('the payloads Claude Code sent have the shapes of the fixtures the adapter is tested with', () => {
      const byEvent = new Map<string, any>();
      for (const p of proxy.payloads) if (p.host === 'claude-code' && typeof p.body === 'object') byEvent.set(p.body.hook_event_name, p.body);
      for (const event of ['PreToolUse', 'SessionEnd']) {
        const live = byEvent.get(event);
        assert.ok(live, `Claude Code sent no ${event} payload`);
        matchesFixture(`claude-code-${event}.json`, live, root, `Claude Code ${CLAUDE_VERSION}`);
      }
      noteClaude('payload', 'PreToolUse and SessionEnd payloads match test/hosts/fixtures/claude-code-*.json', ['SessionEnd']);
    });
  });

  it('the http hook `greenlight install claude-code --http` writes gates a real call (no process per call)', async () => {
    const out = greenlight(homes.http, ['install', 'claude-code', '--http', '--url', proxy.url]);
    assert.match(out, /Added Greenlight's claude-code hooks/);
    const settings = JSON.parse(readFileSync(join(homes.http, '.claude', 'settings.json'), 'utf8'));
    assert.equal(settings.hooks.PreToolUse[0].hooks[0].type, 'http');
    const dir = project();
    rmTarget();
    const seen = proxy.payloads.length;
    const filed = nextPending(s);
    const run = claude(homes.http, dir, 'clean up the target directory');
    const [req] = await beforeExit(filed, run);
    await decide(s, req.id, { outcome: 'denied', comment: 'not over http either' });
    const r = await run;
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(join(dir, 'target', 'keep.txt')));
    assert.match(mock.toolResults.join('\n'), /not over http either/);
    assert.ok(proxy.payloads.slice(seen).some((p) => p.body?.hook_event_name === 'PreToolUse'), 'the CLI posted the hook itself');
    noteClaude('http', '`--http`: Claude Code posts to /v1/hooks/claude-code itself; a denial blocks the call');
  });

  it('the plugin installed from this repository\'s marketplace gates a tool call', async () => {
    const home = homes.plugin;
    const env = claudeEnv(home, mock.url, proxy.url);
    const add = await runCli(CLAUDE, ['plugin', 'marketplace', 'add', REPO], { cwd: root, env, timeoutMs: 60_000 });
    assert.equal(add.code, 0, add.stdout + add.stderr);
    const install = await runCli(CLAUDE, ['plugin', 'install', 'greenlight@greenlight'], { cwd: root, env, timeoutMs: 60_000 });
    assert.equal(install.code, 0, install.stdout + install.stderr);
    assert.match(install.stdout, /Successfully installed plugin: greenlight@greenlight/);
    // The plugin's hooks run `greenlight hook claude-code`: the CLI on PATH, as `npm i -g` / `npm link` puts it.
    const bin = join(root, 'bin');
    mkdirSync(bin, { recursive: true });
    symlinkSync(GREENLIGHT_BIN, join(bin, 'greenlight'));
    const dir = project();
    rmTarget();
    const filed = nextPending(s);
    const run = claude(home, dir, 'clean up the target directory', bin);
    const [req] = await beforeExit(filed, run);
    assert.equal((req.metadata as any).hook_event, 'PreToolUse');
    await decide(s, req.id, { outcome: 'denied', comment: 'the plugin asked' });
    const r = await run;
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(join(dir, 'target', 'keep.txt')));
    assert.match(mock.toolResults.join('\n'), /the plugin asked/);
    noteClaude('plugin', '`claude plugin marketplace add <this repo>` + `claude plugin install greenlight@greenlight`: the plugin\'s hooks gate a real call');
  });
});
