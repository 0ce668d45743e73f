// createGate: the one API every entry point calls (http, mcp, hooks, cli, channels).
// Persist, then notify: the store commits a change with its audit row and outbox items before any
// event is published.
import { assertCanCancel, assertCanDecide, assertCanFile, assertCanRead, assertRole } from './authz.js';
import { buildDecision, buildRequest, type RequestDefaults } from './build-request.js';
import { GreenlightError, notFound, shuttingDown, validation } from './errors.js';
import type { EventBus } from './events.js';
import type { Clock } from './ids.js';
import { CreateRequestSchema, DecideSchema, describeIssues, type CreateRequestInput, type DecideInput } from './request-input.js';
import { assertTargetRouted, resolveProject, type RouteTarget, type RoutingSettings } from './routing.js';
import type { ApprovalRequest, Actor, Decision, DecisionReceipt, Origin, PolicyVerdict, Principal, RequestEvent, RequestEventType, Status } from './types.js';
import type { AuditEntry, AuditInput, Effects, Grant, OutboxInput, RequestFilter, RequestPage, Store } from '../store/store.js';
import { grantAuditDetail, grantsForDecision } from './grants.js';
import { verdictSpendingGrants, type PolicyFn } from './grant-uses.js';
import { createWorkflowGate, type WorkflowResolver } from './workflow-gate.js';
import type { Workflow } from './workflow.js';
import { needsStepUp, type StepUpPass, type StepUpProof } from './step-up.js';

/** What the policy says about a new request; null means "no opinion: ask a human". */
export interface PolicyOutcome extends PolicyVerdict {
  /** Grants that allowed it (each counts one use). */
  grantIds?: string[];
}

export interface GateDeps {
  store: Store;
  events: EventBus;
  clock: Clock;
  routing: RoutingSettings;
  /** Where the channels send a request by the server's own routing (an agent's target may name one). */
  destinations?: (request: ApprovalRequest) => RouteTarget[];
  defaults: RequestDefaults & { maxWaitSec: number };
  /** Runs before any human hears of a request (without the grants named in excludeGrants: their uses ran out). */
  policy?: PolicyFn;
  /** Outbox items (webhooks, callbacks, channel sends) that an event causes. */
  deliveries?: (event: RequestEvent) => OutboxInput[];
  /** Refuses callback URLs the SSRF guard would never deliver to; returns the reason. */
  checkCallbackUrl?: (url: string) => string | null;
  /** Called after outbox items were written, so the worker can deliver them now. */
  onOutbox?: () => void;
  /** Called after a decision created grants (to resolve other pending requests they cover). */
  onGrants?: (grants: Grant[], source: ApprovalRequest) => void;
  /** Team workflows (quorum, escalation ladders): who a request needs, resolved when filed and at each step. */
  workflows?: WorkflowResolver;
  /** Aborted when the server shuts down: new requests are refused, every waiter is answered. */
  closing?: AbortSignal;
  /**
   * Verifies the second factor of an approval that needs step-up (src/step-up/service.ts): throws
   * a STEP_UP_* error, or answers how it passed. Without it such requests cannot be approved.
   */
  stepUp?: (principal: Principal, request: ApprovalRequest, proof: StepUpProof | undefined, via: string) => Promise<StepUpPass>;
  /** The id of the call doing the work (X-Request-Id), recorded in its audit rows as `trace_id`. */
  trace?: () => string | null;
  /** Signs the receipt of every settlement (src/receipts/); stored with it in one transaction. */
  receipts?: { keyId: string; publicKeyPem: string; issue(request: ApprovalRequest, by: { actor: Actor; via: string | null; at: number }): DecisionReceipt };
}

export interface CreateOptions {
  origin?: Origin;
  /** Idempotency-Key header; the body's idempotency_key wins. */
  idempotencyKey?: string | null;
  /**
   * Park-and-resume (the hooks): a request that needs a human is filed under this idempotency
   * key, so the same call coming back finds it; one the policy decides at once is filed without
   * a key, as its answer goes back now. Replaces any other idempotency key.
   */
  parkKey?: string;
}

export interface Gate {
  request(principal: Principal, input: CreateRequestInput | unknown, options?: CreateOptions): Promise<{ request: ApprovalRequest; created: boolean }>;
  get(principal: Principal, id: string): Promise<ApprovalRequest>;
  list(principal: Principal, filter: Omit<RequestFilter, 'order'> & { order?: RequestFilter['order'] }): Promise<RequestPage>;
  pending(principal: Principal, limit?: number, offset?: number): Promise<RequestPage>;
  wait(principal: Principal, id: string, timeoutMs: number, signal?: AbortSignal): Promise<ApprovalRequest>;
  decide(principal: Principal, id: string, input: DecideInput | unknown, via: string): Promise<ApprovalRequest>;
  /**
   * Withdraws a pending request. With `shown`, the reason is kept on the request (a decision record
   * by the canceller, outcome denied) so every channel's message says why — e.g. "answered at the
   * terminal" when the agent's own prompt was answered first.
   */
  cancel(principal: Principal, id: string, options?: { reason?: string | null; via?: string; shown?: boolean }): Promise<ApprovalRequest>;
  /** Approves a pending request on behalf of the policy (a new grant covers it). False if it was no longer pending. */
  autoApprove(id: string, by: { rule: string; via: string; comment: string }): Promise<boolean>;
  /** Expires every pending request past its deadline; returns how many. */
  expireDue(): Promise<number>;
  /** Moves every escalation ladder whose step is over (next step, or its fail-closed end); returns how many. */
  escalateDue(): Promise<number>;
  audit(principal: Principal, options: { after_seq?: number; before_seq?: number; request_id?: string; limit: number; order?: 'asc' | 'desc' }): Promise<AuditEntry[]>;
  /** Records a principal-level fact in the audit log (key created, login failed, ...). */
  record(actor: Actor, action: string, detail: Record<string, unknown> | null, via?: string | null, requestId?: string | null): Promise<void>;
  readonly deps: GateDeps;
}

const actorOf = (p: Principal): Actor => ({ kind: p.role, name: p.name });

const withTraceId = (detail: Record<string, unknown> | null, trace: string | null): Record<string, unknown> | null => (trace ? { ...detail, trace_id: trace } : detail);

export function createGate(deps: GateDeps): Gate {
  const { store, events, clock } = deps;

  const auditRow = (actor: Actor, action: string, request: ApprovalRequest | null, via: string | null, detail: Record<string, unknown> | null): AuditInput => ({
    at: clock.now(),
    actor_kind: actor.kind,
    actor_name: actor.name,
    action,
    request_id: request?.id ?? null,
    via,
    detail: withTraceId(detail, deps.trace?.() ?? null),
  });

  const effectsFor = (type: RequestEventType, request: ApprovalRequest, audit: AuditInput[]): { effects: Effects; event: RequestEvent } => {
    const event: RequestEvent = { type, request, at: clock.now() };
    return { effects: { audit, outbox: deps.deliveries?.(event) ?? [] }, event };
  };

  const announce = (event: RequestEvent, effects: Effects) => {
    if (effects.outbox.length) deps.onOutbox?.();
    events.publish(event);
  };

  /** Settles a pending request (CAS); on a lost race names the winner. */
  async function settle(request: ApprovalRequest, status: Status, decision: Decision | null, actor: Actor, action: string, type: RequestEventType, via: string | null, detail: Record<string, unknown> | null, grants: Grant[] = []): Promise<ApprovalRequest> {
    const now = clock.now();
    let next: ApprovalRequest = { ...request, status, decision, updated_at: now };
    const receipt = deps.receipts?.issue(next, { actor, via, at: now });
    if (receipt) next = { ...next, receipt };
    const audit = [auditRow(actor, action, request, via, detail), ...grants.map((g) => auditRow(actor, 'grant.created', request, via, grantAuditDetail(g)))];
    const { effects, event } = effectsFor(type, next, audit);
    effects.grants = grants;
    if (receipt) effects.receipt = receipt;
    const result = await store.settleRequest(request.id, status, decision, now, effects);
    if (!result.ok) throw alreadyDecided(result.current ?? request);
    announce({ ...event, request: result.request }, effects);
    return result.request;
  }

  const workflows = createWorkflowGate({
    store,
    clock,
    resolver: deps.workflows,
    deliveries: (event) => deps.deliveries?.(event) ?? [],
    auditRow,
    announce,
    alreadyDecided,
    onGrants: deps.onGrants,
    receipts: deps.receipts,
  });

  /** Settles one overdue request as its on_timeout says; false if someone decided it first. */
  async function expireOne(request: ApprovalRequest): Promise<ApprovalRequest | null> {
    const approve = request.on_timeout === 'approve' && deps.defaults.allowApproveOnTimeout;
    const decision: Decision = {
      outcome: approve ? 'approved' : 'denied',
      scope: 'once',
      comment: approve ? 'Approved automatically: nobody answered before the deadline (on_timeout: approve).' : 'Expired: nobody answered before the deadline.',
      conditions: null,
      answer: null,
      updated_input: null,
      decided_by: 'timeout',
      decided_by_kind: 'system',
      via: 'timeout',
      decided_at: clock.now(),
    };
    try {
      return await settle(request, approve ? 'approved' : 'expired', decision, { kind: 'system', name: 'timeout' }, approve ? 'request.approved_on_timeout' : 'request.expired', approve ? 'request.decided' : 'request.expired', 'timeout', null);
    } catch (err) {
      if (err instanceof GreenlightError && err.code === 'ALREADY_DECIDED') return null;
      throw err;
    }
  }

  /** A step-up request is approved with a verified second factor, and grants none (each approval needs its own). */
  async function verifyStepUp(principal: Principal, request: ApprovalRequest, proof: StepUpProof | undefined, grants: boolean, via: string): Promise<StepUpPass> {
    if (grants) throw validation(`Request ${request.id} needs a second factor to approve, so it is approved once only: scope "session", "always" and grants are not offered for it.`);
    if (!deps.stepUp) throw new GreenlightError('STEP_UP_REQUIRED', `Request ${request.id} needs a second factor to approve, and this server has no step-up service. Deny it, or ask an admin.`);
    return deps.stepUp(principal, request, proof, via);
  }

  const gate: Gate = {
    deps,

    async request(principal, rawInput, options = {}) {
      if (deps.closing?.aborted) throw shuttingDown();
      assertCanFile(principal);
      const parsed = CreateRequestSchema.safeParse(rawInput);
      if (!parsed.success) throw validation(`The request is not valid: ${describeIssues(parsed.error)}`);
      const input = parsed.data;
      if (!input.idempotency_key && options.idempotencyKey) input.idempotency_key = options.idempotencyKey;
      const project = resolveProject(principal, input.project, input.cwd, deps.routing);
      if (input.callback_url) {
        const blocked = deps.checkCallbackUrl?.(input.callback_url);
        if (blocked) throw new GreenlightError('CALLBACK_URL_BLOCKED', `callback_url refused: ${blocked}`);
      }
      const now = clock.now();
      const request = buildRequest(principal, input, { now, project, origin: options.origin ?? 'native', defaults: deps.defaults });
      if (input.target) assertTargetRouted(project, input.channel, input.target, deps.routing, deps.destinations?.({ ...request, target: null }) ?? []);
      const policy = deps.policy;
      const verdict = policy ? await verdictSpendingGrants(store, async (r, o) => workflows.overGrants(r, await policy(r, o), now), request, now) : null;
      const actor = actorOf(principal);
      const audit: AuditInput[] = [
        auditRow(actor, 'request.created', request, options.origin ?? 'api', {
          title: request.title,
          project,
          priority: request.priority,
          ...(verdict ? { policy: { verdict: verdict.verdict, rule: verdict.rule, reason: verdict.reason, ...(verdict.dangerous ? { dangerous: true } : {}) } } : {}),
        }),
      ];
      let stored = request;
      let type: RequestEventType = 'request.created';
      if (verdict) {
        const { grantIds: _used, ...policy } = verdict;
        stored = { ...request, policy };
        if (verdict.verdict !== 'ask') {
          const status: Status = verdict.verdict === 'allow' ? 'approved' : 'denied';
          stored = {
            ...stored,
            status,
            decision: {
              outcome: status === 'approved' ? 'approved' : 'denied',
              scope: 'once',
              comment: verdict.reason,
              conditions: null,
              answer: null,
              updated_input: null,
              decided_by: verdict.rule ?? 'policy',
              decided_by_kind: 'policy',
              via: 'policy',
              decided_at: now,
            },
          };
          type = 'request.decided';
          const receipt = deps.receipts?.issue(stored, { actor: { kind: 'policy', name: verdict.rule ?? 'policy' }, via: 'policy', at: now });
          if (receipt) stored = { ...stored, receipt };
          audit.push(auditRow({ kind: 'policy', name: verdict.rule ?? 'policy' }, status === 'approved' ? 'request.auto_approved' : 'request.auto_denied', request, 'policy', { rule: verdict.rule, reason: verdict.reason }));
        }
      }
      if (stored.status === 'pending') {
        const attached = await workflows.attach(stored, audit, now);
        stored = attached.request;
        if (attached.request.status !== 'pending') type = 'request.decided';
      }
      if (options.parkKey !== undefined) stored = { ...stored, idempotency_key: type === 'request.decided' ? null : options.parkKey };
      // A request decided by policy is still announced as created (for the record) and decided.
      const created = effectsFor('request.created', stored, audit);
      const extra = type === 'request.decided' ? (deps.deliveries?.({ type, request: stored, at: now }) ?? []) : [];
      const effects: Effects = { audit, outbox: [...created.effects.outbox, ...extra] };
      const result = await store.createRequest(stored, effects);
      if (!result.created) {
        if (!sameAction(result.request, request)) {
          throw new GreenlightError('IDEMPOTENCY_CONFLICT', `Idempotency key ${JSON.stringify(request.idempotency_key)} was already used for a different request (${result.request.id}). Use a new key for a new action.`, { details: { request_id: result.request.id } });
        }
        return { request: result.request, created: false };
      }
      if (effects.outbox.length) deps.onOutbox?.();
      events.publish({ type: 'request.created', request: result.request, at: now });
      if (type === 'request.decided') events.publish({ type, request: result.request, at: now });
      return { request: result.request, created: true };
    },

    async get(principal, id) {
      const request = await store.getRequest(id);
      if (!request) throw notFound('Request', id);
      assertCanRead(principal, request);
      return request;
    },

    async list(principal, filter) {
      const f: RequestFilter = { order: 'newest', ...filter, limit: clampLimit(filter.limit) };
      if (principal.role === 'agent') f.agent = principal.name;
      return store.listRequests(f);
    },

    async pending(principal, limit = 100, offset = 0) {
      const f: RequestFilter = { order: 'queue', status: ['pending'], limit: clampLimit(limit), offset };
      if (principal.role === 'agent') f.agent = principal.name;
      return store.listRequests(f);
    },

    async wait(principal, id, timeoutMs, signal) {
      const first = await gate.get(principal, id);
      if (first.status !== 'pending') return first;
      const closing = deps.closing;
      if (closing?.aborted) throw shuttingDown(id);
      const limitMs = Math.max(0, Math.min(timeoutMs, deps.defaults.maxWaitSec * 1000));
      return new Promise<ApprovalRequest>((resolve, reject) => {
        let done = false;
        const finish = (fn: () => void) => {
          if (done) return;
          done = true;
          unsubscribe();
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          closing?.removeEventListener('abort', onClosing);
          fn();
        };
        // Shutting down: answer now, so the caller asks again elsewhere instead of losing its answer.
        const onClosing = () => finish(() => reject(shuttingDown(id)));
        closing?.addEventListener('abort', onClosing, { once: true });
        const unsubscribe = events.subscribeRequest(id, (e) => {
          if (e.request.status !== 'pending') finish(() => resolve(e.request));
        });
        const timer = setTimeout(() => finish(() => store.getRequest(id).then((r) => resolve(r ?? first), reject)), limitMs);
        const onAbort = () => finish(() => resolve(first));
        signal?.addEventListener('abort', onAbort, { once: true });
        if (signal?.aborted) return onAbort();
        // Settled between the first read and the subscription? Read once more.
        store.getRequest(id).then((r) => {
          if (r && r.status !== 'pending') finish(() => resolve(r));
        }, (err) => finish(() => reject(err)));
      });
    },

    async decide(principal, id, rawInput, via) {
      const request = await store.getRequest(id);
      if (!request) throw notFound('Request', id);
      if (principal.role === 'agent') assertCanRead(principal, request);
      // A workflow names who may decide (its eligible approvers); anything else goes by routing.
      assertCanDecide(principal, request, request.workflow ? null : deps.routing);
      if (request.status !== 'pending') throw alreadyDecided(request);
      if (request.expires_at <= clock.now()) {
        // Past its deadline but not yet swept: fail closed, as the sweeper would have.
        throw alreadyDecided((await expireOne(request)) ?? (await store.getRequest(id)) ?? request);
      }
      const parsed = DecideSchema.safeParse(rawInput);
      if (!parsed.success) throw validation(`The decision is not valid: ${describeIssues(parsed.error)}`);
      // The second factor first, for a workflow's vote as for a lone decision: each approver proves it.
      const approving = parsed.data.outcome !== 'denied';
      const grantAsked = parsed.data.scope === 'session' || parsed.data.scope === 'always';
      const pass = approving && needsStepUp(request) ? await verifyStepUp(principal, request, parsed.data.step_up, grantAsked, via) : null;
      if (request.workflow) return workflows.castVote(principal, request as ApprovalRequest & { workflow: Workflow }, parsed.data, via, pass);
      const actor = actorOf(principal);
      const now = clock.now();
      const { status, decision } = buildDecision(request, parsed.data, actor, via, now);
      const grants = grantsForDecision(request, decision, parsed.data.grant_rule, now, parsed.data.grant_limits);
      const settled = await settle(
        request,
        status,
        decision,
        actor,
        `request.${status}`,
        'request.decided',
        via,
        { outcome: decision.outcome, scope: decision.scope, comment: decision.comment, ...(decision.updated_input !== null ? { edited: true } : {}), ...(grants.length ? { grant_rule: grants[0].rule } : {}), ...(pass ? { step_up: pass.method } : {}) },
        grants,
      );
      if (grants.length) deps.onGrants?.(grants, settled);
      return settled;
    },

    async cancel(principal, id, options = {}) {
      const request = await store.getRequest(id);
      if (!request) throw notFound('Request', id);
      assertCanCancel(principal, request);
      if (request.status !== 'pending') throw alreadyDecided(request);
      const reason = options.reason ?? null;
      const via = options.via ?? 'api';
      const shown: Decision | null =
        options.shown && reason
          ? { outcome: 'denied', scope: 'once', comment: reason, conditions: null, answer: null, updated_input: null, decided_by: principal.name, decided_by_kind: principal.role, via, decided_at: clock.now() }
          : null;
      return settle(request, 'cancelled', shown, actorOf(principal), 'request.cancelled', 'request.cancelled', via, reason ? { reason } : null);
    },

    async autoApprove(id, by) {
      const request = await store.getRequest(id);
      // A grant never stands in for the second factor a step-up request needs, nor for several approvers.
      if (!request || request.status !== 'pending' || needsStepUp(request)) return false;
      if (request.workflow && request.workflow.quorum.required > 1) return false;
      const decision: Decision = {
        outcome: 'approved',
        scope: 'once',
        comment: by.comment,
        conditions: null,
        answer: null,
        updated_input: null,
        decided_by: by.rule,
        decided_by_kind: 'policy',
        via: by.via,
        decided_at: clock.now(),
      };
      try {
        await settle(request, 'approved', decision, { kind: 'policy', name: by.rule }, 'request.auto_approved', 'request.decided', by.via, { rule: by.rule, reason: by.comment });
        return true;
      } catch (err) {
        if (err instanceof GreenlightError && err.code === 'ALREADY_DECIDED') return false;
        throw err;
      }
    },

    async expireDue() {
      let count = 0;
      for (;;) {
        const due = await store.listExpired(clock.now(), 100);
        if (due.length === 0) return count;
        for (const request of due) if (await expireOne(request)) count++;
      }
    },

    escalateDue: () => workflows.escalateDue(),

    async audit(principal, options) {
      assertRole(principal, ['approver', 'admin'], 'read the audit log');
      return store.listAudit({ ...options, limit: clampLimit(options.limit) });
    },

    async record(actor, action, detail, via = null, requestId = null) {
      await store.appendAudit([{ at: clock.now(), actor_kind: actor.kind, actor_name: actor.name, action, request_id: requestId, via, detail }]);
    },
  };
  return gate;
}

/** Whether a retried create names the same action as the stored one. */
function sameAction(a: ApprovalRequest, b: ApprovalRequest): boolean {
  return a.title === b.title && a.action_type === b.action_type && a.preview === b.preview && a.tool === b.tool && JSON.stringify(a.input) === JSON.stringify(b.input);
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return 50;
  return Math.max(1, Math.min(1000, Math.floor(limit)));
}

/** 409 that names who decided and via which channel. */
export function alreadyDecided(current: ApprovalRequest): GreenlightError {
  const d = current.decision;
  const who = d ? `${d.decided_by} via ${d.via}` : current.status === 'cancelled' ? 'the agent (cancelled)' : 'the server';
  return new GreenlightError('ALREADY_DECIDED', `Request ${current.id} is already ${current.status}, decided by ${who}.`, {
    details: { status: current.status, decided_by: d?.decided_by ?? null, via: d?.via ?? null, decided_at: d?.decided_at ?? null },
  });
}
