// Whole-row writes and reads for the Postgres store: the inserts its methods share, and export
// and import for `greenlight db copy` (each kind in its key order after a cursor; written back
// exactly as it was, with no effects of its own).

import type pg from 'pg';
import type { ApprovalRequest } from '../../core/types.js';
import { clampLimit, decodeExportCursor, encodeExportCursor, exportKey, exportSources } from '../adapter-kit.js';
import { auditToRow, grantToRow, keyToRow, outboxInputToRow, rowToAudit, rowToGrant, rowToKey, rowToOutbox, rowToRequest, type KeyRow, type OutboxRow } from '../rows.js';
import { rowToAgentSession, rowToSessionEvent } from '../session-rows.js';
import type { AgentSession, AuditEntry, ChannelMessageRef, Grant, KeyRecord, MetaEntry, OutboxInput, OutboxItem, RowKind, RowPage, SessionEvent, StoreRows } from '../store.js';
import { REQUEST_SELECT } from './pg-request-query.js';
import { INSERT_REQUEST, decodeRow, encodeRow, insert, requestParams, toPgText } from './pg-rows.js';
import { insertEvents, insertSession } from './pg-sessions.js';

type Q = pg.Pool | pg.PoolClient;

const KEY_COLUMNS = ['id', 'role', 'name', 'hash', 'projects', 'created_at', 'revoked_at'] as const;
const GRANT_COLUMNS = ['id', 'rule', 'effect', 'scope', 'agent', 'project', 'session_id', 'created_by', 'created_at', 'expires_at', 'max_uses', 'uses', 'revoked_at', 'source_request_id', 'path_prefix', 'host'] as const;
const AUDIT_COLUMNS = ['seq', 'at', 'actor_kind', 'actor_name', 'action', 'request_id', 'via', 'detail', 'prev_hash', 'hash'] as const;
const OUTBOX_COLUMNS = ['id', 'kind', 'target', 'request_id', 'payload', 'created_at', 'next_attempt_at', 'attempts', 'last_error', 'state', 'locked_until', 'delivered_at'] as const;
const MESSAGE_COLUMNS = ['request_id', 'channel', 'target', 'message_id', 'created_at'] as const;
const META_COLUMNS = ['key', 'value', 'expires_at'] as const;

export const insertKey = (q: Q, key: KeyRecord) => insert(q, 'keys', KEY_COLUMNS, encodeRow(keyToRow(key)) as never);
export const insertGrant = (q: Q, grant: Grant) => insert(q, 'grants', GRANT_COLUMNS, encodeRow(grantToRow(grant)) as never);
export const insertAudit = (q: Q, entries: readonly AuditEntry[]) => insert(q, 'audit', AUDIT_COLUMNS, ...entries.map((e) => encodeRow(auditToRow(e)) as never));
const NEW_OUTBOX_COLUMNS = ['id', 'kind', 'target', 'request_id', 'payload', 'created_at', 'next_attempt_at'] as const;
export const insertOutbox = (q: Q, items: readonly OutboxInput[]) => insert(q, 'outbox', NEW_OUTBOX_COLUMNS, ...items.map((o) => encodeRow(outboxInputToRow(o)) as never));

export async function insertRequestTags(q: Q, request: ApprovalRequest): Promise<void> {
  for (const tag of new Set(request.tags)) {
    await q.query('INSERT INTO request_tags (tag, created_at, request_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [toPgText(tag), request.created_at, request.id]);
  }
}

const ORDER = exportSources(REQUEST_SELECT);

const READ: Record<RowKind, (row: Record<string, unknown>) => unknown> = {
  requests: (r) => rowToRequest(decodeRow(r)),
  channel_messages: (r) => decodeRow<ChannelMessageRef>(r),
  audit: (r) => rowToAudit(decodeRow(r)),
  outbox: (r) => rowToOutbox(decodeRow<OutboxRow>(r)),
  keys: (r) => rowToKey(decodeRow<KeyRow>(r)),
  grants: (r) => rowToGrant(decodeRow<Grant>(r)),
  meta: (r) => decodeRow<MetaEntry>(r),
  agent_sessions: (r) => rowToAgentSession(decodeRow(r)),
  session_events: (r) => rowToSessionEvent(decodeRow(r)),
};

export async function exportRows<K extends RowKind>(q: Q, kind: K, after: string | null, limit: number): Promise<RowPage<K>> {
  const from = after === null ? null : decodeExportCursor(kind, after);
  const n = clampLimit(limit);
  if (n === 0) return { rows: [], next: null };
  const { columns, select, from: table } = ORDER[kind];
  const keys = from?.map((k) => (typeof k === 'string' ? toPgText(k) : k)) ?? [];
  const where = from === null ? '' : ` WHERE (${columns}) > (${keys.map((_, i) => `$${i + 1}`).join(', ')})`;
  const raw = (await q.query(`SELECT ${select} FROM ${table}${where} ORDER BY ${columns} LIMIT $${keys.length + 1}`, [...keys, n + 1])).rows as Record<string, unknown>[];
  const rows = raw.slice(0, n).map(READ[kind]) as StoreRows[K][];
  const last = rows[rows.length - 1];
  return { rows, next: raw.length > n && last ? encodeExportCursor(exportKey(kind, last)) : null };
}

/** Writes rows as exported; call inside a transaction (a clash throws and rolls it back). */
export async function importRows<K extends RowKind>(q: Q, kind: K, rows: readonly StoreRows[K][]): Promise<void> {
  for (const row of rows) {
    switch (kind) {
      case 'requests': {
        const r = row as ApprovalRequest;
        await q.query(INSERT_REQUEST, requestParams(r));
        await insertRequestTags(q, r);
        break;
      }
      case 'channel_messages':
        await insert(q, 'channel_messages', MESSAGE_COLUMNS, encodeRow(row as ChannelMessageRef) as never);
        break;
      case 'audit':
        await insertAudit(q, [row as AuditEntry]);
        break;
      case 'outbox': {
        const o = row as OutboxItem;
        await insert(q, 'outbox', OUTBOX_COLUMNS, encodeRow({ ...o, payload: JSON.stringify(o.payload) }) as never);
        break;
      }
      case 'keys':
        await insertKey(q, row as KeyRecord);
        break;
      case 'grants':
        await insertGrant(q, row as Grant);
        break;
      case 'meta':
        await insert(q, 'meta', META_COLUMNS, encodeRow(row as MetaEntry) as never);
        break;
      case 'agent_sessions':
        await insertSession(q, row as AgentSession);
        break;
      case 'session_events':
        await insertEvents(q, [row as SessionEvent]);
        break;
    }
  }
}
