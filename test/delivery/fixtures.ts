// Requests and events for delivery tests.
import type { ApprovalRequest, Decision, RequestEvent, RequestEventType } from '../../src/core/types.js';
import type { DeliveryConfig } from '../../src/config/schema.js';

export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

export function makeRequest(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    id: 'req_0000000000testrequest01',
    status: 'pending',
    title: 'Deploy to production',
    action_type: 'shell',
    preview: 'npm run deploy',
    tool: 'Bash',
    input: { command: 'npm run deploy' },
    agent: 'builder',
    requester: 'jim',
    session_id: null,
    project: null,
    cwd: null,
    priority: 'high',
    tags: ['deploy'],
    context: null,
    question: null,
    conditions_schema: null,
    created_at: T0,
    updated_at: T0,
    expires_at: T0 + 3_600_000,
    on_timeout: 'deny',
    callback_url: null,
    idempotency_key: null,
    channel: null,
    target: null,
    origin: 'native',
    policy: null,
    decision: null,
    metadata: null,
    ...overrides,
  };
}

export function makeDecision(overrides: Partial<Decision> = {}): Decision {
  return {
    outcome: 'approved',
    scope: 'once',
    comment: 'Ship it',
    conditions: null,
    answer: null,
    updated_input: null,
    decided_by: 'jon',
    decided_by_kind: 'approver',
    via: 'web',
    decided_at: T0 + 60_000,
    ...overrides,
  };
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
    ...overrides,
  };
}

export const CALLBACK_SECRET = 'callback-secret-0123456789abcdef';
export const WEBHOOK_SECRET = 'webhook-secret-0123456789abcdef';
