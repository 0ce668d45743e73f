// `greenlight install <host> [--user|--project] [--http] [--url URL] [--command CMD]` and
// `greenlight uninstall <host> [--user|--project]`: put Greenlight's hooks into an agent host's
// settings, or take only them out again.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { installHooks, uninstallHooks, type InstallResult, type Scope } from '../hooks/install.js';
import { HOSTS, type HostName } from '../hooks/types.js';
import { cli } from '../invocation.js';

const HELP = (verb: string) => `Usage: ${cli(verb)} <${HOSTS.join('|')}> [--user | --project]${verb === 'install' ? ' [--http] [--url URL] [--command CMD]' : ''}

  --user       ~/.claude/settings.json, ~/.codex/hooks.json, ~/.gemini/settings.json, ~/.cursor/hooks.json (default)
  --project    the same files under the current directory
${verb === 'install' ? `  --http       Claude Code only: an http hook (no process per tool call) posting to --url
  --url URL    the gate (default: $GREENLIGHT_URL); needed for --http
  --command    the hook command (default: node <this install>/dist/src/hooks/command-hook.cjs <host>)
` : ''}
Keeps everything else in the file, writes <file>.bak first, and is safe to run again. Docs: docs/hooks.md
`;

/** The command hook: this install's command-hook.cjs run directly (no CLI, no ES module loader). */
export function defaultHookCommand(host: HostName): string {
  const script = fileURLToPath(new URL('../hooks/command-hook.cjs', import.meta.url));
  return `node "${script}" ${host}`;
}

function parse(verb: string, args: string[]): { host: HostName; scope: Scope; http: boolean; url: string | null; command: string | null } | number {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { user: { type: 'boolean' }, project: { type: 'boolean' }, http: { type: 'boolean' }, url: { type: 'string' }, command: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
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
  return { host: host as HostName, scope: values.project ? 'project' : 'user', http: Boolean(values.http), url, command: values.command ?? null };
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
      const options = { host: o.host, scope: o.scope, http: o.http, url: o.url, command: o.command ?? defaultHookCommand(o.host) };
      report(verb, verb === 'install' ? installHooks(options) : uninstallHooks(options), o.host);
      return 0;
    } catch (err) {
      process.stderr.write(`greenlight ${verb}: ${(err as Error).message}\n`);
      return 1;
    }
  };
}

export const installCommand = { summary: 'add Greenlight hooks to an agent host (claude-code, codex, gemini, cursor)', run: run('install') };
export const uninstallCommand = { summary: 'remove only Greenlight hooks from an agent host', run: run('uninstall') };
