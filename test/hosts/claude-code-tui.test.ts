// The real Claude Code CLI's interactive terminal, driven through a pseudo-terminal (tui.ts),
// offline against the Messages API mock:
// - AskUserQuestion, which 2.1 no longer offers the model in print mode, answered from Greenlight;
// - the channel relay (`greenlight install claude-code --channel`): without Anthropic's feature
//   flags the CLI refuses channels and the test records exactly what it printed; with the flags
//   in Claude Code's own cache (~/.claude.json cachedGrowthBookFeatures: tengu_harbor,
//   tengu_harbor_permissions — what the CLI would fetch from Anthropic) the terminal dialog and
//   Greenlight are open at once: a remote approval answers the dialog, and when the terminal
//   answers first the request is closed as answered at the terminal.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ApprovalRequest } from '../../src/core/types.js';
import type { TestServer } from '../helpers/harness.js';
import { decide, nextPending, startHookServer } from '../hooks/helpers.js';
import { CLAUDE, claudeEnv, noteClaude, seedClaudeHome } from './claude-kit.js';
import { fileSays, GREENLIGHT_BIN, project as makeProject, scratch, within } from './host-kit.js';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic.js';
import { startTui, type Tui } from './tui.js';

const CHANNEL_FLAGS = { tengu_harbor: true, tengu_harbor_permissions: true };

describe('real Claude Code CLI at the terminal', () => {
  let s: TestServer;
  let mock: MockAnthropic;
  const root = scratch('cctui');
  const open: Tui[] = [];

  before(async () => {
    s = await startHookServer();
    mock = await startMockAnthropic();
  });
  after(async () => {
    for (const t of open) t.kill();
    await mock.close();
    await s.stop();
    rmSync(root, { recursive: true, force: true });
  });

  function install(home: string, args: string[]): string {
    const r = spawnSync(process.execPath, [GREENLIGHT_BIN, 'install', 'claude-code', ...args], { env: { PATH: process.env.PATH, HOME: home }, cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  }

  function tui(home: string, dir: string, args: string[], extraEnv: Record<string, string | undefined> = {}): Tui {
    const t = startTui(CLAUDE, args, { cwd: dir, env: { ...claudeEnv(home, mock.url, s.url), ...extraEnv } });
    open.push(t);
    return t;
  }

  /**
   * Claude Code with the channel relay loaded, and `prompt` typed only once the relay is
   * registered: Claude Code relays a permission prompt to the channels connected when the turn
   * began, and it starts MCP servers alongside the first turn, so a prompt given on the command
   * line races the relay (and on a busy machine loses: the dialog opens, nothing is relayed).
   */
  async function channelSession(home: string, dir: string, prompt: string): Promise<Tui> {
    const log = join(dir, 'claude-debug.log');
    const registered = fileSays(log, /MCP server "greenlight": Channel notifications registered/);
    // Claude Code reads its cached feature flags only when it may reach Anthropic at all.
    const t = tui(home, dir, ['--debug-file', log, '--dangerously-load-development-channels', 'server:greenlight'], { CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: undefined, DISABLE_TELEMETRY: undefined });
    await t.waitFor(/Iamusingthisforlocaldevelopment/);
    const ready = t.mark();
    t.type('\r');
    await within(registered, 60_000, () => `Claude Code registering the greenlight channel (${log}); the terminal shows …${t.screen().slice(-600)}`);
    await t.waitFor(/forshortcuts/, 60_000, ready);
    const typed = t.mark();
    t.type(prompt);
    await t.waitFor(new RegExp(prompt.replace(/\s+/g, '')), 30_000, typed);
    t.type('\r');
    return t;
  }

  /** The request the gate files next, or the screen if the CLI exits first. */
  async function nextFiled(t: Tui): Promise<ApprovalRequest> {
    const filed = nextPending(s);
    const exited = t.exited.then((code) => Promise.reject(new Error(`claude exited (${code}) first:\n${t.screen().slice(-1500)}`)));
    const [req] = await within(Promise.race([filed, exited]), 90_000, () => `a request from the terminal session; it shows …${t.screen().slice(-600)}`);
    return req;
  }

  const closed = (id: string) =>
    new Promise<ApprovalRequest>((resolve) => {
      const off = s.events.subscribe((e) => {
        if (e.request.id === id && e.request.status !== 'pending') {
          off();
          resolve(e.request);
        }
      });
    });

  it('AskUserQuestion is answered from Greenlight through the installed hooks', async () => {
    const home = join(root, 'home-ask');
    const dir = makeProject(root);
    seedClaudeHome(home, { trusted: [dir] });
    install(home, []);
    const questions = [{ question: 'Which database should we use?', header: 'DB', multiSelect: false, options: [{ label: 'Postgres', description: 'server' }, { label: 'SQLite', description: 'file' }] }];
    mock.setTool({ name: 'AskUserQuestion', input: { questions } });
    const t = tui(home, dir, ['ask me which database']);
    const req = await within(nextFiled(t), 60_000, 'the question filed');
    assert.equal(req.action_type, 'question');
    await decide(s, req.id, { outcome: 'answered', answer: 'B' });
    await t.waitFor(/toolsaid/);
    assert.match(mock.toolResults.join('\n'), /"Which database should we use\?" → SQLite/);
    t.kill();
    noteClaude('question', 'AskUserQuestion (interactive; 2.1 print mode does not offer it) is answered from Greenlight', ['PreToolUse']);
  });

  describe('the channel relay (greenlight install claude-code --channel)', () => {
    it('without Anthropic\'s channel flags the CLI refuses channels, and says so', async () => {
      const home = join(root, 'home-nochannels');
      const dir = makeProject(root);
      seedClaudeHome(home, { trusted: [dir] });
      const out = install(home, ['--channel']);
      assert.match(out, /MCP server "greenlight" .*--dangerously-load-development-channels server:greenlight/);
      mock.setTool({ name: 'Bash', input: { command: 'echo not-relayed', description: 'say it' } });
      const t = tui(home, dir, ['hello', '--dangerously-load-development-channels', 'server:greenlight']);
      await t.waitFor(/--dangerously-load-development-channelsignored\(server:greenlight\)\W*Channelsarenotcurrentlyavailable/);
      t.kill();
      noteClaude('channel-refused', 'with an API key and no channel flags from Anthropic it prints "--dangerously-load-development-channels ignored (server:greenlight)" and "Channels are not currently available"');
    });

    it('a remote approval answers the terminal dialog while it is open', async () => {
      const home = join(root, 'home-channel');
      const dir = makeProject(root);
      seedClaudeHome(home, { trusted: [dir], features: CHANNEL_FLAGS });
      install(home, ['--channel']);
      const settings = JSON.parse(readFileSync(join(home, '.claude', 'settings.json'), 'utf8'));
      assert.deepEqual(Object.keys(settings.hooks).sort(), ['Notification', 'PostToolUse', 'SessionEnd', 'SessionStart', 'Stop']);
      mock.setTool({ name: 'Bash', input: { command: 'rm -rf target', description: 'Remove target' } });
      const t = await channelSession(home, dir, 'clean up the target directory');
      const req = await nextFiled(t);
      assert.equal(req.tool, 'Bash');
      assert.deepEqual(req.input, { command: 'rm -rf target', description: 'Remove target' });
      assert.equal(req.cwd, dir);
      assert.equal((req.metadata as any).via, 'channel');
      assert.match(String(req.session_id), /^[0-9a-f-]{36}$/);
      await t.waitFor(/Doyouwanttoproceed/);
      const from = t.mark();
      await decide(s, req.id, { outcome: 'approved', comment: 'go ahead' });
      await t.waitFor(/toolsaid/, 60_000, from);
      assert.ok(!existsSync(join(dir, 'target')), 'the relayed approval ran the command');
      t.kill();
      noteClaude('channel', 'channel relay: a permission prompt is relayed to `greenlight channel` while the terminal dialog is open; a remote approval answers it', ['PostToolUse', 'Stop']);
    });

    it('when the terminal answers first, the request is closed as answered at the terminal', async () => {
      const home = join(root, 'home-channel-terminal');
      const dir = makeProject(root);
      seedClaudeHome(home, { trusted: [dir], features: CHANNEL_FLAGS });
      install(home, ['--channel']);
      mock.setTool({ name: 'Bash', input: { command: 'rm -rf target', description: 'Remove target' } });
      const t = await channelSession(home, dir, 'clean up the target directory');
      const from = t.mark();
      const req = await nextFiled(t);
      const settled = closed(req.id);
      // The dialog's last line: it takes keys once it is drawn to the end.
      await t.waitFor(/Doyouwanttoproceed\?❯1\.Yes.*Esctocancel/, 60_000, from);
      t.type('\r'); // "1. Yes" at the terminal
      const r = await within(settled, 60_000, () => `the terminal's answer to closing ${req.id}; the terminal shows …${t.screen().slice(-600)}`);
      assert.equal(r.status, 'cancelled');
      assert.equal(r.decision?.via, 'terminal');
      assert.match(String(r.decision?.comment), /Allowed at the terminal/);
      assert.ok(!existsSync(join(dir, 'target')));
      t.kill();
      noteClaude('channel-terminal', 'channel relay: when the terminal answers first, PostToolUse closes the request as "allowed at the terminal" on every channel');
    });
  });
});
