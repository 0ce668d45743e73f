// A real in-memory store for unit tests: no I/O, same behaviour as the SQLite store (it passes
// the same contract suite). Values go in and come out as JSON copies, as they would through a
// database, so a caller can never mutate what is stored. Every method checks everything that can
// fail before it changes anything, which makes each one atomic.

import { historyLimit, historyRow, type HistoryRow, type HistoryScan } from '../history.js';
import type { ApprovalRequest, Decision, Status } from '../../core/types.js';
import type { Workflow } from '../../core/workflow.js';
import {
  AUDIT_HEAD_META_KEY,
  PRIORITY_RANK,
  activeList,
  assertCursorOrder,
  clampLimit,
  assertSettleStatus,
  compareExportKeys,
  decodeExportCursor,
  encodeExportCursor,
  exportKey,
  decodeCursor,
  encodeCursor,
  formatAuditHead,
  isAfterCursor,
  jsonCopy,
  linkAudit,
  headForAppend,
  searchNeedle,
  searchText,
} from '../adapter-kit.js';
import { MemoryFactors } from './memory-factors.js';
import { MemorySessions } from './memory-sessions.js';
import type {
  AgentSession,
  AgentSessionStatus,
  AuditEntry,
  AuditInput,
  ChannelMessageRef,
  CreateResult,
  Effects,
  Grant,
  KeyRecord,
  MetaEntry,
  MetaOptions,
  OutboxInput,
  OutboxItem,
  RequestFilter,
  RequestPage,
  SessionEvent,
  SessionEventInput,
  RowKind,
  RowPage,
  SettleResult,
  Store,
  StoreRows,
  PasskeyRecord,
  TotpFactor,
} from '../store.js';

type CountFilter = Omit<RequestFilter, 'order' | 'limit' | 'cursor' | 'offset'>;

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export class MemoryStore implements Store {
  readonly #requests = new Map<string, ApprovalRequest>();
  /** `${agent}\n${idempotency_key}` → request id */
  readonly #idempotency = new Map<string, string>();
  readonly #audit: AuditEntry[] = [];
  readonly #outbox = new Map<string, OutboxItem>();
  readonly #keys = new Map<string, KeyRecord>();
  readonly #channelMessages: ChannelMessageRef[] = [];
  readonly #grants = new Map<string, Grant>();
  readonly #meta = new Map<string, { value: string; expires_at: number | null }>();
  readonly #sessions = new MemorySessions();
  readonly #factors = new MemoryFactors();

  async migrate(): Promise<void> {}

  async close(): Promise<void> {}

  // ---- requests ------------------------------------------------------------------------------

  async createRequest(request: ApprovalRequest, effects: Effects): Promise<CreateResult> {
    const idempotencyKey = request.idempotency_key != null ? `${request.agent}\n${request.idempotency_key}` : null;
    const existingId = idempotencyKey !== null ? this.#idempotency.get(idempotencyKey) : undefined;
    if (existingId !== undefined) return { created: false, request: jsonCopy(this.#requests.get(existingId)!) };
    if (this.#requests.has(request.id)) throw new Error(`request ${request.id} already exists`);
    this.#checkEffects(effects);
    const stored = storedRequest(request);
    this.#requests.set(stored.id, stored);
    if (idempotencyKey !== null) this.#idempotency.set(idempotencyKey, stored.id);
    this.#writeEffects(effects);
    return { created: true, request: jsonCopy(stored) };
  }

  async getRequest(id: string): Promise<ApprovalRequest | null> {
    const r = this.#requests.get(id);
    return r ? jsonCopy(r) : null;
  }

  async releaseIdempotencyKey(id: string, key: string): Promise<boolean> {
    const r = this.#requests.get(id);
    if (!r || r.idempotency_key !== key) return false;
    this.#idempotency.delete(`${r.agent}\n${key}`);
    this.#requests.set(id, { ...r, idempotency_key: null });
    return true;
  }

  async scanHistory(scan: HistoryScan): Promise<HistoryRow[]> {
    const limit = historyLimit(scan.limit);
    const after = scan.after ?? null;
    const withInput = scan.with_input === true;
    return [...this.#requests.values()]
      .filter((r) => r.created_at >= scan.from && r.created_at < scan.to)
      .filter((r) => after === null || r.created_at > after.created_at || (r.created_at === after.created_at && compareText(r.id, after.id) > 0))
      .sort((a, b) => a.created_at - b.created_at || compareText(a.id, b.id))
      .slice(0, limit)
      .map((r) =>
        historyRow(
          {
            ...r,
            decided_at: r.decision?.decided_at ?? null,
            decided_by: r.decision?.decided_by ?? null,
            decided_by_kind: r.decision?.decided_by_kind ?? null,
            via: r.decision?.via ?? null,
            rule: r.policy?.rule ?? null,
            dangerous: r.policy?.dangerous ?? null,
            input: JSON.stringify(r.input ?? null),
          },
          withInput,
        ),
      );
  }

  async listRequests(filter: RequestFilter): Promise<RequestPage> {
    assertCursorOrder(filter.order, filter.cursor);
    const after = filter.cursor !== undefined ? decodeCursor(filter.cursor) : null;
    const limit = clampLimit(filter.limit);
    if (limit === 0) return { items: [], next_cursor: null };
    const offset = clampLimit(filter.offset ?? 0);
    const sorted = this.#matching(filter)
      .filter((r) => after === null || isAfterCursor(r, after))
      .sort(filter.order === 'queue' ? byQueue : byNewest);
    const page = sorted.slice(offset, offset + limit);
    const last = page[page.length - 1];
    const hasMore = sorted.length > offset + limit;
    return {
      items: page.map((r) => jsonCopy(r)),
      next_cursor: filter.order === 'newest' && hasMore && last ? encodeCursor(last) : null,
    };
  }

  async countRequests(filter: CountFilter): Promise<number> {
    return this.#matching(filter).length;
  }

  async settleRequest(id: string, status: Status, decision: Decision | null, at: number, effects: Effects): Promise<SettleResult> {
    assertSettleStatus(status);
    const current = this.#requests.get(id);
    if (!current || current.status !== 'pending') return { ok: false, current: current ? jsonCopy(current) : null };
    this.#checkEffects(effects);
    const settled: ApprovalRequest = { ...current, status, decision: decision === null ? null : jsonCopy(decision), updated_at: at, ...(effects.receipt ? { receipt: jsonCopy(effects.receipt) } : {}) };
    this.#requests.set(id, settled);
    this.#writeEffects(effects);
    return { ok: true, request: jsonCopy(settled) };
  }

  async advanceWorkflow(id: string, expectedRev: number, workflow: Workflow, at: number, effects: Effects, settle?: { status: Status; decision: Decision }): Promise<SettleResult> {
    if (settle) assertSettleStatus(settle.status);
    const current = this.#requests.get(id);
    if (!current || current.status !== 'pending' || (current.workflow?.rev ?? 0) !== expectedRev) return { ok: false, current: current ? jsonCopy(current) : null };
    this.#checkEffects(effects);
    const next: ApprovalRequest = { ...current, workflow: jsonCopy(workflow), updated_at: at, ...(settle ? { status: settle.status, decision: jsonCopy(settle.decision), ...(effects.receipt ? { receipt: jsonCopy(effects.receipt) } : {}) } : {}) };
    this.#requests.set(id, next);
    this.#writeEffects(effects);
    return { ok: true, request: jsonCopy(next) };
  }

  async listWorkflowDue(now: number, limit: number): Promise<ApprovalRequest[]> {
    const wake = (r: ApprovalRequest) => r.workflow?.next_at ?? null;
    return [...this.#requests.values()]
      .filter((r) => r.status === 'pending' && wake(r) !== null && wake(r)! <= now)
      .sort((a, b) => wake(a)! - wake(b)! || compareText(a.id, b.id))
      .slice(0, clampLimit(limit))
      .map((r) => jsonCopy(r));
  }

  async nextWorkflowWake(): Promise<number | null> {
    let earliest: number | null = null;
    for (const r of this.#requests.values()) {
      const t = r.workflow?.next_at ?? null;
      if (r.status === 'pending' && t !== null && (earliest === null || t < earliest)) earliest = t;
    }
    return earliest;
  }

  async listExpired(now: number, limit: number): Promise<ApprovalRequest[]> {
    return [...this.#requests.values()]
      .filter((r) => r.status === 'pending' && r.expires_at <= now)
      .sort((a, b) => a.expires_at - b.expires_at || compareText(a.id, b.id))
      .slice(0, clampLimit(limit))
      .map((r) => jsonCopy(r));
  }

  async nextExpiry(): Promise<number | null> {
    let earliest: number | null = null;
    for (const r of this.#requests.values()) {
      if (r.status === 'pending' && (earliest === null || r.expires_at < earliest)) earliest = r.expires_at;
    }
    return earliest;
  }

  // ---- keys ----------------------------------------------------------------------------------

  async insertKey(key: KeyRecord, effects: Effects): Promise<void> {
    if (this.#keys.has(key.id)) throw new Error(`key ${key.id} already exists`);
    if ([...this.#keys.values()].some((k) => k.hash === key.hash)) throw new Error('a key with this hash already exists');
    this.#checkEffects(effects);
    this.#keys.set(key.id, jsonCopy({ ...key, revoked_at: key.revoked_at ?? null }));
    this.#writeEffects(effects);
  }

  async findKeyByHash(hash: string): Promise<KeyRecord | null> {
    const key = [...this.#keys.values()].find((k) => k.hash === hash);
    return key ? jsonCopy(key) : null;
  }

  async listKeys(): Promise<KeyRecord[]> {
    return [...this.#keys.values()].sort((a, b) => a.created_at - b.created_at || compareText(a.id, b.id)).map((k) => jsonCopy(k));
  }

  async revokeKey(id: string, at: number, effects: Effects): Promise<KeyRecord | null> {
    const key = this.#keys.get(id);
    if (!key) return null;
    if (key.revoked_at === null) {
      this.#checkEffects(effects);
      key.revoked_at = at;
      this.#writeEffects(effects);
    }
    return jsonCopy(key);
  }

  // ---- audit ---------------------------------------------------------------------------------

  async appendAudit(entries: AuditInput[]): Promise<void> {
    this.#appendAudit(entries);
  }

  async listAudit(options: { after_seq?: number; before_seq?: number; request_id?: string; limit: number; order?: 'asc' | 'desc' }): Promise<AuditEntry[]> {
    const rows = this.#audit.filter(
      (e) =>
        (options.after_seq === undefined || e.seq > options.after_seq) &&
        (options.before_seq === undefined || e.seq < options.before_seq) &&
        (options.request_id === undefined || e.request_id === options.request_id),
    );
    if (options.order === 'desc') rows.reverse();
    return rows.slice(0, clampLimit(options.limit)).map((e) => jsonCopy(e));
  }

  // ---- outbox --------------------------------------------------------------------------------

  async enqueueOutbox(items: OutboxInput[]): Promise<void> {
    this.#checkEffects({ audit: [], outbox: items });
    this.#insertOutbox(items);
  }

  async claimOutbox(now: number, limit: number, leaseMs: number, kinds?: string[]): Promise<OutboxItem[]> {
    const claimed = [...this.#outbox.values()]
      .filter((o) => o.state === 'pending' && o.next_attempt_at <= now && (o.locked_until === null || o.locked_until <= now))
      .filter((o) => kinds === undefined || kinds.includes(o.kind))
      .sort(byDueOrder)
      .slice(0, clampLimit(limit));
    for (const item of claimed) item.locked_until = now + leaseMs;
    return claimed.map((o) => jsonCopy(o));
  }

  async completeOutbox(id: string, at: number): Promise<void> {
    const item = this.#outbox.get(id);
    if (!item || item.state !== 'pending') return;
    Object.assign(item, { state: 'delivered', delivered_at: at, attempts: item.attempts + 1, locked_until: null });
  }

  async releaseOutbox(id: string): Promise<void> {
    const item = this.#outbox.get(id);
    if (item?.state === 'pending') item.locked_until = null;
  }

  async failOutbox(id: string, error: string, nextAttemptAt: number | null): Promise<void> {
    const item = this.#outbox.get(id);
    if (!item || item.state !== 'pending') return;
    item.attempts += 1;
    item.last_error = error;
    item.locked_until = null;
    if (nextAttemptAt === null) item.state = 'dead';
    else item.next_attempt_at = nextAttemptAt;
  }

  async getOutbox(id: string): Promise<OutboxItem | null> {
    const item = this.#outbox.get(id);
    return item ? jsonCopy(item) : null;
  }

  async listOutbox(options: { request_id?: string; state?: OutboxItem['state']; limit: number }): Promise<OutboxItem[]> {
    return [...this.#outbox.values()]
      .filter((o) => (options.request_id === undefined || o.request_id === options.request_id) && (options.state === undefined || o.state === options.state))
      .sort((a, b) => a.created_at - b.created_at || compareText(a.id, b.id))
      .slice(0, clampLimit(options.limit))
      .map((o) => jsonCopy(o));
  }

  async nextOutboxAttempt(): Promise<number | null> {
    let earliest: number | null = null;
    for (const o of this.#outbox.values()) {
      if (o.state !== 'pending') continue;
      const claimableAt = Math.max(o.next_attempt_at, o.locked_until ?? o.next_attempt_at);
      if (earliest === null || claimableAt < earliest) earliest = claimableAt;
    }
    return earliest;
  }

  // ---- channel messages ----------------------------------------------------------------------

  async addChannelMessage(ref: ChannelMessageRef): Promise<void> {
    if (!this.#requests.has(ref.request_id)) throw new Error(`request ${ref.request_id} does not exist`);
    const same = (m: ChannelMessageRef): boolean =>
      m.request_id === ref.request_id && m.channel === ref.channel && m.target === ref.target && m.message_id === ref.message_id;
    if (!this.#channelMessages.some(same)) this.#channelMessages.push(jsonCopy(ref));
  }

  async listChannelMessages(requestId: string): Promise<ChannelMessageRef[]> {
    return this.#channelMessages
      .filter((m) => m.request_id === requestId)
      .sort((a, b) => a.created_at - b.created_at || compareText(a.channel, b.channel) || compareText(a.target, b.target) || compareText(a.message_id, b.message_id))
      .map((m) => jsonCopy(m));
  }

  // ---- grants --------------------------------------------------------------------------------

  async insertGrant(grant: Grant, effects: Effects): Promise<void> {
    if (this.#grants.has(grant.id)) throw new Error(`grant ${grant.id} already exists`);
    this.#checkEffects(effects);
    this.#grants.set(grant.id, jsonCopy({ ...grant, uses: grant.uses ?? 0 }));
    this.#writeEffects(effects);
  }

  async listGrants(options: { agent?: string; project?: string; session_id?: string; include_revoked?: boolean; now?: number }): Promise<Grant[]> {
    const fits = (value: string | null, wanted: string | undefined): boolean => wanted === undefined || value === null || value === wanted;
    return [...this.#grants.values()]
      .filter((g) => fits(g.agent, options.agent) && fits(g.project, options.project) && fits(g.session_id, options.session_id))
      .filter((g) => options.include_revoked || isUsable(g, options.now))
      .sort((a, b) => a.created_at - b.created_at || compareText(a.id, b.id))
      .map((g) => jsonCopy(g));
  }

  async getGrant(id: string): Promise<Grant | null> {
    const grant = this.#grants.get(id);
    return grant ? jsonCopy(grant) : null;
  }

  async revokeGrant(id: string, at: number, effects: Effects): Promise<Grant | null> {
    const grant = this.#grants.get(id);
    if (!grant) return null;
    if (grant.revoked_at === null) {
      this.#checkEffects(effects);
      grant.revoked_at = at;
      this.#writeEffects(effects);
    }
    return jsonCopy(grant);
  }

  async revokeSessionGrants(agent: string, sessionId: string, at: number, effects: Effects): Promise<number> {
    const revoked = [...this.#grants.values()].filter((g) => g.scope === 'session' && g.agent === agent && g.session_id === sessionId && g.revoked_at === null);
    if (revoked.length === 0) return 0;
    this.#checkEffects(effects);
    for (const g of revoked) g.revoked_at = at;
    this.#writeEffects(effects);
    return revoked.length;
  }

  async useGrant(id: string, at: number): Promise<boolean> {
    const grant = this.#grants.get(id);
    if (!grant || !isUsable(grant, at)) return false;
    grant.uses += 1;
    return true;
  }

  // ---- agent sessions (memory-sessions.ts) ---------------------------------------------------

  async saveAgentSession(session: AgentSession): Promise<void> {
    this.#sessions.save(session);
  }

  async getAgentSession(id: string): Promise<AgentSession | null> {
    return this.#sessions.get(id);
  }

  async findAgentSession(agent: string, externalId: string): Promise<AgentSession | null> {
    return this.#sessions.find(agent, externalId);
  }

  async listAgentSessions(options: { active?: boolean; status?: AgentSessionStatus[]; kind?: AgentSession['kind']; limit: number }): Promise<AgentSession[]> {
    return this.#sessions.list(options);
  }

  async appendSessionEvents(sessionId: string, events: SessionEventInput[], keepLast: number): Promise<SessionEvent[]> {
    return this.#sessions.append(sessionId, events, keepLast);
  }

  async listSessionEvents(sessionId: string, options: { after_seq?: number; limit: number }): Promise<SessionEvent[]> {
    return this.#sessions.events(sessionId, options.after_seq ?? 0, options.limit);
  }

  async pruneAgentSessions(before: number): Promise<number> {
    return this.#sessions.prune(before);
  }

  // ---- meta ----------------------------------------------------------------------------------

  // ---- step-up factors (memory-factors.ts) ---------------------------------------------------

  async getTotp(approver: string): Promise<TotpFactor | null> {
    return this.#factors.get(approver);
  }

  async putTotp(factor: TotpFactor): Promise<void> {
    this.#factors.put(factor);
  }

  async confirmTotp(approver: string, step: number, at: number): Promise<boolean> {
    return this.#factors.confirm(approver, step, at);
  }

  async spendTotpStep(approver: string, step: number): Promise<boolean> {
    return this.#factors.spend(approver, step);
  }

  async failTotp(approver: string, at: number, windowMs: number): Promise<number> {
    return this.#factors.fail(approver, at, windowMs);
  }

  async deleteTotp(approver: string): Promise<boolean> {
    return this.#factors.delete(approver);
  }

  async addPasskey(passkey: PasskeyRecord): Promise<void> {
    this.#factors.addPasskey(passkey);
  }

  async getPasskey(id: string): Promise<PasskeyRecord | null> {
    return this.#factors.getPasskey(id);
  }

  async listPasskeys(approver: string): Promise<PasskeyRecord[]> {
    return this.#factors.listPasskeys(approver);
  }

  async usePasskey(id: string, counter: number, at: number): Promise<boolean> {
    return this.#factors.usePasskey(id, counter, at);
  }

  async deletePasskey(id: string, approver: string): Promise<boolean> {
    return this.#factors.deletePasskey(id, approver);
  }

  async getMeta(key: string, now?: number): Promise<string | null> {
    return this.#liveMeta(key, now)?.value ?? null;
  }

  async setMeta(key: string, value: string, options: MetaOptions = {}): Promise<void> {
    this.#meta.set(key, { value, expires_at: options.expires_at ?? null });
  }

  async swapMeta(key: string, expected: string | null, value: string | null, options: MetaOptions & { now?: number } = {}): Promise<boolean> {
    const current = this.#liveMeta(key, options.now)?.value ?? null;
    if (current !== expected) return false;
    if (value === null) this.#meta.delete(key);
    else this.#meta.set(key, { value, expires_at: options.expires_at ?? null });
    return true;
  }

  async deleteMeta(key: string): Promise<boolean> {
    return this.#meta.delete(key);
  }

  async purgeExpiredMeta(now: number, limit: number): Promise<number> {
    let purged = 0;
    for (const [key, entry] of this.#meta) {
      if (purged >= clampLimit(limit)) break;
      if (entry.expires_at !== null && entry.expires_at <= now) {
        this.#meta.delete(key);
        purged++;
      }
    }
    return purged;
  }

  // ---- export and import ---------------------------------------------------------------------

  async exportRows<K extends RowKind>(kind: K, after: string | null, limit: number): Promise<RowPage<K>> {
    const from = after === null ? null : decodeExportCursor(kind, after);
    const rows = (this.#rowsOf(kind) as StoreRows[K][])
      .map((row) => ({ row, key: exportKey(kind, row) }))
      .filter((r) => from === null || compareExportKeys(r.key, from) > 0)
      .sort((a, b) => compareExportKeys(a.key, b.key));
    const page = rows.slice(0, clampLimit(limit));
    const more = rows.length > page.length && page.length > 0;
    return { rows: page.map((r) => jsonCopy(r.row)), next: more ? encodeExportCursor(page[page.length - 1].key) : null };
  }

  async importRows<K extends RowKind>(kind: K, rows: readonly StoreRows[K][]): Promise<void> {
    const taken = new Set(this.#rowsOf(kind).map((row) => JSON.stringify(exportKey(kind, row as StoreRows[K]))));
    for (const row of rows) {
      const key = JSON.stringify(exportKey(kind, row));
      if (taken.has(key)) throw new Error(`${kind}: ${key} is already in this store`);
      taken.add(key);
      if (kind === 'channel_messages' && !this.#requests.has((row as ChannelMessageRef).request_id)) throw new Error(`request ${(row as ChannelMessageRef).request_id} does not exist`);
      if (kind === 'session_events' && !this.#sessions.has((row as SessionEvent).session_id)) throw new Error(`agent session ${(row as SessionEvent).session_id} does not exist`);
    }
    for (const original of rows) {
      const row = jsonCopy(original) as StoreRows[RowKind];
      if (kind === 'requests') {
        const r = storedRequest(row as ApprovalRequest);
        this.#requests.set(r.id, r);
        if (r.idempotency_key !== null) this.#idempotency.set(`${r.agent}\n${r.idempotency_key}`, r.id);
      } else if (kind === 'channel_messages') this.#channelMessages.push(row as ChannelMessageRef);
      else if (kind === 'audit') this.#audit.push(row as AuditEntry);
      else if (kind === 'outbox') this.#outbox.set((row as OutboxItem).id, row as OutboxItem);
      else if (kind === 'keys') this.#keys.set((row as KeyRecord).id, row as KeyRecord);
      else if (kind === 'grants') this.#grants.set((row as Grant).id, row as Grant);
      else if (kind === 'agent_sessions') this.#sessions.save(row as AgentSession);
      else if (kind === 'session_events') this.#sessions.importEvent(row as SessionEvent);
      else {
        const m = row as MetaEntry;
        this.#meta.set(m.key, { value: m.value, expires_at: m.expires_at });
      }
    }
    if (kind === 'audit') this.#audit.sort((a, b) => a.seq - b.seq);
  }

  // ---- internals -----------------------------------------------------------------------------

  #liveMeta(key: string, now: number | undefined) {
    const entry = this.#meta.get(key);
    if (!entry || (now !== undefined && entry.expires_at !== null && entry.expires_at <= now)) return null;
    return entry;
  }

  #rowsOf(kind: RowKind): StoreRows[RowKind][] {
    switch (kind) {
      case 'requests':
        return [...this.#requests.values()];
      case 'channel_messages':
        return this.#channelMessages;
      case 'audit':
        return this.#audit;
      case 'outbox':
        return [...this.#outbox.values()];
      case 'keys':
        return [...this.#keys.values()];
      case 'grants':
        return [...this.#grants.values()];
      case 'meta':
        return [...this.#meta].map(([key, e]) => ({ key, value: e.value, expires_at: e.expires_at }));
      case 'agent_sessions':
        return this.#sessions.all();
      case 'session_events':
        return this.#sessions.allEvents();
    }
  }

  #matching(filter: CountFilter): ApprovalRequest[] {
    const status = activeList(filter.status);
    const priority = activeList(filter.priority);
    const needle = filter.text ? searchNeedle(filter.text) : null;
    return [...this.#requests.values()].filter(
      (r) =>
        (status === null || status.includes(r.status)) &&
        (filter.agent === undefined || r.agent === filter.agent) &&
        (filter.project === undefined || r.project === filter.project) &&
        (priority === null || priority.includes(r.priority)) &&
        (filter.tag === undefined || r.tags.includes(filter.tag)) &&
        (filter.created_from === undefined || r.created_at >= filter.created_from) &&
        (filter.created_to === undefined || r.created_at <= filter.created_to) &&
        (needle === null || searchText(r).includes(needle)),
    );
  }

  /** Throws before anything is written if the effects could not all be written. */
  #checkEffects(effects: Effects): void {
    if (effects.audit.length > 0) headForAppend(this.#meta.get(AUDIT_HEAD_META_KEY)?.value ?? null);
    const ids = new Set<string>();
    for (const item of effects.outbox) {
      if (this.#outbox.has(item.id) || ids.has(item.id)) throw new Error(`outbox item ${item.id} already exists`);
      ids.add(item.id);
    }
  }

  #writeEffects(effects: Effects): void {
    this.#appendAudit(effects.audit);
    this.#insertOutbox(effects.outbox);
    for (const grant of effects.grants ?? []) this.#grants.set(grant.id, jsonCopy({ ...grant, uses: grant.uses ?? 0 }));
  }

  #appendAudit(inputs: readonly AuditInput[]): void {
    if (inputs.length === 0) return;
    const head = headForAppend(this.#meta.get(AUDIT_HEAD_META_KEY)?.value ?? null);
    const linked = linkAudit(head, inputs);
    this.#audit.push(...linked.entries);
    if (linked.head) this.#meta.set(AUDIT_HEAD_META_KEY, { value: formatAuditHead(linked.head), expires_at: null });
  }

  #insertOutbox(items: readonly OutboxInput[]): void {
    for (const input of items) {
      const item: OutboxItem = { ...jsonCopy(input), request_id: input.request_id ?? null, attempts: 0, last_error: null, state: 'pending', locked_until: null, delivered_at: null };
      this.#outbox.set(item.id, item);
    }
  }
}

/** The request as a database would give it back: every nullable field present, JSON values copied. */
function storedRequest(r: ApprovalRequest): ApprovalRequest {
  return jsonCopy({
    ...r,
    tool: r.tool ?? null,
    input: r.input ?? null,
    requester: r.requester ?? null,
    session_id: r.session_id ?? null,
    project: r.project ?? null,
    cwd: r.cwd ?? null,
    host: r.host ?? null,
    tags: r.tags ?? [],
    context: r.context ?? null,
    question: r.question ?? null,
    conditions_schema: r.conditions_schema ?? null,
    callback_url: r.callback_url ?? null,
    idempotency_key: r.idempotency_key ?? null,
    channel: r.channel ?? null,
    target: r.target ?? null,
    policy: r.policy ?? null,
    decision: r.decision ?? null,
    metadata: r.metadata ?? null,
  });
}

function isUsable(grant: Grant, now: number | undefined): boolean {
  return (
    grant.revoked_at === null &&
    (grant.max_uses === null || grant.uses < grant.max_uses) &&
    (now === undefined || grant.expires_at === null || grant.expires_at > now)
  );
}

function byNewest(a: ApprovalRequest, b: ApprovalRequest): number {
  return b.created_at - a.created_at || compareText(b.id, a.id);
}

function byQueue(a: ApprovalRequest, b: ApprovalRequest): number {
  return PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] || a.created_at - b.created_at || compareText(a.id, b.id);
}

function byDueOrder(a: OutboxItem, b: OutboxItem): number {
  return a.next_attempt_at - b.next_attempt_at || a.created_at - b.created_at || compareText(a.id, b.id);
}
