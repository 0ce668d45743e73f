// The policy engine: pure code, no I/O of its own. Every request passes it before any human hears of it.
//
//   await initPolicy()                       load the tree-sitter-bash grammar (once; repeated calls are free)
//   checkPolicyInstall()                     at start-up: throws when the grammar is not installed (loads nothing)
//   grammarFor(action)                       the same, only when this action needs it and it is not loaded yet
//                                            (else null): a server loads the grammar on its first Bash command
//   evaluate(action, ctx) → Evaluation       synchronous (Bash: after initPolicy); verdict allow | ask | deny, the deciding rule,
//                                            the reason in words, dangerous + dangerReasons, a trace per
//                                            subcommand / redirection / path, and the grants that allowed it
//   parseRule(rule) → ParsedRule             throws a clear Error for a malformed rule (config validation)
//   suggestGrants(action, ctx) → buttons     "Accept all Read", "Accept all `git status *`", "Accept all
//                                            edits in <dir>/", "Allow reading from <dir>/", WebFetch domain;
//                                            never blanket, never from a wrapper/assignment/sudo, none when
//                                            the action is dangerous
//   grantCovers(rule, action, ctx)           would this new allow rule make that pending action allowed?
//   formatEvaluation(ev) → string            the dry-run explanation
//   rulesFromSet(set, source)                config `{ allow, ask, deny }` → PolicyRule[] (deny, ask, allow)
//   tolerantRealpath(fs.realpathSync.native) the ctx.realpath the server injects (missing files tolerated)
//
// Verdict: any part denied → deny; any part matched by an ask rule, not covered by an allow rule (or by
// sandbox / project read scope), or unsafe to judge (eval, sh -c, functions, parse errors, > 10,000
// chars, odd whitespace) → ask; else allow. The dangerous-action guard turns allow into ask with
// dangerous: true (deny stays deny). Rule syntax: see rule-parser.ts.
import { bashGrammarPath, bashParserReady, initBashParser } from './bash-parser.js';
import type { PolicyAction, PolicyRule, RuleSet } from './types.js';

export type {
  Effect, Evaluation, ParsedRule, PolicyAction, PolicyContext, PolicyRule, RuleSet, SuggestContext,
  SuggestedGrant, TraceEntry, Verdict,
} from './types.js';
export { evaluate } from './evaluate.js';
export { parseRule } from './rule-parser.js';
export { suggestGrants, grantCovers, underPrefix } from './grants.js';
export { formatEvaluation } from './explain.js';
export { MAX_COMMAND_LENGTH } from './evaluate-bash.js';
export { tolerantRealpath } from './path-match.js';

/** Load the bash grammar (wasm) once; evaluate() is synchronous after that. Safe to call repeatedly. */
export async function initPolicy(): Promise<void> {
  await initBashParser();
}

/** Throws when the Bash grammar is not installed: a start-up check that loads nothing. */
export function checkPolicyInstall(): void {
  try {
    bashGrammarPath();
  } catch (err) {
    throw new Error('policy: the tree-sitter-bash grammar is not installed (reinstall Greenlight: npm ci)', { cause: err });
  }
}

/**
 * What evaluate() still needs before it can judge `action`: the Bash grammar (tree-sitter's
 * WebAssembly runtime and grammar, about 7 MB resident) for a Bash command while it is not loaded,
 * else null, so the caller awaits nothing on the common path. Loading it on the first Bash command
 * rather than at start-up keeps it out of a server that never sees one (docs/benchmarks.md).
 */
export function grammarFor(action: PolicyAction): Promise<void> | null {
  if (bashParserReady() || typeof action?.tool !== 'string' || action.tool.trim() !== 'Bash') return null;
  return initBashParser();
}

/** Config rules in precedence order (deny, ask, allow), tagged with their source. */
export function rulesFromSet(set: Partial<RuleSet> | undefined, source: string): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const effect of ['deny', 'ask', 'allow'] as const) {
    for (const rule of set?.[effect] ?? []) out.push({ rule, effect, source });
  }
  return out;
}
