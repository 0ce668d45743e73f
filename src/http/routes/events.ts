// Server-sent events: approvers and admins hear every event; an agent hears its own requests'
// events (optionally one request's). When the server shuts down, each stream gets a `shutdown`
// event with `retry:` set, then ends: EventSource reconnects on its own (to the next instance).
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { GreenlightError, SHUTDOWN_RETRY_AFTER_SEC, shuttingDown } from '../../core/errors.js';
import type { RequestEvent } from '../../core/types.js';
import { principalOf, type AppEnv } from '../context.js';
import { requireAuth } from '../middleware.js';
import { requestToWire } from '../wire.js';

export const SSE_HEARTBEAT_MS = 15_000;

export function eventRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/v1/events', requireAuth(), async (c) => {
    const principal = principalOf(c);
    const { gate } = c.get('deps');
    const requestId = c.req.query('request_id') || null;
    if (requestId && requestId.length > 100) throw new GreenlightError('VALIDATION_FAILED', 'request_id must be at most 100 characters.');
    if (requestId) await gate.get(principal, requestId); // 404 unless the key may read it
    const wanted = (e: RequestEvent) =>
      (!requestId || e.request.id === requestId) && (principal.role !== 'agent' || e.request.agent === principal.name);

    const closing = gate.deps.closing;
    if (closing?.aborted) throw shuttingDown();
    c.header('X-Accel-Buffering', 'no');
    return streamSSE(c, async (stream) => {
      const queue: RequestEvent[] = [];
      let wake: (() => void) | null = null;
      const push = (e: RequestEvent) => {
        if (!wanted(e)) return;
        queue.push(e);
        wake?.();
      };
      const unsubscribe = requestId ? gate.deps.events.subscribeRequest(requestId, push) : gate.deps.events.subscribe(push);
      let closed = false;
      let shutdown = false;
      const onClosing = () => {
        shutdown = true;
        wake?.();
      };
      closing?.addEventListener('abort', onClosing, { once: true });
      stream.onAbort(() => {
        closed = true;
        unsubscribe();
        wake?.();
      });
      await stream.writeSSE({ event: 'ready', data: JSON.stringify({ request_id: requestId }) });
      for (;;) {
        while (queue.length && !closed) {
          const e = queue.shift()!;
          await stream.writeSSE({ event: e.type, id: `${e.request.id}:${e.at}`, data: JSON.stringify({ type: e.type, at: new Date(e.at).toISOString(), request: requestToWire(e.request) }) });
        }
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
      closing?.removeEventListener('abort', onClosing);
      if (shutdown && !closed) {
        await stream.writeSSE({ event: 'shutdown', retry: SHUTDOWN_RETRY_AFTER_SEC * 1000, data: JSON.stringify({ message: 'Greenlight is shutting down; reconnect shortly.', retry_after_sec: SHUTDOWN_RETRY_AFTER_SEC }) });
      }
      unsubscribe();
    });
  });

  return app;
}
