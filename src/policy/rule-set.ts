// The rules of one evaluation, grouped by effect, and how per-piece judgements combine into a verdict:
// any piece denied → deny; any piece asked by a rule → ask; any piece not allowed → ask; else allow —
// and the dangerous-action guard turns a would-be allow into ask.
import { compiledRule, ruleAppliesTo } from './rule-parser.js';
import { matchPathPattern, isInside } from './path-match.js';
import type { PathBases } from './path-match.js';
import type { Evaluation, ParsedRule, PolicyContext, PolicyRule, TraceEntry, Verdict } from './types.js';
import { showInvisible } from '../text/invisible.js';

export interface CompiledRule {
  parsed: ParsedRule;
  rule: PolicyRule;
}

export interface Rules {
  deny: CompiledRule[];
  ask: CompiledRule[];
  allow: CompiledRule[];
  danger: CompiledRule[];
  /** Malformed deny/ask/dangerous rules: the engine cannot honour them, so it never allows. */
  invalid: string[];
}

interface CacheEntry {
  snapshot: unknown[][];
  extra: string[];
  byTool: Map<string, Rules>;
}
// Memo per rules array: the server may reuse one array for many evaluations. The snapshot makes an
// in-place change of the array or of a rule object a cache miss, so the cache is invisible to callers.
const cache = new WeakMap<PolicyRule[], CacheEntry>();

function snapshotOf(ctx: PolicyContext): unknown[][] {
  return ctx.rules.map((r) => [r, r.rule, r.effect, r.source, r.grantId]);
}

function fresh(e: CacheEntry, ctx: PolicyContext): boolean {
  const extra = ctx.extraDangerous ?? [];
  if (e.snapshot.length !== ctx.rules.length || e.extra.length !== extra.length) return false;
  for (let i = 0; i < extra.length; i++) if (e.extra[i] !== extra[i]) return false;
  for (let i = 0; i < e.snapshot.length; i++) {
    const s = e.snapshot[i];
    const r = ctx.rules[i];
    if (s[0] !== r || s[1] !== r.rule || s[2] !== r.effect || s[3] !== r.source || s[4] !== r.grantId) return false;
  }
  return true;
}

/** The rules of ctx that apply to this tool, grouped by effect (memoized). */
export function compileRules(ctx: PolicyContext, tool: string): Rules {
  let e = Array.isArray(ctx.rules) ? cache.get(ctx.rules) : undefined;
  if (!e || !fresh(e, ctx)) {
    e = { snapshot: snapshotOf(ctx), extra: [...(ctx.extraDangerous ?? [])], byTool: new Map() };
    if (Array.isArray(ctx.rules)) cache.set(ctx.rules, e);
  }
  let r = e.byTool.get(tool);
  if (!r) {
    if (e.byTool.size > 64) e.byTool.clear();
    r = buildRules(ctx, tool);
    e.byTool.set(tool, r);
  }
  return r;
}

function buildRules(ctx: PolicyContext, tool: string): Rules {
  const out: Rules = { deny: [], ask: [], allow: [], danger: [], invalid: [] };
  const add = (rule: PolicyRule, list: CompiledRule[], mustHonour: boolean) => {
    const parsed = compiledRule(rule.rule);
    if (parsed instanceof Error) {
      if (mustHonour) out.invalid.push(`${rule.rule} (${rule.source}): ${parsed.message}`);
      return;
    }
    if (ruleAppliesTo(parsed, tool)) list.push({ parsed, rule });
  };
  for (const r of Array.isArray(ctx.rules) ? ctx.rules : []) {
    if (r.effect === 'deny') add(r, out.deny, true);
    else if (r.effect === 'ask') add(r, out.ask, true);
    else if (r.effect === 'allow') add(r, out.allow, false);
  }
  for (const d of ctx.extraDangerous ?? []) add({ rule: d, effect: 'ask', source: 'config:dangerous' }, out.danger, true);
  return out;
}

/** One judged part of an action (a subcommand, a redirect, the file a tool touches). */
export interface Piece {
  subject: string;
  verdict: Verdict;
  rule: CompiledRule | null;
  /** What allowed it when no rule did: 'sandbox', 'project' (path scope), 'implicit' (nothing runs). */
  scope?: string;
  reason: string;
  /** Decided by an ask rule (as opposed to "nothing allows it"). */
  byRule?: boolean;
  /** What the dangerous-action guard found in this very part. */
  danger?: string[];
}

export function firstMatch(list: CompiledRule[], test: (p: ParsedRule) => boolean): CompiledRule | null {
  for (const r of list) if (test(r.parsed)) return r;
  return null;
}

export function describe(r: CompiledRule): string {
  return `${r.rule.rule} (${r.rule.source})`;
}

/** Judge a file path for a read- or write-family tool (also used for shell redirections). */
export function judgePath(
  op: 'read' | 'write', subject: string, lexical: string, real: string | null, rules: Rules,
  ctx: PolicyContext, bases: PathBases, realProjectDirs: string[],
): Piece {
  const matches = (p: ParsedRule, path: string | null) => !!path && (!p.path || matchPathPattern(p.path, path, bases));
  const deny = firstMatch(rules.deny, (p) => matches(p, lexical) || matches(p, real));
  if (deny) return { subject, verdict: 'deny', rule: deny, reason: `denied by ${describe(deny)}` };
  const ask = firstMatch(rules.ask, (p) => matches(p, lexical) || matches(p, real));
  if (ask) return { subject, verdict: 'ask', rule: ask, byRule: true, reason: `ask rule ${describe(ask)}` };
  // Allow rules judge where the file really is. The path as written also counts when resolving symlinks
  // moved it nowhere, or only between a project directory and its real location (a symlinked checkout).
  const consistent = real !== null && (real === lexical ||
    bases.projectDirs.some((d, i) => isInside(lexical, d) && !!realProjectDirs[i] && isInside(real, realProjectDirs[i])));
  const allow = firstMatch(rules.allow, (p) => matches(p, real) || (consistent && matches(p, lexical)));
  if (allow) return { subject, verdict: 'allow', rule: allow, reason: `allowed by ${describe(allow)}` };
  if (ctx.sandboxed) return { subject, verdict: 'allow', rule: null, scope: 'sandbox', reason: 'allowed: the project is sandboxed' };
  const inside = real !== null && realProjectDirs.some((d) => isInside(real, d));
  if (op === 'read' && inside) return { subject, verdict: 'allow', rule: null, scope: 'project', reason: 'allowed: reading inside the project' };
  if (real === null) return { subject, verdict: 'ask', rule: null, reason: `cannot resolve ${lexical}` };
  if (op === 'write' && inside) return { subject, verdict: 'ask', rule: null, reason: `writing ${real} inside the project needs an edit grant` };
  return { subject, verdict: 'ask', rule: null, reason: `${real} is outside the project` };
}

/** Combine judged pieces, construct problems and dangers into one evaluation. */
export function combine(pieces: Piece[], unsure: string[], dangers: string[], rules: Rules): Evaluation {
  const trace: TraceEntry[] = pieces.map((p) => {
    const t: TraceEntry = { subject: p.subject, verdict: p.verdict, rule: p.rule?.rule.rule ?? null, reason: p.reason };
    const source = p.rule?.rule.source ?? (p.scope ? `scope:${p.scope}` : undefined);
    if (source) t.source = source;
    return t;
  });
  const dangerReasons = [...new Set(dangers)];
  const dangerous = dangerReasons.length > 0;
  const result = (verdict: Verdict, piece: Piece | null, reason: string): Evaluation => ({
    verdict,
    rule: piece?.rule?.rule.rule ?? null,
    source: piece?.rule?.rule.source ?? (piece?.scope ? `scope:${piece.scope}` : null),
    grantIds: [],
    // Reasons quote the action: its invisible characters are written out, for every reader.
    reason: showInvisible(reason),
    dangerous,
    dangerReasons,
    trace,
  });
  const denied = pieces.find((p) => p.verdict === 'deny');
  if (denied) return result('deny', denied, `${denied.subject}: ${denied.reason}`);
  // Ask: say every reason, then name every part no rule allows (bounded), dangerous ones first.
  const asked = pieces.find((p) => p.verdict === 'ask' && p.byRule);
  const open = pieces.filter((p) => p.verdict === 'ask' && !p.byRule);
  const why: string[] = [];
  if (asked) why.push(`${clipSubject(asked.subject)}: ${asked.reason}`);
  if (rules.invalid.length) why.push(`cannot honour malformed rules, so nothing is allowed: ${rules.invalid.join('; ')}`);
  why.push(...new Set(unsure));
  if (open.length) why.push(openParts(open, pieces.length));
  if (why.length) return result('ask', asked ?? null, why.join('\n'));
  if (pieces.length === 0) return result('ask', null, 'nothing to evaluate');
  if (dangerous) return result('ask', null, `dangerous, a human must approve: ${dangerReasons.join('; ')}`);
  const decider = pieces.find((p) => p.rule) ?? pieces[0];
  const ev = result('allow', decider, pieces.length === 1 ? decider.reason : `every part is allowed (${pieces.length} parts)`);
  ev.grantIds = [...new Set(pieces.map((p) => p.rule?.rule.grantId).filter((g): g is string => !!g))];
  return ev;
}

const MAX_LISTED = 12;
const MAX_SUBJECT = 160;
const MAX_LIST_CHARS = 1200;

/** Text quoted in a reason: invisible characters written out, then cut (never inside a mark or a surrogate pair). */
function clipSubject(s: string, max = MAX_SUBJECT): string {
  const shown = showInvisible(s);
  if (shown.length <= max) return shown;
  let cut = shown.slice(0, max - 1);
  if (cut.lastIndexOf('⟪') > cut.lastIndexOf('⟫')) cut = cut.slice(0, cut.lastIndexOf('⟪'));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/**
 * "No rule allows 3 of 5 parts:" and one line per part, dangerous ones first and marked, each
 * part once; bounded (a 500-command script names a dozen and says how many more).
 */
export function openParts(open: Piece[], total: number): string {
  const seen = new Map<string, { piece: Piece; times: number }>();
  for (const p of open) {
    const key = `${p.subject}\0${p.reason}`;
    const had = seen.get(key);
    if (!had) seen.set(key, { piece: { ...p }, times: 1 });
    else {
      had.times++;
      if (p.danger?.length) had.piece.danger = [...new Set([...(had.piece.danger ?? []), ...p.danger])];
    }
  }
  const parts = [...seen.values()];
  const ordered = [...parts.filter((p) => p.piece.danger?.length), ...parts.filter((p) => !p.piece.danger?.length)];
  const mark = (p: Piece) => (p.danger?.length ? `DANGEROUS (${clipSubject(p.danger.join('; '))}) ` : '');
  if (ordered.length === 1 && ordered[0].times === 1) {
    const p = ordered[0].piece;
    return `${mark(p)}${clipSubject(p.subject)}: ${clipSubject(p.reason)}`;
  }
  const line = ({ piece: p, times }: { piece: Piece; times: number }) => {
    const covers = /^no allow rule covers `/.test(p.reason);
    return `• ${mark(p)}${clipSubject(p.subject)}${covers ? '' : ` — ${clipSubject(p.reason)}`}${times > 1 ? ` (${times} times)` : ''}`;
  };
  const lines: string[] = [];
  let used = 0;
  for (const p of ordered) {
    const l = line(p);
    if (lines.length >= MAX_LISTED || used + l.length > MAX_LIST_CHARS) break;
    lines.push(l);
    used += l.length + 1;
  }
  const more = ordered.length - lines.length;
  const head = open.length === total ? `No rule allows any of the ${total} parts:` : `No rule allows ${open.length} of the ${total} parts:`;
  return [head, ...lines, ...(more > 0 ? [`… and ${more} more`] : [])].join('\n');
}
