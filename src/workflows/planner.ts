// Which configured workflow covers a request, and whom each step of its ladder asks. This is the
// one part of workflows that reads the world: who is on call now (./on-call.ts) and who is away
// with which delegate (./away.ts). The gate calls it when a request is filed and when a ladder
// step starts; what it returns is written into the request (src/core/workflow.ts), so every
// channel and every instance sees the same people, and the audit log says why each was asked.
import type { ApprovalRequest } from '../core/types.js';
import { startStep, type Paged, type StepPlan, type Workflow } from '../core/workflow.js';
import type { Store } from '../store/store.js';
import { durationMs, type GroupConfig, type WorkflowConfig } from './config-schema.js';
import { getAway } from './away.js';
import { nextInRotation, onCallAt } from './on-call.js';
import { fmtLocal } from './zoned-time.js';

export interface WorkflowSettings {
  groups: GroupConfig[];
  workflows: WorkflowConfig[];
  /** Agent name → the approver who owns it: never counted, never asked. */
  owners: Map<string, string>;
}

export interface WorkflowPlanner {
  /** The workflow a new (pending) request follows, its first step started at `now`; null when none covers it. */
  plan(request: ApprovalRequest, now: number): Promise<Workflow | null>;
  /** Step `step` of the request's ladder starts at `now`: whom it asks, recorded in the workflow. */
  startStep(request: ApprovalRequest & { workflow: Workflow }, step: number, now: number): Promise<Workflow>;
}

/** Whether a workflow's match covers a request (every criterion given must hold). */
export function matches(w: WorkflowConfig, r: ApprovalRequest): boolean {
  const m = w.match;
  if (m.projects.length && !(r.project && m.projects.includes(r.project))) return false;
  if (m.priority.length && !m.priority.includes(r.priority)) return false;
  if (m.dangerous !== null && (r.policy?.dangerous === true) !== m.dangerous) return false;
  if (m.rules.length && !(r.policy?.rule && m.rules.includes(r.policy.rule))) return false;
  if (m.tags.length && !r.tags.some((t) => m.tags.includes(t))) return false;
  if (m.agents.length && !m.agents.includes(r.agent)) return false;
  return true;
}

/** A ladder step as the request carries it. */
export function stepPlan(s: WorkflowConfig['ladder'][number]): StepPlan {
  return {
    who: [...s.who],
    channels: s.channels ? [...s.channels] : null,
    targets: s.targets.map((t) => ({ channel: t.slice(0, t.indexOf(':')), target: t.slice(t.indexOf(':') + 1) })),
    wait_ms: s.wait ? durationMs(s.wait) : null,
  };
}

/** Everyone a list of `who` entries can mean, ignoring rotations and absences (groups and on-call groups: all members). */
export function everyone(who: readonly string[], groups: readonly GroupConfig[]): string[] {
  const out: string[] = [];
  for (const w of who) {
    const [kind, rest] = w.startsWith('group:') || w.startsWith('oncall:') ? [w.slice(0, w.indexOf(':')), w.slice(w.indexOf(':') + 1)] : ['name', w];
    const names = kind === 'name' ? [rest] : (groups.find((g) => g.name === rest)?.members ?? []);
    for (const n of names) if (!out.includes(n)) out.push(n);
  }
  return out;
}

export function createWorkflowPlanner(settings: WorkflowSettings, store: Store): WorkflowPlanner {
  const group = (n: string) => settings.groups.find((g) => g.name === n);
  const excludedFor = (r: ApprovalRequest) => new Set([r.agent, ...(settings.owners.has(r.agent) ? [settings.owners.get(r.agent)!] : [])]);

  /** The person asked for `name`: them, or (away) their delegate, followed up to three hops; null when nobody can be. */
  async function reach(name: string, why: string, now: number, excluded: Set<string>, hops = 0): Promise<Paged | null> {
    const away = await getAway(store, name, now);
    if (!away) return excluded.has(name) ? null : { name, why };
    if (!away.delegate || hops >= 3) return null;
    return reach(away.delegate, `delegate of ${name}, away until ${fmtLocal(away.until, 'UTC')}`, now, excluded, hops + 1);
  }

  async function resolve(who: readonly string[], now: number, excluded: Set<string>): Promise<Paged[]> {
    const paged: Paged[] = [];
    const add = (p: Paged | null) => {
      if (p && !paged.some((x) => x.name === p.name)) paged.push(p);
    };
    for (const w of who) {
      if (w.startsWith('group:')) {
        const g = group(w.slice(6));
        for (const m of g?.members ?? []) add(await reach(m, `member of ${g!.name}`, now, excluded));
      } else if (w.startsWith('oncall:')) {
        const g = group(w.slice(7));
        const on = g ? onCallAt(g, now) : null;
        if (!g || !on) continue;
        let found = await reach(on.name, on.why, now, excluded);
        // Away without a delegate: the next in the rotation who can be reached stands in.
        for (const next of found ? [] : nextInRotation(g, now)) {
          found = await reach(next, `standing in on call for ${g.name} (${on.name} is away)`, now, excluded);
          if (found) break;
        }
        add(found);
      } else {
        add(await reach(w, 'named', now, excluded));
      }
    }
    return paged;
  }

  return {
    async plan(request, now) {
      const config = settings.workflows.find((w) => matches(w, request));
      if (!config) return null;
      const excluded = excludedFor(request);
      const steps = config.ladder.map(stepPlan);
      const named = everyone(config.approvers.length ? config.approvers : config.ladder.flatMap((s) => s.who), settings.groups);
      const eligible: string[] = [];
      for (const n of named) {
        if (excluded.has(n)) continue;
        if (!eligible.includes(n)) eligible.push(n);
        // Someone away votes through their delegate as well as (when back) themselves.
        const p = await reach(n, 'eligible', now, excluded);
        if (p && !eligible.includes(p.name)) eligible.push(p.name);
      }
      const wf: Workflow = {
        route: config.name,
        rev: 1,
        eligible,
        // A question is answered by one person: its quorum is one answer (the ladder still applies).
        quorum: { required: request.question ? 1 : config.quorum.approvals, deny: config.quorum.deny },
        votes: [],
        ladder: steps.length ? { steps, started: [], final: config.final } : null,
        next_at: null,
      };
      if (!wf.ladder) return wf;
      const first = startStep(wf, 0, now, await resolve(steps[0].who, now, excluded));
      return { ...first, rev: 1 };
    },

    async startStep(request, step, now) {
      const plan = request.workflow.ladder?.steps[step];
      if (!plan) throw new Error(`workflow ${request.workflow.route} has no step ${step}`);
      return startStep(request.workflow, step, now, await resolve(plan.who, now, excludedFor(request)));
    },
  };
}

/** The settings from the config (owners from agents[].owner). */
export function workflowSettings(config: { groups: GroupConfig[]; workflows: WorkflowConfig[]; agents: { name: string; owner?: string }[] }): WorkflowSettings {
  return { groups: config.groups, workflows: config.workflows, owners: new Map(config.agents.filter((a) => a.owner).map((a) => [a.name, a.owner!])) };
}
