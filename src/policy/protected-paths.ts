// Locations an agent must never write on its own: Greenlight's config and data, and the permission files
// of agent hosts (an agent must not widen its own permissions).
import { posix } from 'node:path';
import { globToRegexSource, isInside, resolvePath } from './path-match.js';
import type { Word } from './bash-words.js';

export interface GuardPaths {
  homeDir: string;
  protectedPaths: string[];
}

const AGENT_DIRS = new Set(['.claude', '.cursor', '.codex', '.gemini']);

/** Why writing to this absolute path is dangerous, or null. */
export function protectedReason(absPath: string, g: GuardPaths): string | null {
  for (const p of g.protectedPaths) {
    if (isInside(absPath, p)) return `${absPath} is Greenlight's own config or data`;
  }
  if (!absPath.includes('/.')) return null;
  const segs = absPath.split('/');
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    if (!AGENT_DIRS.has(s)) continue;
    const next = segs[i + 1];
    const last = i === segs.length - 1;
    const perm =
      s === '.codex' || s === '.gemini' || last ||
      (s === '.claude' && (next === 'hooks' || (i + 2 === segs.length && /^settings.*\.json$/.test(next)))) ||
      (s === '.cursor' && next === 'hooks.json' && i + 2 === segs.length);
    if (perm) return `${absPath} is an agent permission file (${s}): an agent must not widen its own permissions`;
  }
  return null;
}

/** Greenlight's own files: even reading them is dangerous (they hold channel secrets). */
export function greenlightReason(absPath: string, g: GuardPaths): string | null {
  for (const p of g.protectedPaths) {
    if (isInside(absPath, p)) return `${absPath} is Greenlight's own config or data`;
  }
  return null;
}

/** Is the path an ancestor (or equal) of one of Greenlight's protected paths? (Deleting it deletes them.) */
export function containsGreenlight(absPath: string, g: GuardPaths): string | null {
  for (const p of g.protectedPaths) {
    if (isInside(p, absPath)) return `${absPath} contains Greenlight's own config or data (${p})`;
  }
  return null;
}

/** Could a bash glob (absolute, unexpanded) reach a protected location? */
export function globReason(absGlob: string, g: GuardPaths): string | null {
  const segs = absGlob.split('/');
  for (const seg of segs) {
    if (!/[*?[]/.test(seg)) continue;
    const re = new RegExp('^' + globToRegexSource(seg, { shell: true }) + '$');
    for (const d of AGENT_DIRS) if (re.test(d)) return `the glob ${absGlob} can reach ${d}/ (agent permission files)`;
  }
  const re = new RegExp('^' + globToRegexSource(absGlob, { shell: true }) + '$');
  for (const p of g.protectedPaths) {
    for (let a = p; a !== '/'; a = posix.dirname(a)) {
      if (re.test(a)) return `the glob ${absGlob} can reach Greenlight's own config or data (${p})`;
    }
  }
  return null;
}

/** Characters in the path of a write that mean "the file written is not the one shown". */
export function writePathCharsReason(raw: string, w?: Word): string | null {
  if (w?.dynamic || /[$`]/.test(raw)) return `the write path ${raw} contains $ or a backtick: its value is only known at run time`;
  if (w ? w.tilde || raw.includes('~') : raw.includes('~')) return `the write path ${raw} contains ~`;
  if (raw.includes('%')) return `the write path ${raw} contains %`;
  if (w ? w.glob || w.brace : /[*?]/.test(raw)) return `the write path ${raw} contains a glob`;
  return null;
}

const HARMLESS_DEVICES = new Set(['/dev/null', '/dev/stdout', '/dev/stderr', '/dev/tty', '/dev/zero']);

export function deviceReason(absPath: string): string | null {
  if (!absPath.startsWith('/dev/') || HARMLESS_DEVICES.has(absPath) || absPath.startsWith('/dev/fd/')) return null;
  return `writes to the device ${absPath}`;
}

/** Resolve a word to absolute paths, one per candidate working directory (unknown cwd: skipped). */
export function wordPaths(w: Word, cwds: (string | null)[], homeDir: string): string[] {
  let v = w.value;
  if (w.dynamic) v = v.replace(/^(\$HOME|\$\{HOME\})(?=\/|$)/, homeDir);
  const out: string[] = [];
  for (const cwd of cwds) {
    const p = resolvePath(v, cwd, homeDir);
    if (p && !out.includes(p)) out.push(p);
  }
  return out;
}
