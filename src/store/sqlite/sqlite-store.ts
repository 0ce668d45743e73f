// The default store: one SQLite file (better-sqlite3). Every write is a unit of one group commit
// (group-commit.ts): concurrent writes share a transaction and a sync to disk, and each resolves
// only once it is on disk. Reads run synchronously, after any sync under way, so they never see
// a write that could still be lost. Write transactions start IMMEDIATE: several processes on the
// same file queue for the write lock (busy_timeout) instead of failing when a read turns into a
// write. Keys and grant lists are cached between requests (read-cache.ts).

import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { ApprovalRequest, Decision, Status } from '../../core/types.js';
import type { Workflow } from '../../core/workflow.js';
import {
  AUDIT_HEAD_META_KEY,
  assertCursorOrder,
  clampLimit,
  assertSettleStatus,
  decodeCursor,
  encodeCursor,
  formatAuditHead,
  type AuditHead,
  linkAudit,
  headForAppend,
  searchNeedle,
} from '../adapter-kit.js';
import * as factorRows from './sqlite-factors.js';
import { confirmTotp, deleteTotp, failTotp, getTotp, prepareFactorStatements, putTotp, spendTotpStep, type FactorStatements } from './sqlite-factors.js';
import { appendEvents, findSession, getSession, listEvents, listSessions, prepareSessionStatements, pruneSessions, saveSession, type SessionStatements } from './sqlite-sessions.js';
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
import { statusOf, type Migrated, type MigrationStatus } from '../migration-status.js';
import { MIGRATIONS } from './migrations.js';
import { GroupCommit } from './group-commit.js';
import { ReadCache } from './read-cache.js';
import { applyMigrations, migrationStatus, openDatabase, syncsItself } from './sqlite-open.js';
import { walSync, type WalSync } from './wal-sync.js';
import { SearchIndex } from './sqlite-search-index.js';
import { RARE_MATCHES, canUseTextIndex, countQuery, ftsPhrase, pageQuery, type CountFilter, type SqlQuery, type TextPlan } from './sqlite-request-query.js';
import { prepareAll, type Statements } from './sqlite-statements.js';
import { exportRows, importRows } from './sqlite-transfer.js';
import { scanHistory } from './sqlite-history.js';
import type { HistoryRow, HistoryScan } from '../history.js';
import {
  auditToRow,
  decisionToColumn,
  grantToRow,
  keyToRow,
  outboxInputToRow,
  requestToRow,
  rowToAudit,
  rowToGrant,
  rowToKey,
  rowToOutbox,
  rowToRequest,
  workflowColumns,
  type AuditRow,
  type KeyRow,
  type OutboxRow,
  type RequestRow,
} from './sqlite-rows.js';

export interface SqliteStoreOptions {
  /** A file path, or ':memory:' for a private in-memory database. */
  path: string;
}

type ReadRequestRow = Omit<RequestRow, 'search_text' | 'priority_rank' | 'workflow_rev' | 'wake_at'>;

interface Open {
  db: Database.Database;
  st: Statements;
  /** Statements whose SQL depends on the filter shape, prepared on first use. */
  shaped: Map<string, Database.Statement>;
  search: SearchIndex;
  sessions: SessionStatements;
  factors: FactorStatements;
  commits: GroupCommit;
  cache: ReadCache;
  wal: WalSync | null;
}

export class SqliteStore implements Store, Migrated {
  readonly #path: string;
  #open: Open | null = null;
  /**
   * The audit head as the current batch leaves it: read from meta once per batch, written back
   * once before its COMMIT (undefined: not read in this batch yet).
   */
  #batchHead: { head: AuditHead | null; changed: boolean } | undefined = undefined;

  /** Does no I/O: `migrate()` opens the file. */
  constructor(options: SqliteStoreOptions) {
    this.#path = options.path;
  }

  async migrate(): Promise<void> {
    if (this.#open) await this.#open.commits.drain();
    const db = this.#open?.db ?? openDatabase(this.#path);
    const wal = this.#open ? this.#open.wal : syncsItself(this.#path) ? null : walSync(this.#path);
    try {
      applyMigrations(db);
      db.pragma('optimize = 0x10002');
      await wal?.sync();
    } catch (err) {
      if (!this.#open) (db.close(), wal?.close());
      throw err;
    }
    if (!this.#open) {
      const cache = new ReadCache(db);
      const commits = new GroupCommit(db, { sync: wal ? () => wal.sync() : null, beforeCommit: () => this.#saveAuditHead(), afterBatch: () => (this.#batchHead = undefined) });
      this.#open = { db, st: prepareAll(db), shaped: new Map(), search: new SearchIndex(db), sessions: prepareSessionStatements(db), factors: prepareFactorStatements(db), commits, cache, wal };
    }
  }

  async migrationStatus(): Promise<MigrationStatus> {
    if (this.#open) return migrationStatus(this.#open.db);
    if (this.#path === ':memory:' || !existsSync(this.#path)) return statusOf([], MIGRATIONS);
    const db = new Database(this.#path, { readonly: true, fileMustExist: true });
    try {
      return migrationStatus(db);
    } finally {
      db.close();
    }
  }

  async close(): Promise<void> {
    const open = this.#open;
    if (!open) return;
    await open.commits.drain();
    if (this.#open !== open) return;
    this.#open = null;
    try {
      open.db.pragma('optimize');
    } finally {
      open.db.close();
      open.wal?.close();
    }
  }

  // ---- requests ------------------------------------------------------------------------------

  async createRequest(request: ApprovalRequest, effects: Effects): Promise<CreateResult> {
    return this.#write(({ st }) => {
      if (request.idempotency_key != null) {
        const existing = st.findIdempotent.get(request.agent, request.idempotency_key) as ReadRequestRow | undefined;
        if (existing) return { created: false, request: rowToRequest(existing) };
      }
      const row = requestToRow(request);
      st.insertRequest.run(row);
      for (const tag of new Set(request.tags)) st.insertTag.run(tag, request.created_at, request.id);
      this.#writeEffects(effects);
      // The row as written reads back the same as a SELECT would, without one.
      return { created: true, request: rowToRequest(row) };
    });
  }

  async getRequest(id: string): Promise<ApprovalRequest | null> {
    return this.#reading(() => this.#getRequest(id));
  }

  async releaseIdempotencyKey(id: string, key: string): Promise<boolean> {
    return this.#write(({ st }) => st.releaseIdempotencyKey.run(id, key).changes === 1);
  }

  async listRequests(filter: RequestFilter): Promise<RequestPage> {
    assertCursorOrder(filter.order, filter.cursor);
    const after = filter.cursor !== undefined ? decodeCursor(filter.cursor) : null;
    const limit = clampLimit(filter.limit);
    if (limit === 0) return { items: [], next_cursor: null };
    return this.#reading(() => {
      const needle = this.#prepareSearch(filter.text);
      return this.#read(() => {
        const plan: TextPlan = needle === null ? { via: 'scan' } : this.#pickTextPlan(needle);
        const offset = clampLimit(filter.offset ?? 0);
        const query = pageQuery({ filter, needle, plan, order: filter.order, after, limit: limit + 1, offset });
        const rows = this.#shaped(query).all(...query.params) as ReadRequestRow[];
        const items = rows.slice(0, limit).map(rowToRequest);
        const last = items[items.length - 1];
        const next_cursor = filter.order === 'newest' && rows.length > limit && last ? encodeCursor(last) : null;
        return { items, next_cursor };
      });
    });
  }

  async countRequests(filter: CountFilter): Promise<number> {
    return this.#reading(() => {
      const needle = this.#prepareSearch(filter.text);
      const plan: TextPlan = needle !== null && canUseTextIndex(needle) ? { via: 'match' } : { via: 'scan' };
      const query = countQuery(filter, needle, plan);
      return this.#read(() => (this.#shaped(query).get(...query.params) as { n: number }).n);
    });
  }

  async scanHistory(scan: HistoryScan): Promise<HistoryRow[]> {
    const open = this.#ready;
    return this.#read(() => scanHistory(open.db, open.shaped, scan));
  }

  async settleRequest(id: string, status: Status, decision: Decision | null, at: number, effects: Effects): Promise<SettleResult> {
    assertSettleStatus(status);
    return this.#write(({ st }) => {
      const changed = st.settle.run(status, decisionToColumn(decision), effects.receipt ? JSON.stringify(effects.receipt) : null, at, id).changes;
      if (changed !== 1) return { ok: false, current: this.#getRequest(id) };
      this.#writeEffects(effects);
      return { ok: true, request: this.#getRequest(id)! };
    });
  }

  async advanceWorkflow(id: string, expectedRev: number, workflow: Workflow, at: number, effects: Effects, settle?: { status: Status; decision: Decision }): Promise<SettleResult> {
    if (settle) assertSettleStatus(settle.status);
    return this.#write(({ st }) => {
      const params = { ...workflowColumns(workflow), at, id, expected: expectedRev, status: settle?.status ?? null, decision: settle ? decisionToColumn(settle.decision) : null, receipt: settle && effects.receipt ? JSON.stringify(effects.receipt) : null };
      if (st.advanceWorkflow.run(params).changes !== 1) return { ok: false, current: this.#getRequest(id) };
      this.#writeEffects(effects);
      return { ok: true, request: this.#getRequest(id)! };
    });
  }

  async listWorkflowDue(now: number, limit: number): Promise<ApprovalRequest[]> {
    return (this.#st.listWorkflowDue.all(now, clampLimit(limit)) as ReadRequestRow[]).map(rowToRequest);
  }

  async nextWorkflowWake(): Promise<number | null> {
    return (this.#st.nextWorkflowWake.get() as { t: number | null }).t;
  }

  async listExpired(now: number, limit: number): Promise<ApprovalRequest[]> {
    return this.#reading(() => (this.#st.listExpired.all(now, clampLimit(limit)) as ReadRequestRow[]).map(rowToRequest));
  }

  async nextExpiry(): Promise<number | null> {
    return this.#reading(() => (this.#st.nextExpiry.get() as { t: number | null }).t);
  }

  // ---- keys ----------------------------------------------------------------------------------

  async insertKey(key: KeyRecord, effects: Effects): Promise<void> {
    await this.#write(({ st, cache }) => {
      cache.keysChanged();
      st.insertKey.run(keyToRow(key));
      this.#writeEffects(effects);
    });
  }

  async findKeyByHash(hash: string): Promise<KeyRecord | null> {
    const cache = this.#ready.cache;
    const cached = cache.key(hash);
    if (cached) return cached;
    const generation = cache.generation;
    const row = this.#st.findKeyByHash.get(hash) as KeyRow | undefined;
    if (!row) return this.#durable(null); // unknown keys are not cached: anyone can present those
    const key = await this.#durable(rowToKey(row));
    cache.rememberKey(key, generation);
    return key;
  }

  async listKeys(): Promise<KeyRecord[]> {
    return this.#reading(() => (this.#st.listKeys.all() as KeyRow[]).map(rowToKey));
  }

  async revokeKey(id: string, at: number, effects: Effects): Promise<KeyRecord | null> {
    return this.#write(({ st, cache }) => {
      cache.keysChanged();
      if (st.revokeKey.run(at, id).changes === 1) this.#writeEffects(effects);
      const row = st.getKey.get(id) as KeyRow | undefined;
      return row ? rowToKey(row) : null;
    });
  }

  // ---- audit ---------------------------------------------------------------------------------

  async appendAudit(entries: AuditInput[]): Promise<void> {
    await this.#write(() => this.#appendAudit(entries));
  }

  async listAudit(options: { after_seq?: number; before_seq?: number; request_id?: string; limit: number; order?: 'asc' | 'desc' }): Promise<AuditEntry[]> {
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (options.after_seq !== undefined) (clauses.push('seq > ?'), params.push(options.after_seq));
    if (options.before_seq !== undefined) (clauses.push('seq < ?'), params.push(options.before_seq));
    if (options.request_id !== undefined) (clauses.push('request_id = ?'), params.push(options.request_id));
    const where = clauses.length > 0 ? ` WHERE ${clauses.join(' AND ')}` : '';
    const direction = options.order === 'desc' ? 'DESC' : 'ASC';
    const query = { sql: `SELECT * FROM audit${where} ORDER BY seq ${direction} LIMIT ?`, params: [...params, clampLimit(options.limit)] };
    return this.#reading(() => (this.#shaped(query).all(...query.params) as AuditRow[]).map(rowToAudit));
  }

  // ---- outbox --------------------------------------------------------------------------------

  async enqueueOutbox(items: OutboxInput[]): Promise<void> {
    await this.#write(() => this.#insertOutbox(items));
  }

  async claimOutbox(now: number, limit: number, leaseMs: number, kinds?: string[]): Promise<OutboxItem[]> {
    if (kinds !== undefined && kinds.length === 0) return [];
    return this.#write(({ st }) => {
      const rows = st.claimOutbox.all({ now, lease_end: now + leaseMs, limit: clampLimit(limit), kinds: kinds ? JSON.stringify(kinds) : null }) as OutboxRow[];
      return rows.map(rowToOutbox).sort(byDueOrder);
    });
  }

  async completeOutbox(id: string, at: number): Promise<void> {
    await this.#write(({ st }) => st.completeOutbox.run(at, id));
  }

  async releaseOutbox(id: string): Promise<void> {
    await this.#write(({ st }) => st.releaseOutbox.run(id));
  }

  async failOutbox(id: string, error: string, nextAttemptAt: number | null): Promise<void> {
    await this.#write(({ st }) => st.failOutbox.run({ id, error, next: nextAttemptAt }));
  }

  async getOutbox(id: string): Promise<OutboxItem | null> {
    return this.#reading(() => {
      const row = this.#st.getOutbox.get(id) as OutboxRow | undefined;
      return row ? rowToOutbox(row) : null;
    });
  }

  async listOutbox(options: { request_id?: string; state?: OutboxItem['state']; limit: number }): Promise<OutboxItem[]> {
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (options.request_id !== undefined) (clauses.push('request_id = ?'), params.push(options.request_id));
    if (options.state !== undefined) (clauses.push('state = ?'), params.push(options.state));
    const where = clauses.length > 0 ? ` WHERE ${clauses.join(' AND ')}` : '';
    const query = { sql: `SELECT * FROM outbox${where} ORDER BY created_at, id LIMIT ?`, params: [...params, clampLimit(options.limit)] };
    return this.#reading(() => (this.#shaped(query).all(...query.params) as OutboxRow[]).map(rowToOutbox));
  }

  async nextOutboxAttempt(): Promise<number | null> {
    return this.#reading(() => (this.#st.nextOutboxAttempt.get() as { t: number | null }).t);
  }

  // ---- channel messages ----------------------------------------------------------------------

  async addChannelMessage(ref: ChannelMessageRef): Promise<void> {
    await this.#write(({ st }) => st.addChannelMessage.run(ref));
  }

  async listChannelMessages(requestId: string): Promise<ChannelMessageRef[]> {
    return this.#reading(() => (this.#st.listChannelMessages.all(requestId) as ChannelMessageRef[]).map((row) => ({ ...row })));
  }

  // ---- grants --------------------------------------------------------------------------------

  async insertGrant(grant: Grant, effects: Effects): Promise<void> {
    await this.#write(({ st, cache }) => {
      cache.grantsChanged();
      st.insertGrant.run(grantToRow(grant));
      this.#writeEffects(effects);
    });
  }

  async listGrants(options: { agent?: string; project?: string; session_id?: string; include_revoked?: boolean; now?: number }): Promise<Grant[]> {
    const { now } = options;
    const live = (grants: Grant[]) => (options.include_revoked || now === undefined ? grants : grants.filter((g) => g.expires_at === null || g.expires_at > now));
    const scope = JSON.stringify([options.agent, options.project, options.session_id, Boolean(options.include_revoked)]);
    const cache = this.#ready.cache;
    const cached = cache.grants(scope);
    if (cached) return live(cached);
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (options.agent !== undefined) (clauses.push('(agent IS NULL OR agent = ?)'), params.push(options.agent));
    if (options.project !== undefined) (clauses.push('(project IS NULL OR project = ?)'), params.push(options.project));
    if (options.session_id !== undefined) (clauses.push('(session_id IS NULL OR session_id = ?)'), params.push(options.session_id));
    if (!options.include_revoked) clauses.push('revoked_at IS NULL', '(max_uses IS NULL OR uses < max_uses)');
    const where = clauses.length > 0 ? ` WHERE ${clauses.join(' AND ')}` : '';
    const query = { sql: `SELECT * FROM grants${where} ORDER BY created_at, id`, params };
    const generation = cache.generation;
    const grants = await this.#durable((this.#shaped(query).all(...query.params) as Grant[]).map(rowToGrant));
    cache.rememberGrants(scope, grants, generation);
    return live(grants);
  }

  async getGrant(id: string): Promise<Grant | null> {
    return this.#reading(() => {
      const row = this.#st.getGrant.get(id) as Grant | undefined;
      return row ? rowToGrant(row) : null;
    });
  }

  async revokeGrant(id: string, at: number, effects: Effects): Promise<Grant | null> {
    return this.#write(({ st, cache }) => {
      cache.grantsChanged();
      if (st.revokeGrant.run(at, id).changes === 1) this.#writeEffects(effects);
      const row = st.getGrant.get(id) as Grant | undefined;
      return row ? rowToGrant(row) : null;
    });
  }

  async revokeSessionGrants(agent: string, sessionId: string, at: number, effects: Effects): Promise<number> {
    return this.#write(({ st, cache }) => {
      cache.grantsChanged();
      const revoked = st.revokeSessionGrants.run(at, agent, sessionId).changes;
      if (revoked > 0) this.#writeEffects(effects);
      return revoked;
    });
  }

  async useGrant(id: string, at: number): Promise<boolean> {
    return this.#write(({ st, cache }) => {
      cache.grantsChanged();
      return st.useGrant.run({ id, at }).changes === 1;
    });
  }

  // ---- agent sessions (sqlite-sessions.ts) ---------------------------------------------------

  async saveAgentSession(session: AgentSession): Promise<void> {
    await this.#write(({ sessions }) => saveSession(sessions, session));
  }

  async getAgentSession(id: string): Promise<AgentSession | null> {
    return this.#reading(() => getSession(this.#ready.sessions, id));
  }

  async findAgentSession(agent: string, externalId: string): Promise<AgentSession | null> {
    return this.#reading(() => findSession(this.#ready.sessions, agent, externalId));
  }

  async listAgentSessions(options: { active?: boolean; status?: AgentSessionStatus[]; kind?: AgentSession['kind']; limit: number }): Promise<AgentSession[]> {
    return this.#reading(() => listSessions(this.#ready.db, options));
  }

  async appendSessionEvents(sessionId: string, events: SessionEventInput[], keepLast: number): Promise<SessionEvent[]> {
    return this.#write(({ sessions }) => appendEvents(sessions, sessionId, events, keepLast));
  }

  async listSessionEvents(sessionId: string, options: { after_seq?: number; limit: number }): Promise<SessionEvent[]> {
    return this.#reading(() => listEvents(this.#ready.sessions, sessionId, options.after_seq ?? 0, options.limit));
  }

  async pruneAgentSessions(before: number): Promise<number> {
    return this.#write(({ sessions }) => pruneSessions(sessions, before));
  }

  // ---- step-up factors (sqlite-factors.ts) ---------------------------------------------------

  async getTotp(approver: string): Promise<TotpFactor | null> {
    return this.#reading(() => getTotp(this.#ready.factors, approver));
  }

  async putTotp(factor: TotpFactor): Promise<void> {
    await this.#write(({ factors }) => putTotp(factors, factor));
  }

  async confirmTotp(approver: string, step: number, at: number): Promise<boolean> {
    return this.#write(({ factors }) => confirmTotp(factors, approver, step, at));
  }

  async spendTotpStep(approver: string, step: number): Promise<boolean> {
    return this.#write(({ factors }) => spendTotpStep(factors, approver, step));
  }

  async failTotp(approver: string, at: number, windowMs: number): Promise<number> {
    return this.#write(({ factors }) => failTotp(factors, approver, at, windowMs));
  }

  async deleteTotp(approver: string): Promise<boolean> {
    return this.#write(({ factors }) => deleteTotp(factors, approver));
  }

  async addPasskey(passkey: PasskeyRecord): Promise<void> {
    await this.#write(({ factors }) => factorRows.addPasskey(factors, passkey));
  }

  async getPasskey(id: string): Promise<PasskeyRecord | null> {
    return this.#reading(() => factorRows.getPasskey(this.#ready.factors, id));
  }

  async listPasskeys(approver: string): Promise<PasskeyRecord[]> {
    return this.#reading(() => factorRows.listPasskeys(this.#ready.factors, approver));
  }

  async usePasskey(id: string, counter: number, at: number): Promise<boolean> {
    return this.#write(({ factors }) => factorRows.usePasskey(factors, id, counter, at));
  }

  async deletePasskey(id: string, approver: string): Promise<boolean> {
    return this.#write(({ factors }) => factorRows.deletePasskey(factors, id, approver));
  }

  // ---- meta ----------------------------------------------------------------------------------

  async getMeta(key: string, now?: number): Promise<string | null> {
    return this.#reading(() => this.#getMeta(key, now));
  }

  async setMeta(key: string, value: string, options: MetaOptions = {}): Promise<void> {
    await this.#write(({ st }) => st.setMeta.run({ key, value, expires_at: options.expires_at ?? null }));
  }

  async swapMeta(key: string, expected: string | null, value: string | null, options: MetaOptions & { now?: number } = {}): Promise<boolean> {
    return this.#write(({ st }) => {
      if (this.#getMeta(key, options.now) !== expected) return false;
      if (value === null) st.deleteMeta.run(key);
      else st.setMeta.run({ key, value, expires_at: options.expires_at ?? null });
      return true;
    });
  }

  async deleteMeta(key: string): Promise<boolean> {
    return this.#write(({ st }) => st.deleteMeta.run(key).changes === 1);
  }

  async purgeExpiredMeta(now: number, limit: number): Promise<number> {
    return this.#write(({ st }) => st.purgeExpiredMeta.run(now, clampLimit(limit)).changes);
  }

  // ---- export and import ---------------------------------------------------------------------

  async exportRows<K extends RowKind>(kind: K, after: string | null, limit: number): Promise<RowPage<K>> {
    return this.#reading(() => this.#read(() => exportRows(this.#ready.db, kind, after, limit)));
  }

  async importRows<K extends RowKind>(kind: K, rows: readonly StoreRows[K][]): Promise<void> {
    await this.#write(({ db, cache }) => {
      // Rows come with their own audit chain and meta: the batch's head is written first, then read again.
      this.#saveAuditHead();
      this.#batchHead = undefined;
      cache.keysChanged();
      cache.grantsChanged();
      importRows(db, kind, rows);
    });
  }

  // ---- internals -----------------------------------------------------------------------------

  get #ready(): Open {
    if (!this.#open) throw new Error(`SqliteStore(${this.#path}) is not open: call migrate() first (and not after close()).`);
    return this.#open;
  }

  get #st(): Statements {
    return this.#ready.st;
  }

  /** Runs `fn` in the next group commit; resolves once it is on disk. */
  #write<T>(fn: (open: Open) => T): Promise<T> {
    const open = this.#ready;
    return open.commits.write(() => {
      const head = this.#batchHead;
      try {
        return fn(open);
      } catch (err) {
        this.#batchHead = head; // its savepoint is rolled back: so is what it did to the head
        throw err;
      }
    });
  }

  /** A value read now, handed on once every write it may have seen is on disk. */
  #durable<T>(value: T): T | Promise<T> {
    return this.#ready.commits.durable(value);
  }

  /** Runs a read now; its result is handed on once every write it may have seen is on disk. */
  #reading<T>(read: () => T): T | Promise<T> {
    return this.#ready.commits.durable(read());
  }

  #read<T>(fn: () => T): T {
    const open = this.#ready;
    return open.db.transaction(fn).deferred();
  }

  #shaped(query: SqlQuery): Database.Statement {
    const open = this.#ready;
    let statement = open.shaped.get(query.sql);
    if (!statement) {
      statement = open.db.prepare(query.sql);
      open.shaped.set(query.sql, statement);
    }
    return statement;
  }

  #getRequest(id: string): ApprovalRequest | null {
    const row = this.#st.getRequest.get(id) as ReadRequestRow | undefined;
    return row ? rowToRequest(row) : null;
  }

  #getMeta(key: string, now?: number): string | null {
    const row = this.#st.getMeta.get(key) as { value: string; expires_at: number | null } | undefined;
    if (!row || (now !== undefined && row.expires_at !== null && row.expires_at <= now)) return null;
    return row.value;
  }

  /** The needle to look for (null: no text filter), with the search index brought up to date. */
  #prepareSearch(text: string | undefined): string | null {
    if (!text) return null;
    const needle = searchNeedle(text);
    if (canUseTextIndex(needle)) this.#ready.search.catchUp();
    return needle;
  }

  /** Call inside the read transaction of the query that uses the plan. */
  #pickTextPlan(needle: string): TextPlan {
    if (!canUseTextIndex(needle)) return { via: 'scan' };
    const pks = this.#st.textHits.pluck().all(ftsPhrase(needle), RARE_MATCHES + 1) as number[];
    return pks.length <= RARE_MATCHES ? { via: 'hits', pks } : { via: 'scan' };
  }

  /** Call inside a write transaction. */
  #writeEffects(effects: Effects): void {
    this.#appendAudit(effects.audit);
    this.#insertOutbox(effects.outbox);
    if (effects.grants?.length) this.#ready.cache.grantsChanged();
    for (const grant of effects.grants ?? []) this.#st.insertGrant.run(grantToRow(grant));
  }

  #appendAudit(inputs: readonly AuditInput[]): void {
    if (inputs.length === 0) return;
    const st = this.#st;
    // The recorded head wins over the last row: if rows were cut from the end, new rows keep
    // pointing at the real head, and verification still reports the gap.
    const head = this.#batchHead ? this.#batchHead.head : (headForAppend(this.#getMeta(AUDIT_HEAD_META_KEY)) ?? ((st.lastAudit.get() as { seq: number; hash: string } | undefined) ?? null));
    const linked = linkAudit(head, inputs);
    for (const entry of linked.entries) st.insertAudit.run(auditToRow(entry));
    this.#batchHead = { head: linked.head ?? head, changed: Boolean(linked.head) || Boolean(this.#batchHead?.changed) };
  }

  /** Before the batch commits: the head it moved to, recorded in meta. */
  #saveAuditHead(): void {
    const batch = this.#batchHead;
    if (batch?.changed && batch.head) this.#st.setMeta.run({ key: AUDIT_HEAD_META_KEY, value: formatAuditHead(batch.head), expires_at: null });
  }

  #insertOutbox(items: readonly OutboxInput[]): void {
    for (const item of items) this.#st.insertOutbox.run(outboxInputToRow(item));
  }
}

function byDueOrder(a: OutboxItem, b: OutboxItem): number {
  return a.next_attempt_at - b.next_attempt_at || a.created_at - b.created_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
