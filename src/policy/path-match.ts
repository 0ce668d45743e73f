// Paths: gitignore-style rule patterns (`//abs`, `~/p`, `/p` project-relative, `./p` or `p` cwd-relative),
// a small glob → regex compiler, and pure path helpers (resolution is lexical; symlinks go through the
// injected realpath). POSIX paths only.
import { posix } from 'node:path';
import type { PathPattern } from './types.js';

const REGEX_SPECIAL = /[.+^${}()|\\/]/;

/**
 * Compile a glob to regex source. `**` spans directories (gitignore flavour), `*` and `?` stay within one
 * segment, `[...]` is a class (`[!x]` negates). With `shell: true` it follows bash instead: no `**`, and
 * wildcards never match a leading dot of a segment.
 */
export function globToRegexSource(glob: string, opts: { shell?: boolean } = {}): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    const segStart = i === 0 || glob[i - 1] === '/';
    if (c === '\\' && i + 1 < glob.length) {
      i++;
      out += escapeChar(glob[i]);
    } else if (c === '*') {
      let j = i;
      while (glob[j + 1] === '*') j++;
      const double = j > i && !opts.shell;
      i = j;
      const segEnd = i + 1 === glob.length || glob[i + 1] === '/';
      if (double && segStart && segEnd) {
        if (i + 1 < glob.length) {
          out += '(?:.*/)?';
          i++; // consume the slash
        } else {
          out += '.*';
        }
      } else {
        out += (opts.shell && segStart ? '(?!\\.)' : '') + (double ? '.*' : '[^/]*');
      }
    } else if (c === '?') {
      out += (opts.shell && segStart ? '(?!\\.)' : '') + '[^/]';
    } else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end === -1) {
        out += '\\[';
      } else {
        let body = glob.slice(i + 1, end);
        const negate = body.startsWith('!') || body.startsWith('^');
        if (negate) body = body.slice(1);
        body = body.replace(/[\\\]^]/g, (m) => '\\' + m);
        out += (opts.shell && segStart ? '(?!\\.)' : '') + (negate ? `[^/${body}]` : `[${body}]`);
        i = end;
      }
    } else {
      out += escapeChar(c);
    }
  }
  return out;
}

function escapeChar(c: string): string {
  return REGEX_SPECIAL.test(c) || c === '*' || c === '?' || c === '[' || c === ']' ? '\\' + c : c;
}

/** Compile the specifier of a Read/Edit-family rule. Throws on a malformed pattern. */
export function compilePathPattern(spec: string): PathPattern {
  let anchor: PathPattern['anchor'];
  let rest: string;
  let up = 0;
  let floating = false;
  if (spec.startsWith('//')) {
    anchor = 'abs';
    rest = spec.slice(2);
  } else if (spec === '~' || spec.startsWith('~/')) {
    anchor = 'home';
    rest = spec.slice(2);
  } else if (spec.startsWith('~')) {
    throw new Error(`path rule "${spec}": ~user is not supported; write ~/path or //absolute/path`);
  } else if (spec.startsWith('/')) {
    anchor = 'project';
    rest = spec.slice(1);
  } else {
    anchor = 'cwd';
    rest = spec;
    const explicit = rest.startsWith('./') || rest.startsWith('../') || rest === '.' || rest === '..';
    while (rest.startsWith('./') || rest === '.') rest = rest.slice(2);
    while (rest.startsWith('../') || rest === '..') {
      up++;
      rest = rest.slice(3);
      while (rest.startsWith('./')) rest = rest.slice(2);
    }
    floating = !explicit && !rest.replace(/\/+$/, '').includes('/');
  }
  rest = rest.replace(/\/+$/, '');
  const segments = rest.split('/');
  if (segments.some((s) => s === '..' || s === '.')) {
    throw new Error(`path rule "${spec}": '.' and '..' are only allowed at the start of a ./-relative pattern`);
  }
  if (rest.includes('//')) throw new Error(`path rule "${spec}": empty path segment`);
  // `dir/**` also matches dir itself (a Grep or LS of the directory reads what it contains)
  if (rest === '**' || rest.endsWith('/**')) rest = rest.slice(0, -3).replace(/\/$/, '');
  const body = rest === '' ? '.*' : (floating ? '(?:.*/)?' : '') + globToRegexSource(rest) + '(?:/.*)?';
  return { anchor, up, re: new RegExp('^' + body + '$', 's') };
}

export interface PathBases {
  cwd: string | null;
  projectDirs: string[];
  homeDir: string;
}

/** Does the absolute, normalized path match the pattern? */
export function matchPathPattern(p: PathPattern, absPath: string, bases: PathBases): boolean {
  let roots: string[];
  switch (p.anchor) {
    case 'abs': roots = ['/']; break;
    case 'home': roots = [bases.homeDir]; break;
    case 'project': roots = bases.projectDirs.length ? bases.projectDirs : bases.cwd ? [bases.cwd] : []; break;
    case 'cwd': roots = bases.cwd ? [bases.cwd] : bases.projectDirs; break;
  }
  for (let root of roots) {
    for (let i = 0; i < p.up; i++) root = posix.dirname(root);
    const rel = relativeInside(root, absPath);
    if (rel !== null && p.re.test(rel)) return true;
  }
  return false;
}

/** The path relative to root if it is root or inside it ('' for root itself), else null. */
export function relativeInside(root: string, absPath: string): string | null {
  if (root === '/') return absPath === '/' ? '' : absPath.slice(1);
  if (absPath === root) return '';
  if (absPath.startsWith(root) && absPath[root.length] === '/') return absPath.slice(root.length + 1);
  return null;
}

export function isInside(child: string, parent: string): boolean {
  return relativeInside(parent, child) !== null;
}

/** Expand a leading `~` and make the path absolute against cwd. Lexical: `..` is folded, symlinks are not. */
export function resolvePath(p: string, cwd: string | null, homeDir: string): string | null {
  if (p === '~' || p.startsWith('~/')) p = homeDir + p.slice(1);
  if (!p.startsWith('/')) {
    if (!cwd || !cwd.startsWith('/')) return null;
    p = cwd === '/' ? '/' + p : cwd + '/' + p;
  }
  return NEEDS_NORMALIZE.test(p) ? posix.resolve(p) : p;
}

/** `.` or `..` segments, doubled or trailing slashes: only then is the (slow) normalization needed. */
const NEEDS_NORMALIZE = /(^|\/)\.{1,2}(\/|$)|\/\/|.\/$/;

/** Call the injected realpath; null when it throws (then nothing counts as inside anything). */
export function safeRealpath(realpath: ((p: string) => string) | undefined, p: string): string | null {
  if (!realpath) return p;
  try {
    const r = realpath(p);
    return typeof r === 'string' && r.startsWith('/') ? posix.resolve(r) : null;
  } catch {
    return null;
  }
}

/**
 * Wrap a realpath function (the server passes fs.realpathSync.native) so it tolerates missing files:
 * the longest existing prefix is resolved and the rest appended. Does no I/O of its own.
 */
export function tolerantRealpath(realpath: (p: string) => string, exists?: (p: string) => boolean): (p: string) => string {
  return (p: string) => {
    const rest: string[] = [];
    let cur = posix.resolve(p);
    for (;;) {
      // `exists` (a stat that does not throw) skips the failing realpath of a missing path: its
      // exception costs more than the rest of a policy evaluation.
      if (!exists || exists(cur)) {
        try {
          return posix.join(realpath(cur), ...rest);
        } catch {
          // missing after all (a broken link, a race): go on with the parent
        }
      }
      const parent = posix.dirname(cur);
      if (parent === cur) return p;
      rest.unshift(posix.basename(cur));
      cur = parent;
    }
  };
}

/** A root of the filesystem tree: `/` or a direct child of it (`/etc`, `/home`). */
export function isTopLevel(absPath: string): boolean {
  return absPath === '/' || posix.dirname(absPath) === '/';
}
