// Token buckets, the one rate-limit mechanism: a bucket per key holds up to `burst` tokens and
// refills `perMinute` tokens a minute. `take` spends `cost` (0: only look) if at least one token
// is there. In memory for one instance; the Postgres cluster keeps them in a table instead.

export interface TokenBuckets {
  /** Takes `cost` tokens if the bucket holds at least one; returns 0 when it did, else the ms until it could. */
  take(key: string, cost: number, rate: BucketRate, now: number): Promise<number>;
}

export interface BucketRate {
  perMinute: number;
  burst: number;
}

/** The refilled level, and what taking would leave and wait for. Shared by every implementation. */
export function refill(tokens: number, elapsedMs: number, rate: BucketRate): number {
  return Math.min(rate.burst, tokens + Math.max(0, elapsedMs) * (rate.perMinute / 60_000));
}

export function waitMs(tokens: number, rate: BucketRate): number {
  return Math.max(1, Math.ceil((1 - tokens) / (rate.perMinute / 60_000)));
}

export function createTokenBuckets(maxKeys = 100_000): TokenBuckets {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    async take(key, cost, rate, now) {
      const b = buckets.get(key);
      const tokens = b ? refill(b.tokens, now - b.at, rate) : rate.burst;
      const ok = tokens >= 1;
      buckets.set(key, { tokens: ok ? tokens - cost : tokens, at: now });
      if (buckets.size > maxKeys) buckets.clear();
      return ok ? 0 : waitMs(tokens, rate);
    },
  };
}
