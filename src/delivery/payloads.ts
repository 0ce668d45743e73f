// The wire body of a webhook or callback, rendered at send time from the semantic event the
// outbox stores. The request's origin picks the dialect:
//  - native and ok2run (ok2run never sent callbacks): `{ event, at, request }` with ISO times;
//  - chock: Chock's own shapes (see docs/compat-delivery.md), so its clients work unchanged.
// Bodies depend only on the stored payload, never on the send time: every retry sends the same
// bytes (the signature timestamp is what changes).
import type { ApprovalRequest, Decision, Origin, RequestEventType } from '../core/types.js';

/** What plan.ts stores in an outbox item's payload. */
export interface DeliveryPayload {
  event: RequestEventType;
  at: number;
  request_id: string;
  origin: Origin;
  request: ApprovalRequest;
}

export type DeliveryKind = 'webhook' | 'callback';

const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

function decisionWire(d: Decision | null) {
  return d ? { ...d, decided_at: iso(d.decided_at) } : null;
}

/** The request as the native API shows it: ISO-8601 timestamps. */
export function requestWire(r: ApprovalRequest) {
  return { ...r, created_at: iso(r.created_at), updated_at: iso(r.updated_at), expires_at: iso(r.expires_at), decision: decisionWire(r.decision) };
}

export function nativeBody(p: DeliveryPayload) {
  return { event: p.event, at: iso(p.at), request: requestWire(p.request) };
}

/**
 * A time as Chock writes it: Python's `datetime.now(timezone.utc).isoformat()`, i.e.
 * `2026-04-07T12:34:56.123000+00:00` (no fraction when it is zero).
 */
export function chockTime(ms: number): string {
  const s = new Date(ms).toISOString(); // 2026-04-07T12:34:56.123Z
  const millis = ms % 1000 === 0 ? '' : `.${s.slice(20, 23)}000`;
  return `${s.slice(0, 19)}${millis}+00:00`;
}

/** Chock's status vocabulary is pending/approved/denied/conditional; ours adds the rest verbatim. */
const chockStatus = (r: ApprovalRequest): string => r.status;

/** Chock's `response` object (`result` in callbacks): the decision in Chock's words. */
export function chockResponse(r: ApprovalRequest, fallbackAt: number) {
  const d = r.decision;
  return {
    status: chockStatus(r),
    responder: d?.decided_by ?? '',
    comment: d?.comment ?? '',
    conditions: d?.conditions ?? {},
    responded_at: chockTime(d?.decided_at ?? fallbackAt),
  };
}

/** Chock's webhook event name: request_created, request_approved|denied|conditional, ... */
export function chockEventName(p: DeliveryPayload): string {
  switch (p.event) {
    case 'request.created':
      return 'request_created';
    case 'request.decided':
      return `request_${chockStatus(p.request)}`;
    case 'request.expired':
      return 'request_expired';
    case 'request.cancelled':
      return 'request_cancelled';
    case 'request.updated':
      return 'request_updated';
  }
}

/** Chock webhook: `{ event, request_id, details, timestamp }`. */
export function chockWebhookBody(p: DeliveryPayload) {
  const r = p.request;
  let details: Record<string, unknown>;
  if (p.event === 'request.created') details = { title: r.title, requester: r.requester ?? '', priority: r.priority };
  else if (p.event === 'request.cancelled') details = { title: r.title, requester: r.requester ?? '' };
  else details = { title: r.title, responder: r.decision?.decided_by ?? '', conditions: r.status === 'conditional' ? (r.decision?.conditions ?? {}) : {} };
  return { event: chockEventName(p), request_id: p.request_id, details, timestamp: chockTime(p.at) };
}

/** Chock callback: `{ request_id, result: {status, responder, comment, conditions, responded_at}, timestamp }`. */
export function chockCallbackBody(p: DeliveryPayload) {
  return { request_id: p.request_id, result: chockResponse(p.request, p.at), timestamp: chockTime(p.at) };
}

export function renderBody(kind: DeliveryKind, p: DeliveryPayload): Record<string, unknown> {
  if (p.origin === 'chock') return kind === 'callback' ? chockCallbackBody(p) : chockWebhookBody(p);
  return nativeBody(p);
}

/** Reads a stored payload back, or explains why it cannot be sent. */
export function asDeliveryPayload(raw: Record<string, unknown>): DeliveryPayload | string {
  const r = raw.request as ApprovalRequest | undefined;
  if (typeof raw.event !== 'string' || typeof raw.at !== 'number' || !r || typeof r !== 'object' || typeof r.id !== 'string') {
    return 'the stored payload is not a request event (needs event, at, request)';
  }
  return { event: raw.event as RequestEventType, at: raw.at, request_id: typeof raw.request_id === 'string' ? raw.request_id : r.id, origin: (raw.origin as Origin) ?? r.origin ?? 'native', request: r };
}
