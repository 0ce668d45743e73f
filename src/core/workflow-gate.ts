// The gate's side of team workflows: attaching the workflow a new request follows (and keeping
// one approver's grant from standing in for a quorum), counting a vote (and, when it completes
// the quorum or a denial ends it, settling the request in the same compare-and-set), and moving an escalation
// ladder on when a step's wait is over (the expiry sweeper calls escalateDue on the leader). Every
// write goes through store.advanceWorkflow against the revision it was computed from; a write that
// loses to a concurrent vote or step (on any instance) reads the request again and recounts.
//
// Where later work hooks in: `castVote` is the one place a human's answer to a workflow request
// is checked and turned into a vote, and `decisionFrom` the one place votes become a decision.
import { buildDecision } from './build-request.js';
import { GreenlightError } from './errors.js';
import type { Clock } from './ids.js';
import type { DecideParsed } from './request-input.js';
import type { ApprovalRequest, Actor, Decision, PolicyVerdict, Principal, RequestEvent, RequestEventType, Status } from './types.js';
import { applyVote, ladderText, nextStep, progressText, quorumComment, type Vote, type Workflow } from './workflow.js';
import type { AuditInput, Effects, Grant, OutboxInput, Store } from '../store/store.js';
import { grantAuditDetail, grantsForDecision } from './grants.js';
import type { GateDeps } from './gate.js';
import type { StepUpPass } from './step-up.js';

/** Resolves who a workflow asks (src/workflows/planner.ts): the only part that reads on-call rotas and absences. */
export interface WorkflowResolver {
  plan(request: ApprovalRequest, now: number): Promise<Workflow | null>;
  startStep(request: ApprovalRequest & { workflow: Workflow }, step: number, now: number): Promise<Workflow>;
}

export interface WorkflowGateDeps {
  store: Store;
  clock: Clock;
  resolver: WorkflowResolver | undefined;
  deliveries: (event: RequestEvent) => OutboxInput[];
  auditRow: (actor: Actor, action: string, request: ApprovalRequest | null, via: string | null, detail: Record<string, unknown> | null) => AuditInput;
  /** Publishes the event (and nudges the outbox worker) once the write committed. */
  announce: (event: RequestEvent, effects: Effects) => void;
  alreadyDecided: (current: ApprovalRequest) => GreenlightError;
  onGrants?: (grants: Grant[], source: ApprovalRequest) => void;
  /** Signs the receipt of a settlement (the gate's `receipts`). */
  receipts?: GateDeps['receipts'];
}

/** A quorum counts plain approvals and denials: scopes, edits, conditions and answers are for one approver alone. */
function assertPlainVote(wf: Workflow, input: DecideParsed): void {
  if (wf.quorum.required === 1) return;
  const plain = (input.outcome === 'approved' || input.outcome === 'denied') && input.scope === 'once' && input.updated_input === undefined && !input.grant_rule && !input.grant_limits && (input.answer === undefined || input.answer === null);
  if (!plain) {
    throw new GreenlightError('VOTE_NOT_ALLOWED', `This request needs ${wf.quorum.required} approvals (workflow ${wf.route}), so each approver approves or denies it as it is, once: no session or always grants, edits, conditions or answers.`);
  }
}

const MAX_RETRIES = 50;

/** The policy's verdict with the grants that allowed it (core/gate.ts PolicyOutcome). */
type GrantedVerdict = PolicyVerdict & { grantIds?: string[] };

/** What the audit log records of a new request's workflow: its route, quorum and whom the first step asked. */
function summary(w: Workflow): Record<string, unknown> {
  return { route: w.route, approvals: w.quorum.required, deny: w.quorum.deny, eligible: w.eligible, ...(w.ladder ? { step: 1, of: w.ladder.steps.length, asked: w.ladder.started.at(-1)?.paged ?? [] } : {}) };
}

const receiptActor = (d: Decision): Actor => ({ kind: d.decided_by_kind, name: d.decided_by });

export function createWorkflowGate(deps: WorkflowGateDeps) {
  const { store, clock } = deps;

  /** The decision votes reach: a single approver's own (with its scope, edit, ...), or the quorum's. */
  function decisionFrom(request: ApprovalRequest, wf: Workflow, outcome: 'approved' | 'denied', input: DecideParsed, actor: Actor, via: string, now: number): { status: Status; decision: Decision } {
    if (wf.quorum.required === 1) return buildDecision(request, input, actor, via, now);
    const deciding = wf.votes.filter((v) => v.outcome === outcome);
    const decision: Decision = {
      outcome,
      scope: 'once',
      comment: quorumComment(wf, outcome),
      conditions: null,
      answer: null,
      updated_input: null,
      decided_by: deciding.map((v) => v.approver).join(', '),
      decided_by_kind: actor.kind,
      via: [...new Set(deciding.map((v) => v.via))].join(', '),
      decided_at: now,
    };
    return { status: outcome, decision };
  }

  /** Writes the next workflow state (settling when `settle`), retrying on a lost race with `recompute` on the fresh request. */
  async function commit(first: ApprovalRequest, compute: (r: ApprovalRequest & { workflow: Workflow }) => Promise<{ workflow: Workflow; type: RequestEventType; audit: AuditInput[]; settle?: { status: Status; decision: Decision }; grants?: Grant[]; step?: number } | null>): Promise<ApprovalRequest | null> {
    let request = first;
    for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
      if (request.status !== 'pending') throw deps.alreadyDecided(request);
      const wf = request.workflow;
      if (!wf) throw new Error(`request ${request.id} has no workflow`);
      const step = await compute(request as ApprovalRequest & { workflow: Workflow });
      if (!step) return null;
      const now = clock.now();
      let next: ApprovalRequest = { ...request, workflow: step.workflow, updated_at: now, ...(step.settle ?? {}) };
      const receipt = step.settle ? deps.receipts?.issue(next, { actor: receiptActor(step.settle.decision), via: step.settle.decision.via, at: now }) : undefined;
      if (receipt) next = { ...next, receipt };
      const event: RequestEvent = { type: step.type, request: next, at: now, ...(step.step !== undefined ? { step: step.step } : {}) };
      const effects: Effects = { audit: step.audit, outbox: deps.deliveries(event), ...(step.grants?.length ? { grants: step.grants } : {}), ...(receipt ? { receipt } : {}) };
      const result = await store.advanceWorkflow(request.id, wf.rev, step.workflow, now, effects, step.settle);
      if (result.ok) {
        deps.announce({ ...event, request: result.request }, effects);
        if (step.grants?.length) deps.onGrants?.(step.grants, result.request);
        return result.request;
      }
      if (!result.current) throw new GreenlightError('NOT_FOUND', `Request ${request.id} does not exist.`);
      request = result.current;
    }
    throw new GreenlightError('INTERNAL', `Request ${first.id}: the workflow kept changing under ${MAX_RETRIES} attempts to record this; try again.`);
  }

  return {
    /**
     * At filing: the workflow a pending request follows, recorded in its `request.created` audit
     * row. When the people who may vote cannot reach the quorum (the agent's own name and its
     * owner never count), the request is denied at once instead of waiting for approvals that
     * cannot come.
     */
    async attach(request: ApprovalRequest, audit: AuditInput[], now: number): Promise<{ request: ApprovalRequest }> {
      const workflow = deps.resolver ? await deps.resolver.plan(request, now) : null;
      if (!workflow) return { request };
      audit[0].detail = { ...audit[0].detail, workflow: summary(workflow) };
      if (workflow.eligible.length >= workflow.quorum.required) return { request: { ...request, workflow } };
      const n = workflow.eligible.length;
      const comment = `The ${workflow.route} workflow needs ${workflow.quorum.required} approvals but only ${n} approver${n === 1 ? '' : 's'} may vote on this request (${workflow.eligible.join(', ') || 'none'}); the agent's own name and its owner never count.`;
      audit.push(deps.auditRow({ kind: 'system', name: 'workflow' }, 'request.denied', request, 'workflow', { reason: comment }));
      const decision: Decision = { outcome: 'denied', scope: 'once', comment, conditions: null, answer: null, updated_input: null, decided_by: 'workflow', decided_by_kind: 'system', via: 'workflow', decided_at: now };
      return { request: { ...request, status: 'denied', workflow: { ...workflow, next_at: null }, decision } };
    },

    /**
     * A grant is one approver's say: where a workflow needs several approvals, a grant that would
     * allow the request is set aside and the request asks its approvers (allow rules in the config,
     * set by admins, still allow).
     */
    async overGrants(request: ApprovalRequest, verdict: GrantedVerdict | null, now: number): Promise<GrantedVerdict | null> {
      if (verdict?.verdict !== 'allow' || !verdict.grantIds?.length || !deps.resolver) return verdict;
      const { grantIds: _unused, ...policy } = verdict;
      const workflow = await deps.resolver.plan({ ...request, policy }, now);
      if (!workflow || workflow.quorum.required <= 1) return verdict;
      return { ...policy, verdict: 'ask', reason: `${verdict.reason} — but the ${workflow.route} workflow needs ${workflow.quorum.required} approvals, which a grant cannot give.` };
    },

    /** A human's answer to a workflow request: counted as their vote; settles the request when it decides it. */
    async castVote(principal: Principal, request: ApprovalRequest & { workflow: Workflow }, input: DecideParsed, via: string, stepUp: StepUpPass | null = null): Promise<ApprovalRequest> {
      assertPlainVote(request.workflow, input);
      const actor: Actor = { kind: principal.role, name: principal.name };
      const outcome: Vote['outcome'] = input.outcome === 'denied' ? 'denied' : 'approved';
      const settled = await commit(request, async (r) => {
        const now = clock.now();
        const vote: Vote = { approver: principal.name, outcome, via, at: now, comment: input.comment ?? null };
        const counted = applyVote(r.workflow, vote);
        const audit = [deps.auditRow(actor, 'request.voted', r, via, { outcome, comment: vote.comment, progress: progressText(counted.workflow), workflow: r.workflow.route, ...(stepUp ? { step_up: stepUp.method } : {}) })];
        if (counted.outcome === 'pending') return { workflow: counted.workflow, type: 'request.updated', audit };
        // A single approver's answer keeps its own outcome (conditional, answered, ...).
        const { status, decision } = decisionFrom(r, counted.workflow, counted.outcome, input, actor, via, now);
        const grants = r.workflow.quorum.required === 1 ? grantsForDecision(r, decision, input.grant_rule, now, input.grant_limits) : [];
        audit.push(deps.auditRow(actor, `request.${status}`, r, via, { outcome: decision.outcome, scope: decision.scope, comment: decision.comment, decided_by: decision.decided_by, ...(decision.updated_input !== null ? { edited: true } : {}), ...(grants.length ? { grant_rule: grants[0].rule } : {}) }));
        for (const g of grants) audit.push(deps.auditRow(actor, 'grant.created', r, via, grantAuditDetail(g)));
        return { workflow: { ...counted.workflow, next_at: null }, type: 'request.decided', audit, settle: { status, decision }, grants };
      });
      return settled!;
    },

    /** Moves every ladder whose step is over: the next step asks its people, or the final outcome ends the request. Returns how many moved. */
    async escalateDue(): Promise<number> {
      const resolver = deps.resolver;
      let moved = 0;
      for (let batch = 0; batch < 100; batch++) {
        const due = await store.listWorkflowDue(clock.now(), 100);
        if (due.length === 0) break;
        for (const request of due) {
          try {
            const done = await commit(request, async (r) => {
              const now = clock.now();
              if (r.workflow.next_at === null || r.workflow.next_at > now) return null; // moved on already
              const next = nextStep(r.workflow);
              const system: Actor = { kind: 'system', name: 'escalation' };
              if (next?.kind === 'step' && resolver) {
                const wf = await resolver.startStep(r, next.step, now);
                const started = wf.ladder!.started.at(-1)!;
                const audit = [deps.auditRow(system, 'request.escalated', r, 'escalation', { workflow: wf.route, step: next.step + 1, of: wf.ladder!.steps.length, asked: started.paged, targets: wf.ladder!.steps[next.step].targets, progress: ladderText(wf) })];
                return { workflow: wf, type: 'request.updated', audit, step: next.step };
              }
              const outcome = next?.kind === 'final' ? next.outcome : 'deny';
              const status: Status = outcome === 'expire' ? 'expired' : 'denied';
              const steps = r.workflow.ladder?.steps.length ?? 0;
              const decision: Decision = {
                outcome: 'denied',
                scope: 'once',
                comment: `Nobody completed the approval after ${steps} escalation step${steps === 1 ? '' : 's'} (${progressText(r.workflow)}): the ${r.workflow.route} workflow ends ${status}, failing closed.`,
                conditions: null,
                answer: null,
                updated_input: null,
                decided_by: 'escalation',
                decided_by_kind: 'system',
                via: 'escalation',
                decided_at: now,
              };
              const audit = [deps.auditRow(system, status === 'expired' ? 'request.expired' : 'request.denied', r, 'escalation', { workflow: r.workflow.route, reason: 'escalation ladder ended', progress: progressText(r.workflow) })];
              return { workflow: { ...r.workflow, rev: r.workflow.rev + 1, next_at: null }, type: status === 'expired' ? 'request.expired' : 'request.decided', audit, settle: { status, decision } };
            });
            if (done) moved++;
          } catch (err) {
            // Decided meanwhile: nothing left to move.
            if (!(err instanceof GreenlightError && err.code === 'ALREADY_DECIDED')) throw err;
          }
        }
        if (due.length < 100) break;
      }
      return moved;
    },
  };
}
