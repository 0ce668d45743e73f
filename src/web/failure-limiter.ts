// Counts failed sign-ins per key (a name, a client address) in a fixed window; past the limit the
// next attempt is refused with 429 until the window ends. In memory: a restart forgets.
import { GreenlightError } from '../core/errors.js';

export function createFailureLimiter(max: number, windowMs: number) {
  const seen = new Map<string, { count: number; until: number }>();
  return {
    check(keys: string[], now: number): void {
      for (const key of keys) {
        const e = seen.get(key);
        if (e && e.until > now && e.count >= max) {
          const retry = Math.ceil((e.until - now) / 1000);
          throw new GreenlightError('RATE_LIMITED', `Too many failed sign-ins; try again in ${retry} s.`, { details: { retry_after_sec: retry } });
        }
      }
    },
    fail(key: string, now: number): void {
      const e = seen.get(key);
      if (!e || e.until <= now) seen.set(key, { count: 1, until: now + windowMs });
      else e.count++;
      if (seen.size > 50_000) for (const [k, v] of seen) if (v.until <= now) seen.delete(k);
    },
  };
}
