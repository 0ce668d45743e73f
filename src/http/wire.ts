// The native v1 wire shape of a request: the stored object with ISO-8601 timestamps.
import type { ApprovalRequest, Decision } from '../core/types.js';
import { workflowLines, type Workflow } from '../core/workflow.js';
import type { AuditEntry, Grant } from '../store/store.js';

const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

export function decisionToWire(d: Decision | null) {
  if (!d) return null;
  return { ...d, decided_at: iso(d.decided_at) };
}

export function requestToWire(r: ApprovalRequest) {
  return {
    ...r,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
    expires_at: iso(r.expires_at),
    decision: decisionToWire(r.decision),
    workflow: workflowToWire(r.workflow ?? null),
    receipt: r.receipt ?? null,
  };
}

/** A request's workflow: its state with ISO-8601 times, and `progress`, the lines every channel shows. */
export function workflowToWire(w: Workflow | null) {
  if (!w) return null;
  return {
    route: w.route,
    quorum: w.quorum,
    eligible: w.eligible,
    votes: w.votes.map((v) => ({ ...v, at: iso(v.at) })),
    ladder: w.ladder ? { steps: w.ladder.steps, started: w.ladder.started.map((s) => ({ ...s, at: iso(s.at) })), final: w.ladder.final } : null,
    next_at: iso(w.next_at),
    progress: workflowLines(w),
  };
}

export function auditToWire(e: AuditEntry) {
  return {
    seq: e.seq,
    at: iso(e.at),
    actor: { kind: e.actor_kind, name: e.actor_name },
    action: e.action,
    request_id: e.request_id,
    via: e.via,
    detail: e.detail,
    hash: e.hash,
    prev_hash: e.prev_hash,
  };
}

export function grantToWire(g: Grant) {
  return { ...g, created_at: iso(g.created_at), expires_at: iso(g.expires_at), revoked_at: iso(g.revoked_at) };
}
