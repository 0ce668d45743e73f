// The policy as the server runs it: config rules + stored grants → the pure engine in src/policy,
// with the I/O the engine must not do (realpath, reading grants). Every request passes it before
// any human hears of it; a new grant resolves the pending requests it strictly covers.
import { realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { contextOfAgent } from './config/contexts.js';
import type { Config, ContextConfig } from './config/schema.js';
import type { Gate, PolicyOutcome } from './core/gate.js';
import { exactRuleFor, isExactRule, onGrantHost } from './core/grants.js';
import type { ApprovalRequest, GrantSuggestion } from './core/types.js';
import type { Logger } from './log.js';
import { invisibleReport } from './channels/action.js';
import { showInvisible } from './text/invisible.js';
import { checkPolicyInstall, evaluate, grammarFor, grantCovers, underPrefix, initPolicy, rulesFromSet, suggestGrants, tolerantRealpath, type Evaluation, type PolicyAction, type PolicyContext, type PolicyRule } from './policy/index.js';
import type { Grant, Store } from './store/store.js';
import { matchingStepUpRule, stepUpReason } from './step-up/requirement.js';
import { needsStepUp } from './core/step-up.js';

const MAX_TRACE = 40;


export interface PolicyScope {
  agent: string | null;
  project: string | null;
  session_id: string | null;
  cwd: string | null;
  /** The machine the agent runs on; a grant limited to a host applies only when it is that host. */
  host?: string | null;
}

export interface PolicyService {
  /** The gate's policy hook. */
  /** `excludeGrants`: grants not to rely on (their last use went to another request; src/core/grant-uses.ts). */
  evaluateRequest(request: ApprovalRequest, options?: { excludeGrants?: string[] }): Promise<PolicyOutcome>;
  /** A dry run: what would happen to this action for this agent/project/session. */
  dryRun(action: PolicyAction, scope: Omit<PolicyScope, 'cwd'>): Promise<Evaluation & { suggestions: GrantSuggestion[] }>;
  /** A project's policy from the config alone (no grants, no agent context): what suggested rules are tested against. */
  projectContext(project: string | null): Promise<PolicyContext>;
  /** Approves the other pending requests that new grants strictly cover. */
  resolveCovered(gate: Gate, grants: Grant[], source: ApprovalRequest | null): Promise<number>;
}

/** The action a request asks for, as the engine sees it. */
export function actionOf(request: Pick<ApprovalRequest, 'tool' | 'input' | 'action_type' | 'preview' | 'cwd'>): PolicyAction {
  return request.tool ? { tool: request.tool, input: request.input ?? {}, cwd: request.cwd } : { tool: request.action_type, input: { preview: request.preview }, cwd: request.cwd };
}

export async function createPolicyService(deps: { config: Config; configFile: string | null; store: Store; logger: Logger; now: () => number }): Promise<PolicyService> {
  // The Bash grammar is loaded by the first call that judges a Bash command (grammarFor), or any
  // action for the calls that judge stored requests of every kind (projectContext, resolveCovered).
  checkPolicyInstall();
  const { config, store } = deps;
  const realpath = tolerantRealpath(
    (p) => realpathSync.native(p),
    (p) => statSync(p, { throwIfNoEntry: false }) !== undefined,
  );
  const protectedPaths = [deps.configFile, config.data_dir, config.store.sqlite_path].filter((p): p is string => Boolean(p) && p !== ':memory:').map((p) => resolve(p));
  const homeDir = homedir();

  /** Grants that apply to exactly this agent, project and session (nulls do not mean "any"). */
  async function grantsFor(scope: Omit<PolicyScope, 'cwd'>): Promise<Grant[]> {
    if (!scope.agent) return [];
    const grants = await store.listGrants({ agent: scope.agent, project: scope.project ?? undefined, session_id: scope.session_id ?? undefined, now: deps.now() });
    return grants.filter((g) => (g.project === null || g.project === scope.project) && (g.session_id === null || g.session_id === scope.session_id));
  }

  /**
   * The grants whose limits the action fits: its path is under the grant's directory ("only under
   * ./src") and it comes from the grant's host ("only on this host"; a request that names no host
   * fits no host-limited grant). Grants without a limit always fit.
   */
  const fitting = (grants: Grant[], action: PolicyAction, host: string | null | undefined): Grant[] =>
    grants.filter((g) => (g.path_prefix === null || underPrefix(action, g.path_prefix, { homeDir, realpath })) && onGrantHost(g.host ?? null, host));

  // The engine compiles a context's rules once per rules array (rule-set.ts): the same project and
  // the same grants get the same context object, so a request does not recompile the rule set.
  const policyContexts = new Map<string, PolicyContext>();
  function contextFor(scope: Omit<PolicyScope, 'cwd'>, grants: Grant[]): PolicyContext {
    const ruleGrants = grants.filter((g) => !isExactRule(g.rule));
    // A session Greenlight runs files as `context:<name>` (a name no key can have): its context's
    // rules come first, its directories count as the project's, and its sandbox is the boundary.
    const context = contextOfAgent(config, scope.agent);
    const key = JSON.stringify([scope.project, context?.name ?? null, ...ruleGrants.map((g) => [g.id, g.rule, g.effect])]);
    let ctx = policyContexts.get(key);
    if (!ctx) {
      if (policyContexts.size >= 1000) policyContexts.clear();
      policyContexts.set(key, (ctx = buildContext(scope.project, context, ruleGrants)));
    }
    return ctx;
  }

  function buildContext(projectName: string | null, context: ContextConfig | undefined, ruleGrants: Grant[]): PolicyContext {
    const project = projectName ? config.projects.find((p) => p.name === projectName) : undefined;
    const grantRules: PolicyRule[] = ruleGrants.map((g) => ({ rule: g.rule, effect: g.effect, source: `grant:${g.id}`, grantId: g.id }));
    return {
      rules: [
        ...(context ? rulesFromSet(context, `config:context:${context.name}`) : []),
        ...(project ? rulesFromSet(project, `config:project:${project.name}`) : []),
        ...rulesFromSet(config.policy, 'config:global'),
        ...grantRules,
      ],
      projectDirs: [...(project?.directories ?? []), ...(context ? [context.directory, ...context.additional_directories] : [])].map((d) => resolve(d)),
      sandboxed: (project?.sandboxed ?? false) || (context?.sandbox ?? false),
      homeDir,
      protectedPaths,
      extraDangerous: config.policy.dangerous,
      protectedBranches: config.policy.protected_branches,
      realpath,
    };
  }

  function suggestionsFor(request: Pick<ApprovalRequest, 'tool' | 'input' | 'action_type' | 'preview' | 'cwd'>, ctx: PolicyContext): GrantSuggestion[] {
    const action = actionOf(request);
    const offered: GrantSuggestion[] = request.tool ? suggestGrants(action, { ...ctx, cwd: request.cwd }).map((g) => ({ kind: g.kind, label: g.label, rule: g.rule })) : [];
    return [{ kind: 'exact', label: 'Exactly this action', rule: exactRuleFor(request) }, ...offered];
  }

  return {
    async evaluateRequest(request, options) {
      const outcome = await evaluateOnly(request, options?.excludeGrants ?? []);
      const why = stepUpReason(request, outcome, config.step_up, () => matchingStepUpRule(actionOf(request), contextFor({ agent: request.agent, project: request.project, session_id: request.session_id }, []), config.step_up.rules));
      if (!why) return outcome;
      // Needs a second factor: a grant (an earlier human approval) does not stand in for it, and none is offered.
      const { suggestions: _none, ...rest } = outcome;
      const step = { step_up: true, reason: `${outcome.reason}\nApproving needs a second factor: ${why}.` };
      if (outcome.verdict === 'allow' && outcome.grantIds?.length) return { ...rest, ...step, verdict: 'ask', rule: null, grantIds: [] };
      return outcome.verdict === 'ask' ? { ...rest, ...step } : outcome;
    },

    async dryRun(action, scope) {
      await grammarFor(action);
      const ctx = contextFor(scope, fitting(await grantsFor(scope), action, scope.host));
      const ev = evaluate(action, ctx);
      const asRequest = { tool: action.tool, input: action.input, action_type: action.tool, preview: '', cwd: action.cwd };
      return { ...ev, suggestions: ev.verdict === 'ask' && !ev.dangerous ? suggestionsFor(asRequest, ctx) : [] };
    },

    async projectContext(project) {
      // What it is for (insights' suggested rules) judges stored requests of every kind.
      await initPolicy();
      return contextFor({ agent: null, project, session_id: null }, []);
    },

    async resolveCovered(gate, grants, source) {
      return resolveCovered(gate, grants, source);
    },
  };

  async function evaluateOnly(request: ApprovalRequest, excluded: string[]): Promise<PolicyOutcome> {
    const scope = { agent: request.agent, project: request.project, session_id: request.session_id };
    const action = actionOf(request);
    const loading = grammarFor(action);
    if (loading) await loading;
    const grants = fitting(await grantsFor(scope), action, request.host).filter((g) => !excluded.includes(g.id));
    const ctx = contextFor(scope, grants);
    const ev = evaluate(action, ctx);
    const trace = ev.trace.slice(0, MAX_TRACE).map((t) => ({ subject: t.subject, verdict: t.verdict, rule: t.rule, reason: t.reason }));
    const base = { dangerous: ev.dangerous, ...(ev.dangerous ? { danger_reasons: ev.dangerReasons } : {}), trace };
    if (ev.verdict === 'ask' && !ev.dangerous) {
      const exact = exactRuleFor(request);
      const grant = grants.find((g) => g.rule === exact && g.effect === 'allow');
      if (grant) return { verdict: 'allow', rule: `grant ${grant.id} (exactly this action, ${grant.scope})`, reason: `allowed by a ${grant.scope} grant ${grant.created_by} gave for exactly this action`, grantIds: [grant.id], ...base };
    }
    // A human reads this: say first where the request hides invisible characters the engine did not name.
    const hidden = ev.verdict === 'ask' ? invisibleReport(request, ev.reason) : null;
    return {
      verdict: ev.verdict,
      rule: ev.rule,
      reason: hidden ? `${showInvisible(hidden)}\n${ev.reason}` : ev.reason,
      grantIds: ev.verdict === 'allow' ? ev.grantIds : [],
      ...base,
      ...(ev.verdict === 'ask' && !ev.dangerous ? { suggestions: suggestionsFor(request, ctx) } : {}),
    };
  }

  async function resolveCovered(gate: Gate, grants: Grant[], source: ApprovalRequest | null): Promise<number> {
    await initPolicy();
    let resolved = 0;
    for (const grant of grants) {
      if (grant.effect !== 'allow' || !grant.agent) continue;
      const page = await store.listRequests({ order: 'queue', status: ['pending'], agent: grant.agent, ...(grant.project ? { project: grant.project } : {}), limit: 1000 });
      for (const candidate of page.items) {
        if (candidate.id === source?.id || candidate.policy?.dangerous) continue;
        if (grant.project !== null && candidate.project !== grant.project) continue;
        if (grant.session_id !== null && candidate.session_id !== grant.session_id) continue;
        const scope = { agent: candidate.agent, project: candidate.project, session_id: candidate.session_id };
        const covered = isExactRule(grant.rule) ? exactRuleFor(candidate) === grant.rule && evaluate(actionOf(candidate), contextFor(scope, [])).verdict !== 'deny' : grantCovers(grant.rule, actionOf(candidate), contextFor(scope, (await grantsFor(scope)).filter((g) => g.id !== grant.id)));
        if (!covered || fitting([grant], actionOf(candidate), candidate.host).length === 0) continue;
        // What a grant cannot stand in for (a second factor, several approvers) is not spent on.
        if (needsStepUp(candidate) || (candidate.workflow && candidate.workflow.quorum.required > 1)) continue;
        // A use is spent first (a compare-and-set): a grant with none left approves nothing more.
        if (!(await store.useGrant(grant.id, deps.now()))) break;
        const ok = await gate.autoApprove(candidate.id, { rule: grant.rule, via: 'grant', comment: `covered by grant ${grant.id}${source ? ` given on ${source.id}` : ''}` });
        if (ok) resolved++;
      }
    }
    if (resolved) deps.logger.info('grant resolved pending requests', { count: resolved });
    return resolved;
  }
}
