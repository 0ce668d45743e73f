// `greenlight install <host> [--user|--project] [--http] [--url URL] [--command CMD]` and
// `greenlight uninstall <host> [--user|--project]`: put Greenlight's hooks into an agent host's
// settings, or take only them out again.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { trustCodexHooks } from '../hooks/codex-trust.js';
import { installHooks, isOurs, uninstallHooks, type InstallResult, type Scope } from '../hooks/install.js';
import { HOSTS, type HostName } from '../hooks/types.js';
import { cli } from '../invocation.js';

const HELP = (verb: string) => `Usage: ${cli(verb)} <${HOSTS.join('|')}> [--user | --project]${verb === 'install' ? ' [--http | --channel] [--url URL] [--command CMD] [--codex PATH | --no-trust]' : ''}

  --user       ~/.claude/settings.json, ~/.codex/hooks.json, ~/.gemini/settings.json, ~/.cursor/hooks.json,
               ~/.config/opencode/plugins/greenlight.js (default)
  --project    the same files under the current directory
${verb === 'install' ? `  --http       Claude Code only: an http hook (no process per tool call) posting to --url
  --channel    Claude Code only: the channel relay (${cli('channel')}) instead of the gating hooks:
               the terminal dialog and Greenlight's channels are open at once, first answer wins
  --url URL    the gate (default: $GREENLIGHT_URL); needed for --http
  --command    the hook command (default: node <this install>/dist/src/hooks/command-hook.cjs <host>;
               for OpenCode the plugin module this install ships)
  --codex PATH Codex only: the codex binary that trusts the new hooks (default: codex on PATH)
  --no-trust   Codex only: write hooks.json but leave trusting them to /hooks in Codex
` : ''}
Keeps everything else in the file, writes <file>.bak first, and is safe to run again. Docs: docs/hooks.md
`;

/**
 * The command hook: this install's command-hook.cjs run directly (no CLI, no ES module loader);
 * for OpenCode, the plugin module.
 */
export function defaultHookCommand(host: HostName): string {
  if (host === 'opencode') return new URL('../hooks/opencode-plugin.js', import.meta.url).href;
  const script = fileURLToPath(new URL('../hooks/command-hook.cjs', import.meta.url));
  return `node "${script}" ${host}`;
}

interface Parsed {
  host: HostName;
  scope: Scope;
  http: boolean;
  url: string | null;
  command: string | null;
  codex: string | null;
  trust: boolean;
  channel: boolean;
}

/** How Claude Code starts the channel relay: this install's CLI, `channel`. */
function relayCommand(): { command: string; args: string[] } {
  return { command: 'node', args: [fileURLToPath(new URL('../../../bin/greenlight.js', import.meta.url)), 'channel'] };
}

function parse(verb: string, args: string[]): Parsed | number {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { user: { type: 'boolean' }, project: { type: 'boolean' }, http: { type: 'boolean' }, url: { type: 'string' }, command: { type: 'string' }, codex: { type: 'string' }, 'no-trust': { type: 'boolean' }, channel: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    process.stderr.write(`greenlight ${verb}: ${(err as Error).message}\n\n${HELP(verb)}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(HELP(verb));
    return 0;
  }
  const host = positionals[0];
  if (!host || !(HOSTS as readonly string[]).includes(host)) {
    process.stderr.write(`greenlight ${verb}: name a host: ${HOSTS.join(', ')}.\n\n${HELP(verb)}`);
    return 2;
  }
  if (values.user && values.project) {
    process.stderr.write(`greenlight ${verb}: choose --user or --project, not both.\n`);
    return 2;
  }
  if (values.http && host !== 'claude-code') {
    process.stderr.write(`greenlight ${verb}: --http is for Claude Code only; ${host} runs command hooks.\n`);
    return 2;
  }
  const url = values.url ?? process.env.GREENLIGHT_URL ?? null;
  if (values.http && !url) {
    process.stderr.write(`greenlight ${verb}: --http needs the gate's URL: pass --url http://HOST:PORT or set GREENLIGHT_URL.\n`);
    return 2;
  }
  if (values.channel && (host !== 'claude-code' || values.http)) {
    process.stderr.write(`greenlight ${verb}: --channel is for Claude Code, without --http.\n`);
    return 2;
  }
  if ((values.codex || values['no-trust']) && host !== 'codex') {
    process.stderr.write(`greenlight ${verb}: --codex and --no-trust are for Codex only.\n`);
    return 2;
  }
  return { host: host as HostName, scope: values.project ? 'project' : 'user', http: Boolean(values.http), url, command: values.command ?? null, codex: values.codex ?? null, trust: !values['no-trust'], channel: Boolean(values.channel) };
}

/** An executable named `name` on PATH, or null. */
function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // keep looking
    }
  }
  return null;
}

/** Codex skips hooks nobody trusted: trust the ones just written, as Codex's /hooks would. */
async function trustCodex(o: Parsed, r: InstallResult): Promise<number> {
  const manual = `Codex skips hooks until they are trusted: open Codex, run /hooks and trust the Greenlight entries.`;
  if (!o.trust) {
    process.stdout.write(`${manual}\n`);
    return 0;
  }
  const codexBin = o.codex ?? onPath('codex');
  if (!codexBin) {
    process.stdout.write(`codex is not on PATH, so the hooks are not trusted yet. ${manual} (Or run this again with --codex /path/to/codex.)\n`);
    return 0;
  }
  try {
    const t = await trustCodexHooks({ codexBin, file: r.file, ours: (command) => isOurs('codex', { command }) });
    process.stdout.write(t.trusted.length ? `Trusted ${t.trusted.length} Greenlight hook(s) in Codex (${codexBin}).\n` : `Codex already trusts Greenlight's hooks.\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`greenlight install: the hooks are written but Codex does not trust them yet: ${(err as Error).message} ${manual}\n`);
    return 1;
  }
}

function report(verb: string, r: InstallResult, host: string): void {
  if (!r.changed) {
    process.stdout.write(verb === 'install' ? `Greenlight's ${host} hooks are already in ${r.file}; nothing changed.\n` : `No Greenlight ${host} hooks in ${r.file}; nothing changed.\n`);
    return;
  }
  const what = verb === 'install' ? `Added Greenlight's ${host} hooks (${r.events.join(', ')}) to ${r.file}` : `Removed Greenlight's ${host} hooks from ${r.file}`;
  process.stdout.write(`${what}${r.backup ? ` (previous version saved as ${r.backup})` : ''}.\n`);
  for (const n of r.notes) process.stdout.write(`${n}\n`);
}

function run(verb: 'install' | 'uninstall') {
  return async (args: string[]): Promise<number> => {
    const o = parse(verb, args);
    if (typeof o === 'number') return o;
    try {
      const options = { host: o.host, scope: o.scope, http: o.http, url: o.url, command: o.command ?? defaultHookCommand(o.host), channel: o.channel ? relayCommand() : null };
      const result = verb === 'install' ? installHooks(options) : uninstallHooks(options);
      report(verb, result, o.host);
      if (verb === 'install' && o.host === 'codex') return await trustCodex(o, result);
      return 0;
    } catch (err) {
      process.stderr.write(`greenlight ${verb}: ${(err as Error).message}\n`);
      return 1;
    }
  };
}

export const installCommand = { summary: 'add Greenlight hooks to an agent host (claude-code, codex, gemini, cursor, opencode)', run: run('install') };
export const uninstallCommand = { summary: 'remove only Greenlight hooks from an agent host', run: run('uninstall') };
