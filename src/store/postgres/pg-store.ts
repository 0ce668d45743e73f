// The store for several instances: PostgreSQL through a `pg` connection pool. Each method is one
// transaction. The decision compare-and-set is one UPDATE ... WHERE status = 'pending' (row locks
// make exactly one concurrent caller win); outbox items are claimed with FOR UPDATE SKIP LOCKED;
// audited writes take a transaction-scoped advisory lock so the hash chain has one order.
// Every commit that changes a request or writes outbox items also sends a NOTIFY (inside the
// transaction, so it is sent only if the change commits) that other instances' event buses turn
// into local events (pg-events.ts). The notification carries ids; listeners read the row.

import type pg from 'pg';
import type { HistoryRow, HistoryScan } from '../history.js';
import { scanHistory } from './pg-history.js';
import type { ApprovalRequest, Decision, RequestEventType, Status } from '../../core/types.js';
import type { Workflow } from '../../core/workflow.js';

export { EVENTS_CHANNEL, eventTypeOf, type Notice } from './pg-notice.js';
import {
  AUDIT_HEAD_META_KEY,
  assertCursorOrder,
  assertSettleStatus,
  clampLimit,
  decodeCursor,
  encodeCursor,
  formatAuditHead,
  headForAppend,
  linkAudit,
  searchNeedle,
} from '../adapter-kit.js';
import { decisionToColumn, requestToRow, rowToAudit, rowToGrant, rowToKey, rowToRequest, workflowColumns, type KeyRow } from '../rows.js';
import type {
  AgentSession,
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
  RowKind,
  RowPage,
  SessionEvent,
  SessionEventInput,
  SettleResult,
  Store,
  StoreRows,
  PasskeyRecord,
  TotpFactor,
} from '../store.js';
import { ADVISORY_NAMESPACE, LOCK } from './pg-locks.js';
import type { Migrated, MigrationStatus } from '../migration-status.js';
import { applyMigrations, migrationStatus } from './pg-migrations.js';
import { REQUEST_SELECT, countQuery, grantsQuery, pageQuery, type CountFilter, type GrantFilter } from './pg-request-query.js';
import { getMeta, setMeta, swapMeta } from './pg-meta.js';
import { EVENTS_CHANNEL, createPool, eventTypeOf, type Notice } from './pg-notice.js';
import * as outbox from './pg-outbox.js';
import * as sessions from './pg-sessions.js';
import * as factors from './pg-factors.js';
import type { SessionListOptions } from '../session-rows.js';
import { INSERT_REQUEST, decodeRow, encodeRow, fromPgText, requestParams, toPgText } from './pg-rows.js';
import { exportRows, importRows, insertAudit, insertGrant, insertKey, insertOutbox, insertRequestTags } from './pg-transfer.js';

export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database?sslmode=... */
  url: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** Names this instance in notifications, so its own can be told apart (default: random). */
  instanceId?: string;
}

type Tx = pg.PoolClient;
type Row = Record<string, unknown>;

export class PostgresStore implements Store, Migrated {
  readonly instanceId: string;
  readonly #options: PostgresStoreOptions;
  #pool: pg.Pool | null = null;

  /** Does no I/O: `migrate()` connects. */
  constructor(options: PostgresStoreOptions) {
    this.#options = options;
    this.instanceId = options.instanceId ?? Math.random().toString(36).slice(2, 10);
  }

  get url(): string {
    return this.#options.url;
  }

  /** The pool, for the cluster parts that share it (events, leader, limits). */
  get pool(): pg.Pool {
    if (!this.#pool) throw new Error('PostgresStore is not open: call migrate() first (and not after close()).');
    return this.#pool;
  }

  async migrate(): Promise<void> {
    const pool = this.#pool ?? createPool(this.#options.url, this.#options.poolSize ?? 10);
    try {
      const client = await pool.connect();
      try {
        await applyMigrations(client);
      } finally {
        client.release();
      }
    } catch (err) {
      if (!this.#pool) await pool.end().catch(() => {});
      throw err;
    }
    this.#pool = pool;
  }

  /** Applied and pending migrations, without applying any. */
  async migrationStatus(): Promise<MigrationStatus> {
    const pool = this.#pool ?? createPool(this.#options.url, 1);
    try {
      const client = await pool.connect();
      try {
        return await migrationStatus(client);
      } finally {
        client.release();
      }
    } finally {
      if (!this.#pool) await pool.end();
    }
  }

  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = null;
    await pool?.end();
  }

  // ---- requests ------------------------------------------------------------------------------

  async createRequest(request: ApprovalRequest, effects: Effects): Promise<CreateResult> {
    return this.#tx(async (tx) => {
      if (request.idempotency_key != null) {
        const existing = await this.#findIdempotent(tx, request);
        if (existing) return { created: false, request: existing };
      }
      const inserted = await tx.query(`${INSERT_REQUEST} ON CONFLICT (agent, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING id`, requestParams(request));
      if (inserted.rowCount === 0) {
        // Another instance committed the same idempotency key between our look and our insert:
        // nothing was written; hand back theirs.
        return { created: false, request: (await this.#findIdempotent(tx, request))! };
      }
      await insertRequestTags(tx, request);
      await this.#writeEffects(tx, effects, { id: request.id, types: request.status === 'pending' ? ['request.created'] : ['request.created', eventTypeOf(request.status)], at: request.created_at });
      // The row as written reads back the same as a SELECT would, without one.
      return { created: true, request: rowToRequest(requestToRow(request)) };
    });
  }

  async getRequest(id: string): Promise<ApprovalRequest | null> {
    return this.#getRequest(this.pool, id);
  }

  async releaseIdempotencyKey(id: string, key: string): Promise<boolean> {
    return (await this.pool.query('UPDATE requests SET idempotency_key = NULL WHERE id = $1 AND idempotency_key = $2', [id, key])).rowCount === 1;
  }

  async scanHistory(scan: HistoryScan): Promise<HistoryRow[]> {
    return scanHistory(this.pool, scan);
  }

  async listRequests(filter: RequestFilter): Promise<RequestPage> {
    assertCursorOrder(filter.order, filter.cursor);
    const after = filter.cursor !== undefined ? decodeCursor(filter.cursor) : null;
    const limit = clampLimit(filter.limit);
    if (limit === 0) return { items: [], next_cursor: null };
    const needle = filter.text ? searchNeedle(filter.text) : null;
    const query = pageQuery({ filter, needle, order: filter.order, after, limit: limit + 1, offset: clampLimit(filter.offset ?? 0) });
    const rows = (await this.pool.query(query)).rows as Row[];
    const items = rows.slice(0, limit).map((r) => rowToRequest(decodeRow(r)));
    const last = items[items.length - 1];
    return { items, next_cursor: filter.order === 'newest' && rows.length > limit && last ? encodeCursor(last) : null };
  }

  async countRequests(filter: CountFilter): Promise<number> {
    const needle = filter.text ? searchNeedle(filter.text) : null;
    return (await this.pool.query<{ n: number }>(countQuery(filter, needle))).rows[0].n;
  }

  async settleRequest(id: string, status: Status, decision: Decision | null, at: number, effects: Effects): Promise<SettleResult> {
    assertSettleStatus(status);
    return this.#tx(async (tx) => {
      // The compare-and-set: one statement. A concurrent caller blocks on the row lock, then finds
      // the status no longer pending and changes nothing.
      const won = await tx.query(`UPDATE requests r SET status = $1, decision = $2, updated_at = $3, receipt = $5 WHERE r.id = $4 AND r.status = 'pending' RETURNING ${REQUEST_SELECT}`, [
        status,
        decisionToColumn(decision),
        at,
        id,
        effects.receipt ? JSON.stringify(effects.receipt) : null,
      ]);
      if (won.rowCount !== 1) return { ok: false, current: await this.#getRequest(tx, id) };
      await this.#writeEffects(tx, effects, { id, types: [eventTypeOf(status)], at });
      return { ok: true, request: rowToRequest(decodeRow(won.rows[0] as Row)) };
    });
  }

  async advanceWorkflow(id: string, expectedRev: number, workflow: Workflow, at: number, effects: Effects, settle?: { status: Status; decision: Decision }): Promise<SettleResult> {
    if (settle) assertSettleStatus(settle.status);
    return this.#tx(async (tx) => {
      // One statement, as settleRequest: a concurrent vote blocks on the row lock, then finds the
      // revision moved on (or the request settled) and changes nothing.
      const w = workflowColumns(workflow);
      const won = await tx.query(
        `UPDATE requests r SET workflow = $1, workflow_rev = $2, wake_at = $3, updated_at = $4, status = coalesce($5, r.status), decision = coalesce($6, r.decision),
         receipt = coalesce($9, r.receipt)
         WHERE r.id = $7 AND r.status = 'pending' AND r.workflow_rev = $8 RETURNING ${REQUEST_SELECT}`,
        [w.workflow, w.workflow_rev, w.wake_at, at, settle?.status ?? null, settle ? decisionToColumn(settle.decision) : null, id, expectedRev, settle && effects.receipt ? JSON.stringify(effects.receipt) : null],
      );
      if (won.rowCount !== 1) return { ok: false, current: await this.#getRequest(tx, id) };
      await this.#writeEffects(tx, effects, { id, types: [settle ? eventTypeOf(settle.status) : 'request.updated'], at });
      return { ok: true, request: rowToRequest(decodeRow(won.rows[0] as Row)) };
    });
  }

  async listWorkflowDue(now: number, limit: number): Promise<ApprovalRequest[]> {
    const rows = await this.pool.query(`SELECT ${REQUEST_SELECT} FROM requests r WHERE r.status = 'pending' AND r.wake_at IS NOT NULL AND r.wake_at <= $1 ORDER BY r.wake_at, r.id LIMIT $2`, [now, clampLimit(limit)]);
    return rows.rows.map((r) => rowToRequest(decodeRow(r as Row)));
  }

  async nextWorkflowWake(): Promise<number | null> {
    return (await this.pool.query<{ t: number | null }>("SELECT min(wake_at) AS t FROM requests WHERE status = 'pending' AND wake_at IS NOT NULL")).rows[0].t;
  }

  async listExpired(now: number, limit: number): Promise<ApprovalRequest[]> {
    const rows = await this.pool.query(`SELECT ${REQUEST_SELECT} FROM requests r WHERE r.status = 'pending' AND r.expires_at <= $1 ORDER BY r.expires_at, r.id LIMIT $2`, [now, clampLimit(limit)]);
    return rows.rows.map((r) => rowToRequest(decodeRow(r as Row)));
  }

  async nextExpiry(): Promise<number | null> {
    return (await this.pool.query<{ t: number | null }>("SELECT min(expires_at) AS t FROM requests WHERE status = 'pending'")).rows[0].t;
  }

  // ---- keys ----------------------------------------------------------------------------------

  async insertKey(key: KeyRecord, effects: Effects): Promise<void> {
    await this.#tx(async (tx) => {
      await insertKey(tx, key);
      await this.#writeEffects(tx, effects);
    });
  }

  async findKeyByHash(hash: string): Promise<KeyRecord | null> {
    const row = (await this.pool.query('SELECT * FROM keys WHERE hash = $1', [toPgText(hash)])).rows[0] as Row | undefined;
    return row ? rowToKey(decodeRow<KeyRow>(row)) : null;
  }

  async listKeys(): Promise<KeyRecord[]> {
    return (await this.pool.query('SELECT * FROM keys ORDER BY created_at, id')).rows.map((r) => rowToKey(decodeRow<KeyRow>(r as Row)));
  }

  async revokeKey(id: string, at: number, effects: Effects): Promise<KeyRecord | null> {
    return this.#tx(async (tx) => {
      if ((await tx.query('UPDATE keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [at, id])).rowCount === 1) await this.#writeEffects(tx, effects);
      const row = (await tx.query('SELECT * FROM keys WHERE id = $1', [id])).rows[0] as Row | undefined;
      return row ? rowToKey(decodeRow<KeyRow>(row)) : null;
    });
  }

  // ---- audit ---------------------------------------------------------------------------------

  async appendAudit(entries: AuditInput[]): Promise<void> {
    if (entries.length === 0) return;
    await this.#tx((tx) => this.#appendAudit(tx, entries));
  }

  async listAudit(options: { after_seq?: number; before_seq?: number; request_id?: string; limit: number; order?: 'asc' | 'desc' }): Promise<AuditEntry[]> {
    const clauses: string[] = [];
    const values: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      values.push(value);
      clauses.push(sql.replace('?', `$${values.length}`));
    };
    if (options.after_seq !== undefined) add('seq > ?', options.after_seq);
    if (options.before_seq !== undefined) add('seq < ?', options.before_seq);
    if (options.request_id !== undefined) add('request_id = ?', toPgText(options.request_id));
    values.push(clampLimit(options.limit));
    const where = clauses.length > 0 ? ` WHERE ${clauses.join(' AND ')}` : '';
    const rows = await this.pool.query(`SELECT * FROM audit${where} ORDER BY seq ${options.order === 'desc' ? 'DESC' : 'ASC'} LIMIT $${values.length}`, values);
    return rows.rows.map((r) => rowToAudit(decodeRow(r as Row)));
  }

  // ---- outbox --------------------------------------------------------------------------------

  async enqueueOutbox(items: OutboxInput[]): Promise<void> {
    if (items.length === 0) return;
    await this.#tx((tx) => this.#writeEffects(tx, { audit: [], outbox: items }));
  }

  async claimOutbox(now: number, limit: number, leaseMs: number, kinds?: string[]): Promise<OutboxItem[]> {
    return outbox.claim(this.pool, now, limit, leaseMs, kinds);
  }

  async completeOutbox(id: string, at: number): Promise<void> {
    await outbox.complete(this.pool, id, at);
  }

  async releaseOutbox(id: string): Promise<void> {
    await outbox.release(this.pool, id, this.instanceId);
  }

  async failOutbox(id: string, error: string, nextAttemptAt: number | null): Promise<void> {
    await outbox.fail(this.pool, id, error, nextAttemptAt);
  }

  async getOutbox(id: string): Promise<OutboxItem | null> {
    return outbox.get(this.pool, id);
  }

  async listOutbox(options: { request_id?: string; state?: OutboxItem['state']; limit: number }): Promise<OutboxItem[]> {
    return outbox.list(this.pool, options);
  }

  async nextOutboxAttempt(): Promise<number | null> {
    return outbox.nextAttempt(this.pool);
  }

  // ---- channel messages ----------------------------------------------------------------------

  async addChannelMessage(ref: ChannelMessageRef): Promise<void> {
    const r = encodeRow(ref);
    await this.pool.query('INSERT INTO channel_messages (request_id, channel, target, message_id, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING', [r.request_id, r.channel, r.target, r.message_id, r.created_at]);
  }

  async listChannelMessages(requestId: string): Promise<ChannelMessageRef[]> {
    const rows = await this.pool.query('SELECT * FROM channel_messages WHERE request_id = $1 ORDER BY created_at, channel, target, message_id', [toPgText(requestId)]);
    return rows.rows.map((r) => decodeRow<ChannelMessageRef>(r as Row));
  }

  // ---- grants --------------------------------------------------------------------------------

  async insertGrant(grant: Grant, effects: Effects): Promise<void> {
    await this.#tx(async (tx) => {
      await insertGrant(tx, grant);
      await this.#writeEffects(tx, effects);
    });
  }

  async listGrants(options: GrantFilter): Promise<Grant[]> {
    const q = grantsQuery(options);
    return (await this.pool.query(q.text, q.values)).rows.map((r) => rowToGrant(decodeRow<Grant>(r as Row)));
  }

  async getGrant(id: string): Promise<Grant | null> {
    return this.#getGrant(this.pool, id);
  }

  async revokeGrant(id: string, at: number, effects: Effects): Promise<Grant | null> {
    return this.#tx(async (tx) => {
      if ((await tx.query('UPDATE grants SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [at, id])).rowCount === 1) await this.#writeEffects(tx, effects);
      return this.#getGrant(tx, id);
    });
  }

  async revokeSessionGrants(agent: string, sessionId: string, at: number, effects: Effects): Promise<number> {
    return this.#tx(async (tx) => {
      const revoked =
        (await tx.query("UPDATE grants SET revoked_at = $1 WHERE scope = 'session' AND agent = $2 AND session_id = $3 AND revoked_at IS NULL", [at, toPgText(agent), toPgText(sessionId)])).rowCount ?? 0;
      if (revoked > 0) await this.#writeEffects(tx, effects);
      return revoked;
    });
  }

  async useGrant(id: string, at: number): Promise<boolean> {
    const used = await this.pool.query(
      'UPDATE grants SET uses = uses + 1 WHERE id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2) AND (max_uses IS NULL OR uses < max_uses)',
      [id, at],
    );
    return used.rowCount === 1;
  }

  // ---- agent sessions (pg-sessions.ts) -------------------------------------------------------

  async saveAgentSession(session: AgentSession): Promise<void> {
    await sessions.saveSession(this.pool, session);
  }

  async getAgentSession(id: string): Promise<AgentSession | null> {
    return sessions.getSession(this.pool, id);
  }

  async findAgentSession(agent: string, externalId: string): Promise<AgentSession | null> {
    return sessions.findSession(this.pool, agent, externalId);
  }

  async listAgentSessions(options: SessionListOptions): Promise<AgentSession[]> {
    return sessions.listSessions(this.pool, options);
  }

  async appendSessionEvents(sessionId: string, events: SessionEventInput[], keepLast: number): Promise<SessionEvent[]> {
    return this.#tx((tx) => sessions.appendEvents(tx, sessionId, events, keepLast));
  }

  async listSessionEvents(sessionId: string, options: { after_seq?: number; limit: number }): Promise<SessionEvent[]> {
    return sessions.listEvents(this.pool, sessionId, options.after_seq ?? 0, options.limit);
  }

  async pruneAgentSessions(before: number): Promise<number> {
    return sessions.pruneSessions(this.pool, before);
  }

  // ---- step-up factors (pg-factors.ts) -------------------------------------------------------

  async getTotp(approver: string): Promise<TotpFactor | null> {
    return factors.getTotp(this.pool, approver);
  }

  async putTotp(factor: TotpFactor): Promise<void> {
    await factors.putTotp(this.pool, factor);
  }

  async confirmTotp(approver: string, step: number, at: number): Promise<boolean> {
    return factors.confirmTotp(this.pool, approver, step, at);
  }

  async spendTotpStep(approver: string, step: number): Promise<boolean> {
    return factors.spendTotpStep(this.pool, approver, step);
  }

  async failTotp(approver: string, at: number, windowMs: number): Promise<number> {
    return factors.failTotp(this.pool, approver, at, windowMs);
  }

  async deleteTotp(approver: string): Promise<boolean> {
    return factors.deleteTotp(this.pool, approver);
  }

  async addPasskey(passkey: PasskeyRecord): Promise<void> {
    await factors.addPasskey(this.pool, passkey);
  }

  async getPasskey(id: string): Promise<PasskeyRecord | null> {
    return factors.getPasskey(this.pool, id);
  }

  async listPasskeys(approver: string): Promise<PasskeyRecord[]> {
    return factors.listPasskeys(this.pool, approver);
  }

  async usePasskey(id: string, counter: number, at: number): Promise<boolean> {
    return factors.usePasskey(this.pool, id, counter, at);
  }

  async deletePasskey(id: string, approver: string): Promise<boolean> {
    return factors.deletePasskey(this.pool, id, approver);
  }

  // ---- meta ----------------------------------------------------------------------------------

  async getMeta(key: string, now?: number): Promise<string | null> {
    return getMeta(this.pool, key, now);
  }

  async setMeta(key: string, value: string, options: MetaOptions = {}): Promise<void> {
    await setMeta(this.pool, key, value, options);
  }

  async swapMeta(key: string, expected: string | null, value: string | null, options: MetaOptions & { now?: number } = {}): Promise<boolean> {
    return swapMeta(this.pool, key, expected, value, options);
  }

  async deleteMeta(key: string): Promise<boolean> {
    return (await this.pool.query('DELETE FROM meta WHERE key = $1', [toPgText(key)])).rowCount === 1;
  }

  async purgeExpiredMeta(now: number, limit: number): Promise<number> {
    const r = await this.pool.query('DELETE FROM meta WHERE key IN (SELECT key FROM meta WHERE expires_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)', [now, clampLimit(limit)]);
    return r.rowCount ?? 0;
  }

  // ---- export and import ---------------------------------------------------------------------

  async exportRows<K extends RowKind>(kind: K, after: string | null, limit: number): Promise<RowPage<K>> {
    return exportRows(this.pool, kind, after, limit);
  }

  async importRows<K extends RowKind>(kind: K, rows: readonly StoreRows[K][]): Promise<void> {
    await this.#tx((tx) => importRows(tx, kind, rows));
  }

  // ---- internals -----------------------------------------------------------------------------

  /** Runs `fn` in a transaction; commits unless it threw or already rolled back. */
  async #tx<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const tx = await this.pool.connect();
    let broken = false;
    try {
      await tx.query('BEGIN');
      const result = await fn(tx);
      await tx.query('COMMIT');
      return result;
    } catch (err) {
      try {
        await tx.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw err;
    } finally {
      tx.release(broken);
    }
  }

  async #notify(tx: Tx, notice: Notice): Promise<void> {
    await tx.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, JSON.stringify(notice)]);
  }

  async #getRequest(q: pg.Pool | Tx, id: string): Promise<ApprovalRequest | null> {
    const row = (await q.query(`SELECT ${REQUEST_SELECT} FROM requests r WHERE r.id = $1`, [toPgText(id)])).rows[0] as Row | undefined;
    return row ? rowToRequest(decodeRow(row)) : null;
  }

  async #findIdempotent(tx: Tx, request: ApprovalRequest): Promise<ApprovalRequest | null> {
    const row = (await tx.query(`SELECT ${REQUEST_SELECT} FROM requests r WHERE r.agent = $1 AND r.idempotency_key = $2`, [toPgText(request.agent), toPgText(request.idempotency_key!)])).rows[0] as Row | undefined;
    return row ? rowToRequest(decodeRow(row)) : null;
  }

  async #getGrant(q: pg.Pool | Tx, id: string): Promise<Grant | null> {
    const row = (await q.query('SELECT * FROM grants WHERE id = $1', [toPgText(id)])).rows[0] as Row | undefined;
    return row ? rowToGrant(decodeRow<Grant>(row)) : null;
  }

  /**
   * Writes the effects, and announces the change with one NOTIFY: the request that changed (if
   * any), and whether outbox items were written (so other instances' workers re-arm).
   */
  async #writeEffects(tx: Tx, effects: Effects, changed: { id: string; types: RequestEventType[]; at: number } | null = null): Promise<void> {
    await this.#insertOutbox(tx, effects.outbox);
    for (const grant of effects.grants ?? []) await insertGrant(tx, grant);
    const outbox = effects.outbox.length > 0;
    if (changed || outbox) await this.#notify(tx, changed ? { s: this.instanceId, e: 'request', ...changed, ...(outbox ? { o: true } : {}) } : { s: this.instanceId, e: 'outbox' });
    // Last, so the chain's lock is held for as short a time as possible.
    await this.#appendAudit(tx, effects.audit);
  }

  async #appendAudit(tx: Tx, inputs: readonly AuditInput[]): Promise<void> {
    if (inputs.length === 0) return;
    await tx.query('SELECT pg_advisory_xact_lock($1, $2)', [ADVISORY_NAMESPACE, LOCK.audit]);
    // The recorded head wins over the last row, as in the other stores.
    const read = await tx.query<{ head: string | null; seq: number | null; hash: string | null }>(
      'SELECT (SELECT value FROM meta WHERE key = $1) AS head, last.seq, last.hash FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1) last ON true',
      [AUDIT_HEAD_META_KEY],
    );
    const { head: recorded, seq, hash } = read.rows[0];
    const head = headForAppend(recorded === null ? null : fromPgText(recorded)) ?? (seq === null ? null : { seq, hash: hash! });
    const linked = linkAudit(head, inputs);
    await insertAudit(tx, linked.entries);
    if (linked.head) {
      await tx.query('INSERT INTO meta (key, value, expires_at) VALUES ($1, $2, NULL) ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = NULL', [AUDIT_HEAD_META_KEY, formatAuditHead(linked.head)]);
    }
  }

  async #insertOutbox(tx: Tx, items: readonly OutboxInput[]): Promise<void> {
    if (items.length > 0) await insertOutbox(tx, items);
  }
}
