// What both inbound transports (HTTP: http-routes.ts; Socket Mode: socket.ts) share: the replay
// guard — an interaction is acted on once, however often it arrives, on any instance — and the
// work an acknowledged interaction still has to do, run after the acknowledgement (Slack waits
// 3 s at most) and awaited when the channel stops.
import { createHash } from 'node:crypto';
import type { Logger } from '../../log.js';
import type { Store } from '../../store/store.js';
import { MAX_SKEW_SEC } from './signature.js';
import type { Handled } from './inbound.js';

/**
 * True the first time `id` (a request signature, a Socket Mode envelope id) is seen; false for a
 * replay. A compare-and-set in the store's meta, so every instance agrees; the entry outlives the
 * window in which Slack's timestamp would still be accepted.
 */
export async function firstSeen(store: Pick<Store, 'swapMeta'>, id: string, now: number): Promise<boolean> {
  const key = `slack:seen:${createHash('sha256').update(id).digest('hex').slice(0, 40)}`;
  return store.swapMeta(key, null, String(now), { expires_at: now + 2 * MAX_SKEW_SEC * 1000 });
}

export function createAfterWork(logger: Logger) {
  const running = new Set<Promise<void>>();
  return {
    /** Runs what an acknowledged interaction still has to do, once the acknowledgement is on its way. */
    schedule(handled: Handled): void {
      const after = handled.after;
      if (!after) return;
      const p: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
        .then(after)
        .catch((err: unknown) => logger.error('slack: handling an interaction failed', { err }))
        .finally(() => running.delete(p));
      running.add(p);
    },
    /** Waits for the work under way. */
    async drain(): Promise<void> {
      while (running.size) await Promise.all([...running]);
    },
  };
}

export type AfterWork = ReturnType<typeof createAfterWork>;
