// Token buckets in Postgres, so a rate limit holds across instances: one statement per take,
// atomic under the row lock of the bucket (the same arithmetic as cluster/token-buckets.ts).
import type pg from 'pg';
import { waitMs, type BucketRate, type TokenBuckets } from '../../cluster/token-buckets.js';
import { toPgText } from './pg-rows.js';

// $1 key, $2 now, $3 burst, $4 tokens per ms, $5 cost. A new bucket starts full. In DO UPDATE,
// b is the current row, locked: concurrent takes of one bucket run one after another.
const LEVEL = 'least($3::float8, b.tokens + greatest(0, $2::bigint - b.at) * $4::float8)';
const TAKE = `
INSERT INTO rate_buckets AS b (key, tokens, at, ok) VALUES ($1, $3::float8 - $5::float8, $2, true)
ON CONFLICT (key) DO UPDATE SET
  tokens = CASE WHEN ${LEVEL} >= 1 THEN ${LEVEL} - $5::float8 ELSE ${LEVEL} END,
  at = greatest(b.at, $2::bigint),
  ok = ${LEVEL} >= 1
RETURNING ok, tokens`;

export function createPgTokenBuckets(pool: pg.Pool): TokenBuckets {
  return {
    async take(key, cost, rate: BucketRate, now) {
      const r = await pool.query<{ ok: boolean; tokens: number }>(TAKE, [toPgText(key), now, rate.burst, rate.perMinute / 60_000, cost]);
      const { ok, tokens } = r.rows[0];
      return ok ? 0 : waitMs(tokens, rate);
    },
  };
}
