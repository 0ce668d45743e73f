// Every fixed SQL statement of the SQLite store, prepared once per connection.

import type Database from 'better-sqlite3';
import { TEXT_HITS_SQL } from './sqlite-request-query.js';
import { INSERT_REQUEST_SQL, INSERT_TAG_SQL, REQUEST_SELECT } from './sqlite-rows.js';

export const STATEMENTS = {
  getRequest: `SELECT ${REQUEST_SELECT} FROM requests r WHERE r.id = ?`,
  findIdempotent: `SELECT ${REQUEST_SELECT} FROM requests r WHERE r.agent = ? AND r.idempotency_key = ?`,
  insertRequest: INSERT_REQUEST_SQL,
  insertTag: INSERT_TAG_SQL,
  releaseIdempotencyKey: 'UPDATE requests SET idempotency_key = NULL WHERE id = ? AND idempotency_key = ?',
  settle: `UPDATE requests SET status = ?, decision = ?, receipt = ?, updated_at = ? WHERE id = ? AND status = 'pending'`,
  advanceWorkflow: `UPDATE requests SET workflow = @workflow, workflow_rev = @workflow_rev, wake_at = @wake_at, updated_at = @at, status = coalesce(@status, status), decision = coalesce(@decision, decision), receipt = coalesce(@receipt, receipt) WHERE id = @id AND status = 'pending' AND workflow_rev = @expected`,
  listWorkflowDue: `SELECT ${REQUEST_SELECT} FROM requests r WHERE r.status = 'pending' AND r.wake_at IS NOT NULL AND r.wake_at <= ? ORDER BY r.wake_at, r.id LIMIT ?`,
  nextWorkflowWake: `SELECT min(wake_at) AS t FROM requests WHERE status = 'pending' AND wake_at IS NOT NULL`,
  listExpired: `SELECT ${REQUEST_SELECT} FROM requests r WHERE r.status = 'pending' AND r.expires_at <= ? ORDER BY r.expires_at, r.id LIMIT ?`,
  nextExpiry: `SELECT min(expires_at) AS t FROM requests WHERE status = 'pending'`,
  textHits: TEXT_HITS_SQL,

  insertKey: 'INSERT INTO keys (id, role, name, hash, projects, created_at, revoked_at) VALUES (@id, @role, @name, @hash, @projects, @created_at, @revoked_at)',
  getKey: 'SELECT * FROM keys WHERE id = ?',
  findKeyByHash: 'SELECT * FROM keys WHERE hash = ?',
  listKeys: 'SELECT * FROM keys ORDER BY created_at, id',
  revokeKey: 'UPDATE keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',

  lastAudit: 'SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1',
  insertAudit:
    'INSERT INTO audit (seq, at, actor_kind, actor_name, action, request_id, via, detail, prev_hash, hash) VALUES (@seq, @at, @actor_kind, @actor_name, @action, @request_id, @via, @detail, @prev_hash, @hash)',

  insertOutbox:
    'INSERT INTO outbox (id, kind, target, request_id, payload, created_at, next_attempt_at) VALUES (@id, @kind, @target, @request_id, @payload, @created_at, @next_attempt_at)',
  claimOutbox: `UPDATE outbox SET locked_until = @lease_end WHERE id IN (
      SELECT id FROM outbox
      WHERE state = 'pending' AND next_attempt_at <= @now AND (locked_until IS NULL OR locked_until <= @now)
        AND (@kinds IS NULL OR kind IN (SELECT value FROM json_each(@kinds)))
      ORDER BY next_attempt_at, created_at, id LIMIT @limit)
    RETURNING *`,
  completeOutbox: `UPDATE outbox SET state = 'delivered', delivered_at = ?, attempts = attempts + 1, locked_until = NULL WHERE id = ? AND state = 'pending'`,
  releaseOutbox: `UPDATE outbox SET locked_until = NULL WHERE id = ? AND state = 'pending'`,
  failOutbox: `UPDATE outbox SET attempts = attempts + 1, last_error = @error, locked_until = NULL,
      next_attempt_at = coalesce(@next, next_attempt_at), state = CASE WHEN @next IS NULL THEN 'dead' ELSE 'pending' END
    WHERE id = @id AND state = 'pending'`,
  getOutbox: 'SELECT * FROM outbox WHERE id = ?',
  nextOutboxAttempt: `SELECT min(max(next_attempt_at, coalesce(locked_until, next_attempt_at))) AS t FROM outbox WHERE state = 'pending'`,

  addChannelMessage:
    'INSERT OR IGNORE INTO channel_messages (request_id, channel, target, message_id, created_at) VALUES (@request_id, @channel, @target, @message_id, @created_at)',
  listChannelMessages: 'SELECT * FROM channel_messages WHERE request_id = ? ORDER BY created_at, channel, target, message_id',

  insertGrant: `INSERT INTO grants (id, rule, effect, scope, agent, project, session_id, created_by, created_at, expires_at, max_uses, uses, revoked_at, source_request_id, path_prefix, host)
    VALUES (@id, @rule, @effect, @scope, @agent, @project, @session_id, @created_by, @created_at, @expires_at, @max_uses, @uses, @revoked_at, @source_request_id, @path_prefix, @host)`,
  getGrant: 'SELECT * FROM grants WHERE id = ?',
  revokeGrant: 'UPDATE grants SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
  revokeSessionGrants: `UPDATE grants SET revoked_at = ? WHERE scope = 'session' AND agent = ? AND session_id = ? AND revoked_at IS NULL`,
  useGrant: `UPDATE grants SET uses = uses + 1
    WHERE id = @id AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > @at) AND (max_uses IS NULL OR uses < max_uses)`,

  getMeta: 'SELECT value, expires_at FROM meta WHERE key = ?',
  setMeta: 'INSERT INTO meta (key, value, expires_at) VALUES (@key, @value, @expires_at) ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at',
  deleteMeta: 'DELETE FROM meta WHERE key = ?',
  purgeExpiredMeta: 'DELETE FROM meta WHERE key IN (SELECT key FROM meta WHERE expires_at <= ? LIMIT ?)',
} as const;

export type Statements = { [K in keyof typeof STATEMENTS]: Database.Statement };

export function prepareAll(db: Database.Database): Statements {
  const prepared = {} as Record<string, Database.Statement>;
  for (const [name, sql] of Object.entries(STATEMENTS)) prepared[name] = db.prepare(sql);
  return prepared as Statements;
}
