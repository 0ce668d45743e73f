// Agent sessions and their transcripts in SQLite (tables from migration 3). The store calls these
// inside its own transactions; each function is one statement or a short, bounded sequence.
import type Database from 'better-sqlite3';
import { AGENT_SESSION_COLUMNS, SESSION_EVENT_COLUMNS, rowToAgentSession, rowToSessionEvent, sessionEventToRow, sessionListQuery, type SessionEventRow, type SessionListOptions } from '../session-rows.js';
import type { AgentSession, SessionEvent, SessionEventInput } from '../store.js';

const COLUMNS = AGENT_SESSION_COLUMNS;

export const INSERT_SESSION_SQL = `INSERT INTO agent_sessions (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`;
export const INSERT_SESSION_EVENT_SQL = `INSERT INTO session_events (${SESSION_EVENT_COLUMNS.join(', ')}) VALUES (${SESSION_EVENT_COLUMNS.map((c) => `@${c}`).join(', ')})`;

const NAMES = ['save', 'get', 'find', 'lastSeq', 'insertEvent', 'pruneEvents', 'events', 'pruneSessions'] as const;
export type SessionStatements = Record<(typeof NAMES)[number], Database.Statement>;

export function prepareSessionStatements(db: Database.Database): SessionStatements {
  return {
    // An upsert, not INSERT OR REPLACE: a replace deletes the row first, and the delete cascades to the transcript.
    save: db.prepare(`${INSERT_SESSION_SQL} ON CONFLICT (id) DO UPDATE SET ${COLUMNS.filter((c) => c !== 'id').map((c) => `${c} = excluded.${c}`).join(', ')}`),
    get: db.prepare('SELECT * FROM agent_sessions WHERE id = ?'),
    find: db.prepare('SELECT * FROM agent_sessions WHERE agent = ? AND external_id = ? ORDER BY updated_at DESC LIMIT 1'),
    lastSeq: db.prepare('SELECT max(seq) AS seq FROM session_events WHERE session_id = ?'),
    insertEvent: db.prepare(INSERT_SESSION_EVENT_SQL),
    pruneEvents: db.prepare('DELETE FROM session_events WHERE session_id = ? AND seq <= ?'),
    events: db.prepare('SELECT * FROM session_events WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?'),
    pruneSessions: db.prepare("DELETE FROM agent_sessions WHERE status = 'ended' AND updated_at < ?"),
  };
}

export const saveSession = (st: SessionStatements, s: AgentSession): void => void st.save.run(s);

const toSession = (row: unknown): AgentSession | null => (row ? rowToAgentSession(row as AgentSession) : null);

export const getSession = (st: SessionStatements, id: string): AgentSession | null => toSession(st.get.get(id));

export const findSession = (st: SessionStatements, agent: string, externalId: string): AgentSession | null => toSession(st.find.get(agent, externalId));

export function listSessions(db: Database.Database, options: SessionListOptions): AgentSession[] {
  const { sql, params } = sessionListQuery(options, () => '?');
  return (db.prepare(sql).all(...params) as AgentSession[]).map(rowToAgentSession);
}

export function appendEvents(st: SessionStatements, sessionId: string, events: SessionEventInput[], keepLast: number): SessionEvent[] {
  let seq = (st.lastSeq.get(sessionId) as { seq: number | null }).seq ?? 0;
  const added: SessionEvent[] = events.map((e) => ({ session_id: sessionId, seq: ++seq, at: e.at, kind: e.kind, text: e.text, data: e.data }));
  for (const e of added) st.insertEvent.run(sessionEventToRow(e));
  if (seq > keepLast) st.pruneEvents.run(sessionId, seq - keepLast);
  return added.map((e) => rowToSessionEvent(sessionEventToRow(e)));
}

export const listEvents = (st: SessionStatements, sessionId: string, afterSeq: number, limit: number): SessionEvent[] =>
  (st.events.all(sessionId, afterSeq, Math.max(1, Math.min(10_000, limit))) as SessionEventRow[]).map(rowToSessionEvent);

export const pruneSessions = (st: SessionStatements, before: number): number => st.pruneSessions.run(before).changes;
