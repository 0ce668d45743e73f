// Grants a human gives with a decision: "for this session" or "always", either for one of the
// grants the policy offered (policy.suggestions, made by the server) or for exactly this action.
import { posix } from 'node:path';
import { sha256Hex } from './sha256.js';
import { canonicalJson } from './audit-chain.js';
import { GreenlightError, validation } from './errors.js';
import { newId } from './ids.js';
import type { ApprovalRequest, Decision } from './types.js';
import type { Grant } from '../store/store.js';

export const EXACT_PREFIX = 'exact:';

/**
 * A rule that matches exactly this action and nothing else: the tool (or action type) and a hash
 * of its input (or preview). Never widened by wildcards, because it is not a pattern.
 */
export function exactRuleFor(request: Pick<ApprovalRequest, 'tool' | 'input' | 'action_type' | 'preview'>): string {
  const subject = request.tool ? { tool: request.tool, input: request.input ?? null } : { action_type: request.action_type, preview: request.preview };
  const digest = sha256Hex(canonicalJson(subject)).slice(0, 32);
  return `${EXACT_PREFIX}${request.tool ?? request.action_type}:${digest}`;
}

export const isExactRule = (rule: string): boolean => rule.startsWith(EXACT_PREFIX);

/** Limits an approver puts on the grant their decision creates: "for 30 minutes", "at most 3 times". */
export interface GrantLimits {
  expires_in_sec?: number | null;
  max_uses?: number | null;
  /** "Only under ./src": a directory, absolute or relative to the request's cwd. */
  path_prefix?: string | null;
  /** "Only on this host": the machine's hostname, as the request named it. */
  host?: string | null;
}

/** Whether a request comes from the machine a grant is limited to; a request that names no machine never does. */
export function onGrantHost(grantHost: string | null, requestHost: string | null | undefined): boolean {
  return grantHost === null || (Boolean(requestHost) && requestHost!.toLowerCase() === grantHost.toLowerCase());
}

/**
 * The absolute, normalised directory a grant is limited to, from what the approver wrote: relative
 * paths resolve against the request's cwd; `..` segments, `~`, control characters and the root
 * itself are refused (a limit must name one directory, plainly). The policy also compares real
 * paths, so a symlink under the prefix that points outside it does not count as under it.
 */
export function grantPathPrefix(raw: string, cwd: string | null): string {
  const p = raw.trim();
  if (!p || /[\u0000-\u001f\u007f]/.test(p)) throw validation('grant_limits.path_prefix must be a directory path without control characters.');
  if (p.split('/').includes('..')) throw validation('grant_limits.path_prefix may not contain ".." segments: name the directory itself.');
  if (p.startsWith('~')) throw validation('grant_limits.path_prefix may not start with ~: give an absolute path or one relative to the request\'s directory.');
  if (!p.startsWith('/') && !(cwd && cwd.startsWith('/'))) throw validation('grant_limits.path_prefix is relative but the request has no absolute cwd: give an absolute path.');
  const full = posix.resolve(p.startsWith('/') ? '/' : cwd!, p);
  if (full === '/') throw validation('grant_limits.path_prefix "/" limits nothing: name a directory under it, or leave it out.');
  return full;
}

/** The grants an approval creates; none for "once", denials, conditional approvals or answers. */
export function grantsForDecision(request: ApprovalRequest, decision: Decision, grantRule: string | null | undefined, now: number, limits?: GrantLimits | null): Grant[] {
  const limited = Boolean(limits?.expires_in_sec || limits?.max_uses || limits?.path_prefix || limits?.host);
  if (decision.scope === 'once') {
    if (grantRule) throw validation('grant_rule needs scope "session" or "always".');
    if (limited) throw validation('grant_limits need scope "session" or "always": an approval once has nothing to limit.');
    return [];
  }
  if (decision.outcome !== 'approved') {
    throw validation(`Only a plain approval can be given for the ${decision.scope}; a ${decision.outcome} decision is for this request only (scope "once").`);
  }
  if (decision.updated_input !== null) throw validation('An edited action is approved once: the edit is not what the agent asked for, so it cannot become a grant.');
  if (request.policy?.dangerous) {
    throw new GreenlightError('FORBIDDEN', `This action is dangerous (${(request.policy.danger_reasons ?? []).join('; ') || 'flagged by the guard'}); it can only be approved once, never for a session or always.`);
  }
  if (decision.scope === 'session' && !request.session_id) throw validation('This request has no session_id, so it cannot be approved for the session; approve it once or always.');
  if (limits?.host && !onGrantHost(limits.host, request.host)) {
    throw validation(request.host ? `grant_limits.host must be this request's own host (${request.host}): "only this host" limits a grant to the machine that asked.` : 'grant_limits.host needs a request that names its host, and this one names none: leave the host limit out.');
  }
  let rule = exactRuleFor(request);
  if (grantRule && grantRule !== rule) {
    const offered = request.policy?.suggestions?.some((s) => s.rule === grantRule);
    if (!offered) throw validation(`grant_rule ${JSON.stringify(grantRule.slice(0, 200))} was not offered for this request. Offered: ${(request.policy?.suggestions ?? []).map((s) => s.rule).join(', ') || 'none (leave grant_rule out to grant exactly this action)'}.`);
    rule = grantRule;
  }
  return [
    {
      id: newId('grt', now),
      rule,
      effect: 'allow',
      scope: decision.scope,
      agent: request.agent,
      project: request.project,
      session_id: decision.scope === 'session' ? request.session_id : null,
      created_by: decision.decided_by,
      created_at: now,
      expires_at: limits?.expires_in_sec ? now + limits.expires_in_sec * 1000 : null,
      max_uses: limits?.max_uses ?? null,
      uses: 0,
      revoked_at: null,
      source_request_id: request.id,
      path_prefix: limits?.path_prefix ? grantPathPrefix(limits.path_prefix, request.cwd) : null,
      host: limits?.host ?? null,
    },
  ];
}

/** What the audit log records of a grant a decision created, its limits included. */
export const grantAuditDetail = (g: Grant): Record<string, unknown> => ({ grant_id: g.id, rule: g.rule, scope: g.scope, agent: g.agent, project: g.project, session_id: g.session_id, expires_at: g.expires_at, max_uses: g.max_uses, path_prefix: g.path_prefix, host: g.host });
