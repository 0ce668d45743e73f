// What every store adapter must do the same way, so they agree to the byte: queue ranks, the
// text that `filter.text` searches, the newest-first cursor, and how audit rows are chained.

import { AUDIT_GENESIS, auditHash } from '../core/audit-chain.js';
import { GreenlightError } from '../core/errors.js';
import type { ApprovalRequest, Priority, Status } from '../core/types.js';
import type { AuditEntry, AuditInput, ChannelMessageRef, MetaEntry, RowKind, StoreRows } from './store.js';

/** Queue order: higher first. */
export const PRIORITY_RANK: Readonly<Record<Priority, number>> = { low: 0, normal: 1, high: 2, critical: 3 };

/** Separates the searched fields, so a needle never matches across two of them by accident. */
const FIELD_SEPARATOR = '\u001f';

/**
 * The one string `filter.text` is looked up in: title, preview, context and requester, lower-cased.
 * A request matches when `searchText(request).includes(searchNeedle(text))`.
 */
export function searchText(request: Pick<ApprovalRequest, 'title' | 'preview' | 'context' | 'requester'>): string {
  return [request.title, request.preview, request.context ?? '', request.requester ?? ''].join(FIELD_SEPARATOR).toLowerCase();
}

export function searchNeedle(text: string): string {
  return text.toLowerCase();
}

/** A limit as every adapter applies it: a whole number ≥ 0 (Infinity: no limit). */
export function clampLimit(limit: number): number {
  if (limit === Infinity) return Number.MAX_SAFE_INTEGER;
  return Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : 0;
}

/** An empty list or string in a filter means "no constraint", like leaving it out. */
export function activeList<T>(values: readonly T[] | undefined): readonly T[] | null {
  return values && values.length > 0 ? values : null;
}

/** Position in newest-first order: (created_at desc, id desc). */
export interface NewestCursor {
  created_at: number;
  id: string;
}

export function encodeCursor(position: NewestCursor): string {
  return Buffer.from(`${position.created_at}:${position.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): NewestCursor {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const colon = text.indexOf(':');
  const createdAt = Number(text.slice(0, colon));
  const id = text.slice(colon + 1);
  if (colon <= 0 || !Number.isSafeInteger(createdAt) || id.length === 0) {
    throw new GreenlightError('BAD_REQUEST', 'The cursor is not one this server handed out: pass next_cursor from the previous page unchanged, or start again without a cursor.');
  }
  return { created_at: createdAt, id };
}

/** Whether `r` comes after the cursor position in newest-first order. */
export function isAfterCursor(r: NewestCursor, cursor: NewestCursor): boolean {
  return r.created_at < cursor.created_at || (r.created_at === cursor.created_at && r.id < cursor.id);
}

export function assertCursorOrder(order: 'newest' | 'queue', cursor: string | undefined): void {
  if (cursor !== undefined && order !== 'newest') {
    throw new GreenlightError('BAD_REQUEST', "Cursors page through newest-first lists only: use offset with order 'queue'.");
  }
}

export function assertSettleStatus(status: Status): void {
  if (status === 'pending') {
    throw new GreenlightError('BAD_REQUEST', 'A request cannot be settled back to pending: pass the status it ends in.');
  }
}

/** The last audit row written, kept in meta so a truncated tail stays detectable. */
export interface AuditHead {
  seq: number;
  hash: string;
}

export const AUDIT_HEAD_META_KEY = 'audit_head';

export function parseAuditHead(value: string | null): AuditHead | null {
  if (value === null) return null;
  const head = JSON.parse(value) as AuditHead;
  return { seq: head.seq, hash: head.hash };
}

/**
 * The head new rows are chained to. A damaged head stops audited writes (fail closed) with a
 * message that says what to do, rather than chaining on from a guess and hiding the damage.
 */
export function headForAppend(value: string | null): AuditHead | null {
  let head: AuditHead | null = null;
  try {
    head = parseAuditHead(value);
  } catch {
    head = { seq: Number.NaN, hash: '' };
  }
  if (head === null || (Number.isSafeInteger(head.seq) && head.seq > 0 && /^[0-9a-f]{64}$/.test(head.hash))) return head;
  throw new Error(
    `The recorded audit head (meta ${AUDIT_HEAD_META_KEY}) is damaged: ${JSON.stringify(String(value).slice(0, 80))}. ` +
      'Audited writes are refused until it is repaired: run `greenlight audit verify`, then restore a backup.',
  );
}

export function formatAuditHead(head: AuditHead): string {
  return JSON.stringify({ seq: head.seq, hash: head.hash });
}

/**
 * Chains `inputs` after `head` (null: the log is empty). Each entry is normalized through JSON
 * first, so what is hashed is exactly what a store can give back later.
 */
export function linkAudit(head: AuditHead | null, inputs: readonly AuditInput[]): { entries: AuditEntry[]; head: AuditHead | null } {
  let seq = head?.seq ?? 0;
  let prevHash = head?.hash ?? AUDIT_GENESIS;
  const entries: AuditEntry[] = [];
  for (const input of inputs) {
    const entry: AuditInput = {
      at: input.at,
      actor_kind: input.actor_kind,
      actor_name: input.actor_name,
      action: input.action,
      request_id: input.request_id ?? null,
      via: input.via ?? null,
      detail: input.detail == null ? null : jsonCopy(input.detail),
    };
    seq += 1;
    const hash = auditHash(prevHash, seq, entry);
    entries.push({ ...entry, seq, prev_hash: prevHash, hash });
    prevHash = hash;
  }
  return { entries, head: seq === 0 ? null : { seq, hash: prevHash } };
}

/** A deep copy through JSON: what survives a round trip through any store. */
export function jsonCopy<T>(value: T): T {
  return value === undefined ? (null as T) : (JSON.parse(JSON.stringify(value)) as T);
}

// ---- export order (db copy) ------------------------------------------------------------------

type ExportKey = (string | number)[];

/** What each kind of row is exported in order of: its unique key, compared bytewise / numerically. */
export function exportKey<K extends RowKind>(kind: K, row: StoreRows[K]): ExportKey {
  return EXPORT_KEY_COLUMNS[kind].map((c) => (row as unknown as Record<string, string | number>)[c]);
}

/** The columns of each kind's export order (its unique key), as every SQL store names them. */
export const EXPORT_KEY_COLUMNS: Readonly<Record<RowKind, readonly string[]>> = {
  requests: ['id'],
  channel_messages: ['request_id', 'channel', 'target', 'message_id'],
  audit: ['seq'],
  outbox: ['id'],
  keys: ['id'],
  grants: ['id'],
  meta: ['key'],
  agent_sessions: ['id'],
  session_events: ['session_id', 'seq'],
};

/** For the SQL stores: what each kind is read as (key columns, selected columns, table aliased r). */
export function exportSources(requestSelect: string): Record<RowKind, { columns: string; select: string; from: string }> {
  const kinds = Object.keys(EXPORT_KEY_COLUMNS) as RowKind[];
  return Object.fromEntries(
    kinds.map((kind) => [
      kind,
      {
        columns: EXPORT_KEY_COLUMNS[kind].map((c) => `r.${c}`).join(', '),
        select: kind === 'requests' ? requestSelect : kind === 'meta' ? 'r.key, r.value, r.expires_at' : 'r.*',
        from: `${kind} r`,
      },
    ]),
  ) as Record<RowKind, { columns: string; select: string; from: string }>;
}

export function encodeExportCursor(key: ExportKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeExportCursor(kind: RowKind, cursor: string): ExportKey {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = null;
  }
  const columns = EXPORT_KEY_COLUMNS[kind];
  const ok = Array.isArray(key) && key.length === columns.length && key.every((k, i) => (columns[i] === 'seq' ? Number.isSafeInteger(k) : typeof k === 'string'));
  if (!ok) throw new GreenlightError('BAD_REQUEST', `The export cursor is not one this store handed out for ${kind}: pass \`next\` from the previous page unchanged.`);
  return key as ExportKey;
}

/** Compares export keys: numbers numerically, strings by UTF-16 code units (SQLite's and Postgres "C" order for these ids). */
export function compareExportKeys(a: ExportKey, b: ExportKey): number {
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i], b[i]];
    if (x === y) continue;
    return x < y ? -1 : 1;
  }
  return 0;
}
