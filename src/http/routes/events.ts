// Server-sent events: approvers and admins hear every event; an agent hears its own requests'
// events (optionally one request's). When the server shuts down, each stream gets a `shutdown`
// event with `retry:` set, then ends: EventSource reconnects on its own (to the next instance).
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { GreenlightError, shuttingDown } from '../../core/errors.js';
import type { RequestEvent } from '../../core/types.js';
import { principalOf, type AppEnv } from '../context.js';
import { requireAuth } from '../middleware.js';
import { pumpEvents } from '../sse.js';
import { requestToWire } from '../wire.js';

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
    return streamSSE(c, (stream) =>
      pumpEvents<RequestEvent>(stream, {
        closing,
        subscribe: (push) => {
          const only = (e: RequestEvent) => wanted(e) && push(e);
          return requestId ? gate.deps.events.subscribeRequest(requestId, only) : gate.deps.events.subscribe(only);
        },
        ready: () => stream.writeSSE({ event: 'ready', data: JSON.stringify({ request_id: requestId }) }),
        write: (e) => stream.writeSSE({ event: e.type, id: `${e.request.id}:${e.at}`, data: JSON.stringify({ type: e.type, at: new Date(e.at).toISOString(), request: requestToWire(e.request) }) }),
      }),
    );
  });

  return app;
}
