// Export and import of whole rows for the SQLite store (`greenlight db copy`): each kind read in
// its key order after a cursor, and written back exactly as it was, with no effects of its own.

import type Database from 'better-sqlite3';
import { clampLimit, decodeExportCursor, encodeExportCursor, exportKey, exportSources } from '../adapter-kit.js';
import type { ApprovalRequest } from '../../core/types.js';
import { rowToAgentSession, rowToSessionEvent, sessionEventToRow } from '../session-rows.js';
import type { AgentSession, AuditEntry, ChannelMessageRef, Grant, KeyRecord, MetaEntry, OutboxItem, RowKind, RowPage, SessionEvent, StoreRows } from '../store.js';
import { INSERT_SESSION_EVENT_SQL, INSERT_SESSION_SQL } from './sqlite-sessions.js';
import { INSERT_REQUEST_SQL, INSERT_TAG_SQL, REQUEST_SELECT, auditToRow, grantToRow, keyToRow, requestToRow, rowToAudit, rowToGrant, rowToKey, rowToOutbox, rowToRequest } from './sqlite-rows.js';
import { STATEMENTS } from './sqlite-statements.js';

interface KindSql {
  first: string;
  /** Rows after the cursor: its key columns as parameters, then the limit. */
  page: string;
  read: (row: never) => unknown;
}

const KEY_ORDER = exportSources(REQUEST_SELECT);

const READ: Record<RowKind, (row: never) => unknown> = {
  requests: rowToRequest,
  channel_messages: (row: ChannelMessageRef) => ({ ...row }),
  audit: rowToAudit,
  outbox: rowToOutbox,
  keys: rowToKey,
  grants: rowToGrant,
  meta: (row: MetaEntry) => ({ key: row.key, value: row.value, expires_at: row.expires_at }),
  agent_sessions: rowToAgentSession,
  session_events: rowToSessionEvent,
};

function kindSql(kind: RowKind): KindSql {
  const { columns, select, from } = KEY_ORDER[kind];
  const arity = columns.split(',').length;
  const tuple = arity > 1 ? `(${columns}) > (${Array(arity).fill('?').join(', ')})` : `${columns} > ?`;
  return {
    first: `SELECT ${select} FROM ${from} ORDER BY ${columns} LIMIT ?`,
    page: `SELECT ${select} FROM ${from} WHERE ${tuple} ORDER BY ${columns} LIMIT ?`,
    read: READ[kind],
  };
}

export function exportRows<K extends RowKind>(db: Database.Database, kind: K, after: string | null, limit: number): RowPage<K> {
  const from = after === null ? null : decodeExportCursor(kind, after);
  const n = clampLimit(limit);
  if (n === 0) return { rows: [], next: null };
  const sql = kindSql(kind);
  const raw = from === null ? db.prepare(sql.first).all(n + 1) : db.prepare(sql.page).all(...from, n + 1);
  const rows = raw.slice(0, n).map((r) => sql.read(r as never)) as StoreRows[K][];
  const last = rows[rows.length - 1];
  return { rows, next: raw.length > n && last ? encodeExportCursor(exportKey(kind, last)) : null };
}

const INSERT_OUTBOX_ROW = `INSERT INTO outbox (id, kind, target, request_id, payload, created_at, next_attempt_at, attempts, last_error, state, locked_until, delivered_at)
  VALUES (@id, @kind, @target, @request_id, @payload, @created_at, @next_attempt_at, @attempts, @last_error, @state, @locked_until, @delivered_at)`;
const INSERT_CHANNEL_MESSAGE = 'INSERT INTO channel_messages (request_id, channel, target, message_id, created_at) VALUES (@request_id, @channel, @target, @message_id, @created_at)';
const INSERT_META = 'INSERT INTO meta (key, value, expires_at) VALUES (@key, @value, @expires_at)';

/** Writes rows as exported; call inside a write transaction (a clash throws and rolls it back). */
export function importRows<K extends RowKind>(db: Database.Database, kind: K, rows: readonly StoreRows[K][]): void {
  const run = (sql: string, params: unknown) => db.prepare(sql).run(params);
  for (const row of rows) {
    switch (kind) {
      case 'requests': {
        const r = row as ApprovalRequest;
        run(INSERT_REQUEST_SQL, requestToRow(r));
        for (const tag of new Set(r.tags)) db.prepare(INSERT_TAG_SQL).run(tag, r.created_at, r.id);
        break;
      }
      case 'channel_messages':
        run(INSERT_CHANNEL_MESSAGE, row);
        break;
      case 'audit':
        run(STATEMENTS.insertAudit, auditToRow(row as AuditEntry));
        break;
      case 'outbox': {
        const o = row as OutboxItem;
        run(INSERT_OUTBOX_ROW, { ...o, payload: JSON.stringify(o.payload) });
        break;
      }
      case 'keys':
        run(STATEMENTS.insertKey, keyToRow(row as KeyRecord));
        break;
      case 'grants':
        run(STATEMENTS.insertGrant, grantToRow(row as Grant));
        break;
      case 'meta':
        run(INSERT_META, row);
        break;
      case 'agent_sessions':
        run(INSERT_SESSION_SQL, rowToAgentSession(row as AgentSession));
        break;
      case 'session_events':
        run(INSERT_SESSION_EVENT_SQL, sessionEventToRow(row as SessionEvent));
        break;
    }
  }
}
