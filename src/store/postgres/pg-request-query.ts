// Builds the SQL for listing, counting and searching requests (and listing grants) in Postgres. Filters become
// numbered parameters; the text filter is a byte-substring test on the UTF-8 search text
// (position() on BYTEA), so it agrees with the other stores to the byte.

import { activeList, type NewestCursor } from '../adapter-kit.js';
import { REQUEST_READ_COLUMNS } from '../rows.js';
import type { RequestFilter } from '../store.js';
import { toPgText } from './pg-rows.js';

export type CountFilter = Omit<RequestFilter, 'order' | 'limit' | 'cursor' | 'offset'>;

export interface SqlQuery {
  text: string;
  values: unknown[];
}

export const REQUEST_SELECT = REQUEST_READ_COLUMNS.map((c) => `r.${c}`).join(', ');

class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

function whereOf(filter: CountFilter, needle: string | null, p: Params): string[] {
  const clauses: string[] = [];
  const status = activeList(filter.status);
  if (status) clauses.push(`r.status = ANY(${p.add([...status])}::text[])`);
  if (filter.agent !== undefined) clauses.push(`r.agent = ${p.add(toPgText(filter.agent))}`);
  if (filter.project !== undefined) clauses.push(`r.project = ${p.add(toPgText(filter.project))}`);
  const priority = activeList(filter.priority);
  if (priority) clauses.push(`r.priority = ANY(${p.add([...priority])}::text[])`);
  if (filter.tag !== undefined) clauses.push(`EXISTS (SELECT 1 FROM request_tags t WHERE t.request_id = r.id AND t.tag = ${p.add(toPgText(filter.tag))})`);
  if (filter.created_from !== undefined) clauses.push(`r.created_at >= ${p.add(filter.created_from)}`);
  if (filter.created_to !== undefined) clauses.push(`r.created_at <= ${p.add(filter.created_to)}`);
  if (needle !== null) clauses.push(`position(${p.add(Buffer.from(needle, 'utf8'))}::bytea IN r.search_text) > 0`);
  return clauses;
}

const whereSql = (clauses: string[]) => (clauses.length > 0 ? ` WHERE ${clauses.join(' AND ')}` : '');

export function pageQuery(input: { filter: CountFilter; needle: string | null; order: RequestFilter['order']; after: NewestCursor | null; limit: number; offset: number }): SqlQuery {
  const p = new Params();
  const clauses = whereOf(input.filter, input.needle, p);
  if (input.after) clauses.push(`(r.created_at, r.id) < (${p.add(input.after.created_at)}, ${p.add(input.after.id)})`);
  const orderBy = input.order === 'queue' ? 'r.priority_rank DESC, r.created_at ASC, r.id ASC' : 'r.created_at DESC, r.id DESC';
  const text = `SELECT ${REQUEST_SELECT} FROM requests r${whereSql(clauses)} ORDER BY ${orderBy} LIMIT ${p.add(input.limit)} OFFSET ${p.add(input.offset)}`;
  return { text, values: p.values };
}

export function countQuery(filter: CountFilter, needle: string | null): SqlQuery {
  const p = new Params();
  return { text: `SELECT count(*) AS n FROM requests r${whereSql(whereOf(filter, needle, p))}`, values: p.values };
}

export interface GrantFilter {
  agent?: string;
  project?: string;
  session_id?: string;
  include_revoked?: boolean;
  now?: number;
}

/** Grants that name the same agent / project / session or none at all; live ones unless asked. */
export function grantsQuery(options: GrantFilter): SqlQuery {
  const p = new Params();
  const clauses: string[] = [];
  if (options.agent !== undefined) clauses.push(`(agent IS NULL OR agent = ${p.add(toPgText(options.agent))})`);
  if (options.project !== undefined) clauses.push(`(project IS NULL OR project = ${p.add(toPgText(options.project))})`);
  if (options.session_id !== undefined) clauses.push(`(session_id IS NULL OR session_id = ${p.add(toPgText(options.session_id))})`);
  if (!options.include_revoked) {
    clauses.push('revoked_at IS NULL', '(max_uses IS NULL OR uses < max_uses)');
    if (options.now !== undefined) clauses.push(`(expires_at IS NULL OR expires_at > ${p.add(options.now)})`);
  }
  return { text: `SELECT * FROM grants${whereSql(clauses)} ORDER BY created_at, id`, values: p.values };
}
