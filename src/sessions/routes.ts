// The agent-sessions API the dashboard uses (approver and admin keys or the dashboard cookie):
//   GET  /v1/agent-sessions                 running and recent sessions, with pending approvals
//   GET  /v1/agent-sessions/events          SSE: session changes; `session_id` adds its transcript
//   GET  /v1/agent-sessions/:id             one session and its transcript (after_seq, limit)
//   POST /v1/agent-sessions                 {context, prompt}: a new session of a context
//   POST /v1/agent-sessions/:id/prompt      {text}: the next prompt
//   POST /v1/agent-sessions/:id/stop        interrupts the running turn
//   POST /v1/agent-sessions/:id/resume      {text?}: continues the session (reopens an ended one)
//   POST /v1/agent-sessions/:id/end         ends it and its session grants
// Prompting, stopping and resuming need an approver the context allows (manager.ts); agents never.
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { GreenlightError, shuttingDown } from '../core/errors.js';
import type { Principal } from '../core/types.js';
import { intQuery, principalOf, readJsonObject, type AppEnv, type Ctx } from '../http/context.js';
import { requireAuth } from '../http/middleware.js';
import { pumpEvents } from '../http/sse.js';
import type { AgentSession, SessionEvent, Store } from '../store/store.js';
import type { SessionChange, SessionBus } from './live.js';
import type { SessionManager } from './manager.js';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

export function sessionToWire(s: AgentSession, pending = 0) {
  return { ...s, created_at: iso(s.created_at), updated_at: iso(s.updated_at), ended_at: iso(s.ended_at), pending_approvals: pending };
}
export const eventToWire = (e: SessionEvent) => ({ ...e, at: iso(e.at) });

/** Pending requests per (agent, host session id). */
async function pendingCounts(store: Store): Promise<Map<string, number>> {
  const page = await store.listRequests({ order: 'queue', status: ['pending'], limit: 1000 });
  const counts = new Map<string, number>();
  for (const r of page.items) if (r.session_id) counts.set(`${r.agent}\n${r.session_id}`, (counts.get(`${r.agent}\n${r.session_id}`) ?? 0) + 1);
  return counts;
}

const countOf = (counts: Map<string, number>, s: AgentSession) => (s.external_id ? (counts.get(`${s.agent}\n${s.external_id}`) ?? 0) : 0);

/** One session change as sent on every open stream: counted once, however many streams are open. */
const wireOf = new WeakMap<SessionChange, Promise<string>>();
function sessionFrame(store: Store, change: SessionChange & { kind: 'session' }): Promise<string> {
  let frame = wireOf.get(change);
  if (!frame) wireOf.set(change, (frame = pendingCounts(store).then((counts) => JSON.stringify(sessionToWire(change.session, countOf(counts, change.session))))));
  return frame;
}

function textField(body: Record<string, unknown>, key: string, required: boolean): string | null {
  const v = body[key];
  if (v === undefined || v === null) {
    if (required) throw new GreenlightError('VALIDATION_FAILED', `${key} is required: a string.`);
    return null;
  }
  if (typeof v !== 'string') throw new GreenlightError('VALIDATION_FAILED', `${key} must be a string.`);
  return v;
}

const sessionIdOf = (c: Ctx): string => {
  const id = c.req.param('id') ?? '';
  if (!/^ses_[0-9a-z]{1,40}$/.test(id)) throw new GreenlightError('NOT_FOUND', 'No such agent session.');
  return id;
};

export function sessionRoutes(deps: { manager: SessionManager; bus: SessionBus; store: Store }): Hono<AppEnv> {
  const { manager, bus, store } = deps;
  const app = new Hono<AppEnv>();
  const readers = requireAuth(['approver', 'admin']);
  const drivers = requireAuth(['approver', 'admin']);

  app.get('/v1/agent-sessions', readers, async (c) => {
    const limit = intQuery(c, 'limit', 100, 1, 500);
    const active = c.req.query('active') === 'true';
    const [sessions, counts] = await Promise.all([store.listAgentSessions({ active, limit }), pendingCounts(store)]);
    const me = principalOf(c);
    return c.json({
      items: sessions.map((s) => sessionToWire(s, countOf(counts, s))),
      contexts: manager.contexts().map((x) => ({ name: x.name, directory: x.directory, sandbox: x.sandbox, model: x.model, may_drive: manager.mayDrive(me, x) })),
    });
  });

  app.get('/v1/agent-sessions/events', readers, async (c) => {
    const only = c.req.query('session_id') || null;
    if (only && !/^ses_[0-9a-z]{1,40}$/.test(only)) throw new GreenlightError('VALIDATION_FAILED', 'session_id is not a session id.');
    const afterSeq = intQuery(c, 'after_seq', 0, 0, Number.MAX_SAFE_INTEGER);
    if (c.get('deps').gate.deps.closing?.aborted) throw shuttingDown();
    c.header('X-Accel-Buffering', 'no');
    return streamSSE(c, (stream) => {
      let lastSeq = afterSeq;
      const transcript = (e: SessionEvent) => {
        lastSeq = e.seq;
        return stream.writeSSE({ event: 'transcript', data: JSON.stringify(eventToWire(e)) });
      };
      return pumpEvents<SessionChange>(stream, {
        closing: c.get('deps').gate.deps.closing,
        // Every instance's changes: the session may be running on another one.
        subscribe: (push) => bus.subscribe((change) => (change.kind !== 'event' || change.session.id === only) && push(change), { remote: true }),
        async ready() {
          await stream.writeSSE({ event: 'ready', data: JSON.stringify({ session_id: only }) });
          // What was stored since the page read the transcript, then live events (a seq never repeats).
          if (only) for (const e of await store.listSessionEvents(only, { after_seq: afterSeq, limit: 10_000 })) await transcript(e);
        },
        async write(change) {
          if (change.kind === 'event') {
            if (change.event.seq > lastSeq) await transcript(change.event);
          } else if (change.kind === 'session') {
            await stream.writeSSE({ event: 'session', data: await sessionFrame(store, change) });
          } else {
            await stream.writeSSE({ event: 'notice', data: JSON.stringify({ session_id: change.session.id, notice: change.notice, text: change.text }) });
          }
        },
      });
    });
  });

  app.get('/v1/agent-sessions/:id', readers, async (c) => {
    const session = await manager.get(sessionIdOf(c));
    const events = await store.listSessionEvents(session.id, { after_seq: intQuery(c, 'after_seq', 0, 0, Number.MAX_SAFE_INTEGER), limit: intQuery(c, 'limit', 500, 1, 5000) });
    const counts = await pendingCounts(store);
    return c.json({ session: sessionToWire(session, countOf(counts, session)), events: events.map(eventToWire), running: await manager.runsAnywhere(session.id) });
  });

  const via = (c: Ctx) => (c.req.header('x-greenlight-via') === 'web' ? 'web' : 'api');
  const me = (c: Ctx): Principal => principalOf(c);

  app.post('/v1/agent-sessions', drivers, async (c) => {
    const body = await readJsonObject(c);
    const context = textField(body, 'context', true)!;
    const prompt = textField(body, 'prompt', true)!;
    const session = await manager.prompt(me(c), { context, text: prompt, via: via(c) });
    return c.json(sessionToWire(session), 201);
  });

  app.post('/v1/agent-sessions/:id/prompt', drivers, async (c) => {
    const id = sessionIdOf(c);
    const body = await readJsonObject(c);
    const text = textField(body, 'text', true)!;
    const existing = await manager.get(id);
    if (!existing.context) throw new GreenlightError('VALIDATION_FAILED', `Session ${id} is a hooked agent's; prompt it where it runs.`);
    return c.json(sessionToWire(await manager.prompt(me(c), { context: existing.context, text, via: via(c), sessionId: id })), 202);
  });

  app.post('/v1/agent-sessions/:id/stop', drivers, async (c) => c.json({ stopped: await manager.stop(me(c), sessionIdOf(c), via(c)) }));

  app.post('/v1/agent-sessions/:id/resume', drivers, async (c) => {
    const id = sessionIdOf(c);
    const raw = (await c.req.text()).trim();
    const text = raw ? textField(await readJsonObject(c), 'text', false) : null;
    return c.json(sessionToWire(await manager.resume(me(c), id, via(c), text)), 202);
  });

  app.post('/v1/agent-sessions/:id/end', drivers, async (c) => {
    const { session, grantsRevoked } = await manager.end(me(c), sessionIdOf(c), via(c));
    return c.json({ session: sessionToWire(session), grants_revoked: grantsRevoked });
  });

  return app;
}
