// Meta reads and writes for the Postgres store. The compare-and-set is one statement per case,
// so each is atomic across instances without locking a row that may not exist yet.
import type pg from 'pg';
import type { MetaOptions } from '../store.js';
import { fromPgText, toPgText } from './pg-rows.js';

type Q = pg.Pool | pg.PoolClient;

/** Live at $2 (null: expiry not checked). */
const LIVE = '(meta.expires_at IS NULL OR $2::bigint IS NULL OR meta.expires_at > $2::bigint)';

export async function getMeta(q: Q, key: string, now?: number): Promise<string | null> {
  const row = (await q.query<{ value: string; expires_at: number | null }>('SELECT value, expires_at FROM meta WHERE key = $1', [toPgText(key)])).rows[0];
  if (!row || (now !== undefined && row.expires_at !== null && row.expires_at <= now)) return null;
  return fromPgText(row.value);
}

export async function setMeta(q: Q, key: string, value: string, options: MetaOptions = {}): Promise<void> {
  await q.query('INSERT INTO meta (key, value, expires_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at', [
    toPgText(key),
    toPgText(value),
    options.expires_at ?? null,
  ]);
}

export async function swapMeta(q: Q, key: string, expected: string | null, value: string | null, options: MetaOptions & { now?: number } = {}): Promise<boolean> {
  const k = toPgText(key);
  const now = options.now ?? null;
  const expires = options.expires_at ?? null;
  if (expected === null && value !== null) {
    // Inserts, or takes over an entry that expired.
    const r = await q.query(
      `INSERT INTO meta (key, value, expires_at) VALUES ($1, $3, $4) ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at WHERE NOT ${LIVE}`,
      [k, now, toPgText(value), expires],
    );
    return r.rowCount === 1;
  }
  if (expected === null) {
    await q.query(`DELETE FROM meta WHERE key = $1 AND NOT ${LIVE}`, [k, now]);
    return (await getMeta(q, key, options.now)) === null;
  }
  if (value === null) return (await q.query(`DELETE FROM meta WHERE key = $1 AND value = $3 AND ${LIVE}`, [k, now, toPgText(expected)])).rowCount === 1;
  const r = await q.query(`UPDATE meta SET value = $4, expires_at = $5 WHERE key = $1 AND value = $3 AND ${LIVE}`, [k, now, toPgText(expected), toPgText(value), expires]);
  return r.rowCount === 1;
}
