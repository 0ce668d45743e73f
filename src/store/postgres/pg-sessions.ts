// Agent sessions and their transcripts in Postgres (migration 2), the same behaviour as SQLite's
// (the sessions contract). Appending takes the session row's lock first, so two instances
// recording events of one session at once (a hooked agent's reports reach any instance) get
// consecutive seqs instead of a clash. Agent-written text goes through toPgText (NUL).
import type pg from 'pg';
import { AGENT_SESSION_COLUMNS, SESSION_EVENT_COLUMNS, rowToAgentSession, rowToSessionEvent, sessionEventToRow, sessionListQuery, type SessionEventRow, type SessionListOptions } from '../session-rows.js';
import type { AgentSession, SessionEvent, SessionEventInput } from '../store.js';
import { decodeRow, encodeRow, insert, toPgText } from './pg-rows.js';

type Q = pg.Pool | pg.PoolClient;
type Row = Record<string, unknown>;

const UPSERT_SESSION = `INSERT INTO agent_sessions (${AGENT_SESSION_COLUMNS.join(', ')}) VALUES (${AGENT_SESSION_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
  ON CONFLICT (id) DO UPDATE SET ${AGENT_SESSION_COLUMNS.filter((c) => c !== 'id').map((c) => `${c} = excluded.${c}`).join(', ')}`;

const sessionRow = (s: AgentSession): Row => encodeRow(rowToAgentSession(s)) as unknown as Row;
const toSession = (row: Row | undefined): AgentSession | null => (row ? rowToAgentSession(decodeRow<AgentSession>(row)) : null);
const toEvent = (row: Row): SessionEvent => rowToSessionEvent(decodeRow<SessionEventRow>(row));

export async function saveSession(q: Q, session: AgentSession): Promise<void> {
  const row = sessionRow(session);
  await q.query(UPSERT_SESSION, AGENT_SESSION_COLUMNS.map((c) => row[c]));
}

/** A session exactly as exported (a clash throws). */
export const insertSession = (q: Q, session: AgentSession) => insert(q, 'agent_sessions', AGENT_SESSION_COLUMNS, sessionRow(session));

export const insertEvents = (q: Q, events: readonly SessionEvent[]) => insert(q, 'session_events', SESSION_EVENT_COLUMNS, ...events.map((e) => encodeRow(sessionEventToRow(e)) as unknown as Row));

export async function getSession(q: Q, id: string): Promise<AgentSession | null> {
  return toSession((await q.query('SELECT * FROM agent_sessions WHERE id = $1', [toPgText(id)])).rows[0] as Row | undefined);
}

export async function findSession(q: Q, agent: string, externalId: string): Promise<AgentSession | null> {
  const r = await q.query('SELECT * FROM agent_sessions WHERE agent = $1 AND external_id = $2 ORDER BY updated_at DESC LIMIT 1', [toPgText(agent), toPgText(externalId)]);
  return toSession(r.rows[0] as Row | undefined);
}

export async function listSessions(q: Q, options: SessionListOptions): Promise<AgentSession[]> {
  const { sql, params } = sessionListQuery(options, (i) => `$${i}`);
  return ((await q.query(sql, params)).rows as Row[]).map((r) => toSession(r)!);
}

/** Call inside a transaction: the row lock is held until it ends. */
export async function appendEvents(tx: pg.PoolClient, sessionId: string, events: readonly SessionEventInput[], keepLast: number): Promise<SessionEvent[]> {
  const id = toPgText(sessionId);
  await tx.query('SELECT 1 FROM agent_sessions WHERE id = $1 FOR UPDATE', [id]);
  let seq = (await tx.query<{ seq: number | null }>('SELECT max(seq) AS seq FROM session_events WHERE session_id = $1', [id])).rows[0].seq ?? 0;
  const added: SessionEvent[] = events.map((e) => ({ session_id: sessionId, seq: ++seq, at: e.at, kind: e.kind, text: e.text, data: e.data }));
  await insertEvents(tx, added);
  if (seq > keepLast) await tx.query('DELETE FROM session_events WHERE session_id = $1 AND seq <= $2', [id, seq - keepLast]);
  return added.map((e) => rowToSessionEvent(sessionEventToRow(e)));
}

export async function listEvents(q: Q, sessionId: string, afterSeq: number, limit: number): Promise<SessionEvent[]> {
  const r = await q.query('SELECT * FROM session_events WHERE session_id = $1 AND seq > $2 ORDER BY seq LIMIT $3', [toPgText(sessionId), afterSeq, Math.max(1, Math.min(10_000, limit))]);
  return (r.rows as Row[]).map(toEvent);
}

export async function pruneSessions(q: Q, before: number): Promise<number> {
  return (await q.query("DELETE FROM agent_sessions WHERE status = 'ended' AND updated_at < $1", [before])).rowCount ?? 0;
}
