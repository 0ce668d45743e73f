// Row ↔ object mapping shared by the SQL stores (SQLite, Postgres). Nested values are JSON text;
// everything else is a column of its own so it can be filtered and indexed.

import type { ApprovalRequest, Decision, DecisionReceipt, Priority, Role, Status } from '../core/types.js';
import type { Workflow } from '../core/workflow.js';
import { PRIORITY_RANK, searchText } from './adapter-kit.js';
import type { AuditEntry, ChannelMessageRef, Grant, KeyRecord, OutboxInput, OutboxItem } from './store.js';

type Nullable<T> = T | null;

function toJson(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

function fromJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

// ---- requests ------------------------------------------------------------------------------

export interface RequestRow {
  id: string;
  status: string;
  title: string;
  action_type: string;
  preview: string;
  tool: Nullable<string>;
  input: string;
  agent: string;
  requester: Nullable<string>;
  session_id: Nullable<string>;
  project: Nullable<string>;
  cwd: Nullable<string>;
  host: Nullable<string>;
  priority: string;
  priority_rank: number;
  tags: string;
  context: Nullable<string>;
  question: Nullable<string>;
  conditions_schema: Nullable<string>;
  created_at: number;
  updated_at: number;
  expires_at: number;
  on_timeout: string;
  callback_url: Nullable<string>;
  idempotency_key: Nullable<string>;
  channel: Nullable<string>;
  target: Nullable<string>;
  origin: string;
  policy: Nullable<string>;
  decision: Nullable<string>;
  metadata: Nullable<string>;
  /** The workflow (quorum, ladder) as JSON; its revision and next wake-up as columns of their own (compare-and-set, the sweeper's index). */
  workflow: Nullable<string>;
  workflow_rev: number;
  wake_at: Nullable<number>;
  receipt: Nullable<string>;
  search_text: string;
}

export const REQUEST_COLUMNS: readonly (keyof RequestRow)[] = [
  'id', 'status', 'title', 'action_type', 'preview', 'tool', 'input', 'agent', 'requester', 'session_id', 'project', 'cwd',
  'priority', 'priority_rank', 'tags', 'context', 'question', 'conditions_schema', 'created_at', 'updated_at', 'expires_at',
  'on_timeout', 'callback_url', 'idempotency_key', 'channel', 'target', 'origin', 'policy', 'decision', 'metadata', 'workflow', 'workflow_rev',
  'wake_at', 'receipt', 'host', 'search_text',
];

/** The columns a request is read back from (everything but the search helpers). */
export const REQUEST_READ_COLUMNS = REQUEST_COLUMNS.filter((c) => c !== 'search_text' && c !== 'priority_rank' && c !== 'workflow_rev' && c !== 'wake_at');

export function requestToRow(r: ApprovalRequest): RequestRow {
  return {
    id: r.id,
    status: r.status,
    title: r.title,
    action_type: r.action_type,
    preview: r.preview,
    tool: r.tool ?? null,
    input: JSON.stringify(r.input ?? null),
    agent: r.agent,
    requester: r.requester ?? null,
    session_id: r.session_id ?? null,
    project: r.project ?? null,
    cwd: r.cwd ?? null,
    host: r.host ?? null,
    priority: r.priority,
    priority_rank: PRIORITY_RANK[r.priority],
    tags: JSON.stringify(r.tags ?? []),
    context: r.context ?? null,
    question: toJson(r.question),
    conditions_schema: toJson(r.conditions_schema),
    created_at: r.created_at,
    updated_at: r.updated_at,
    expires_at: r.expires_at,
    on_timeout: r.on_timeout,
    callback_url: r.callback_url ?? null,
    idempotency_key: r.idempotency_key ?? null,
    channel: r.channel ?? null,
    target: r.target ?? null,
    origin: r.origin,
    policy: toJson(r.policy),
    decision: toJson(r.decision),
    metadata: toJson(r.metadata),
    ...workflowColumns(r.workflow ?? null),
    receipt: toJson(r.receipt ?? null),
    search_text: searchText(r),
  };
}

export function rowToRequest(row: Omit<RequestRow, 'search_text' | 'priority_rank' | 'workflow_rev' | 'wake_at'>): ApprovalRequest {
  return {
    id: row.id,
    status: row.status as Status,
    title: row.title,
    action_type: row.action_type,
    preview: row.preview,
    tool: row.tool,
    input: JSON.parse(row.input) as unknown,
    agent: row.agent,
    requester: row.requester,
    session_id: row.session_id,
    project: row.project,
    cwd: row.cwd,
    // Null on rows written before requests named their host.
    host: row.host ?? null,
    priority: row.priority as Priority,
    tags: JSON.parse(row.tags) as string[],
    context: row.context,
    question: fromJson(row.question),
    conditions_schema: fromJson(row.conditions_schema),
    created_at: row.created_at,
    updated_at: row.updated_at,
    expires_at: row.expires_at,
    on_timeout: row.on_timeout as ApprovalRequest['on_timeout'],
    callback_url: row.callback_url,
    idempotency_key: row.idempotency_key,
    channel: row.channel,
    target: row.target,
    origin: row.origin as ApprovalRequest['origin'],
    policy: fromJson(row.policy),
    decision: fromJson<Decision>(row.decision),
    metadata: fromJson(row.metadata),
    workflow: fromJson<Workflow>(row.workflow ?? null),
    // Only settled requests have one; left out (not null) otherwise, as requests were before receipts.
    ...(row.receipt ? { receipt: fromJson<DecisionReceipt>(row.receipt) } : {}),
  };
}

/** The columns a workflow is written to. */
export function workflowColumns(w: Workflow | null): Pick<RequestRow, 'workflow' | 'workflow_rev' | 'wake_at'> {
  return { workflow: toJson(w), workflow_rev: w?.rev ?? 0, wake_at: w?.next_at ?? null };
}

export function decisionToColumn(decision: Decision | null): string | null {
  return toJson(decision);
}

// ---- audit ---------------------------------------------------------------------------------

export interface AuditRow extends Omit<AuditEntry, 'detail'> {
  detail: Nullable<string>;
}

export function auditToRow(e: AuditEntry): AuditRow {
  return { ...e, detail: toJson(e.detail) };
}

export function rowToAudit(row: AuditRow): AuditEntry {
  return {
    seq: row.seq,
    at: row.at,
    actor_kind: row.actor_kind,
    actor_name: row.actor_name,
    action: row.action,
    request_id: row.request_id,
    via: row.via,
    detail: fromJson(row.detail),
    prev_hash: row.prev_hash,
    hash: row.hash,
  };
}

// ---- outbox --------------------------------------------------------------------------------

export interface OutboxRow extends Omit<OutboxItem, 'payload'> {
  payload: string;
}

export function outboxInputToRow(o: OutboxInput): Pick<OutboxRow, keyof OutboxInput> {
  return {
    id: o.id,
    kind: o.kind,
    target: o.target,
    request_id: o.request_id ?? null,
    payload: JSON.stringify(o.payload),
    created_at: o.created_at,
    next_attempt_at: o.next_attempt_at,
  };
}

export function rowToOutbox(row: OutboxRow): OutboxItem {
  return { ...row, payload: JSON.parse(row.payload) as Record<string, unknown> };
}

// ---- keys, grants, channel messages --------------------------------------------------------

export interface KeyRow extends Omit<KeyRecord, 'projects'> {
  projects: string;
}

export function keyToRow(k: KeyRecord): KeyRow {
  return { ...k, projects: JSON.stringify(k.projects), revoked_at: k.revoked_at ?? null };
}

export function rowToKey(row: KeyRow): KeyRecord {
  return { ...row, role: row.role as Role, projects: JSON.parse(row.projects) as string[] };
}

export function grantToRow(g: Grant): Grant {
  return {
    id: g.id,
    rule: g.rule,
    effect: g.effect,
    scope: g.scope,
    agent: g.agent ?? null,
    project: g.project ?? null,
    session_id: g.session_id ?? null,
    created_by: g.created_by,
    created_at: g.created_at,
    expires_at: g.expires_at ?? null,
    max_uses: g.max_uses ?? null,
    uses: g.uses ?? 0,
    revoked_at: g.revoked_at ?? null,
    source_request_id: g.source_request_id ?? null,
    path_prefix: g.path_prefix ?? null,
    host: g.host ?? null,
  };
}

export function rowToGrant(row: Grant): Grant {
  return { ...row, path_prefix: row.path_prefix ?? null, host: row.host ?? null };
}

export function rowToChannelMessage(row: ChannelMessageRef): ChannelMessageRef {
  return { ...row };
}
