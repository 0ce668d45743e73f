// Agent sessions and their transcripts as rows, shared by the SQL stores (SQLite, Postgres): the
// columns in one order, the transcript event's data as JSON text, and the one listing query
// (each store says how it writes a parameter: ? or $n).
import type { AgentSession, AgentSessionStatus, SessionEvent } from './store.js';

/** An agent session is one column per field, in this order. */
export const AGENT_SESSION_COLUMNS: readonly (keyof AgentSession)[] = [
  'id', 'kind', 'agent', 'context', 'host', 'external_id', 'cwd', 'project', 'status', 'current_tool', 'chat_channel', 'chat_target',
  'started_by', 'cost_usd', 'input_tokens', 'output_tokens', 'turns', 'last_outcome', 'created_at', 'updated_at', 'ended_at',
];

export const SESSION_EVENT_COLUMNS: readonly (keyof SessionEventRow)[] = ['session_id', 'seq', 'at', 'kind', 'text', 'data'];

export interface SessionEventRow extends Omit<SessionEvent, 'data'> {
  data: string | null;
}

export function sessionEventToRow(e: SessionEvent): SessionEventRow {
  return { session_id: e.session_id, seq: e.seq, at: e.at, kind: e.kind, text: e.text, data: e.data === null ? null : JSON.stringify(e.data) };
}

export function rowToSessionEvent(row: SessionEventRow): SessionEvent {
  return { session_id: row.session_id, seq: row.seq, at: row.at, kind: row.kind, text: row.text, data: row.data === null ? null : (JSON.parse(row.data) as Record<string, unknown>) };
}

export function rowToAgentSession(row: AgentSession): AgentSession {
  const out = {} as Record<string, unknown>;
  for (const c of AGENT_SESSION_COLUMNS) out[c] = row[c] ?? null;
  return out as unknown as AgentSession;
}

export interface SessionListOptions {
  active?: boolean;
  status?: AgentSessionStatus[];
  kind?: AgentSession['kind'];
  limit: number;
}

/** Most recent activity first; `param(i)` writes the i-th parameter (from 1). */
export function sessionListQuery(options: SessionListOptions, param: (i: number) => string): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const next = (v: unknown) => {
    params.push(v);
    return param(params.length);
  };
  if (options.active) where.push("status <> 'ended'");
  if (options.status?.length) where.push(`status IN (${options.status.map(next).join(', ')})`);
  if (options.kind) where.push(`kind = ${next(options.kind)}`);
  const limit = next(Math.max(1, Math.min(1000, options.limit)));
  return { sql: `SELECT * FROM agent_sessions ${where.length ? `WHERE ${where.join(' AND ')} ` : ''}ORDER BY updated_at DESC, id DESC LIMIT ${limit}`, params };
}
