// evaluate(action, ctx): the verdict for one action. Pure and synchronous (Bash needs initPolicy() first).
import { posix } from 'node:path';
import { evaluateBash } from './evaluate-bash.js';
import { hostOf, matchDomain } from './domain-match.js';
import { matchPathPattern, resolvePath, safeRealpath } from './path-match.js';
import type { PathBases } from './path-match.js';
import { deviceReason, greenlightReason, protectedReason, writePathCharsReason } from './protected-paths.js';
import { READ_TOOLS, WRITE_TOOLS } from './rule-parser.js';
import { combine, compileRules, describe, firstMatch, judgePath } from './rule-set.js';
import type { Piece, Rules } from './rule-set.js';
import type { Evaluation, ParsedRule, PolicyAction, PolicyContext } from './types.js';
import { describeInvisible } from '../text/invisible.js';

// Stands in for a home directory that is missing or not absolute: `~` then matches nothing real.
const NO_HOME = '/nonexistent-home';

export function evaluate(action: PolicyAction, context: PolicyContext): Evaluation {
  const tool = typeof action?.tool === 'string' ? action.tool.trim() : '';
  const cwd = typeof action?.cwd === 'string' && action.cwd.startsWith('/') ? posix.resolve(action.cwd) : null;
  const rules = compileRules(context, tool);
  if (!tool) return combine([], ['the action names no tool'], [], rules);
  const ctx: PolicyContext = {
    ...context,
    projectDirs: absolutes(context.projectDirs),
    protectedPaths: absolutes(context.protectedPaths),
    homeDir: typeof context.homeDir === 'string' && context.homeDir.startsWith('/') ? posix.resolve(context.homeDir) : NO_HOME,
  };
  const bases: PathBases = { cwd, projectDirs: ctx.projectDirs, homeDir: ctx.homeDir };
  const realProjectDirs = ctx.projectDirs.map((d) => safeRealpath(ctx.realpath, d) ?? d);
  const raw = action.input;
  const input = (typeof raw === 'string' ? { value: raw } : raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  if (tool === 'Bash') {
    return evaluateBash(input.command, { ctx, cwd, rules, bases, realProjectDirs });
  }
  if (READ_TOOLS.includes(tool) || WRITE_TOOLS.includes(tool)) {
    return evaluatePathTool(tool, input, cwd, ctx, rules, bases, realProjectDirs);
  }
  const dangers = rules.danger.filter((d) => otherMatches(d.parsed, input)).map((d) => `matches the dangerous rule ${d.rule.rule}`);
  if (tool === 'WebFetch') {
    const host = hostOf(input.url);
    const subject = `WebFetch(${typeof input.url === 'string' ? input.url : '?'})`;
    const test = (p: ParsedRule) => !p.domain || (host !== null && matchDomain(p.domain, host));
    const unsure = host === null ? ['the URL is not an http(s) URL'] : [];
    return combine([judge(subject, rules, test)], [...unsure, ...hiddenIn(input.url, 'the URL')], dangers, rules);
  }
  // A plain action (no tool): its preview is the command a human would otherwise read.
  const plain = typeof action.input === 'object' && action.input !== null && Object.keys(input).length === 1 && typeof input.preview === 'string';
  return combine([judge(tool, rules, (p) => otherMatches(p, input))], plain ? hiddenIn(input.preview, 'the action') : [], dangers, rules);
}

/** Invisible characters in the text an action is judged by: the policy cannot vouch for what a human cannot see. */
function hiddenIn(text: unknown, where: string): string[] {
  const found = typeof text === 'string' ? describeInvisible(text, where) : null;
  return found ? [`${found}: a human must see what really runs`] : [];
}

function absolutes(paths: unknown): string[] {
  return Array.isArray(paths) ? paths.filter((d): d is string => typeof d === 'string' && d.startsWith('/')).map((d) => posix.resolve(d)) : [];
}

function judge(subject: string, rules: Rules, test: (p: ParsedRule) => boolean): Piece {
  const deny = firstMatch(rules.deny, test);
  if (deny) return { subject, verdict: 'deny', rule: deny, reason: `denied by ${describe(deny)}` };
  const ask = firstMatch(rules.ask, test);
  if (ask) return { subject, verdict: 'ask', rule: ask, byRule: true, reason: `ask rule ${describe(ask)}` };
  const allow = firstMatch(rules.allow, test);
  if (allow) return { subject, verdict: 'allow', rule: allow, reason: `allowed by ${describe(allow)}` };
  return { subject, verdict: 'ask', rule: null, reason: 'no rule allows it' };
}

/** Bare, MCP and generic rules: a generic specifier is a glob over the input's top-level string fields. */
function otherMatches(p: ParsedRule, input: Record<string, unknown>): boolean {
  if (p.genericRe) return Object.values(input).some((v) => typeof v === 'string' && p.genericRe!.test(v));
  return p.kind === 'tool' || p.kind === 'mcp';
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** The path a read- or write-family tool touches, as written and made absolute (lexically). */
export function toolPath(tool: string, input: Record<string, unknown>, cwd: string | null, homeDir: string):
  { raw: string | null; lexical: string | null; unsure: string[] } {
  const unsure: string[] = [];
  let raw: string | null;
  if (tool === 'Glob') {
    const pattern = str(input.pattern) ?? '*';
    const segs = pattern.split('/');
    const gi = segs.findIndex((s) => /[*?[{]/.test(s));
    if (gi !== -1 && segs.slice(gi).includes('..')) unsure.push(`the glob ${pattern} climbs out of its directory with ..`);
    const prefix = segs.slice(0, gi === -1 ? segs.length : gi).join('/');
    const dir = str(input.path) ?? '.';
    raw = pattern.startsWith('/') ? prefix || '/' : pattern.startsWith('~') ? prefix : prefix ? `${dir}/${prefix}` : dir;
  } else if (tool === 'Grep' || tool === 'LS') {
    raw = str(input.path) ?? (tool === 'Grep' ? '.' : null);
  } else if (tool === 'NotebookEdit') {
    raw = str(input.notebook_path) ?? str(input.file_path);
  } else {
    raw = str(input.file_path);
  }
  return { raw, lexical: raw === null ? null : resolvePath(raw, cwd, homeDir), unsure };
}

function evaluatePathTool(
  tool: string, input: Record<string, unknown>, cwd: string | null, ctx: PolicyContext, rules: Rules,
  bases: PathBases, realProjectDirs: string[],
): Evaluation {
  const write = WRITE_TOOLS.includes(tool);
  const { raw, lexical, unsure } = toolPath(tool, input, cwd, ctx.homeDir);
  if (raw === null) return combine([], [`${tool} names no path`], [], rules);
  unsure.push(...hiddenIn(raw, 'the path'));
  if (lexical === null) return combine([], [`${tool}: relative path ${raw} without a working directory`], [], rules);
  const real = safeRealpath(ctx.realpath, lexical);
  const subject = `${tool}(${lexical})`;
  const dangers: string[] = [];
  for (const p of real && real !== lexical ? [lexical, real] : [lexical]) {
    const why = write ? protectedReason(p, ctx) ?? deviceReason(p) : greenlightReason(p, ctx);
    if (why) dangers.push(why);
    for (const d of rules.danger) {
      if (!d.parsed.path || matchPathPattern(d.parsed.path, p, bases)) dangers.push(`matches the dangerous rule ${d.rule.rule}`);
    }
  }
  if (write) {
    const chars = writePathCharsReason(raw);
    if (chars) dangers.push(chars);
  }
  const piece = judgePath(write ? 'write' : 'read', subject, lexical, real, rules, ctx, bases, realProjectDirs);
  return combine([piece], unsure, dangers, rules);
}
