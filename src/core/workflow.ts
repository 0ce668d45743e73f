// Team workflows on a request: who must approve (a quorum of M distinct approvers out of those the
// route names) and who is asked when (an escalation ladder of steps, ending fail-closed). This is
// the state a request carries (`request.workflow`) and the pure rules over it: a vote becomes a
// decision in exactly one place (`applyVote`), a ladder moves on in exactly one (`nextStep`). No
// I/O: who is on call or away is resolved by src/workflows/ and handed in as `Paged` people.
import { GreenlightError } from './errors.js';
import type { Outcome } from './types.js';

/** How denials end a request that needs several approvals. */
export type DenyMode =
  /** Any one deny ends it denied. */
  | 'first'
  /** It ends denied once most of the eligible approvers denied, or once the approvals still possible cannot reach the quorum. */
  | 'majority';

export interface Vote {
  approver: string;
  outcome: Extract<Outcome, 'approved' | 'denied'>;
  via: string;
  at: number;
  comment: string | null;
}

/** Someone a step asks, and why them. */
export interface Paged {
  name: string;
  /** "named", "member of sre", "on call for sre", "delegate of bob (away until …)". */
  why: string;
}

export interface RouteTarget {
  channel: string;
  target: string;
}

/** One rung of a ladder as configured: whom, on which channels, for how long. */
export interface StepPlan {
  /** Approver names, `group:<name>`, `oncall:<group>` (resolved when the step starts). */
  who: string[];
  /** The channels its people are asked on (null: every channel that can reach them). */
  channels: string[] | null;
  /** Chats, topics, addresses the step posts to besides people (`telegram:-100…`, `slack:C0123SRE`). */
  targets: RouteTarget[];
  /** How long the step waits before the next one starts (null: until the request's own deadline). */
  wait_ms: number | null;
}

export interface StartedStep {
  step: number;
  at: number;
  paged: Paged[];
}

/** What ends a ladder nobody answered: both fail closed. */
export type FinalOutcome = 'deny' | 'expire';

export interface Workflow {
  /** The configured workflow (route) this request follows. */
  route: string;
  /** Bumped on every change: the stores compare-and-set on it. */
  rev: number;
  /** Who may vote (the filer and the agent's owner never are). */
  eligible: string[];
  quorum: { required: number; deny: DenyMode };
  votes: Vote[];
  ladder: { steps: StepPlan[]; started: StartedStep[]; final: FinalOutcome } | null;
  /** When the ladder moves next (the current step's wait ends), or null. The sweeper wakes then. */
  next_at: number | null;
}

const err = (code: ConstructorParameters<typeof GreenlightError>[0], message: string, details?: Record<string, unknown>) => new GreenlightError(code, message, details ? { details } : {});

/** The step under way (-1: no ladder). */
export const currentStep = (wf: Workflow): number => (wf.ladder ? (wf.ladder.started.at(-1)?.step ?? -1) : -1);

/** When the step that starts at `at` ends, or null when it waits for the request's own deadline. */
export function stepEnds(plan: StepPlan, at: number): number | null {
  return plan.wait_ms === null ? null : at + plan.wait_ms;
}

/** A ladder step has started (or the first one, at creation): records whom it asked. */
export function startStep(wf: Workflow, step: number, at: number, paged: Paged[]): Workflow {
  if (!wf.ladder || step < 0 || step >= wf.ladder.steps.length) throw new Error(`workflow ${wf.route} has no step ${step}`);
  const started = [...wf.ladder.started, { step, at, paged }];
  // People a step asks may vote from then on (a delegate of someone away, an on-call member).
  const eligible = [...wf.eligible];
  for (const p of paged) if (!eligible.includes(p.name)) eligible.push(p.name);
  return { ...wf, rev: wf.rev + 1, eligible, ladder: { ...wf.ladder, started }, next_at: stepEnds(wf.ladder.steps[step], at) };
}

/** What happens when the current step's wait is over: the next step starts, or the ladder's final outcome ends the request. */
export function nextStep(wf: Workflow): { kind: 'step'; step: number } | { kind: 'final'; outcome: FinalOutcome } | null {
  if (!wf.ladder) return null;
  const current = currentStep(wf);
  return current + 1 < wf.ladder.steps.length ? { kind: 'step', step: current + 1 } : { kind: 'final', outcome: wf.ladder.final };
}

export type VoteResult = { workflow: Workflow; outcome: 'pending' | 'approved' | 'denied' };

/**
 * The one place a vote becomes a decision. Refuses a second vote by the same approver and votes by
 * anyone not eligible; counts distinct approvals; applies the deny mode.
 */
export function applyVote(wf: Workflow, vote: Vote): VoteResult {
  if (!wf.eligible.includes(vote.approver)) {
    throw err('NOT_ROUTED_TO_YOU', `"${vote.approver}" is not one of the approvers of this request (workflow ${wf.route}: ${wf.eligible.join(', ') || 'nobody'}).`);
  }
  const earlier = wf.votes.find((v) => v.approver === vote.approver);
  if (earlier) {
    throw err('ALREADY_VOTED', `${vote.approver} already ${earlier.outcome === 'approved' ? 'approved' : 'denied'} this request (via ${earlier.via}); each approver counts once. ${progressText({ ...wf })}.`, { approver: vote.approver, outcome: earlier.outcome, via: earlier.via });
  }
  const votes = [...wf.votes, vote];
  const next: Workflow = { ...wf, rev: wf.rev + 1, votes };
  return { workflow: next, outcome: tally(next) };
}

/** Where the votes stand. */
export function tally(wf: Workflow): 'pending' | 'approved' | 'denied' {
  const approvals = wf.votes.filter((v) => v.outcome === 'approved').length;
  const denials = wf.votes.length - approvals;
  if (denials > 0 && wf.quorum.deny === 'first') return 'denied';
  if (approvals >= wf.quorum.required) return 'approved';
  const n = wf.eligible.length;
  if (denials > 0 && (denials * 2 > n || n - denials < wf.quorum.required)) return 'denied';
  return 'pending';
}

/** "1 of 2 approvals — alice approved", "2 of 2 approvals — alice and bob approved; carol denied". */
export function progressText(wf: Workflow): string {
  const approved = wf.votes.filter((v) => v.outcome === 'approved').map((v) => v.approver);
  const denied = wf.votes.filter((v) => v.outcome === 'denied').map((v) => v.approver);
  const parts: string[] = [];
  if (approved.length) parts.push(`${names(approved)} approved`);
  if (denied.length) parts.push(`${names(denied)} denied`);
  const head = `${approved.length} of ${wf.quorum.required} approval${wf.quorum.required === 1 ? '' : 's'}`;
  return parts.length ? `${head} — ${parts.join('; ')}` : head;
}

const names = (list: string[]): string => (list.length <= 1 ? (list[0] ?? '') : `${list.slice(0, -1).join(', ')} and ${list.at(-1)}`);

const fmt = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** "Step 2 of 3: asked carol (on call for sre) · next step 14:05 UTC" / "… · then deny at 14:20 UTC". */
export function ladderText(wf: Workflow): string | null {
  const ladder = wf.ladder;
  if (!ladder) return null;
  const current = currentStep(wf);
  if (current < 0) return null;
  const started = ladder.started.at(-1)!;
  const plan = ladder.steps[current];
  const who = started.paged.map((p) => `${p.name} (${p.why})`);
  const where = plan.targets.map((t) => `${t.channel} ${t.target}`);
  const asked = [...who, ...where];
  const head = `Step ${current + 1} of ${ladder.steps.length}: asked ${asked.length ? asked.join(', ') : 'nobody reachable'}`;
  if (wf.next_at === null) return `${head} · until the request expires`;
  const last = current + 1 >= ladder.steps.length;
  return `${head} · ${last ? `then ${ladder.final === 'deny' ? 'denied' : 'expired'}` : 'next step'} at ${fmt(wf.next_at)}`;
}

/** The lines every channel shows about a workflow: the approvals and the ladder. */
export function workflowLines(wf: Workflow | null): string[] {
  if (!wf) return [];
  const lines: string[] = [];
  if (wf.quorum.required > 1 || wf.votes.length) lines.push(progressText(wf));
  const ladder = ladderText(wf);
  if (ladder) lines.push(ladder);
  return lines;
}

/** The decision a quorum reached: who voted, the comments they gave. */
export function quorumComment(wf: Workflow, outcome: 'approved' | 'denied'): string {
  const deciding = wf.votes.filter((v) => v.outcome === outcome);
  const comments = deciding.filter((v) => v.comment).map((v) => `${v.approver}: ${v.comment}`);
  return `${progressText(wf)}.${comments.length ? ` ${comments.join(' · ')}` : ''}`;
}
