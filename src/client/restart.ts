// A wait outlives a server restart. When the server answers SHUTTING_DOWN (503 with
// Retry-After), the client waits as asked and asks again; while the restarted server (or another
// instance) comes up, connection failures are retried too, for at most RESTART_BUDGET_MS.
import { GreenlightApiError, GreenlightNetworkError } from './errors.js';

export const RESTART_BUDGET_MS = 60_000;
const CONNECT_RETRY_MS = 1_000;
const MAX_RETRY_AFTER_MS = 30_000;

/** How long to pause before asking again, or null when `err` is not a restart to ride out. */
export function restartDelay(err: unknown, restartingSince: number | null, now = Date.now()): number | null {
  if (err instanceof GreenlightApiError && err.code === 'SHUTTING_DOWN') {
    const after = Number(err.details?.retry_after_sec);
    return Math.min(MAX_RETRY_AFTER_MS, Number.isFinite(after) && after > 0 ? after * 1000 : 2_000);
  }
  if (err instanceof GreenlightNetworkError && restartingSince !== null && now - restartingSince < RESTART_BUDGET_MS) return CONNECT_RETRY_MS;
  return null;
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
