// Requests and events for delivery tests.
import type { ApprovalRequest, Decision, RequestEvent, RequestEventType } from '../../src/core/types.js';
import type { DeliveryConfig } from '../../src/config/schema.js';
import { makeDecision as baseDecision, makeRequest as baseRequest } from '../../src/store/fixtures.js';

export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

/** A deploy request with the fields delivery tests read back (the store's builder, other defaults). */
export function makeRequest(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return baseRequest({
    id: 'req_0000000000testrequest01',
    title: 'Deploy to production',
    action_type: 'shell',
    preview: 'npm run deploy',
    input: { command: 'npm run deploy' },
    agent: 'builder',
    requester: 'jim',
    priority: 'high',
    tags: ['deploy'],
    created_at: T0,
    updated_at: T0,
    expires_at: T0 + 3_600_000,
    ...overrides,
  });
}

export function makeDecision(overrides: Partial<Decision> = {}): Decision {
  return baseDecision({ comment: 'Ship it', decided_by: 'jon', decided_at: T0 + 60_000, ...overrides });
}

/** A request.decided event for an approved request (override anything). */
export function decidedEvent(request: Partial<ApprovalRequest> = {}, type: RequestEventType = 'request.decided'): RequestEvent {
  const decision = request.decision === undefined ? makeDecision() : request.decision;
  return { type, request: makeRequest({ status: 'approved', updated_at: T0 + 60_000, ...request, decision }), at: T0 + 60_000 };
}

export function deliveryConfig(overrides: Partial<DeliveryConfig> = {}): DeliveryConfig {
  return {
    callback_secret: null,
    allow_loopback: true,
    allow_private_networks: false,
    allow_hosts: [],
    max_attempts: 5,
    backoff_base_ms: 1000,
    backoff_max_ms: 60_000,
    timeout_ms: 2000,
    lease_sec: null,
    ...overrides,
  };
}

export const CALLBACK_SECRET = 'callback-secret-0123456789abcdef';
export const WEBHOOK_SECRET = 'webhook-secret-0123456789abcdef';
