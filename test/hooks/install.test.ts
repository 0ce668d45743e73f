// greenlight install / uninstall: merge into the host's settings, keep the rest, back up, idempotent.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { installHooks, isOurs, uninstallHooks } from '../../src/hooks/install.js';
import { defaultWaitSec } from '../../src/hooks/limits.cjs';

const BIN = fileURLToPath(new URL('../../../bin/greenlight.js', import.meta.url));
const INSTALL = fileURLToPath(new URL('../../src/cli/install.js', import.meta.url));

/** Runs the install/uninstall command (directly, so this works before commands.ts lists it). */
function cli(verb: 'install' | 'uninstall', args: string[], home: string, cwd: string) {
  const script = `import('${INSTALL}').then(async (m) => { process.exitCode = await m.${verb}Command.run(${JSON.stringify(args)}); })`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH, HOME: home }, cwd, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('greenlight install / uninstall', () => {
  const root = mkdtempSync(join(tmpdir(), 'greenlight-install-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  void BIN;

  it('claude-code --user: merges into ~/.claude/settings.json, keeps what is there, backs up, idempotent', () => {
    const home = join(root, 'home1');
    mkdirSync(join(home, '.claude'), { recursive: true });
    const existing = {
      model: 'opus',
      permissions: { allow: ['Bash(ls)'] },
      hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'my-linter' }] }], Stop: [{ hooks: [{ type: 'command', command: 'say done' }] }] },
    };
    const file = join(home, '.claude', 'settings.json');
    writeFileSync(file, JSON.stringify(existing));
    const r = cli('install', ['claude-code', '--user'], home, root);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Added Greenlight's claude-code hooks \(PreToolUse, PermissionRequest, SessionStart, SessionEnd, Stop, Notification\) to .*settings\.json \(previous version saved as .*settings\.json\.bak\)/);
    assert.deepEqual(JSON.parse(readFileSync(`${file}.bak`, 'utf8')), existing);
    const s = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(s.model, 'opus');
    assert.deepEqual(s.permissions, existing.permissions);
    assert.deepEqual(s.hooks.Stop.slice(0, existing.hooks.Stop.length), existing.hooks.Stop);
    assert.equal(s.hooks.PreToolUse.length, 2);
    assert.deepEqual(s.hooks.PreToolUse[0], existing.hooks.PreToolUse[0]);
    assert.equal(s.hooks.PreToolUse[1].matcher, '*');
    assert.match(s.hooks.PreToolUse[1].hooks[0].command, /^node ".*\/dist\/src\/hooks\/command-hook\.cjs" claude-code$/);
    assert.equal(s.hooks.SessionStart[0].matcher, undefined);
    assert.equal(s.hooks.Stop.length, existing.hooks.Stop.length + 1);
    assert.equal(s.hooks.Notification.length, 1);
    const again = cli('install', ['claude-code'], home, root);
    assert.match(again.out, /already in .*nothing changed/);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), s);

    const un = cli('uninstall', ['claude-code', '--user'], home, root);
    assert.equal(un.code, 0, un.err);
    assert.match(un.out, /Removed Greenlight's claude-code hooks/);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), existing);
    assert.match(cli('uninstall', ['claude-code'], home, root).out, /nothing changed/);
  });

  it('claude-code --project --http: an http hook with the key from the environment', () => {
    const project = join(root, 'proj');
    mkdirSync(project, { recursive: true });
    const r = cli('install', ['claude-code', '--project', '--http', '--url', 'http://127.0.0.1:8787/'], join(root, 'nohome'), project);
    assert.equal(r.code, 0, r.err);
    const s = JSON.parse(readFileSync(join(project, '.claude', 'settings.json'), 'utf8'));
    assert.deepEqual(s.hooks.PreToolUse[0].hooks[0], { type: 'http', url: 'http://127.0.0.1:8787/v1/hooks/claude-code', headers: { Authorization: 'Bearer $GREENLIGHT_KEY' }, allowedEnvVars: ['GREENLIGHT_KEY'], timeout: 60 });
    assert.ok(!existsSync(join(project, '.claude', 'settings.json.bak')), 'no backup of a file that did not exist');
    // Switching to the command hook replaces ours, not adds a second.
    cli('install', ['claude-code', '--project'], join(root, 'nohome'), project);
    const s2 = JSON.parse(readFileSync(join(project, '.claude', 'settings.json'), 'utf8'));
    assert.equal(s2.hooks.PreToolUse.length, 1);
    assert.equal(s2.hooks.PreToolUse[0].hooks[0].type, 'command');
  });

  it('refuses bad usage and broken settings without touching them', () => {
    const home = join(root, 'home2');
    mkdirSync(join(home, '.claude'), { recursive: true });
    writeFileSync(join(home, '.claude', 'settings.json'), '{ broken');
    const r = cli('install', ['claude-code'], home, root);
    assert.equal(r.code, 1);
    assert.match(r.err, /not valid JSON/);
    assert.equal(readFileSync(join(home, '.claude', 'settings.json'), 'utf8'), '{ broken');
    assert.equal(cli('install', ['codex', '--http', '--url', 'http://x'], home, root).code, 2);
    assert.equal(cli('install', ['vim'], home, root).code, 2);
    assert.match(cli('install', ['claude-code', '--http'], home, root).err, /--url/);
  });

  it('codex, gemini and cursor: their own files and shapes, timeouts inside what Greenlight waits, and uninstall leaves theirs alone', () => {
    const home = join(root, 'home3');
    const cmd = (h: string) => `greenlight hook ${h}`;
    const codex = installHooks({ host: 'codex', scope: 'user', http: false, url: null, command: cmd('codex'), home });
    assert.equal(codex.file, join(home, '.codex', 'hooks.json'));
    const c = JSON.parse(readFileSync(codex.file, 'utf8'));
    assert.deepEqual(Object.keys(c.hooks), ['PreToolUse', 'PermissionRequest', 'SessionStart', 'SessionEnd']);
    assert.equal(c.hooks.PreToolUse[0].hooks[0].timeout, 60);
    assert.equal(c.hooks.SessionEnd[0].hooks[0].timeout, 3, 'Codex caps SessionEnd at 3 s');
    assert.ok(codex.notes.some((n) => /hooks = false/.test(n)));
    assert.ok(defaultWaitSec('codex') < c.hooks.PreToolUse[0].hooks[0].timeout);

    mkdirSync(join(home, '.gemini'), { recursive: true });
    writeFileSync(join(home, '.gemini', 'settings.json'), JSON.stringify({ theme: 'dark', hooks: { BeforeTool: [{ matcher: 'write_file', hooks: [{ type: 'command', command: './lint.sh' }] }] } }));
    const gem = installHooks({ host: 'gemini', scope: 'user', http: false, url: null, command: cmd('gemini'), home });
    const g = JSON.parse(readFileSync(gem.file, 'utf8'));
    assert.equal(g.theme, 'dark');
    assert.equal(g.hooks.BeforeTool.length, 2);
    assert.equal(g.hooks.BeforeTool[1].hooks[0].timeout, 60000, 'Gemini CLI takes milliseconds');
    assert.ok(defaultWaitSec('gemini') * 1000 < g.hooks.BeforeTool[1].hooks[0].timeout);
    uninstallHooks({ host: 'gemini', scope: 'user', http: false, url: null, command: '', home });
    assert.deepEqual(JSON.parse(readFileSync(gem.file, 'utf8')).hooks.BeforeTool, [{ matcher: 'write_file', hooks: [{ type: 'command', command: './lint.sh' }] }]);

    const cur = installHooks({ host: 'cursor', scope: 'project', http: false, url: null, command: cmd('cursor'), cwd: join(root, 'cproj') });
    const entry = { command: 'greenlight hook cursor', timeout: 60, failClosed: true };
    assert.deepEqual(JSON.parse(readFileSync(cur.file, 'utf8')), { version: 1, hooks: { beforeShellExecution: [entry], beforeMCPExecution: [entry] } });
    assert.equal(installHooks({ host: 'cursor', scope: 'project', http: false, url: null, command: cmd('cursor'), cwd: join(root, 'cproj') }).changed, false);
  });

  it('codex: the user layer follows CODEX_HOME, as Codex reads it', () => {
    const saved = process.env.CODEX_HOME;
    process.env.CODEX_HOME = join(root, 'codex-home');
    try {
      assert.equal(installHooks({ host: 'codex', scope: 'user', http: false, url: null, command: 'greenlight hook codex', home: join(root, 'home5') }).file, join(root, 'codex-home', 'hooks.json'));
    } finally {
      if (saved === undefined) delete process.env.CODEX_HOME;
      else process.env.CODEX_HOME = saved;
    }
  });

  it('opencode: a plugin file of its own in $XDG_CONFIG_HOME/opencode/plugins, never over a file it did not write', () => {
    const home = join(root, 'home6');
    const o = { host: 'opencode' as const, scope: 'user' as const, http: false, url: null, command: 'file:///opt/greenlight/dist/src/hooks/opencode-plugin.js', home };
    const r = installHooks(o);
    assert.equal(r.file, join(process.env.XDG_CONFIG_HOME || join(home, '.config'), 'opencode', 'plugins', 'greenlight.js'));
    assert.match(readFileSync(r.file, 'utf8'), /^\/\/ Written by `greenlight install opencode`[\s\S]*export \{ GreenlightPlugin \} from "file:\/\/\/opt\/greenlight\/dist\/src\/hooks\/opencode-plugin\.js";/);
    assert.equal(installHooks(o).changed, false);
    assert.equal(uninstallHooks(o).changed, true);
    assert.ok(!existsSync(r.file));
    writeFileSync(r.file, 'export const Mine = async () => ({});\n');
    assert.throws(() => installHooks(o), /was not written by Greenlight/);
    assert.equal(uninstallHooks(o).changed, false);
    assert.equal(readFileSync(r.file, 'utf8'), 'export const Mine = async () => ({});\n');
  });

  it('claude-code --channel: the relay in ~/.claude.json and only the reporting hooks; switching back removes the relay', () => {
    const home = join(root, 'home7');
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, '.claude.json'), JSON.stringify({ numStartups: 3, mcpServers: { other: { command: 'x' } } }));
    const base = { host: 'claude-code' as const, scope: 'user' as const, http: false, url: null, command: 'greenlight hook claude-code', home };
    const r = installHooks({ ...base, channel: { command: 'node', args: ['/opt/gl/bin/greenlight.js', 'channel'] } });
    assert.deepEqual(r.events, ['PostToolUse', 'SessionStart', 'SessionEnd', 'Stop', 'Notification']);
    const state = JSON.parse(readFileSync(join(home, '.claude.json'), 'utf8'));
    assert.equal(state.numStartups, 3);
    assert.deepEqual(state.mcpServers.other, { command: 'x' });
    assert.deepEqual(state.mcpServers.greenlight, { type: 'stdio', command: 'node', args: ['/opt/gl/bin/greenlight.js', 'channel'], env: {} });
    assert.ok(r.notes.some((n) => /--dangerously-load-development-channels server:greenlight/.test(n)));
    installHooks(base);
    assert.deepEqual(JSON.parse(readFileSync(join(home, '.claude.json'), 'utf8')).mcpServers, { other: { command: 'x' } });
    const hooks = JSON.parse(readFileSync(join(home, '.claude', 'settings.json'), 'utf8')).hooks;
    assert.deepEqual(Object.keys(hooks).sort(), ['Notification', 'PermissionRequest', 'PreToolUse', 'SessionEnd', 'SessionStart', 'Stop']);
    writeFileSync(join(home, '.claude.json'), JSON.stringify({ mcpServers: { greenlight: { command: 'someone-else' } } }));
    assert.throws(() => installHooks({ ...base, channel: { command: 'node', args: ['x', 'channel'] } }), /did not write/);
  });

  it("the Claude Code plugin's hooks are the ones install writes, with the same timeout", () => {
    const plugin = JSON.parse(readFileSync(fileURLToPath(new URL('../../../claude-plugin/hooks/hooks.json', import.meta.url)), 'utf8'));
    const home = join(root, 'home8');
    installHooks({ host: 'claude-code', scope: 'user', http: false, url: null, command: 'greenlight hook claude-code', home });
    const installed = JSON.parse(readFileSync(join(home, '.claude', 'settings.json'), 'utf8'));
    assert.deepEqual(plugin.hooks, installed.hooks);
    assert.ok(isOurs('claude-code', plugin.hooks.PreToolUse[0].hooks[0]));
  });

  it('recognises only its own entries', () => {
    assert.ok(isOurs('claude-code', { type: 'command', command: 'node "/opt/gl/dist/src/hooks/command-hook.cjs" claude-code' }));
    assert.ok(isOurs('claude-code', { type: 'command', command: 'node "/opt/gl/dist/src/cli/hook.js" claude-code' }), 'what older versions installed');
    assert.ok(isOurs('claude-code', { type: 'command', command: 'GREENLIGHT_URL=http://x greenlight hook claude-code' }));
    assert.ok(isOurs('claude-code', { type: 'http', url: 'http://x/v1/hooks/claude-code' }));
    assert.ok(!isOurs('claude-code', { type: 'command', command: 'greenlight hook codex' }));
    assert.ok(!isOurs('claude-code', { type: 'command', command: 'my-hook claude-code-helper' }));
  });
});
