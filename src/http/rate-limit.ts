// A token bucket per key: `perMinute` tokens refill per minute, up to `burst` at once.
import { GreenlightError } from '../core/errors.js';

export function createRateLimiter(perMinute: number, burst: number, now: () => number = () => Date.now()) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const ratePerMs = perMinute / 60_000;
  return {
    check(key: string): void {
      if (perMinute <= 0) return;
      const t = now();
      const b = buckets.get(key) ?? { tokens: burst, at: t };
      b.tokens = Math.min(burst, b.tokens + (t - b.at) * ratePerMs);
      b.at = t;
      if (b.tokens < 1) {
        buckets.set(key, b);
        const retry = Math.ceil((1 - b.tokens) / ratePerMs / 1000);
        throw new GreenlightError('RATE_LIMITED', `Too many requests for this key: the limit is ${perMinute} per minute. Retry in ${retry} s.`, { details: { retry_after_sec: retry } });
      }
      b.tokens -= 1;
      buckets.set(key, b);
      if (buckets.size > 100_000) buckets.clear();
    },
  };
}
