// The native v1 wire shape of a request: the stored object with ISO-8601 timestamps.
import type { ApprovalRequest, Decision } from '../core/types.js';
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
    receipt: r.receipt ?? null,
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
