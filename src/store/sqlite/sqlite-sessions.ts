// Agent sessions and their transcripts in SQLite (tables from migration 2). The store calls these
// inside its own transactions; each function is one statement or a short, bounded sequence.
import type Database from 'better-sqlite3';
import type { AgentSession, AgentSessionStatus, SessionEvent, SessionEventInput } from '../store.js';

const COLUMNS = [
  'id', 'kind', 'agent', 'context', 'host', 'external_id', 'cwd', 'project', 'status', 'current_tool', 'chat_channel', 'chat_target',
  'started_by', 'cost_usd', 'input_tokens', 'output_tokens', 'turns', 'last_outcome', 'created_at', 'updated_at', 'ended_at',
] as const;

interface EventRow {
  session_id: string;
  seq: number;
  at: number;
  kind: string;
  text: string;
  data: string | null;
}

const toEvent = (r: EventRow): SessionEvent => ({ session_id: r.session_id, seq: r.seq, at: r.at, kind: r.kind, text: r.text, data: r.data === null ? null : (JSON.parse(r.data) as Record<string, unknown>) });

const NAMES = ['save', 'get', 'find', 'lastSeq', 'insertEvent', 'pruneEvents', 'events', 'pruneSessions'] as const;
export type SessionStatements = Record<(typeof NAMES)[number], Database.Statement>;

export function prepareSessionStatements(db: Database.Database): SessionStatements {
  return {
    // An upsert, not INSERT OR REPLACE: a replace deletes the row first, and the delete cascades to the transcript.
    save: db.prepare(
      `INSERT INTO agent_sessions (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')}) ON CONFLICT (id) DO UPDATE SET ${COLUMNS.filter((c) => c !== 'id').map((c) => `${c} = excluded.${c}`).join(', ')}`,
    ),
    get: db.prepare('SELECT * FROM agent_sessions WHERE id = ?'),
    find: db.prepare('SELECT * FROM agent_sessions WHERE agent = ? AND external_id = ? ORDER BY updated_at DESC LIMIT 1'),
    lastSeq: db.prepare('SELECT max(seq) AS seq FROM session_events WHERE session_id = ?'),
    insertEvent: db.prepare('INSERT INTO session_events (session_id, seq, at, kind, text, data) VALUES (@session_id, @seq, @at, @kind, @text, @data)'),
    pruneEvents: db.prepare('DELETE FROM session_events WHERE session_id = ? AND seq <= ?'),
    events: db.prepare('SELECT * FROM session_events WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?'),
    pruneSessions: db.prepare("DELETE FROM agent_sessions WHERE status = 'ended' AND updated_at < ?"),
  };
}

export const saveSession = (st: SessionStatements, s: AgentSession): void => void st.save.run(s);

export const getSession = (st: SessionStatements, id: string): AgentSession | null => (st.get.get(id) as AgentSession | undefined) ?? null;

export const findSession = (st: SessionStatements, agent: string, externalId: string): AgentSession | null => (st.find.get(agent, externalId) as AgentSession | undefined) ?? null;

export function listSessions(db: Database.Database, options: { active?: boolean; status?: AgentSessionStatus[]; kind?: AgentSession['kind']; limit: number }): AgentSession[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (options.active) where.push("status <> 'ended'");
  if (options.status?.length) {
    where.push(`status IN (${options.status.map(() => '?').join(', ')})`);
    params.push(...options.status);
  }
  if (options.kind) {
    where.push('kind = ?');
    params.push(options.kind);
  }
  const sql = `SELECT * FROM agent_sessions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY updated_at DESC, id DESC LIMIT ?`;
  return db.prepare(sql).all(...params, Math.max(1, Math.min(1000, options.limit))) as AgentSession[];
}

export function appendEvents(st: SessionStatements, sessionId: string, events: SessionEventInput[], keepLast: number): SessionEvent[] {
  let seq = (st.lastSeq.get(sessionId) as { seq: number | null }).seq ?? 0;
  const rows: EventRow[] = events.map((e) => ({ session_id: sessionId, seq: ++seq, at: e.at, kind: e.kind, text: e.text, data: e.data === null ? null : JSON.stringify(e.data) }));
  for (const row of rows) st.insertEvent.run(row);
  if (seq > keepLast) st.pruneEvents.run(sessionId, seq - keepLast);
  return rows.map(toEvent);
}

export const listEvents = (st: SessionStatements, sessionId: string, afterSeq: number, limit: number): SessionEvent[] =>
  (st.events.all(sessionId, afterSeq, Math.max(1, Math.min(10_000, limit))) as EventRow[]).map(toEvent);

export const pruneSessions = (st: SessionStatements, before: number): number => st.pruneSessions.run(before).changes;
