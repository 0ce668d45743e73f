// Events: how waiters and channels hear that something happened. In one process this is an
// emitter; across instances a Postgres LISTEN/NOTIFY bus implements the same interface.
import type { RequestEvent } from './types.js';

export type EventListener = (event: RequestEvent) => void;

export interface EventBus {
  publish(event: RequestEvent): void;
  /** Every event. Returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void;
  /**
   * Only events published on this instance, not those heard from other instances: for work that
   * must happen once per change (the instance that made the change does it).
   */
  subscribeOwn(listener: EventListener): () => void;
  /** Events of one request only (cheap with thousands of waiters). */
  subscribeRequest(requestId: string, listener: EventListener): () => void;
  /** Number of per-request listeners, for /metrics. */
  waiterCount(): number;
}

export function createLocalEventBus(onListenerError: (err: unknown) => void = () => {}): EventBus {
  const all = new Set<EventListener>();
  const byRequest = new Map<string, Set<EventListener>>();
  let waiters = 0;

  const call = (listener: EventListener, event: RequestEvent) => {
    try {
      listener(event);
    } catch (err) {
      onListenerError(err);
    }
  };

  return {
    publish(event) {
      const own = byRequest.get(event.request.id);
      if (own) for (const l of [...own]) call(l, event);
      for (const l of [...all]) call(l, event);
    },
    subscribe(listener) {
      all.add(listener);
      return () => void all.delete(listener);
    },
    // One process: every event is its own.
    subscribeOwn(listener) {
      all.add(listener);
      return () => void all.delete(listener);
    },
    subscribeRequest(requestId, listener) {
      let set = byRequest.get(requestId);
      if (!set) byRequest.set(requestId, (set = new Set()));
      set.add(listener);
      waiters++;
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        waiters--;
        set.delete(listener);
        if (set.size === 0) byRequest.delete(requestId);
      };
    },
    waiterCount: () => waiters,
  };
}
