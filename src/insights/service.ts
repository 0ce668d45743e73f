// Insights as the server serves them: pages the store's history into the figures (./figures.ts)
// and the suggested rules (./suggest.ts), limited to what the caller may see, and adds a
// suggestion to the policy overlay. Who sees what: agents nothing (they would learn about other
// agents); an approver the projects routed to them (by the config and by their key's projects;
// requests without a project only when nothing limits them); admins everything. Only an admin
// adds a suggested rule, and only one that is a suggestion right now.
//
// Where an added rule lives: in the store, as an `always` allow grant for the project (every
// agent), not in the config file. Every instance reads the same store, so the rule applies at
// once everywhere without a reload; it is audited (`grant.created`, via `insights`), listed and
// revocable on the Grants page and by `greenlight grants`; and the server never needs write access
// to its own config file (a protected path the policy guards, often read-only or kept in git).
// `greenlight policy suggest` prints the YAML for operators who would rather commit it there.
import type { Config } from '../config/schema.js';
import { approverMayDecide } from '../core/authz.js';
import { GreenlightError } from '../core/errors.js';
import type { Clock } from '../core/ids.js';
import type { Principal } from '../core/types.js';
import { createManualGrant } from '../grants-admin.js';
import type { PolicyService } from '../policy-service.js';
import type { PolicyContext } from '../policy/index.js';
import type { Grant, HistoryRow, Store } from '../store/store.js';
import { figuresBuilder, type Figures } from './figures.js';
import { suggestRules, type RuleSuggestion } from './suggest.js';

const DAY = 86_400_000;
const PAGE = 2000;

export interface InsightsReport {
  generated_at: number;
  days: number;
  /** The projects the figures cover: null means every project (an unlimited approver or an admin). */
  projects: (string | null)[] | null;
  figures: Figures;
  suggestions: { days: number; min_approvals: number; items: RuleSuggestion[] };
}

export interface InsightsService {
  /** null: everything (the digest, the CLI). */
  report(principal: Principal | null, options: { days: number; suggestions?: boolean }): Promise<InsightsReport>;
  suggestions(principal: Principal | null): Promise<RuleSuggestion[]>;
  /** Adds a current suggestion as an always-allow grant for its project; returns the grant. */
  addSuggestion(principal: Principal, rule: string, project: string | null, via: string): Promise<Grant>;
}

export function createInsights(deps: { store: Store; config: Config; policy: PolicyService; clock: Clock }): InsightsService {
  const { store, config, clock } = deps;
  const routing = { projects: config.projects, approvers: config.approvers };

  /** What a principal may see: null = everything; else a predicate over a row's project. */
  function visibility(p: Principal | null): ((project: string | null) => boolean) | null {
    if (p === null || p.role === 'admin') return null;
    if (p.role !== 'approver') throw new GreenlightError('FORBIDDEN', 'Insights are for approvers and admins; an agent key cannot read them.');
    const limited = p.projects.length > 0 || (routing.approvers.find((a) => a.name === p.name)?.projects.length ?? 0) > 0 || routing.projects.some((x) => x.approvers.length > 0 && !x.approvers.includes(p.name));
    if (!limited) return null;
    return (project) => project !== null && (p.projects.length === 0 || p.projects.includes(project)) && approverMayDecide(p.name, project, routing);
  }

  async function scan(from: number, to: number, withInput: boolean, visible: ((project: string | null) => boolean) | null, each: (r: HistoryRow) => void): Promise<void> {
    let after: { created_at: number; id: string } | null = null;
    for (;;) {
      const page = await store.scanHistory({ from, to, after, limit: PAGE, with_input: withInput });
      for (const r of page) if (!visible || visible(r.project)) each(r);
      if (page.length < PAGE) return;
      const last = page[page.length - 1];
      after = { created_at: last.created_at, id: last.id };
    }
  }

  async function suggestionsFor(visible: ((project: string | null) => boolean) | null): Promise<RuleSuggestion[]> {
    const now = clock.now();
    const rows: HistoryRow[] = [];
    // Only asks that reached a human are evidence (or could have been saved): auto-answers are skipped here, not in SQL.
    await scan(now - config.insights.suggest_days * DAY, now + 1, true, visible, (r) => {
      if (r.decided_by_kind !== 'policy') rows.push(r);
    });
    const contexts = new Map<string | null, PolicyContext>();
    for (const project of new Set(rows.map((r) => r.project))) contexts.set(project, await deps.policy.projectContext(project));
    const existing = new Set((await store.listGrants({ now })).filter((g) => g.effect === 'allow' && g.agent === null && g.session_id === null).map((g) => `${g.project}\n${g.rule}`));
    return suggestRules(rows, { minApprovals: config.insights.suggest_min_approvals, contextFor: (p) => contexts.get(p)!, existing });
  }

  return {
    async report(principal, options) {
      const visible = visibility(principal);
      const now = clock.now();
      const from = now - options.days * DAY;
      const builder = figuresBuilder({ from, to: now + 1, now });
      await scan(from, now + 1, false, visible, (r) => builder.add(r));
      const projects = visible ? config.projects.map((p) => p.name).filter((n) => visible(n)) : null;
      return {
        generated_at: now,
        days: options.days,
        projects,
        figures: builder.result(),
        suggestions: { days: config.insights.suggest_days, min_approvals: config.insights.suggest_min_approvals, items: options.suggestions === false ? [] : await suggestionsFor(visible) },
      };
    },

    async suggestions(principal) {
      return suggestionsFor(visibility(principal));
    },

    async addSuggestion(principal, rule, project, via) {
      if (principal.role !== 'admin') throw new GreenlightError('FORBIDDEN', `Your ${principal.role} key cannot add rules to the policy; that needs an admin key.`);
      const current = (await suggestionsFor(null)).find((s) => s.rule === rule && s.project === project);
      if (!current) {
        throw new GreenlightError('NOT_A_SUGGESTION', `${JSON.stringify(rule.slice(0, 200))} for project ${project ?? '(none)'} is not a current suggestion (the history changed, or it was added already). Reload the suggestions; to add any other rule use POST /v1/grants or greenlight grants add.`);
      }
      return createManualGrant(store, config, { rule, effect: 'allow', project }, { kind: principal.role, name: principal.name }, via, clock.now());
    },
  };
}
