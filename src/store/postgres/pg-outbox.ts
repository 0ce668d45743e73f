// The outbox in Postgres: items are claimed with FOR UPDATE SKIP LOCKED and a lease, so instances
// claiming at the same moment take different items instead of queueing on each other, and an item
// whose sender died is claimable again once its lease ends. An item given back unsent (its
// instance is shutting down) is announced, so another instance's worker sends it at once.
import type pg from 'pg';
import { clampLimit } from '../adapter-kit.js';
import { rowToOutbox, type OutboxRow } from '../rows.js';
import type { OutboxItem } from '../store.js';
import { EVENTS_CHANNEL, type Notice } from './pg-notice.js';
import { decodeRow, toPgText } from './pg-rows.js';

type Q = pg.Pool | pg.PoolClient;
const read = (r: unknown) => rowToOutbox(decodeRow<OutboxRow>(r as Record<string, unknown>));

export async function claim(q: Q, now: number, limit: number, leaseMs: number, kinds?: string[]): Promise<OutboxItem[]> {
  if (kinds !== undefined && kinds.length === 0) return [];
  const n = clampLimit(limit);
  if (n === 0) return [];
  const rows = await q.query(
    `UPDATE outbox SET locked_until = $1 WHERE id IN (
       SELECT id FROM outbox
       WHERE state = 'pending' AND next_attempt_at <= $2 AND (locked_until IS NULL OR locked_until <= $2)
         AND ($3::text[] IS NULL OR kind = ANY($3::text[]))
       ORDER BY next_attempt_at, created_at, id LIMIT $4
       FOR UPDATE SKIP LOCKED)
     RETURNING *`,
    [now + leaseMs, now, kinds ?? null, n],
  );
  return rows.rows.map(read).sort(byDueOrder);
}

export async function complete(q: Q, id: string, at: number): Promise<void> {
  await q.query("UPDATE outbox SET state = 'delivered', delivered_at = $1, attempts = attempts + 1, locked_until = NULL WHERE id = $2 AND state = 'pending'", [at, id]);
}

/** Ends the lease of a pending item without an attempt; the NOTIFY (sent on commit, only when a row was released) wakes other instances' workers. */
export async function release(q: Q, id: string, instanceId: string): Promise<void> {
  const notice: Notice = { s: instanceId, e: 'outbox' };
  await q.query(
    `WITH released AS (UPDATE outbox SET locked_until = NULL WHERE id = $1 AND state = 'pending' RETURNING id)
     SELECT pg_notify($2, $3) FROM released`,
    [id, EVENTS_CHANNEL, JSON.stringify(notice)],
  );
}

export async function fail(q: Q, id: string, error: string, nextAttemptAt: number | null): Promise<void> {
  await q.query(
    `UPDATE outbox SET attempts = attempts + 1, last_error = $2, locked_until = NULL,
       next_attempt_at = coalesce($3, next_attempt_at), state = CASE WHEN $3::bigint IS NULL THEN 'dead' ELSE 'pending' END
     WHERE id = $1 AND state = 'pending'`,
    [id, toPgText(error), nextAttemptAt],
  );
}

export async function get(q: Q, id: string): Promise<OutboxItem | null> {
  const row = (await q.query('SELECT * FROM outbox WHERE id = $1', [id])).rows[0];
  return row ? read(row) : null;
}

export async function list(q: Q, options: { request_id?: string; state?: OutboxItem['state']; limit: number }): Promise<OutboxItem[]> {
  const rows = await q.query(
    'SELECT * FROM outbox WHERE ($1::text IS NULL OR request_id = $1) AND ($2::text IS NULL OR state = $2) ORDER BY created_at, id LIMIT $3',
    [options.request_id === undefined ? null : toPgText(options.request_id), options.state ?? null, clampLimit(options.limit)],
  );
  return rows.rows.map(read);
}

/** When the next pending item becomes claimable (its due time, or its lease's end). */
export async function nextAttempt(q: Q): Promise<number | null> {
  return (await q.query<{ t: number | null }>("SELECT min(greatest(next_attempt_at, coalesce(locked_until, next_attempt_at))) AS t FROM outbox WHERE state = 'pending'")).rows[0].t;
}

function byDueOrder(a: OutboxItem, b: OutboxItem): number {
  return a.next_attempt_at - b.next_attempt_at || a.created_at - b.created_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
