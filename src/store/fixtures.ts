// Builders for valid store values in tests. Each takes overrides for the fields a test cares about.

import { newId } from '../core/ids.js';
import type { ApprovalRequest, Decision } from '../core/types.js';
import type { Workflow } from '../core/workflow.js';
import type { AgentSession, AuditInput, Effects, Grant, KeyRecord, OutboxInput, SessionEventInput } from './store.js';

/** 2026-01-01T00:00:00Z: the default creation time of fixtures. */
export const T0 = Date.UTC(2026, 0, 1);

export function makeRequest(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  const createdAt = overrides.created_at ?? T0;
  return {
    id: newId('req', createdAt),
    status: 'pending',
    title: 'Run npm test',
    action_type: 'tool_call',
    preview: 'npm test',
    tool: 'Bash',
    input: { command: 'npm test' },
    agent: 'claude',
    requester: null,
    session_id: null,
    project: null,
    cwd: null,
    host: null,
    priority: 'normal',
    tags: [],
    context: null,
    question: null,
    conditions_schema: null,
    created_at: createdAt,
    updated_at: createdAt,
    expires_at: createdAt + 10 * 60_000,
    on_timeout: 'deny',
    callback_url: null,
    idempotency_key: null,
    channel: null,
    target: null,
    origin: 'native',
    policy: null,
    decision: null,
    metadata: null,
    workflow: null,
    ...overrides,
  };
}

/** A 2-of-3 workflow with a two-step ladder, its first step started at T0 (wakes at T0 + 5 min). */
export function makeWorkflow(overrides: Partial<Workflow> = {}): Workflow {
  return {
    route: 'prod-deploy',
    rev: 1,
    eligible: ['alice', 'bob', 'carol'],
    quorum: { required: 2, deny: 'first' },
    votes: [],
    ladder: {
      steps: [
        { who: ['oncall:sre'], channels: ['telegram'], targets: [], wait_ms: 5 * 60_000 },
        { who: ['group:sre'], channels: null, targets: [{ channel: 'email', target: 'sre@example.test' }], wait_ms: 15 * 60_000 },
      ],
      started: [{ step: 0, at: T0, paged: [{ name: 'alice', why: 'on call for sre' }] }],
      final: 'deny',
    },
    next_at: T0 + 5 * 60_000,
    ...overrides,
  };
}

export function makeDecision(overrides: Partial<Decision> = {}): Decision {
  return {
    outcome: 'approved',
    scope: 'once',
    comment: null,
    conditions: null,
    answer: null,
    updated_input: null,
    decided_by: 'alice',
    decided_by_kind: 'approver',
    via: 'web',
    decided_at: T0 + 1000,
    ...overrides,
  };
}

export function makeAudit(overrides: Partial<AuditInput> = {}): AuditInput {
  return {
    at: T0,
    actor_kind: 'system',
    actor_name: 'greenlight',
    action: 'test.event',
    request_id: null,
    via: null,
    detail: null,
    ...overrides,
  };
}

export function makeOutbox(overrides: Partial<OutboxInput> = {}): OutboxInput {
  return {
    id: newId('out'),
    kind: 'webhook',
    target: 'https://hooks.example.test/greenlight',
    request_id: null,
    payload: { event: 'request.created' },
    created_at: T0,
    next_attempt_at: T0,
    ...overrides,
  };
}

export function makeKey(overrides: Partial<KeyRecord> = {}): KeyRecord {
  const id = overrides.id ?? newId('key');
  return {
    id,
    role: 'agent',
    name: 'ci-bot',
    hash: `hash-of-${id}`,
    projects: [],
    created_at: T0,
    revoked_at: null,
    ...overrides,
  };
}

export function makeGrant(overrides: Partial<Grant> = {}): Grant {
  return {
    id: newId('grt'),
    rule: 'Bash(git status *)',
    effect: 'allow',
    scope: 'always',
    agent: null,
    project: null,
    session_id: null,
    created_by: 'alice',
    created_at: T0,
    expires_at: null,
    max_uses: null,
    uses: 0,
    revoked_at: null,
    source_request_id: null,
    path_prefix: null,
    host: null,
    ...overrides,
  };
}

export const NO_EFFECTS: Effects = Object.freeze({ audit: [], outbox: [] }) as Effects;

/** Effects with one audit row (and optionally one outbox item) about `requestId`. */
export function effectsFor(requestId: string | null, action: string, withOutbox = true): Effects {
  return {
    audit: [makeAudit({ action, request_id: requestId })],
    outbox: withOutbox ? [makeOutbox({ request_id: requestId, payload: { event: action } })] : [],
  };
}

export function makeAgentSession(overrides: Partial<AgentSession> = {}): AgentSession {
  const createdAt = overrides.created_at ?? T0;
  return {
    id: newId('ses', createdAt),
    kind: 'run',
    agent: 'context:web',
    context: 'web',
    host: 'claude-code',
    external_id: null,
    cwd: '/srv/web',
    project: null,
    status: 'idle',
    current_tool: null,
    chat_channel: 'telegram',
    chat_target: '-100200',
    started_by: 'alice',
    cost_usd: null,
    input_tokens: null,
    output_tokens: null,
    turns: 0,
    last_outcome: null,
    created_at: createdAt,
    updated_at: createdAt,
    ended_at: null,
    ...overrides,
  };
}

export const makeSessionEvent = (overrides: Partial<SessionEventInput> = {}): SessionEventInput => ({ at: T0, kind: 'text', text: 'hello', data: null, ...overrides });
