// The one server-sent-events loop: subscribe first (nothing published meanwhile is missed), say
// `ready`, then write what arrives in order, with a comment line as heartbeat while it is quiet,
// until the client goes away — or the server shuts down: then a `shutdown` event with `retry:`
// set ends the stream, and EventSource reconnects on its own (to the next instance).
import type { SSEStreamingApi } from 'hono/streaming';
import { SHUTDOWN_RETRY_AFTER_SEC } from '../core/errors.js';

export const SSE_HEARTBEAT_MS = 15_000;

export interface Pump<T> {
  /** Subscribes `push`; returns the unsubscribe function. */
  subscribe(push: (item: T) => void): () => void;
  /** Runs once subscribed: the `ready` event and any catching up. */
  ready(): Promise<void>;
  write(item: T): Promise<void>;
  /** Aborted when the server shuts down. */
  closing?: AbortSignal;
}

export async function pumpEvents<T>(stream: SSEStreamingApi, pump: Pump<T>): Promise<void> {
  const queue: T[] = [];
  let wake: (() => void) | null = null;
  let closed = false;
  const unsubscribe = pump.subscribe((item) => {
    queue.push(item);
    wake?.();
  });
  let shutdown = false;
  const onClosing = () => {
    shutdown = true;
    wake?.();
  };
  pump.closing?.addEventListener('abort', onClosing, { once: true });
  stream.onAbort(() => {
    closed = true;
    unsubscribe();
    wake?.();
  });
  await pump.ready();
  for (;;) {
    while (queue.length && !closed) await pump.write(queue.shift()!);
    if (closed || shutdown) break;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, SSE_HEARTBEAT_MS);
      wake = () => {
        clearTimeout(t);
        wake = null;
        resolve();
      };
    });
    if (!closed && !shutdown && queue.length === 0) await stream.write(': keep-alive\n\n');
  }
  pump.closing?.removeEventListener('abort', onClosing);
  if (shutdown && !closed) {
    await stream.writeSSE({ event: 'shutdown', retry: SHUTDOWN_RETRY_AFTER_SEC * 1000, data: JSON.stringify({ message: 'Greenlight is shutting down; reconnect shortly.', retry_after_sec: SHUTDOWN_RETRY_AFTER_SEC }) });
  }
  unsubscribe();
}
