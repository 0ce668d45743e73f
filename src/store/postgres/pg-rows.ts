// What the Postgres store changes about the shared row mapping (../rows.ts): Postgres TEXT cannot
// hold NUL, which agents may send in any string. Such a string (and, so the mapping stays
// one-to-one, any string starting with \u0001) is stored as \u0001 + its JSON; every other string
// is stored as it is, so rows stay readable in psql. Equal strings always map to equal column
// values, so equality filters and unique indexes keep working. JSON columns never need it (JSON
// escapes NUL). The searched text is BYTEA: UTF-8 is self-synchronising, so a byte substring
// match is exactly a character substring match.
import pg from 'pg';
import type { ApprovalRequest } from '../../core/types.js';
import { REQUEST_COLUMNS, requestToRow } from '../rows.js';

const WRAP = '\u0001';

/** A string as a TEXT column can hold it. */
export function toPgText(s: string): string {
  return s.includes('\u0000') || s.startsWith(WRAP) ? WRAP + JSON.stringify(s) : s;
}

export function fromPgText(s: string): string {
  return s.startsWith(WRAP) ? (JSON.parse(s.slice(1)) as string) : s;
}

/** Every string value of a row object, made storable. */
export function encodeRow<T extends object>(row: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = typeof v === 'string' ? toPgText(v) : v;
  return out as T;
}

/** Every string value of a row read back, restored. */
export function decodeRow<T>(row: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = typeof v === 'string' ? fromPgText(v) : v;
  return out as T;
}

/** Runs one INSERT of the rows' columns, named by `columns` (values already encoded). */
export async function insert(q: pg.Pool | pg.PoolClient, table: string, columns: readonly string[], ...rows: Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.map((_, r) => `(${columns.map((_, i) => `$${r * columns.length + i + 1}`).join(', ')})`).join(', ');
  await q.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}`, rows.flatMap((row) => columns.map((c) => row[c] ?? null)));
}

/** A request as column values, in REQUEST_COLUMNS order. */
export function requestParams(request: ApprovalRequest): unknown[] {
  const raw = requestToRow(request);
  const row = encodeRow(raw) as unknown as Record<string, unknown>;
  return REQUEST_COLUMNS.map((c) => (c === 'search_text' ? Buffer.from(raw.search_text, 'utf8') : row[c]));
}

export const INSERT_REQUEST = `INSERT INTO requests (${REQUEST_COLUMNS.join(', ')}) VALUES (${REQUEST_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`;

/** BIGINT and COUNT come back as JS numbers (epoch ms and counts stay far below 2^53). */
export const PG_TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;
