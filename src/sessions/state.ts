// Session rows change from several places at once (a running turn, the gate's request events, a
// hooked agent's reports): every change goes through `mutate`, one at a time per session, on the
// row as stored, and is published on the bus once written.
//
// An instance alone on its store (SQLite) is the only writer of session rows, so it remembers the
// rows it last wrote or read and answers `find` and `mutate` from memory: a hooked agent's tool
// call, the hottest path there is, then reads no session row, and neither does a request filed
// under a session id no hooked agent reported (that the store has none is remembered too). Ended
// rows are never answered from memory (the store prunes them), and a read is remembered only if no
// write of this process overtook it. On several instances (Postgres) every answer is read from the
// store.
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
  /** No other instance writes session rows: rows may be remembered (see above). */
  alone?: boolean;
}

/** Rows remembered at most; past it the least recently written go first. */
const REMEMBERED = 2000;

export type SessionState = ReturnType<typeof createSessionState>;

export function createSessionState(deps: SessionStateDeps) {
  const { store, bus, clock } = deps;
  const queues = new Map<string, Promise<unknown>>();
  const rows = deps.alone ? new Map<string, Readonly<AgentSession>>() : null;
  /** (agent, host session id) → the id of the row that pair last named; null: the store has none. */
  const byExternal = new Map<string, string | null>();
  /** Counts writes: a read that a write overtook is not remembered. */
  let writes = 0;

  const externalKey = (agent: string, externalId: string) => `${agent}\n${externalId}`;

  function remember(session: AgentSession): Readonly<AgentSession> {
    if (!rows) return session;
    const row = Object.freeze({ ...session });
    rows.delete(row.id);
    rows.set(row.id, row);
    if (row.external_id !== null) learn(externalKey(row.agent, row.external_id), row.id);
    if (rows.size > REMEMBERED) {
      const [oldest] = rows.values();
      rows.delete(oldest.id);
      if (oldest.external_id !== null && byExternal.get(externalKey(oldest.agent, oldest.external_id)) === oldest.id) byExternal.delete(externalKey(oldest.agent, oldest.external_id));
    }
    return row;
  }

  function learn(key: string, id: string | null): void {
    // Requests filed under session ids no hooked agent reported are many: past the bound, start over.
    if (byExternal.size >= 2 * REMEMBERED && !byExternal.has(key)) byExternal.clear();
    byExternal.set(key, id);
  }

  /** The remembered row, unless it ended (an ended row may be pruned from the store at any time). */
  function remembered(id: string | undefined): Readonly<AgentSession> | null {
    const row = id === undefined ? undefined : rows?.get(id);
    return row && row.status !== 'ended' ? row : null;
  }

  async function read(load: () => Promise<AgentSession | null>, absentKey?: string): Promise<AgentSession | null> {
    const before = writes;
    const row = await load();
    if (!rows || before !== writes) return row;
    if (!row) {
      if (absentKey !== undefined) learn(absentKey, null);
      return null;
    }
    return row.status === 'ended' ? row : remember(row);
  }

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
    writes++;
    await store.saveAgentSession(session);
    writes++;
    remember(session);
    bus.publish({ kind: 'session', session });
    return session;
  }

  return {
    /** The newest session of (agent, host session id), as stored. */
    find: (agent: string, externalId: string): Promise<AgentSession | null> => {
      const key = externalKey(agent, externalId);
      const id = byExternal.get(key);
      if (id === null) return Promise.resolve(null);
      const row = remembered(id);
      return row ? Promise.resolve(row) : read(() => store.findAgentSession(agent, externalId), key);
    },

    /** Stores a new session. */
    create: (session: AgentSession) => serial(session.id, () => write(session)),

    /** Applies `fn` to the stored row (null from `fn`: no change); returns the row as it now is. */
    mutate: (id: string, fn: (s: AgentSession) => AgentSession | null) =>
      serial(id, async () => {
        const current = remembered(id) ?? (await read(() => store.getAgentSession(id)));
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
