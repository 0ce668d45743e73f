// Session rows change from several places at once (a running turn, the gate's request events, a
// hooked agent's reports): every change goes through `mutate`, one at a time per session, on the
// row as stored, and is published on the bus once written.
import type { Clock } from '../core/ids.js';
import type { Logger } from '../log.js';
import type { AgentSession, SessionEvent, SessionEventInput, Store } from '../store/store.js';
import type { SessionBus } from './live.js';

export interface SessionStateDeps {
  store: Store;
  bus: SessionBus;
  clock: Clock;
  logger: Logger;
  /** Transcript bounds: events kept per session, characters per event. */
  maxEvents: number;
  maxEventChars: number;
}

export type SessionState = ReturnType<typeof createSessionState>;

export function createSessionState(deps: SessionStateDeps) {
  const { store, bus, clock } = deps;
  const queues = new Map<string, Promise<unknown>>();

  /** Runs `fn` after every earlier change of the same session. */
  function serial<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = queues.get(id) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    queues.set(id, tail);
    void tail.then(() => {
      if (queues.get(id) === tail) queues.delete(id);
    });
    return next;
  }

  async function write(session: AgentSession): Promise<AgentSession> {
    await store.saveAgentSession(session);
    bus.publish({ kind: 'session', session });
    return session;
  }

  return {
    /** Stores a new session. */
    create: (session: AgentSession) => serial(session.id, () => write(session)),

    /** Applies `fn` to the stored row (null from `fn`: no change); returns the row as it now is. */
    mutate: (id: string, fn: (s: AgentSession) => AgentSession | null) =>
      serial(id, async () => {
        const current = await store.getAgentSession(id);
        if (!current) return null;
        const next = fn(current);
        return next ? write({ ...next, updated_at: clock.now() }) : current;
      }),

    /** Appends transcript events (each cut to the configured size), in order with the session's changes. */
    record: (session: AgentSession, events: SessionEventInput[]) =>
      serial(session.id, async (): Promise<SessionEvent[]> => {
        const max = deps.maxEventChars;
        const cut = events.map((e) => (e.text.length > max ? { ...e, text: `${e.text.slice(0, max)}\n… [cut: ${e.text.length} characters in all]` } : e));
        const stored = await store.appendSessionEvents(session.id, cut, deps.maxEvents);
        for (const event of stored) bus.publish({ kind: 'event', session, event });
        return stored;
      }),
  };
}
