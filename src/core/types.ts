// The domain vocabulary shared by every part of Greenlight. No I/O here.
import type { Workflow } from './workflow.js';

export const STATUSES = ['pending', 'approved', 'denied', 'conditional', 'answered', 'expired', 'cancelled'] as const;
export type Status = (typeof STATUSES)[number];

/** What a human (or the policy) can turn a pending request into. */
export const OUTCOMES = ['approved', 'denied', 'conditional', 'answered'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const PRIORITIES = ['low', 'normal', 'high', 'critical'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const SCOPES = ['once', 'session', 'always'] as const;
export type Scope = (typeof SCOPES)[number];

export const ROLES = ['agent', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export type OnTimeout = 'deny' | 'approve';

/** Which wire dialect created a request: decides the shape of its callbacks. */
export type Origin = 'native' | 'ok2run' | 'chock';

/** Someone who presented a valid key. */
export interface Principal {
  /** Stable key id (`key_...`), or `config:<role>:<name>` for keys declared in the config file. */
  keyId: string;
  role: Role;
  name: string;
  /** Projects an agent is bound to (empty: any project). */
  projects: string[];
}

/** Who did something, as the audit log and decisions record it. */
export interface Actor {
  kind: Role | 'policy' | 'system';
  name: string;
}

export const CONDITION_FIELD_TYPES = ['text', 'number', 'boolean', 'select'] as const;
export type ConditionFieldType = (typeof CONDITION_FIELD_TYPES)[number];

export interface ConditionField {
  name: string;
  type: ConditionFieldType;
  label?: string;
  description?: string;
  required?: boolean;
  options?: string[];
}

export type ConditionValue = string | number | boolean;
export type Conditions = Record<string, ConditionValue>;

export interface QuestionOption {
  /** Short stable key the approver picks: "A", "B", ... unless the agent gave its own. */
  key: string;
  label: string;
  description?: string;
}

export interface Question {
  options: QuestionOption[];
  multi_select: boolean;
  allow_free_text: boolean;
}

/** What the policy said about a request before any human saw it. */
export interface PolicyVerdict {
  verdict: 'allow' | 'deny' | 'ask';
  rule: string | null;
  reason: string;
  dangerous?: boolean;
  /** Why the dangerous-action guard flagged it, for the approver's warning. */
  danger_reasons?: string[];
  /** Approving it needs the approver's second factor (config `step_up`; src/core/step-up.ts). */
  step_up?: boolean;
  /** Grants a human may give with the decision ("Accept all ..."), made by the server, never the agent. */
  suggestions?: GrantSuggestion[];
  /** The policy's reasoning per subcommand / path, for "why did it ask". */
  trace?: { subject: string; verdict: 'allow' | 'deny' | 'ask'; rule: string | null; reason: string }[];
}

export interface GrantSuggestion {
  kind: 'tool' | 'prefix' | 'edits' | 'read-dir' | 'domain' | 'exact';
  label: string;
  rule: string;
}

export interface Decision {
  outcome: Outcome;
  scope: Scope;
  comment: string | null;
  conditions: Conditions | null;
  /** Free text answer, or the keys of the chosen options. */
  answer: string | string[] | null;
  /** The action as the approver edited it (replaces `input`, or the preview for plain actions). */
  updated_input: unknown;
  decided_by: string;
  decided_by_kind: Actor['kind'];
  via: string;
  decided_at: number;
}

export interface ApprovalRequest {
  id: string;
  status: Status;
  title: string;
  action_type: string;
  preview: string;
  tool: string | null;
  input: unknown;
  agent: string;
  /** Free-form display name the caller gave (Chock's `requester`); never used for authorization. */
  requester: string | null;
  session_id: string | null;
  project: string | null;
  cwd: string | null;
  /** The machine the agent runs on, as the agent said (its hostname); null when it did not say. */
  host: string | null;
  priority: Priority;
  tags: string[];
  context: string | null;
  question: Question | null;
  conditions_schema: ConditionField[] | null;
  created_at: number;
  updated_at: number;
  expires_at: number;
  on_timeout: OnTimeout;
  callback_url: string | null;
  idempotency_key: string | null;
  /** Channel hint and configured target the agent asked for (validated against routes). */
  channel: string | null;
  target: string | null;
  origin: Origin;
  policy: PolicyVerdict | null;
  decision: Decision | null;
  /** Metadata the agent attached; shown, never interpreted. */
  metadata: Record<string, unknown> | null;
  /** Quorum and escalation ladder, when a configured workflow covers the request (./workflow.ts). */
  workflow: Workflow | null;
  /** The signed receipt of its settlement (src/receipts/); absent while pending. */
  receipt?: DecisionReceipt | null;
}

/** A signed decision receipt (src/receipts/receipt.ts issues and verifies them). */
export interface DecisionReceipt {
  receipt_version: 1;
  request_id: string;
  /** The agent that filed the request. */
  agent: string;
  /** SHA-256 (hex) of the canonical action as filed and shown to the approver. */
  action_sha256: string;
  /** SHA-256 of the canonical action as the approver edited it; null when not edited. */
  edited_action_sha256: string | null;
  /** The request's final status. */
  outcome: string;
  scope: string | null;
  approvers: { name: string; kind: string; via: string }[];
  conditions: Conditions | null;
  decided_at: string;
  issued_at: string;
  key_id: string;
  /** Ed25519 over the canonical JSON of every other field, base64url. */
  signature: string;
}

export const TERMINAL_STATUSES: readonly Status[] = ['approved', 'denied', 'conditional', 'answered', 'expired', 'cancelled'];

/** `request.updated`: still pending, but its workflow moved (a vote was counted, a ladder step started). */
export type RequestEventType = 'request.created' | 'request.decided' | 'request.expired' | 'request.cancelled' | 'request.updated';

export interface RequestEvent {
  type: RequestEventType;
  request: ApprovalRequest;
  at: number;
  /** The ladder step this event started (its people are asked now); set only where the change was made. */
  step?: number;
}
