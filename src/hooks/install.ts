// Merges Greenlight's hook entries into a host's settings file, and takes them out again. Keeps
// everything else, writes <file>.bak before changing an existing file, and is idempotent: our
// entries are found by what they run (`... hook <host>` or `/v1/hooks/<host>`), replaced, never
// duplicated.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { timeoutValue } from './limits.cjs';
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
  /**
   * Claude Code only: the channel relay instead of the gating hooks — this MCP server (stdio) in
   * ~/.claude.json (or ./.mcp.json), plus the PostToolUse and Stop hooks that close what the
   * terminal answered first.
   */
  channel?: { command: string; args: string[] } | null;
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
      // Codex reads its user layer from $CODEX_HOME (default ~/.codex).
      return scope === 'user' && process.env.CODEX_HOME ? join(process.env.CODEX_HOME, 'hooks.json') : join(root, '.codex', 'hooks.json');
    case 'gemini':
      return join(root, '.gemini', 'settings.json');
    case 'cursor':
      return join(root, '.cursor', 'hooks.json');
    case 'opencode':
      // OpenCode loads every module in its plugins directory ($XDG_CONFIG_HOME/opencode, default ~/.config/opencode).
      if (scope === 'project') return join(cwd, '.opencode', 'plugins', 'greenlight.js');
      return join(process.env.XDG_CONFIG_HOME || join(home, '.config'), 'opencode', 'plugins', 'greenlight.js');
  }
}

const OPENCODE_MARK = '// Written by `greenlight install opencode`';

/** The plugin file for OpenCode: a re-export of this install's plugin module (`o.command`). */
function opencodePluginSource(module: string): string {
  return `${OPENCODE_MARK}; \`greenlight uninstall opencode\` removes it.
// Every OpenCode tool call asks the Greenlight gate at GREENLIGHT_URL with GREENLIGHT_KEY (docs/hooks.md).
export { GreenlightPlugin } from ${JSON.stringify(module)};
`;
}

/** OpenCode has no settings entry to merge: Greenlight's plugin is a file of its own. */
function applyOpencode(o: InstallOptions, add: boolean): InstallResult {
  const file = settingsFile('opencode', o.scope, o.home, o.cwd);
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : null;
  const before = existing !== null && existing.startsWith(OPENCODE_MARK) ? existing : null;
  const notes = add ? ['The plugin reads GREENLIGHT_URL and GREENLIGHT_KEY from the environment OpenCode runs in.'] : [];
  if (!add) {
    if (before !== null) rmSync(file);
    return { file, changed: before !== null, backup: null, events: [], notes };
  }
  if (existing !== null && before === null) throw new Error(`${file} exists and was not written by Greenlight; move it away first, nothing was changed.`);
  const next = opencodePluginSource(o.command);
  if (before === next) return { file, changed: false, backup: null, events: ['tool.execute.before', 'permission.asked'], notes };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, next);
  return { file, changed: true, backup: null, events: ['tool.execute.before', 'permission.asked'], notes };
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
  const timeout = timeoutValue(o.host);
  if (o.host === 'claude-code') {
    const hook = o.http
      ? { type: 'http', url: `${o.url!.replace(/\/$/, '')}/v1/hooks/claude-code`, headers: { Authorization: 'Bearer $GREENLIGHT_KEY' }, allowedEnvVars: ['GREENLIGHT_KEY'], timeout }
      : { type: 'command', command: o.command, timeout };
    // Every start (a /clear ends the session's grants), and the reports the Agents view shows; Stop
    // also closes what the terminal answered before the channel relay's approvers did.
    const reports = { SessionStart: [{ hooks: [hook] }], SessionEnd: [{ hooks: [hook] }], Stop: [{ hooks: [hook] }], Notification: [{ hooks: [hook] }] };
    // With the channel relay no gating hook: it would hold the terminal dialog back. PostToolUse
    // reports what the terminal allowed.
    if (o.channel) return { PostToolUse: [{ matcher: '*', hooks: [hook] }], ...reports };
    return { PreToolUse: [{ matcher: '*', hooks: [hook] }], PermissionRequest: [{ matcher: '*', hooks: [hook] }], ...reports };
  }
  if (o.host === 'codex') {
    const hook = { type: 'command', command: o.command, timeout };
    // Codex caps SessionEnd hooks at 3 s (and warns about a longer one); revoking grants is quick.
    const end = { ...hook, timeout: 3 };
    return { PreToolUse: [{ matcher: '.*', hooks: [hook] }], PermissionRequest: [{ matcher: '.*', hooks: [hook] }], SessionStart: [{ matcher: 'clear', hooks: [hook] }], SessionEnd: [{ hooks: [end] }] };
  }
  // gemini: timeouts in milliseconds
  const hook = { name: 'greenlight', type: 'command', command: o.command, timeout };
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
        // failClosed: without it Cursor runs the command when the hook fails or times out.
        hooks[event] = [...(Array.isArray(hooks[event]) ? hooks[event] : []), { command: o.command, timeout: timeoutValue('cursor'), failClosed: true }];
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

/** Writes `next` over `file` when it differs from `before`, keeping the old file as <file>.bak. */
function writeJson(file: string, before: Json, next: Json): { changed: boolean; backup: string | null } {
  if (JSON.stringify(before) === JSON.stringify(next)) return { changed: false, backup: null };
  mkdirSync(dirname(file), { recursive: true });
  let backup: string | null = null;
  if (existsSync(file)) {
    backup = `${file}.bak`;
    copyFileSync(file, backup);
  }
  writeFileSync(file, `${JSON.stringify(next, null, 2)}\n`);
  return { changed: true, backup };
}

/** Where Claude Code reads MCP servers: ~/.claude.json (user) or ./.mcp.json (project). */
export const mcpFile = (scope: Scope, home = homedir(), cwd = process.cwd()) => (scope === 'user' ? join(home, '.claude.json') : join(cwd, '.mcp.json'));

const isOurRelay = (e: unknown) => !!e && typeof e === 'object' && Array.isArray((e as Json).args) && (e as Json).args.includes('channel') && /greenlight/.test(JSON.stringify(e));

/** Puts the channel relay into (or takes it out of) Claude Code's MCP servers; returns a note when it changed. */
function applyRelay(o: InstallOptions, add: boolean): string | null {
  const file = mcpFile(o.scope, o.home, o.cwd);
  const before = readSettings(file);
  const next: Json = structuredClone(before);
  const servers: Json = next.mcpServers && typeof next.mcpServers === 'object' && !Array.isArray(next.mcpServers) ? next.mcpServers : {};
  if (servers.greenlight !== undefined && !isOurRelay(servers.greenlight)) {
    if (!add) return null;
    throw new Error(`${file} already has an MCP server named "greenlight" that Greenlight did not write; rename it first, nothing was changed.`);
  }
  if (add) servers.greenlight = { type: 'stdio', command: o.channel!.command, args: o.channel!.args, env: {} };
  else delete servers.greenlight;
  if (Object.keys(servers).length) next.mcpServers = servers;
  else delete next.mcpServers;
  const { changed } = writeJson(file, before, next);
  if (!changed) return null;
  return add ? `Added the channel relay as the MCP server "greenlight" to ${file}. Start Claude Code with: claude --dangerously-load-development-channels server:greenlight` : `Removed the channel relay from ${file}.`;
}

function apply(o: InstallOptions, add: boolean): InstallResult {
  if (o.host === 'opencode') return applyOpencode(o, add);
  const file = settingsFile(o.host, o.scope, o.home, o.cwd);
  const before = readSettings(file);
  const { next, events } = mergeSettings(before, o, add);
  const notes: string[] = [];
  // Claude Code runs either the gating hooks or the channel relay: installing one removes the other.
  const relayNote = o.host === 'claude-code' ? applyRelay(o, add && !!o.channel) : null;
  if (relayNote) notes.push(relayNote);
  if (add && o.host === 'codex') notes.push('Codex 0.124 and later run hooks unless [features] hooks = false in config.toml (older versions need codex_hooks = true there).');
  if (add && !o.http) notes.push('The hook reads GREENLIGHT_URL and GREENLIGHT_KEY from the environment the agent runs in.');
  if (add && o.http) notes.push('Claude Code sends $GREENLIGHT_KEY from its environment as the Bearer key.');
  const { changed, backup } = writeJson(file, before, next);
  return { file, changed: changed || relayNote !== null, backup, events, notes };
}

export const installHooks = (o: InstallOptions) => apply(o, true);
export const uninstallHooks = (o: InstallOptions) => apply(o, false);
