// Evaluate a Bash command: parse it, judge every simple command (including those inside $(), backticks
// and process substitutions) and every redirection on its own, then combine. Never matched as a string.
import { parseBash } from './bash-parser.js';
import type { Redirect, SimpleCommand } from './bash-parser.js';
import { commandForms, findExecCommands, renderWords, basename } from './command-match.js';
import type { CommandForms } from './command-match.js';
import { commandDangers, pipelineDangers, textDangers } from './danger-guard.js';
import type { GuardContext } from './danger-guard.js';
import { isInside, matchPathPattern, resolvePath, safeRealpath } from './path-match.js';
import type { PathBases } from './path-match.js';
import { deviceReason, protectedReason, wordPaths, writePathCharsReason } from './protected-paths.js';
import { combine, compileRules, describe, firstMatch, judgePath } from './rule-set.js';
import type { Piece, Rules } from './rule-set.js';
import type { Evaluation, PathPattern, PolicyContext } from './types.js';
import { describeInvisible, findInvisible, hasInvisible, hex, positionOf } from '../text/invisible.js';

export const MAX_COMMAND_LENGTH = 10_000;
const MAX_PARSE_LENGTH = 100_000;
const NO_OPS = new Set(['true', 'false', ':', 'exit']);

// Characters bash and tree-sitter may disagree about, or a human cannot see.
const SUSPICIOUS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00a0\u00ad\u034f\u061c\u115f\u1160\u1680\u17b4\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb]/;
const LINE_BREAKS = /[\u000b\u000c\r\u0085\u2028\u2029]/;
const INVISIBLE = /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]/;

export interface BashEnv {
  ctx: PolicyContext;
  cwd: string | null;
  rules: Rules;
  bases: PathBases;
  realProjectDirs: string[];
}

export function evaluateBash(command: unknown, env: BashEnv): Evaluation {
  if (typeof command !== 'string' || command.trim() === '') {
    return combine([], ['the Bash action has no command'], [], env.rules);
  }
  const unsure: string[] = [];
  if (command.length > MAX_COMMAND_LENGTH) unsure.push('the command is longer than 10,000 characters: too long to judge, a human must look');
  if (command.length > MAX_PARSE_LENGTH) return combine([], unsure, textDangers(command), env.rules);
  // Variants bash might see differently from tree-sitter: judge each, let any deny win, never allow.
  const variants = [command];
  const hidden = describeInvisible(command, 'the command');
  if (hidden) unsure.push(`${hidden}: a human must see what really runs`);
  const spaces = SUSPICIOUS.test(command) ? unusualSpaces(command) : null;
  if (spaces) unsure.push(`${spaces}: cannot be sure how bash splits it`);
  if (hidden || spaces) variants.push(normalizeUnicode(command));
  if (inWordContinuation(command)) {
    unsure.push('a backslash-newline joins parts of a word: cannot be sure how bash splits it');
    for (const v of [...variants]) variants.push(joinContinuations(v));
  }
  let result: Evaluation | null = null;
  const dangers = new Set<string>();
  for (const v of variants) {
    const ev = judgeCommandLine(v, env, unsure);
    ev.dangerReasons.forEach((d) => dangers.add(d));
    if (!result || (ev.verdict === 'deny' && result.verdict !== 'deny')) result = ev;
  }
  const ev = result as Evaluation;
  ev.dangerReasons = [...dangers];
  ev.dangerous = dangers.size > 0;
  return ev;
}

/**
 * "unusual whitespace or joiners (U+00A0 at position 9)": the visible-but-odd characters bash may
 * split differently from what a reader expects, and where (invisible ones are named on their own).
 */
function unusualSpaces(command: string, max = 5): string | null {
  const hidden = new Set(findInvisible(command).map((h) => h.index));
  const multiline = command.includes('\n');
  const found: string[] = [];
  let total = 0;
  let line = 1;
  let column = 0;
  let index = 0;
  for (const ch of command) {
    column++;
    if (SUSPICIOUS.test(ch) && !hidden.has(index)) {
      total++;
      if (found.length < max) found.push(`U+${hex(ch.codePointAt(0)!)} ${positionOf({ line, column }, multiline)}`);
    }
    if (ch === '\n') {
      line++;
      column = 0;
    }
    index += ch.length;
  }
  if (total === 0) return null;
  return `the command contains unusual whitespace or joiners (${found.join(', ')}${total > found.length ? `, and ${total - found.length} more` : ''})`;
}

function normalizeUnicode(s: string): string {
  let out = '';
  for (const ch of s) {
    if (LINE_BREAKS.test(ch)) out += '\n';
    else if (SUSPICIOUS.test(ch)) out += INVISIBLE.test(ch) ? '' : ' ';
    else if (!hasInvisible(ch)) out += ch;
  }
  return out;
}

/** Is there a line continuation (odd run of backslashes before a newline) touching a non-space character? */
function inWordContinuation(s: string): boolean {
  const re = /(\\+)\n/g;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    if (m[1].length % 2 === 0) continue;
    const before = s[m.index - 1];
    const after = s[m.index + m[0].length];
    if (before !== undefined && !/\s/.test(before) && after !== undefined) return true;
  }
  return false;
}

function joinContinuations(s: string): string {
  return s.replace(/(\\+)\n/g, (m, bs: string) => (bs.length % 2 === 1 ? bs.slice(1) : m));
}

function judgeCommandLine(text: string, env: BashEnv, unsureIn: string[]): Evaluation {
  const { ctx, rules } = env;
  const unsure = [...unsureIn];
  const parsed = parseBash(text);
  const dangers: string[] = [...parsed.danger];
  const pieces: Piece[] = [];
  for (const u of parsed.unsafe) {
    pieces.push({ subject: u.subject === 'parse' ? `Bash(${oneLine(text)})` : u.subject, verdict: 'ask', rule: null, reason: u.reason });
    if (u.subject === 'parse') dangers.push(...textDangers(text));
  }
  const commands: SimpleCommand[] = [...parsed.commands];
  const forms: CommandForms[] = [];
  for (let i = 0; i < commands.length; i++) {
    forms.push(commandForms(commands[i]));
    for (const words of findExecCommands(forms[i].inner)) {
      commands.push({ words, assignments: [], text: renderWords(words), depth: commands[i].depth + 1, parent: i, pipeline: -1, stage: 0 });
    }
  }
  dangers.push(...pipelineDangers(commands, forms));
  // tee's operands are files it writes: judged like output redirections
  const redirects: Redirect[] = [...parsed.redirects];
  forms.forEach((f, i) => {
    const w = f.inner;
    if (!w[0] || w[0].dynamic || basename(w[0].value) !== 'tee') return;
    let dashdash = false;
    for (const a of w.slice(1)) {
      if (!dashdash && !a.dynamic && a.value === '--') { dashdash = true; continue; }
      if (!dashdash && !a.dynamic && a.value.startsWith('-')) continue;
      redirects.push({ op: 'tee', kind: 'write', target: a, command: i });
    }
  });
  const guard: GuardContext = {
    homeDir: ctx.homeDir,
    protectedPaths: ctx.protectedPaths,
    projectDirs: ctx.projectDirs,
    protectedBranches: ctx.protectedBranches ?? ['main', 'master'],
    cwds: [env.cwd],
  };
  const allCwds = new Set<string | null>(guard.cwds);
  for (let i = 0; i < forms.length; i++) {
    const c = commands[i];
    const f = forms[i];
    if (c.words.length === 0) {
      const subject = `Bash(${oneLine(c.text)})`;
      pieces.push(f.unsafe.length
        ? { subject, verdict: 'ask', rule: null, reason: f.unsafe[0] }
        : { subject, verdict: 'allow', rule: null, scope: 'implicit', reason: 'only sets shell variables' });
      continue;
    }
    const from = dangers.length;
    dangers.push(...commandDangers(f, guard));
    const piece = judgeCommand(c, f, env, guard, dangers);
    if (dangers.length > from) piece.danger = [...new Set(dangers.slice(from))];
    pieces.push(piece);
    const next = cdTargets(f, guard);
    if (next) {
      guard.cwds = [...new Set([...guard.cwds, ...next])];
      next.forEach((n) => allCwds.add(n));
    }
  }
  // deny/ask rules may also be written for the whole line (e.g. "Bash(curl * | sh)")
  if (pieces.length > 1 || redirects.length) {
    const whole = oneLine(text);
    const test = (p: { commandRe?: RegExp; kind: string }) => !!p.commandRe && p.commandRe.test(whole);
    const deny = firstMatch(rules.deny, test);
    const ask = deny ? null : firstMatch(rules.ask, test);
    if (deny) pieces.push({ subject: `Bash(${whole})`, verdict: 'deny', rule: deny, reason: `denied by ${describe(deny)}` });
    else if (ask) pieces.push({ subject: `Bash(${whole})`, verdict: 'ask', rule: ask, byRule: true, reason: `ask rule ${describe(ask)}` });
  }
  const editRules = redirects.some((r) => r.kind === 'write') ? compileRules(ctx, 'Edit') : null;
  const readRules = redirects.some((r) => r.kind === 'read') ? compileRules(ctx, 'Read') : null;
  const cwds = [...allCwds];
  for (const r of redirects) {
    if (r.kind === 'dup' || !r.target) continue;
    const subject = `${r.kind} ${r.op} ${r.target.raw}`;
    const t = r.target;
    if (r.kind === 'read') {
      const paths = t.dynamic ? [] : wordPaths(t, cwds, ctx.homeDir);
      for (const p of paths) {
        const piece = judgePath('read', subject, p, safeRealpath(ctx.realpath, p), readRules as Rules, ctx, env.bases, env.realProjectDirs);
        if (piece.verdict !== 'allow') { pieces.push(piece); break; }
      }
      continue;
    }
    if (/^\/dev\/(null|stdout|stderr|tty)$/.test(t.value) && !t.dynamic) continue;
    const chars = writePathCharsReason(t.raw, t);
    if (chars) dangers.push(chars);
    if (t.dynamic || t.glob || t.brace) {
      pieces.push({ subject, verdict: 'ask', rule: null, reason: 'the file written is only known at run time' });
      continue;
    }
    const paths = wordPaths(t, cwds, ctx.homeDir);
    if (paths.length === 0 || (cwds.includes(null) && !t.value.startsWith('/') && !t.tilde)) {
      pieces.push({ subject, verdict: 'ask', rule: null, reason: 'the working directory is unknown, so the file written is too' });
    }
    let worst: Piece | null = null;
    const from = dangers.length;
    for (const p of paths) {
      const real = safeRealpath(ctx.realpath, p);
      for (const candidate of real && real !== p ? [p, real] : [p]) {
        const why = protectedReason(candidate, guard) ?? deviceReason(candidate);
        if (why) dangers.push(why);
      }
      for (const d of (editRules as Rules).danger) {
        if (d.parsed.path && (matchesPath(d.parsed, p, env) || (real && matchesPath(d.parsed, real, env)))) dangers.push(`matches the dangerous rule ${d.rule.rule}`);
      }
      const piece = judgePath('write', subject, p, real, editRules as Rules, ctx, env.bases, env.realProjectDirs);
      if (!worst || rank(piece) > rank(worst)) worst = piece;
    }
    if (worst) {
      if (dangers.length > from) worst.danger = [...new Set(dangers.slice(from))];
      pieces.push(worst);
    }
  }
  const invalid = [...rules.invalid, ...(editRules?.invalid ?? []), ...(readRules?.invalid ?? [])];
  return combine(pieces, unsure, dangers, { ...rules, invalid: [...new Set(invalid)] });
}

function matchesPath(p: { path?: PathPattern }, abs: string, env: BashEnv): boolean {
  return !!p.path && matchPathPattern(p.path, abs, env.bases);
}

function rank(p: Piece): number {
  return p.verdict === 'deny' ? 3 : p.verdict === 'ask' ? (p.byRule ? 2 : 1) : 0;
}

function oneLine(s: string): string {
  return s.trim().replace(/\s+/g, ' ');
}

function judgeCommand(c: SimpleCommand, f: CommandForms, env: BashEnv, guard: GuardContext, dangers: string[]): Piece {
  const { rules, ctx } = env;
  const subject = `Bash(${f.matchForms[0] ?? oneLine(c.text)})`;
  const anyForm = (p: { kind: string; commandRe?: RegExp }) =>
    p.kind === 'tool' || (!!p.commandRe && f.matchForms.some((form) => p.commandRe!.test(form)));
  const deny = firstMatch(rules.deny, anyForm);
  if (deny) return { subject, verdict: 'deny', rule: deny, reason: `denied by ${describe(deny)}` };
  const ask = firstMatch(rules.ask, anyForm);
  for (const d of rules.danger) if (anyForm(d.parsed)) dangers.push(`matches the dangerous rule ${d.rule.rule}`);
  if (ask) return { subject, verdict: 'ask', rule: ask, byRule: true, reason: `ask rule ${describe(ask)}` };
  if (f.allowForm === null) {
    return { subject, verdict: 'ask', rule: null, reason: f.unsafe[0] ?? 'this command can never be auto-allowed' };
  }
  const form = f.allowForm;
  const allow = firstMatch(rules.allow, (p) => p.kind === 'tool' || (!!p.commandRe && p.commandRe.test(form)));
  if (allow) return { subject, verdict: 'allow', rule: allow, reason: `allowed by ${describe(allow)}` };
  if (ctx.sandboxed) return { subject, verdict: 'allow', rule: null, scope: 'sandbox', reason: 'allowed: the project is sandboxed' };
  if (f.layers.length === 1 && NO_OPS.has(form.split(' ')[0])) {
    return { subject, verdict: 'allow', rule: null, scope: 'implicit', reason: 'does nothing' };
  }
  const cd = cdTargets(f, guard);
  if (cd && cd.length && cd.every((t) => t !== null && env.realProjectDirs.some((d) => isInside(safeRealpath(ctx.realpath, t) ?? '', d)))) {
    return { subject, verdict: 'allow', rule: null, scope: 'project', reason: 'allowed: cd inside the project' };
  }
  return { subject, verdict: 'ask', rule: null, reason: `no allow rule covers \`${form}\`` };
}

/** Where a cd/pushd/popd may take the shell (null: unknown), or null when this is not one. */
function cdTargets(f: CommandForms, guard: GuardContext): (string | null)[] | null {
  const w = f.inner;
  const name = w[0] && !w[0].dynamic ? basename(w[0].value) : '';
  if (name !== 'cd' && name !== 'pushd' && name !== 'popd') return null;
  if (name === 'popd') return [null];
  const args = w.slice(1).filter((a) => a.dynamic || !/^-[LPe@]+$/.test(a.value));
  const t = args[0];
  if (!t) return [guard.homeDir];
  if (t.dynamic || t.glob || t.brace || t.value === '-' || /^[+-]\d+$/.test(t.value)) return [null];
  return guard.cwds.map((c) => resolvePath(t.value, c, guard.homeDir));
}
