// The dangerous-action guard for shell commands: what no allow rule, grant or sandbox may auto-approve.
// A human can still approve; the evaluation then carries dangerous: true and the reasons as a warning.
import { isInside, isTopLevel, resolvePath } from './path-match.js';
import { basename, SHELLS } from './command-match.js';
import type { CommandForms } from './command-match.js';
import type { SimpleCommand } from './bash-parser.js';
import type { Word } from './bash-words.js';
import { containsGreenlight, globReason, greenlightReason, protectedReason, wordPaths } from './protected-paths.js';

export interface GuardContext {
  homeDir: string;
  protectedPaths: string[];
  projectDirs: string[];
  protectedBranches: string[];
  /** Working directories the command may run in (cd changes them; null: unknown). */
  cwds: (string | null)[];
}

const DELETERS = new Set(['rm', 'rmdir', 'shred', 'unlink', 'srm']);
const DOWNLOADERS = new Set(['curl', 'wget', 'fetch', 'aria2c', 'http', 'https', 'xh', 'httpie', 'lwp-request', 'GET']);
const READ_ONLY = new Set([
  'cat', 'less', 'more', 'head', 'tail', 'grep', 'egrep', 'fgrep', 'rg', 'ag', 'ls', 'stat', 'wc', 'diff', 'cmp',
  'file', 'jq', 'yq', 'bat', 'tree', 'du', 'md5sum', 'sha1sum', 'sha256sum', 'sha512sum', 'cksum', 'realpath',
  'readlink', 'dirname', 'basename', 'echo', 'pwd', 'which', 'type', 'test', '[', 'cd', 'pushd',
]);

export function isInterpreter(name: string): boolean {
  return SHELLS.has(name) || /^(python[\d.]*|perl|ruby|node|nodejs|php|lua|deno|bun|pwsh|powershell|eval|source|\.)$/.test(name);
}

function nameOf(words: Word[]): string {
  return words[0] && !words[0].dynamic ? basename(words[0].value) : '';
}

/** Dangers of one simple command (by its innermost argv). */
export function commandDangers(forms: CommandForms, g: GuardContext): string[] {
  const out: string[] = [];
  const w = forms.inner;
  const name = nameOf(w);
  if (!name) return out;
  const args = w.slice(1);
  if (DELETERS.has(name)) deleteDangers(name, args, g, out);
  if (name === 'find') findDangers(args, g, out);
  if ((name === 'chmod' || name === 'chown' || name === 'chgrp') && args.some((a) => /^(-[A-Za-z]*R[A-Za-z]*|--recursive)$/.test(a.value))) {
    const targets = operands(args).slice(args.some((a) => a.value.startsWith('--reference')) ? 0 : 1);
    for (const a of targets) {
      const why = rootish(a, g, false);
      if (why) out.push(`${name} -R on ${why}`);
    }
  }
  if (name === 'dd') {
    for (const a of args) {
      if (!a.value.startsWith('of=')) continue;
      const target = a.value.slice(3);
      if (a.dynamic || target.startsWith('/dev/') && !/^\/dev\/(null|zero|stdout|stderr)$/.test(target)) out.push(`dd writes to ${target}`);
    }
  }
  if (/^mkfs/.test(name) || name === 'mke2fs' || name === 'mkswap' || name === 'wipefs') out.push(`${name} formats a device`);
  if (name === 'git') gitPushDangers(args, g, out);
  // writes to Greenlight's files or agent permission files
  const readOnly = READ_ONLY.has(name) || (name === 'find' && !args.some((a) => /^-(delete|exec|execdir|ok|okdir|fprint.*|fls)$/.test(a.value)));
  for (const a of args) {
    for (const candidate of pathCandidates(a)) {
      const why = pathDanger(candidate, g, readOnly);
      if (why) { out.push(why); break; }
    }
  }
  return out;
}

/** A word, and for `--opt=value` / `of=value` the value part. */
function pathCandidates(a: Word): Word[] {
  const eq = a.value.indexOf('=');
  const flag = !a.dynamic && a.value.startsWith('-');
  if (eq > 0 && !a.dynamic) {
    const value = { ...a, value: a.value.slice(eq + 1), tilde: a.value[eq + 1] === '~' };
    return flag ? [value] : [a, value];
  }
  return flag ? [] : [a];
}

function pathDanger(a: Word, g: GuardContext, readOnly: boolean): string | null {
  if (a.stdin) return null;
  if (a.glob && !a.dynamic) {
    for (const cwd of g.cwds) {
      const p = resolvePath(a.value, cwd, g.homeDir);
      const why = p && (readOnly ? null : globReason(p, g));
      if (why) return why;
    }
    return null;
  }
  for (const p of wordPaths(a, g.cwds, g.homeDir)) {
    const why = readOnly ? greenlightReason(p, g) : protectedReason(p, g);
    if (why) return why;
  }
  if (a.dynamic && !readOnly && /(^|\/)\.(claude|cursor|codex|gemini)(\/|$)/.test(a.value)) {
    return `${a.raw} points into an agent permission directory`;
  }
  return null;
}

function operands(args: Word[]): Word[] {
  const out: Word[] = [];
  let dashdash = false;
  for (const a of args) {
    if (!dashdash && a.value === '--' && !a.dynamic) { dashdash = true; continue; }
    if (!dashdash && !a.dynamic && a.value.startsWith('-') && a.value !== '-') continue;
    out.push(a);
  }
  return out;
}

/**
 * Is this target `/`, home, a top-level directory, an ancestor of home / the project / the working
 * directory, or a bare glob in one of those? Returns a description, or null.
 */
function rootish(a: Word, g: GuardContext, cwdItself: boolean): string | null {
  if (a.dynamic) return `${a.raw} (its value is only known at run time)`;
  if (a.brace) return `${a.raw} (brace expansion)`;
  const v = a.value;
  for (const cwd of g.cwds) {
    if (!cwd && !v.startsWith('/') && !v.startsWith('~')) {
      if (v.split('/').includes('..')) return `${v} (relative to an unknown directory)`;
      continue;
    }
    let target = v;
    let glob = false;
    if (a.glob) {
      // `*.o` or `build/x*` (a filtered glob in a named directory) is fine; a bare glob (`*`, `dir/*`, `.*`)
      // or a glob in a directory segment (`*/x`) is judged by the directory it starts in.
      const segs = v.split('/');
      const gi = segs.findIndex((s) => /[*?[]/.test(s));
      if (gi === segs.length - 1 && !/^[*?.]*$/.test(segs[gi])) continue;
      target = segs.slice(0, gi).join('/') || (v.startsWith('/') ? '/' : '.');
      glob = true;
    }
    const p = resolvePath(target, cwd, g.homeDir);
    if (!p) continue;
    const label = glob ? `${v} (a glob in ${p})` : v === p ? p : `${v} (${p})`;
    if (p === '/' || isTopLevel(p)) return label;
    if (isInside(g.homeDir, p)) return label;
    const anchors = [...g.projectDirs, ...g.cwds.filter((c): c is string => !!c)];
    for (const d of anchors) {
      if (isInside(d, p) && (p !== d || cwdItself || glob)) return label;
    }
  }
  return null;
}

function deleteDangers(name: string, args: Word[], g: GuardContext, out: string[]): void {
  const recursive = args.some((a) => /^(-[A-Za-z]*[rR][A-Za-z]*|--recursive)$/.test(a.value));
  for (const a of operands(args)) {
    if (a.stdin) {
      if (recursive) out.push(`${name} -r of paths read from stdin`);
      continue;
    }
    const why = rootish(a, g, true);
    if (why) { out.push(`${name} of ${why}`); continue; }
    if (!a.glob && !a.dynamic) {
      for (const p of wordPaths(a, g.cwds, g.homeDir)) {
        const prot = containsGreenlight(p, g) ?? protectedReason(p, g);
        if (prot) { out.push(`${name} of ${prot}`); break; }
      }
    }
  }
}

function findDangers(args: Word[], g: GuardContext, out: string[]): void {
  const deletes = args.some((a) => a.value === '-delete') ||
    args.some((a, i) => /^-(exec|execdir|ok|okdir)$/.test(a.value) && DELETERS.has(basename(args[i + 1]?.value ?? '')));
  if (!deletes) return;
  const roots: Word[] = [];
  for (const a of args) {
    if (!a.dynamic && (a.value.startsWith('-') || a.value === '(' || a.value === '!')) break;
    roots.push(a);
  }
  const filtered = args.some((a) => /^-(i?name|i?path|i?wholename|i?regex|type|newer\w*|mtime|mmin|ctime|cmin|atime|amin|size|user|group|empty|perm)$/.test(a.value));
  for (const r of roots.length ? roots : [{ value: '.', raw: '.', dynamic: false, glob: false, tilde: false, brace: false }]) {
    const why = rootish(r, g, !filtered);
    if (why) out.push(`find -delete under ${why}`);
  }
}

function gitPushDangers(args: Word[], g: GuardContext, out: string[]): void {
  let i = 0;
  while (i < args.length && args[i].value.startsWith('-')) {
    i += /^(-C|-c|--git-dir|--work-tree|--namespace|--exec-path)$/.test(args[i].value) ? 2 : 1;
  }
  if (args[i]?.value !== 'push') return;
  const rest = args.slice(i + 1);
  let force = false;
  let del = false;
  let all = false;
  const positional: Word[] = [];
  for (let k = 0; k < rest.length; k++) {
    const v = rest[k].value;
    if (/^--(force|force-with-lease|force-if-includes|mirror)(=|$)/.test(v) || /^-[A-Za-z]*f/.test(v) && !v.startsWith('--')) force = true;
    if (v === '--delete' || /^-[A-Za-z]*d/.test(v) && !v.startsWith('--')) del = true;
    if (v === '--all' || v === '--mirror' || v === '--branches') all = true;
    if (v === '-o' || v === '--push-option' || v === '--repo' || v === '--receive-pack' || v === '--exec') k++;
    else if (!v.startsWith('-') || rest[k].dynamic) positional.push(rest[k]);
  }
  const refspecs = positional.slice(1);
  const protectedBranch = (ref: Word): boolean => {
    if (ref.dynamic) return true;
    const dst = ref.value.replace(/^\+/, '').split(':').pop() ?? '';
    const branch = dst.replace(/^refs\/heads\//, '');
    return g.protectedBranches.includes(branch) || (ref.value.startsWith('+') && !ref.value.includes(':') && g.protectedBranches.includes(branch));
  };
  const forcedRef = refspecs.some((r) => r.value.startsWith('+') && protectedBranch(r));
  const deletedRef = refspecs.some((r) => r.value.startsWith(':') && protectedBranch(r));
  if (forcedRef || deletedRef || (del && refspecs.some(protectedBranch))) {
    out.push(`git push rewrites or deletes a protected branch (${g.protectedBranches.join(', ')})`);
  } else if (force && (refspecs.length === 0 || all || refspecs.some(protectedBranch))) {
    out.push(refspecs.length === 0 || all
      ? 'git push --force without an explicit branch (may hit a protected branch)'
      : `git push --force to a protected branch (${g.protectedBranches.join(', ')})`);
  }
}

/** Pipelines that feed a download into a shell, and substitutions that hand a download to a shell. */
export function pipelineDangers(commands: readonly SimpleCommand[], forms: readonly CommandForms[]): string[] {
  const out: string[] = [];
  const byPipe = new Map<number, { stage: number; name: string }[]>();
  commands.forEach((c, i) => {
    if (c.pipeline === -1) return;
    const list = byPipe.get(c.pipeline) ?? [];
    list.push({ stage: c.stage, name: nameOf(forms[i].inner) });
    byPipe.set(c.pipeline, list);
  });
  for (const stages of byPipe.values()) {
    const dl = stages.filter((s) => DOWNLOADERS.has(s.name)).map((s) => s.stage);
    if (dl.length && stages.some((s) => isInterpreter(s.name) && s.stage > Math.min(...dl))) {
      out.push('pipes a download into a shell');
    }
  }
  commands.forEach((c, i) => {
    if (!DOWNLOADERS.has(nameOf(forms[i].inner))) return;
    for (let p = c.parent, hops = 0; p >= 0 && hops < 100; p = commands[p].parent, hops++) {
      if (isInterpreter(nameOf(forms[p].inner))) {
        out.push('hands a download to a shell through a substitution');
        break;
      }
    }
  });
  return out;
}

/** Crude text checks for when the parse failed: a fork bomb and a download piped into a shell. */
export function textDangers(text: string): string[] {
  const out: string[] = [];
  if (/([\w:.]+)\s*\(\s*\)\s*\{[^}]*\1\s*\|\s*\1/.test(text)) out.push('fork bomb pattern');
  if (/\b(curl|wget)\b[^|]*\|\s*(sudo\s+)?(ba|z|da|k)?sh\b/.test(text)) out.push('pipes a download into a shell');
  return out;
}
