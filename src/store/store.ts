// The one storage interface. Every adapter (memory, SQLite, Postgres) passes
// src/store/contract.ts. Methods are atomic units: a request and the audit row and outbox items
// that go with it are written together or not at all ("persist, then notify").

import type { ApprovalRequest, Decision, DecisionReceipt, Priority, Role, Status } from '../core/types.js';
import type { Workflow } from '../core/workflow.js';
import type { HistoryRow, HistoryScan } from './history.js';

export type { HistoryRow, HistoryScan } from './history.js';

export interface AuditInput {
  at: number;
  actor_kind: string;
  actor_name: string;
  action: string;
  request_id: string | null;
  via: string | null;
  detail: Record<string, unknown> | null;
}

export interface AuditEntry extends AuditInput {
  seq: number;
  prev_hash: string;
  hash: string;
}

export interface OutboxInput {
  id: string;
  /** What delivers it: `webhook`, `callback`, later `telegram`, `email`, ... */
  kind: string;
  /** Where, for humans reading the outbox (a URL, a chat id). */
  target: string;
  request_id: string | null;
  payload: Record<string, unknown>;
  created_at: number;
  next_attempt_at: number;
}

export interface OutboxItem extends OutboxInput {
  attempts: number;
  last_error: string | null;
  /** pending → delivered | dead */
  state: 'pending' | 'delivered' | 'dead';
  locked_until: number | null;
  delivered_at: number | null;
}

export interface KeyRecord {
  id: string;
  role: Role;
  name: string;
  /** hex sha256 of the secret */
  hash: string;
  projects: string[];
  created_at: number;
  revoked_at: number | null;
}

export interface ChannelMessageRef {
  request_id: string;
  channel: string;
  /** Where the message lives (chat id, address) and its id there. */
  target: string;
  message_id: string;
  created_at: number;
}

export interface Grant {
  id: string;
  /** Claude Code rule syntax, e.g. `Bash(git status *)`. */
  rule: string;
  effect: 'allow' | 'deny' | 'ask';
  scope: 'session' | 'always';
  agent: string | null;
  project: string | null;
  session_id: string | null;
  created_by: string;
  created_at: number;
  expires_at: number | null;
  max_uses: number | null;
  uses: number;
  revoked_at: number | null;
  source_request_id: string | null;
  /** It applies only to file actions whose path (lexical and real) lies under this absolute directory; null: anywhere. */
  path_prefix: string | null;
  /** It applies only to requests from this machine (their `host`, case-insensitively); a request without a host never fits. Null: any machine. */
  host: string | null;
}

export interface RequestFilter {
  status?: Status[];
  agent?: string;
  project?: string;
  priority?: Priority[];
  tag?: string;
  /** Case-insensitive substring of title, preview, context, requester. */
  text?: string;
  /** Only requests created at or after / before (epoch ms). */
  created_from?: number;
  created_to?: number;
  /**
   * `newest`: newest first (history, cursor = last id seen).
   * `queue`: highest priority first, then oldest first (the pending queue).
   */
  order: 'newest' | 'queue';
  /** Opaque cursor from a previous page (newest order only). */
  cursor?: string;
  offset?: number;
  limit: number;
}

export interface RequestPage {
  items: ApprovalRequest[];
  next_cursor: string | null;
}

/** What an agent session is doing (src/sessions/): the dashboard's Agents view shows it. */
export type AgentSessionStatus = 'working' | 'waiting_approval' | 'waiting_input' | 'idle' | 'ended';

/** An agent session: one Greenlight runs (`run`, in a context) or one a hooked agent reports (`hook`). */
export interface AgentSession {
  /** `ses_...` */
  id: string;
  kind: 'run' | 'hook';
  /** The agent its requests are filed under (`context:<name>` for sessions Greenlight runs). */
  agent: string;
  context: string | null;
  /** The agent host (claude-code, codex, ...). */
  host: string | null;
  /** The host's own session id (Claude Code's), once known; what resume continues. */
  external_id: string | null;
  cwd: string | null;
  project: string | null;
  status: AgentSessionStatus;
  current_tool: string | null;
  /** The chat that drives it: its output and notifications go there. */
  chat_channel: string | null;
  chat_target: string | null;
  started_by: string | null;
  cost_usd: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  turns: number;
  /** How the last turn ended: completed, stopped, timed_out, budget, failed, restarted. */
  last_outcome: string | null;
  created_at: number;
  /** Last activity. */
  updated_at: number;
  ended_at: number | null;
}

export interface SessionEventInput {
  at: number;
  /** prompt, text, tool, tool_result, status, result, error, notice */
  kind: string;
  text: string;
  data: Record<string, unknown> | null;
}

export interface SessionEvent extends SessionEventInput {
  session_id: string;
  /** Increases by one per event of a session, from 1. */
  seq: number;
}

/**
 * An approver's TOTP enrolment (step-up). `secret` arrives sealed (src/step-up/seal.ts): the store
 * keeps it as opaque text and never interprets it.
 */
export interface TotpFactor {
  approver: string;
  secret: string;
  /** When the first valid code confirmed it; null: enrolment started, codes do not count yet. */
  confirmed_at: number | null;
  /** The TOTP time step of the last code accepted: a code of that step or an earlier one is a replay. */
  last_step: number | null;
  /** Wrong codes counted since `failures_since` (the window's start). */
  failures: number;
  failures_since: number | null;
  created_at: number;
}

/** A passkey (WebAuthn credential) an approver registered for step-up. */
export interface PasskeyRecord {
  /** The credential id (base64url), unique across approvers. */
  id: string;
  approver: string;
  /** The credential's COSE public key, base64url. */
  public_key: string;
  /** The authenticator's signature counter as last seen (0: it keeps none). */
  counter: number;
  transports: string[];
  created_at: number;
  last_used_at: number | null;
}

export interface Effects {
  audit: AuditInput[];
  outbox: OutboxInput[];
  /** Grants a decision creates ("for this session", "always"), written with it or not at all. */
  grants?: Grant[];
  /** The signed receipt of a settlement, stored on the request in the same transaction. */
  receipt?: DecisionReceipt;
}

export type CreateResult = { created: true; request: ApprovalRequest } | { created: false; request: ApprovalRequest };

export type SettleResult = { ok: true; request: ApprovalRequest } | { ok: false; current: ApprovalRequest | null };

export interface Store {
  /** Applies numbered migrations. Safe to call on every start. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  /**
   * Inserts a request with its effects. If the agent already has a request with the same
   * idempotency key, returns that one (`created: false`) and writes nothing.
   */
  createRequest(request: ApprovalRequest, effects: Effects): Promise<CreateResult>;
  getRequest(id: string): Promise<ApprovalRequest | null>;
  /**
   * Takes the idempotency key off a request if it still has `key`, so the next request filed with
   * that key is a new one (the hooks park a call under a key and let go of it once the decision
   * reached the agent). True if it did.
   */
  releaseIdempotencyKey(id: string, key: string): Promise<boolean>;
  listRequests(filter: RequestFilter): Promise<RequestPage>;
  countRequests(filter: Omit<RequestFilter, 'order' | 'limit' | 'cursor' | 'offset'>): Promise<number>;
  /**
   * One page of narrow history rows (src/store/history.ts) created in [from, to), oldest first by
   * (created_at, id); pass the last row as `after` for the next page. What insights aggregate.
   */
  scanHistory(scan: HistoryScan): Promise<HistoryRow[]>;

  /**
   * The compare-and-set: moves a request from `pending` to `status` with `decision` only if it is
   * still pending, and writes the effects in the same transaction. Exactly one concurrent caller
   * gets `ok: true`; the others get the request as it now is.
   */
  settleRequest(id: string, status: Status, decision: Decision | null, at: number, effects: Effects): Promise<SettleResult>;

  /**
   * The workflow's compare-and-set (a vote counted, a ladder step started): writes `workflow` —
   * and with `settle` the outcome too — only if the request is still pending and its stored
   * workflow is still at revision `expectedRev` (0: none yet); the effects go in the same
   * transaction. Of concurrent callers with the same `expectedRev` exactly one wins; the others
   * get the request as it now is (and read, recount and try again, or see it decided).
   */
  advanceWorkflow(id: string, expectedRev: number, workflow: Workflow, at: number, effects: Effects, settle?: { status: Status; decision: Decision }): Promise<SettleResult>;
  /** Pending requests whose workflow's `next_at` ≤ now (a ladder step is over), earliest first. */
  listWorkflowDue(now: number, limit: number): Promise<ApprovalRequest[]>;
  /** The earliest workflow `next_at` among pending requests, or null. */
  nextWorkflowWake(): Promise<number | null>;

  /** Pending requests whose `expires_at` ≤ now, oldest deadline first. */
  listExpired(now: number, limit: number): Promise<ApprovalRequest[]>;
  /** The earliest `expires_at` among pending requests, or null. */
  nextExpiry(): Promise<number | null>;

  // Keys created at run time (config-file keys never reach the store).
  insertKey(key: KeyRecord, effects: Effects): Promise<void>;
  findKeyByHash(hash: string): Promise<KeyRecord | null>;
  listKeys(): Promise<KeyRecord[]>;
  revokeKey(id: string, at: number, effects: Effects): Promise<KeyRecord | null>;

  // Audit log: append-only, hash-chained by the store inside the same transaction.
  appendAudit(entries: AuditInput[]): Promise<void>;
  listAudit(options: { after_seq?: number; before_seq?: number; request_id?: string; limit: number; order?: 'asc' | 'desc' }): Promise<AuditEntry[]>;

  // Durable outbox for webhooks, callbacks and channel sends.
  enqueueOutbox(items: OutboxInput[]): Promise<void>;
  /** Leases up to `limit` due items (state pending, next_attempt_at ≤ now, not leased). */
  claimOutbox(now: number, limit: number, leaseMs: number, kinds?: string[]): Promise<OutboxItem[]>;
  completeOutbox(id: string, at: number): Promise<void>;
  /** Gives back a claimed item that was not sent (shutting down): claimable again at once, no attempt counted. */
  releaseOutbox(id: string): Promise<void>;
  /** Records a failed attempt; `next_attempt_at` null marks it dead. */
  failOutbox(id: string, error: string, nextAttemptAt: number | null): Promise<void>;
  getOutbox(id: string): Promise<OutboxItem | null>;
  listOutbox(options: { request_id?: string; state?: OutboxItem['state']; limit: number }): Promise<OutboxItem[]>;
  /** Earliest next_attempt_at among pending items, or null. */
  nextOutboxAttempt(): Promise<number | null>;

  // Where channels put their messages about a request, so they can edit them later.
  addChannelMessage(ref: ChannelMessageRef): Promise<void>;
  listChannelMessages(requestId: string): Promise<ChannelMessageRef[]>;

  // Grants and stored rules (used by the policy).
  insertGrant(grant: Grant, effects: Effects): Promise<void>;
  listGrants(options: { agent?: string; project?: string; session_id?: string; include_revoked?: boolean; now?: number }): Promise<Grant[]>;
  getGrant(id: string): Promise<Grant | null>;
  revokeGrant(id: string, at: number, effects: Effects): Promise<Grant | null>;
  /** Revokes every session grant of (agent, session). Returns how many. */
  revokeSessionGrants(agent: string, sessionId: string, at: number, effects: Effects): Promise<number>;
  /** Counts one use; returns false if the grant is used up, expired or revoked. */
  useGrant(id: string, at: number): Promise<boolean>;

  // Agent sessions and their transcripts (src/sessions/).
  /** Inserts the session, or replaces the one with its id. */
  saveAgentSession(session: AgentSession): Promise<void>;
  getAgentSession(id: string): Promise<AgentSession | null>;
  /** The session of `agent` with this host session id, if any. */
  findAgentSession(agent: string, externalId: string): Promise<AgentSession | null>;
  /** Most recent activity first; `active`: every status but ended. */
  listAgentSessions(options: { active?: boolean; status?: AgentSessionStatus[]; kind?: AgentSession['kind']; limit: number }): Promise<AgentSession[]>;
  /** Appends events with the next seqs, then keeps only the newest `keepLast` of the session. */
  appendSessionEvents(sessionId: string, events: SessionEventInput[], keepLast: number): Promise<SessionEvent[]>;
  /** Events after `after_seq`, oldest first. */
  listSessionEvents(sessionId: string, options: { after_seq?: number; limit: number }): Promise<SessionEvent[]>;
  /** Deletes ended sessions (and their events) without activity since `before`. Returns how many. */
  pruneAgentSessions(before: number): Promise<number>;

  // Step-up second factors, one TOTP enrolment per approver (by name).
  getTotp(approver: string): Promise<TotpFactor | null>;
  /** Starts (or restarts) an enrolment: writes the factor whole, replacing any earlier one. */
  putTotp(factor: TotpFactor): Promise<void>;
  /** Confirms an unconfirmed enrolment with the step of its first valid code; false if none is waiting. */
  confirmTotp(approver: string, step: number, at: number): Promise<boolean>;
  /**
   * Spends a code's time step, atomic across instances: true only if the factor is confirmed and
   * its last_step is older (a replay, or a race with the same code elsewhere, gets false). Clears
   * the failure count.
   */
  spendTotpStep(approver: string, step: number): Promise<boolean>;
  /** Counts one wrong code: a window older than `windowMs` starts over at 1. The count after it, 0 when not enrolled. */
  failTotp(approver: string, at: number, windowMs: number): Promise<number>;
  /** Removes an enrolment; true if there was one. */
  deleteTotp(approver: string): Promise<boolean>;
  /** Adds a passkey; refuses (throws) a credential id that is already registered. */
  addPasskey(passkey: PasskeyRecord): Promise<void>;
  getPasskey(id: string): Promise<PasskeyRecord | null>;
  /** An approver's passkeys, oldest first. */
  listPasskeys(approver: string): Promise<PasskeyRecord[]>;
  /**
   * Records a use with the authenticator's new counter, atomic across instances: false when the
   * counter did not move forward (a cloned authenticator), unless it stays 0 (one that keeps none).
   */
  usePasskey(id: string, counter: number, at: number): Promise<boolean>;
  /** Removes one of an approver's passkeys; true if it was there. */
  deletePasskey(id: string, approver: string): Promise<boolean>;

  // Small key/value facts shared by every instance: the first-run marker, the audit head,
  // dashboard sessions, single-use link nonces, channel conversation state, ...
  /** The value, or null when absent. With `now`, also null once the entry's expires_at ≤ now. */
  getMeta(key: string, now?: number): Promise<string | null>;
  /** Writes or overwrites a value; with `expires_at` (epoch ms) it reads as absent from then on. */
  setMeta(key: string, value: string, options?: MetaOptions): Promise<void>;
  /**
   * The compare-and-set, atomic across instances: writes `value` (null: deletes the key) only if
   * the current value is `expected` (null: absent, or expired at `options.now`). True if it wrote.
   */
  swapMeta(key: string, expected: string | null, value: string | null, options?: MetaOptions & { now?: number }): Promise<boolean>;
  /** Removes a key; true if it was there. */
  deleteMeta(key: string): Promise<boolean>;
  /** Removes up to `limit` entries whose expires_at ≤ now; returns how many. */
  purgeExpiredMeta(now: number, limit: number): Promise<number>;

  // Whole rows, for `greenlight db copy` between stores.
  /** One page of rows of a kind in a fixed order; pass `next` back to get the page after it. */
  exportRows<K extends RowKind>(kind: K, after: string | null, limit: number): Promise<RowPage<K>>;
  /**
   * Writes rows exactly as exported (audit rows with their own seq and hashes, outbox items with
   * their state and attempts), in one transaction; refuses the whole batch if a row is already there.
   */
  importRows<K extends RowKind>(kind: K, rows: readonly StoreRows[K][]): Promise<void>;
}

export interface MetaOptions {
  /** When the entry stops counting (epoch ms); null or absent: never. */
  expires_at?: number | null;
}

export interface MetaEntry {
  key: string;
  value: string;
  expires_at: number | null;
}

/** Everything a store holds, by kind of row. */
export interface StoreRows {
  requests: ApprovalRequest;
  channel_messages: ChannelMessageRef;
  audit: AuditEntry;
  outbox: OutboxItem;
  keys: KeyRecord;
  grants: Grant;
  meta: MetaEntry;
  agent_sessions: AgentSession;
  session_events: SessionEvent;
}

export type RowKind = keyof StoreRows;

/** Every kind, in the order a copy writes them (channel messages refer to requests, transcript events to sessions). */
export const ROW_KINDS: readonly RowKind[] = ['requests', 'channel_messages', 'audit', 'outbox', 'keys', 'grants', 'meta', 'agent_sessions', 'session_events'];

export interface RowPage<K extends RowKind> {
  rows: StoreRows[K][];
  /** Pass to exportRows for the next page; null: this was the last. */
  next: string | null;
}
