// Grants from decisions: the "Accept all ..." buttons offered to a human, and whether a new grant
// covers another pending request (so it can be resolved by the same decision).
import { posix } from 'node:path';
import { parseBash } from './bash-parser.js';
import { basename, commandForms, compileCommandPattern, findExecCommands, renderWord } from './command-match.js';
import type { CommandForms } from './command-match.js';
import type { Word } from './bash-words.js';
import { evaluate, toolPath } from './evaluate.js';
import { hostOf } from './domain-match.js';
import { isInside, resolvePath, safeRealpath } from './path-match.js';
import { compiledRule, READ_TOOLS, WRITE_TOOLS } from './rule-parser.js';
import type { PolicyAction, PolicyContext, SuggestContext, SuggestedGrant } from './types.js';

// Commands whose bare prefix would allow nearly anything: interpreters, shells, privilege and wrappers.
const NEVER_PREFIX = /^(sh|bash|zsh|dash|ksh|mksh|ash|fish|csh|tcsh|busybox|python[\d.]*|node|nodejs|deno|bun|perl|ruby|php|lua|pwsh|powershell|awk|gawk|mawk|nawk|sed|sudo|doas|su|env|xargs|eval|exec|source|\.|command|builtin|time|timeout|nice|nohup|stdbuf|watch|ssh|parallel)$/;
// Commands whose first argument is a subcommand: the prefix includes it (`git status *`, not `git *`).
const SUBCOMMANDS = new Set([
  'git', 'npm', 'pnpm', 'yarn', 'cargo', 'go', 'docker', 'podman', 'kubectl', 'helm', 'terraform', 'gh', 'pip',
  'pip3', 'poetry', 'uv', 'uvx', 'npx', 'pnpx', 'bunx', 'brew', 'apt', 'apt-get', 'dnf', 'yum', 'systemctl', 'mvn',
  'gradle', 'dotnet', 'rustup', 'composer', 'bundle', 'rake', 'gcloud', 'aws', 'az', 'make', 'just', 'task', 'nx',
]);
// ... and for these the second one too (`npm run test *`, `docker compose up *`).
const THIRD_WORD: Record<string, string[]> = {
  npm: ['run', 'run-script', 'exec'], pnpm: ['run', 'exec', 'dlx'], yarn: ['run', 'dlx', 'exec'], uv: ['run', 'tool'],
  poetry: ['run'], docker: ['compose'], podman: ['compose'], gh: ['pr', 'issue', 'run', 'repo', 'release', 'workflow'],
  aws: ['s3', 'ec2', 'iam', 'lambda'], kubectl: ['rollout', 'config'],
};
const PLAIN = /^[A-Za-z0-9][A-Za-z0-9_.:@+-]*$/;
const GLOB_CHARS = /[*?[\]{}()]/;

/** The Bash prefix a "Accept all `<prefix> *`" grant would use for one simple command, or null. */
export function bashPrefix(f: CommandForms): string | null {
  if (f.viaSudo || f.unsafe.length || f.allowForm === null) return null;
  const w = f.allowWords;
  const name = w[0];
  if (!name || name.dynamic || name.glob || name.brace || !/^[A-Za-z0-9_./+-]+$/.test(name.value)) return null;
  const base = basename(name.value);
  if (NEVER_PREFIX.test(base)) return null;
  const plain = (i: number) => !!w[i] && !w[i].dynamic && !w[i].glob && !w[i].brace && PLAIN.test(w[i].value);
  const tokens = [renderWord(name)];
  if (SUBCOMMANDS.has(base)) {
    if (!plain(1)) return null;
    tokens.push(w[1].value);
    if (THIRD_WORD[base]?.includes(w[1].value)) {
      if (!plain(2)) return null;
      tokens.push(w[2].value);
    }
  }
  const prefix = tokens.join(' ');
  return compileCommandPattern(prefix + ' *').test(f.allowForm) ? prefix : null;
}

/** The grant buttons for an action. Never blanket, never derived from a wrapper/assignment/sudo, none when dangerous. */
export function suggestGrants(action: PolicyAction, sctx: SuggestContext): SuggestedGrant[] {
  const ctx: PolicyContext = {
    rules: [],
    projectDirs: sctx.projectDirs,
    sandboxed: false,
    homeDir: sctx.homeDir ?? '/nonexistent-home',
    protectedPaths: sctx.protectedPaths ?? [],
    extraDangerous: sctx.extraDangerous,
    protectedBranches: sctx.protectedBranches,
    realpath: sctx.realpath,
  };
  const cwd = sctx.cwd !== undefined ? sctx.cwd : action.cwd;
  const ev = evaluate({ ...action, cwd }, ctx);
  if (ev.dangerous || ev.verdict === 'deny') return [];
  const tool = action.tool;
  const input = (action.input ?? {}) as Record<string, unknown>;
  const out: SuggestedGrant[] = [];
  const projectDirs = ctx.projectDirs.map((d) => posix.resolve(d));
  const editsFor = (p: string) => {
    for (const d of projectDirs) {
      const real = safeRealpath(ctx.realpath, d) ?? d;
      if ((isInside(p, d) || isInside(p, real)) && !GLOB_CHARS.test(d)) {
        out.push({ kind: 'edits', label: `Accept all edits in ${d}/`, rule: `Edit(/${d}/**)` });
        return;
      }
    }
  };
  if (tool === 'Bash') {
    if (typeof input.command !== 'string') return [];
    // If even "allow all Bash and all edits" would not allow it, no grant can: offer none.
    const open = evaluate({ ...action, cwd }, { ...ctx, rules: [
      { rule: 'Bash', effect: 'allow', source: 'probe' }, { rule: 'Edit', effect: 'allow', source: 'probe' },
    ] });
    if (open.verdict !== 'allow') return [];
    const parsed = parseBash(input.command);
    if (parsed.unsafe.length) return [];
    const seen = new Set<string>();
    const commands = [...parsed.commands];
    const writes = parsed.redirects.filter((r) => r.kind === 'write' && r.target).map((r) => r.target as Word);
    for (let i = 0; i < commands.length; i++) {
      const f = commandForms(commands[i]);
      if (f.unsafe.length) return [];
      for (const words of findExecCommands(f.inner)) commands.push({ ...commands[i], words, assignments: [] });
      if (f.inner[0]?.value === 'tee') writes.push(...f.inner.slice(1).filter((w) => !w.value.startsWith('-')));
      if (commands[i].words.length === 0) continue;
      const prefix = bashPrefix(f);
      if (prefix && !seen.has(prefix)) {
        seen.add(prefix);
        out.push({ kind: 'prefix', label: `Accept all \`${prefix} *\``, rule: `Bash(${prefix} *)` });
      }
    }
    for (const t of writes) {
      if (t.dynamic || t.glob || /^\/dev\//.test(t.value)) continue;
      const p = resolvePath(t.value, typeof cwd === 'string' ? cwd : null, ctx.homeDir);
      if (p && !out.some((g) => g.kind === 'edits')) editsFor(p);
    }
    return out;
  }
  if (WRITE_TOOLS.includes(tool) || READ_TOOLS.includes(tool)) {
    const { lexical } = toolPath(tool, input, typeof cwd === 'string' && cwd.startsWith('/') ? cwd : null, ctx.homeDir);
    if (!lexical) return [];
    const real = safeRealpath(ctx.realpath, lexical) ?? lexical;
    if (WRITE_TOOLS.includes(tool)) {
      editsFor(real);
      return out;
    }
    out.push({ kind: 'tool', label: `Accept all ${tool}`, rule: tool });
    const inside = projectDirs.some((d) => isInside(real, safeRealpath(ctx.realpath, d) ?? d));
    const dir = tool === 'Read' ? posix.dirname(real) : real;
    if (!inside && dir !== '/' && dir !== ctx.homeDir && !GLOB_CHARS.test(dir)) {
      out.push({ kind: 'read-dir', label: `Allow reading from ${dir}/`, rule: `Read(/${dir}/**)` });
    }
    return out;
  }
  if (tool === 'WebFetch') {
    const host = hostOf(input.url);
    if (host) out.push({ kind: 'domain', label: `Accept all fetches from ${host}`, rule: `WebFetch(domain:${host})` });
    out.push({ kind: 'tool', label: 'Accept all WebFetch', rule: 'WebFetch' });
    return out;
  }
  if (!(compiledRule(tool) instanceof Error)) out.push({ kind: 'tool', label: `Accept all ${tool}`, rule: tool });
  return out;
}

const CANDIDATE = '\u0000candidate-grant';

/**
 * Would this new grant (an allow rule) make the action allowed, with the grant doing part of the work?
 * Deny/ask rules in ctx still win and dangerous actions are never covered.
 */
export function grantCovers(rule: string, action: PolicyAction, ctx: PolicyContext): boolean {
  if (compiledRule(rule) instanceof Error) return false;
  const ev = evaluate(action, {
    ...ctx,
    rules: [...ctx.rules, { rule, effect: 'allow', source: 'grant:candidate', grantId: CANDIDATE }],
  });
  return ev.verdict === 'allow' && !ev.dangerous && ev.grantIds.includes(CANDIDATE);
}

/**
 * Whether an action lies under a grant's path prefix ("only under ./src"): only file tools qualify
 * (a shell command can touch any path, so a path-limited grant never allows one), their path must
 * be plain (no glob climbing out), and both its lexical and its real path must be inside the
 * prefix and the prefix's real path, so `..` and a symlink under the prefix that points elsewhere
 * are not under it.
 */
export function underPrefix(action: PolicyAction, prefix: string, ctx: Pick<PolicyContext, 'homeDir' | 'realpath'>): boolean {
  if (!READ_TOOLS.includes(action.tool) && !WRITE_TOOLS.includes(action.tool)) return false;
  const cwd = typeof action.cwd === 'string' && action.cwd.startsWith('/') ? action.cwd : null;
  const { lexical, unsure } = toolPath(action.tool, (action.input ?? {}) as Record<string, unknown>, cwd, ctx.homeDir);
  if (!lexical || unsure.length) return false;
  const realPrefix = safeRealpath(ctx.realpath, prefix) ?? prefix;
  const real = safeRealpath(ctx.realpath, lexical);
  return real !== null && isInside(lexical, prefix) && isInside(real, realPrefix) && isInside(real, prefix);
}
