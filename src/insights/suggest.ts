// Suggested rules from the history: commands and tools people approved again and again and never
// denied, as the exact allow rule that would have answered them. Pure (the policy engine is pure;
// the caller builds the policy context per project). Never suggests:
//   - a rule the dangerous-action guard would refuse: every request it covers, and the rule's own
//     command, must evaluate to allow without the guard's flag, and none was flagged when asked;
//   - a rule broader than the evidence: one command approved N times gives exactly that command
//     (`Bash(npm run lint)`); only several different commands under one prefix give the prefix
//     (`Bash(npm run lint *)`), and the prefix is the policy's own narrow one (command plus
//     subcommand, never from sudo, wrappers or assignments); never a whole tool, never "all edits";
//   - a rule touching protected paths (Greenlight's config and data, agent permission files): a
//     write there is dangerous, so the first rule refuses it; a read-dir rule over one is dropped;
//   - a rule that covers any request a human denied in the window.
import { actionOf } from '../policy-service.js';
import { evaluate, parseRule, suggestGrants, type PolicyAction, type PolicyContext } from '../policy/index.js';
import { isInside } from '../policy/path-match.js';
import type { HistoryRow } from '../store/store.js';
import { outcomeOf } from './figures.js';

export interface RuleSuggestion {
  /** The allow rule, in Claude Code syntax. */
  rule: string;
  /** The project whose policy it joins (null: every project). */
  project: string | null;
  tool: string;
  approvals: number;
  denials: number;
  /** Who approved (distinct approver names). */
  people: string[];
  /** Requests in the window that asked a human and this rule would have answered with allow. */
  would_allow: number;
  /** Up to three of the approved actions, as they ran. */
  examples: string[];
  last_at: number;
}

export interface SuggestOptions {
  /** Fewest human approvals before a rule is suggested. */
  minApprovals: number;
  /** The policy context of a project (config rules, directories, protected paths). */
  contextFor(project: string | null): PolicyContext;
  /** `${project}\n${rule}` of allow rules already in place (active grants): not suggested again. */
  existing?: ReadonlySet<string>;
  limit?: number;
}

const PLAIN_COMMAND = /^[A-Za-z0-9_./:=@%+,-]+( [A-Za-z0-9_./:=@%+,-]+)*$/;
const CANDIDATE_TOOLS = new Set(['Bash', 'WebFetch', 'Read', 'Glob', 'Grep', 'LS']);

interface Candidate {
  project: string | null;
  tool: string;
  /** The narrowest rule family the evidence supports: a Bash prefix, a domain or a read dir. */
  family: string;
  kind: 'prefix' | 'domain' | 'read-dir';
  evidence: HistoryRow[];
}

function actionFor(r: HistoryRow): PolicyAction | null {
  if (r.plain || !CANDIDATE_TOOLS.has(r.tool) || typeof r.input !== 'object' || r.input === null || Array.isArray(r.input)) return null;
  return actionOf({ tool: r.tool, input: r.input, action_type: r.tool, preview: '', cwd: r.cwd });
}

/** What makes two rows the same action for the policy: project, tool, input and cwd. */
const actionKey = (r: HistoryRow): string => JSON.stringify([r.project, r.tool, r.input, r.cwd]);

const commandOf = (r: HistoryRow): string => String((r.input as { command?: unknown }).command ?? '');

/** The one rule family an approved request supports, if any. */
function familyOf(r: HistoryRow, ctx: PolicyContext): Pick<Candidate, 'family' | 'kind'> | null {
  const action = actionFor(r);
  if (!action) return null;
  const offered = suggestGrants(action, { ...ctx, cwd: r.cwd });
  if (r.tool === 'Bash') {
    // One simple command (no second subcommand, no write redirect): its evidence is about it alone.
    if (offered.length !== 1 || offered[0].kind !== 'prefix') return null;
    return { family: offered[0].rule, kind: 'prefix' };
  }
  const narrow = offered.find((g) => g.kind === 'domain' || g.kind === 'read-dir');
  return narrow ? { family: narrow.rule, kind: narrow.kind as 'domain' | 'read-dir' } : null;
}

/** The rule the evidence supports: exactly the one command, or the prefix when commands differ. */
function ruleFor(c: Candidate): string | null {
  if (c.kind !== 'prefix') return c.family;
  const commands = new Set(c.evidence.map(commandOf));
  if (commands.size > 1) return c.family;
  const only = [...commands][0].trim();
  return PLAIN_COMMAND.test(only) ? `Bash(${only})` : null;
}

function touchesProtected(rule: string, ctx: PolicyContext): boolean {
  const m = /^Read\(\/(\/.*)\/\*\*\)$/.exec(rule);
  if (!m) return false;
  const dir = m[1];
  return ctx.protectedPaths.some((p) => isInside(p, dir)) || /\/\.(claude|cursor|codex|gemini)(\/|$)/.test(dir);
}

export function suggestRules(rows: readonly HistoryRow[], opts: SuggestOptions): RuleSuggestion[] {
  const contexts = new Map<string | null, PolicyContext>();
  const ctxOf = (p: string | null) => {
    let ctx = contexts.get(p);
    if (!ctx) contexts.set(p, (ctx = opts.contextFor(p)));
    return ctx;
  };
  // Only what went to a human is evidence, or could be saved a prompt.
  const asked = rows.filter((r) => !r.plain && CANDIDATE_TOOLS.has(r.tool) && !['auto_allowed', 'auto_denied'].includes(outcomeOf(r)));
  const groups = new Map<string, Candidate>();
  const families = new Map<string, Pick<Candidate, 'family' | 'kind'> | null>();
  for (const r of asked) {
    if (outcomeOf(r) !== 'approved' || r.dangerous) continue;
    const k = actionKey(r);
    let f = families.get(k);
    if (f === undefined) families.set(k, (f = familyOf(r, ctxOf(r.project))));
    if (!f) continue;
    const key = `${r.project}\n${f.family}`;
    const g = groups.get(key);
    if (g) g.evidence.push(r);
    else groups.set(key, { project: r.project, tool: r.tool, ...f, evidence: [r] });
  }

  const out: RuleSuggestion[] = [];
  const baseline = new Map<string, boolean>();
  for (const c of groups.values()) {
    if (c.evidence.length < opts.minApprovals) continue;
    const rule = ruleFor(c);
    if (!rule || opts.existing?.has(`${c.project}\n${rule}`)) continue;
    try {
      parseRule(rule);
    } catch {
      continue;
    }
    const ctx = ctxOf(c.project);
    if (touchesProtected(rule, ctx)) continue;
    const withRule: PolicyContext = { ...ctx, rules: [...ctx.rules, { rule, effect: 'allow', source: 'suggestion' }] };
    const allows = (action: PolicyAction) => {
      const ev = evaluate(action, withRule);
      return ev.verdict === 'allow' && !ev.dangerous;
    };
    if (c.kind === 'prefix' && !allows({ tool: 'Bash', input: { command: rule.slice(5, -1).replace(/ \*$/, '') }, cwd: null })) continue;
    let refused = false;
    const covered: HistoryRow[] = [];
    // Histories repeat the same actions: each distinct one is evaluated once per rule.
    const verdicts = new Map<string, boolean>();
    for (const r of asked) {
      if (r.project !== c.project || r.tool !== c.tool) continue;
      const action = actionFor(r);
      if (!action) continue;
      const key = actionKey(r);
      let yes = verdicts.get(key);
      if (yes === undefined) verdicts.set(key, (yes = allows(action)));
      if (!yes) continue;
      // Already allowed without it (the policy changed since): not this rule's doing.
      let before = baseline.get(key);
      if (before === undefined) baseline.set(key, (before = evaluate(action, ctx).verdict === 'allow'));
      if (before) continue;
      if (r.dangerous || outcomeOf(r) === 'denied') {
        refused = true;
        break;
      }
      covered.push(r);
    }
    const coveredIds = new Set(covered.map((r) => r.id));
    if (refused || !c.evidence.every((e) => coveredIds.has(e.id))) continue;
    const approvals = covered.filter((r) => outcomeOf(r) === 'approved');
    if (approvals.length < opts.minApprovals) continue;
    const examples = [...new Set(approvals.map((r) => (r.tool === 'Bash' ? commandOf(r) : JSON.stringify(r.input))))].slice(0, 3);
    out.push({
      rule,
      project: c.project,
      tool: c.tool,
      approvals: approvals.length,
      denials: 0,
      people: [...new Set(approvals.map((r) => r.decided_by!))].sort(),
      would_allow: covered.length,
      examples,
      last_at: Math.max(...approvals.map((r) => r.created_at)),
    });
  }
  return out.sort((a, b) => b.would_allow - a.would_allow || b.approvals - a.approvals || a.rule.localeCompare(b.rule)).slice(0, opts.limit ?? 20);
}
