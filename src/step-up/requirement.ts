// Which requests need a second factor to approve (config `step_up`), decided once when a request is
// filed and kept on it as `policy.step_up`, so a later config change does not move the bar under a
// request someone is already looking at. Denying never needs one, and questions are answered, not
// approved. Pure: the rule matching is the policy engine's, handed in.
import type { StepUpConfig } from '../config/schema.js';
import type { ApprovalRequest } from '../core/types.js';
import { evaluate, rulesFromSet, type PolicyAction, type PolicyContext } from '../policy/index.js';

/** Why this request needs step-up (for the approver and the audit), or null. */
export function stepUpReason(
  request: Pick<ApprovalRequest, 'priority' | 'project' | 'question'>,
  verdict: { verdict: 'allow' | 'deny' | 'ask'; dangerous?: boolean },
  config: StepUpConfig,
  matchesRule: () => string | null,
): string | null {
  if (verdict.verdict === 'deny' || request.question) return null;
  if (config.priorities.includes(request.priority)) return `its priority is ${request.priority}`;
  if (config.dangerous && verdict.dangerous) return 'the dangerous-action guard flagged it';
  if (request.project && config.projects.includes(request.project)) return `project ${request.project} needs it`;
  const rule = config.rules.length ? matchesRule() : null;
  return rule ? `it matches ${rule}` : null;
}

/**
 * The step-up rule that matches an action, judged by the policy engine with the step-up rules as
 * ask rules (in the request's own context: its directories, home, symlinks), or null.
 */
export function matchingStepUpRule(action: PolicyAction, ctx: PolicyContext, rules: readonly string[]): string | null {
  if (rules.length === 0) return null;
  const wanted = new Set(rules);
  const ev = evaluate(action, { ...ctx, rules: rulesFromSet({ ask: [...rules] }, 'config:step_up'), sandboxed: false, projectDirs: [] });
  if (ev.rule && wanted.has(ev.rule)) return ev.rule;
  return ev.trace.find((t) => t.rule !== null && wanted.has(t.rule))?.rule ?? null;
}
