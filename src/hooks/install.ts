// Merges Greenlight's hook entries into a host's settings file, and takes them out again. Keeps
// everything else, writes <file>.bak before changing an existing file, and is idempotent: our
// entries are found by what they run (`... hook <host>` or `/v1/hooks/<host>`), replaced, never
// duplicated.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { HostName } from './types.js';

export type Scope = 'user' | 'project';

export interface InstallOptions {
  host: HostName;
  scope: Scope;
  /** Claude Code only: an http hook instead of a command hook. */
  http: boolean;
  /** The command that runs the hook (command hooks). */
  command: string;
  /** The gate's URL (http hooks). */
  url: string | null;
  home?: string;
  cwd?: string;
}

export interface InstallResult {
  file: string;
  changed: boolean;
  backup: string | null;
  events: string[];
  notes: string[];
}

type Json = Record<string, any>;

export function settingsFile(host: HostName, scope: Scope, home = homedir(), cwd = process.cwd()): string {
  const root = scope === 'user' ? home : cwd;
  switch (host) {
    case 'claude-code':
      return join(root, '.claude', 'settings.json');
    case 'codex':
      return join(root, '.codex', 'hooks.json');
    case 'gemini':
      return join(root, '.gemini', 'settings.json');
    case 'cursor':
      return join(root, '.cursor', 'hooks.json');
  }
}

/** Is this hook entry one of ours (for `host`)? */
export function isOurs(host: HostName, h: unknown): boolean {
  if (!h || typeof h !== 'object') return false;
  const e = h as Json;
  if (typeof e.url === 'string' && e.url.includes(`/v1/hooks/${host}`)) return true;
  if (typeof e.command !== 'string') return false;
  return /greenlight|hook\.c?js/.test(e.command) && new RegExp(`\\bhook(?:\\.c?js)?["']?\\s+${host}(?:\\s|$)`).test(e.command);
}

/** Events → the grouped entries (Claude Code, Codex, Gemini shape: [{matcher, hooks: [...]}]). */
function groupedEntries(o: InstallOptions): Record<string, Json[]> {
  if (o.host === 'claude-code') {
    const hook = o.http
      ? { type: 'http', url: `${o.url!.replace(/\/$/, '')}/v1/hooks/claude-code`, headers: { Authorization: 'Bearer $GREENLIGHT_KEY' }, allowedEnvVars: ['GREENLIGHT_KEY'], timeout: 60 }
      : { type: 'command', command: o.command, timeout: 60 };
    return {
      PreToolUse: [{ matcher: '*', hooks: [hook] }],
      PermissionRequest: [{ matcher: '*', hooks: [hook] }],
      // Every start (a /clear ends the session's grants), and the reports the Agents view shows.
      SessionStart: [{ hooks: [hook] }],
      SessionEnd: [{ hooks: [hook] }],
      Stop: [{ hooks: [hook] }],
      Notification: [{ hooks: [hook] }],
    };
  }
  if (o.host === 'codex') {
    const hook = { type: 'command', command: o.command, timeout: 60 };
    return { PreToolUse: [{ matcher: '.*', hooks: [hook] }], PermissionRequest: [{ matcher: '.*', hooks: [hook] }], SessionStart: [{ matcher: 'clear', hooks: [hook] }] };
  }
  // gemini: timeouts in milliseconds
  const hook = { name: 'greenlight', type: 'command', command: o.command, timeout: 60_000 };
  return { BeforeTool: [{ matcher: '.*', hooks: [hook] }], SessionEnd: [{ hooks: [hook] }] };
}

function stripGrouped(host: HostName, hooks: Json): void {
  for (const event of Object.keys(hooks)) {
    if (!Array.isArray(hooks[event])) continue;
    hooks[event] = hooks[event]
      .map((g: Json) => (g && Array.isArray(g.hooks) ? { ...g, hooks: g.hooks.filter((h: unknown) => !isOurs(host, h)) } : g))
      .filter((g: Json) => !(g && Array.isArray(g.hooks) && g.hooks.length === 0));
    if (hooks[event].length === 0) delete hooks[event];
  }
}

function stripFlat(host: HostName, hooks: Json): void {
  for (const event of Object.keys(hooks)) {
    if (!Array.isArray(hooks[event])) continue;
    hooks[event] = hooks[event].filter((h: unknown) => !isOurs(host, h));
    if (hooks[event].length === 0) delete hooks[event];
  }
}

function readSettings(file: string): Json {
  if (!existsSync(file)) return {};
  const text = readFileSync(file, 'utf8');
  if (text.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message}); fix it by hand first, nothing was changed.`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${file} does not hold a JSON object; nothing was changed.`);
  return v as Json;
}

/** The settings with our entries taken out (and, when `add`, put back fresh). */
export function mergeSettings(settings: Json, o: InstallOptions, add: boolean): { next: Json; events: string[] } {
  const next: Json = structuredClone(settings);
  if (next.hooks !== undefined && (typeof next.hooks !== 'object' || Array.isArray(next.hooks) || next.hooks === null)) throw new Error('"hooks" in the settings file is not an object; fix it by hand first, nothing was changed.');
  const hooks: Json = next.hooks ?? {};
  const events: string[] = [];
  if (o.host === 'cursor') {
    stripFlat(o.host, hooks);
    if (add) {
      next.version ??= 1;
      for (const event of ['beforeShellExecution', 'beforeMCPExecution']) {
        hooks[event] = [...(Array.isArray(hooks[event]) ? hooks[event] : []), { command: o.command }];
        events.push(event);
      }
    }
  } else {
    stripGrouped(o.host, hooks);
    if (add) {
      for (const [event, groups] of Object.entries(groupedEntries(o))) {
        hooks[event] = [...(Array.isArray(hooks[event]) ? hooks[event] : []), ...groups];
        events.push(event);
      }
    }
  }
  if (Object.keys(hooks).length) next.hooks = hooks;
  else delete next.hooks;
  return { next, events };
}

function apply(o: InstallOptions, add: boolean): InstallResult {
  const file = settingsFile(o.host, o.scope, o.home, o.cwd);
  const before = readSettings(file);
  const { next, events } = mergeSettings(before, o, add);
  const notes: string[] = [];
  if (add && o.host === 'codex') notes.push('Codex runs hooks only with the feature on: add `codex_hooks = true` under [features] in ~/.codex/config.toml.');
  if (add && !o.http) notes.push('The hook reads GREENLIGHT_URL and GREENLIGHT_KEY from the environment the agent runs in.');
  if (add && o.http) notes.push('Claude Code sends $GREENLIGHT_KEY from its environment as the Bearer key.');
  const changed = JSON.stringify(before) !== JSON.stringify(next);
  let backup: string | null = null;
  if (changed) {
    mkdirSync(dirname(file), { recursive: true });
    if (existsSync(file)) {
      backup = `${file}.bak`;
      copyFileSync(file, backup);
    }
    writeFileSync(file, `${JSON.stringify(next, null, 2)}\n`);
  }
  return { file, changed, backup, events, notes };
}

export const installHooks = (o: InstallOptions) => apply(o, true);
export const uninstallHooks = (o: InstallOptions) => apply(o, false);
