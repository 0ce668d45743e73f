// Builds the SQL for listing, counting and searching requests. Each distinct filter shape gives a
// distinct SQL string, so the store prepares it once and reuses it.
//
// What drives the query decides its speed with a million rows, so the builder picks it:
// - `search`: the trigram index's hits for the needle (plus a scan of rows not indexed yet), then
//   sort them. Fast when few rows match, whatever the table size.
// - `tag`: request_tags walked newest first within one tag (it carries created_at), stopping at
//   the page size.
// - `requests`: the requests table through whichever index fits the order and filters; text is
//   checked row by row with instr(), stopping at the page size. Fast when many rows match.
// For a page, the store first reads up to RARE_MATCHES + 1 index hits: if that is all of them, it
// hands them to the query (plan `hits`) so the phrase is looked up once; else it scans. Measured
// on a million rows, sorting ~2,000 hits and scanning for a needle that rare cost about the same.
// Counting looks the phrase up in the query itself (plan `match`).

import { activeList, type NewestCursor } from '../adapter-kit.js';
import type { RequestFilter } from '../store.js';
import { REQUEST_SELECT } from './sqlite-rows.js';

export type CountFilter = Omit<RequestFilter, 'order' | 'limit' | 'cursor' | 'offset'>;

/**
 * How `filter.text` is applied: `scan` checks each row; `match` drives from the index lookup;
 * `hits` drives from index hits already read (row numbers).
 */
export type TextPlan = { via: 'scan' } | { via: 'match' } | { via: 'hits'; pks: readonly number[] };

/** At or below this many index hits, sorting the hits beats scanning for them. */
export const RARE_MATCHES = 2000;

/**
 * Trigram lookups need at least three characters; shorter needles are always scanned. FTS5 reads
 * its query as a C string, so a needle with a NUL character is scanned too.
 */
export function canUseTextIndex(needle: string): boolean {
  return [...needle].length >= 3 && !needle.includes('\u0000');
}

/** The needle as an FTS5 phrase: quoted, so every character is taken literally. */
export function ftsPhrase(needle: string): string {
  return `"${needle.replaceAll('"', '""')}"`;
}

/** Parameters: the FTS phrase, how many hits at most. */
export const TEXT_HITS_SQL = 'SELECT rowid AS pk FROM request_search WHERE request_search MATCH ? LIMIT ?';

/** Rows the index has not caught up with yet, checked one by one. */
const NOT_INDEXED = 'SELECT pk FROM requests WHERE pk > (SELECT indexed_upto FROM search_index WHERE id = 1) AND instr(search_text, ?) > 0';
const MATCH_HITS = `(SELECT rowid AS pk FROM request_search WHERE request_search MATCH ? UNION ALL ${NOT_INDEXED}) hit`;
const LISTED_HITS = `(SELECT value AS pk FROM json_each(?) UNION ALL ${NOT_INDEXED}) hit`;

export interface SqlQuery {
  sql: string;
  params: unknown[];
}

type Driver = 'search' | 'tag' | 'requests';

interface Where {
  driver: Driver;
  from: string;
  clauses: string[];
  params: unknown[];
}

function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

function buildWhere(filter: CountFilter, needle: string | null, plan: TextPlan, tagMayDrive: boolean): Where {
  const driver: Driver = needle !== null && plan.via !== 'scan' ? 'search' : filter.tag !== undefined && tagMayDrive ? 'tag' : 'requests';
  const where: Where = { driver, from: 'requests r', clauses: [], params: [] };
  // CROSS JOIN keeps the driving table as the outer loop.
  if (needle !== null && plan.via === 'match') {
    where.from = `${MATCH_HITS} CROSS JOIN requests r ON r.pk = hit.pk`;
    where.params.push(ftsPhrase(needle), needle);
  } else if (needle !== null && plan.via === 'hits') {
    where.from = `${LISTED_HITS} CROSS JOIN requests r ON r.pk = hit.pk`;
    where.params.push(JSON.stringify(plan.pks), needle);
  } else if (driver === 'tag') {
    where.from = 'request_tags t CROSS JOIN requests r ON r.id = t.request_id';
    where.clauses.push('t.tag = ?');
    where.params.push(filter.tag);
  }
  const status = activeList(filter.status);
  if (status) {
    where.clauses.push(`r.status IN (${placeholders(status.length)})`);
    where.params.push(...status);
  }
  if (filter.agent !== undefined) {
    where.clauses.push('r.agent = ?');
    where.params.push(filter.agent);
  }
  if (filter.project !== undefined) {
    where.clauses.push('r.project = ?');
    where.params.push(filter.project);
  }
  const priority = activeList(filter.priority);
  if (priority) {
    where.clauses.push(`r.priority IN (${placeholders(priority.length)})`);
    where.params.push(...priority);
  }
  if (filter.tag !== undefined && driver !== 'tag') {
    where.clauses.push('EXISTS (SELECT 1 FROM request_tags t WHERE t.request_id = r.id AND t.tag = ?)');
    where.params.push(filter.tag);
  }
  const createdAt = driver === 'tag' ? 't.created_at' : 'r.created_at';
  if (filter.created_from !== undefined) {
    where.clauses.push(`${createdAt} >= ?`);
    where.params.push(filter.created_from);
  }
  if (filter.created_to !== undefined) {
    where.clauses.push(`${createdAt} <= ?`);
    where.params.push(filter.created_to);
  }
  if (needle !== null && plan.via === 'scan') {
    where.clauses.push('instr(r.search_text, ?) > 0');
    where.params.push(needle);
  }
  return where;
}

function whereSql(where: Where): string {
  return where.clauses.length > 0 ? ` WHERE ${where.clauses.join(' AND ')}` : '';
}

export interface PageQueryInput {
  filter: CountFilter;
  needle: string | null;
  plan: TextPlan;
  order: RequestFilter['order'];
  after: NewestCursor | null;
  /** Rows to fetch (the page size plus one, to learn whether there is a next page). */
  limit: number;
  offset: number;
}

export function pageQuery(input: PageQueryInput): SqlQuery {
  const where = buildWhere(input.filter, input.needle, input.plan, input.order === 'newest');
  // When tags drive, order by their copy of (created_at, id) so the tag index gives the order.
  const [createdAt, id] = where.driver === 'tag' ? ['t.created_at', 't.request_id'] : ['r.created_at', 'r.id'];
  if (input.after) {
    where.clauses.push(`(${createdAt}, ${id}) < (?, ?)`);
    where.params.push(input.after.created_at, input.after.id);
  }
  const orderBy = input.order === 'queue' ? 'r.priority_rank DESC, r.created_at ASC, r.id ASC' : `${createdAt} DESC, ${id} DESC`;
  const params = [...where.params, input.limit, input.offset];
  if (where.driver === 'search') {
    // Sort the hits on their keys alone, then read whole rows (large inputs, previews) for the
    // page only.
    const page = `SELECT r.pk FROM ${where.from}${whereSql(where)} ORDER BY ${orderBy} LIMIT ? OFFSET ?`;
    return { sql: `SELECT ${REQUEST_SELECT} FROM requests r WHERE r.pk IN (${page}) ORDER BY ${orderBy}`, params };
  }
  return { sql: `SELECT ${REQUEST_SELECT} FROM ${where.from}${whereSql(where)} ORDER BY ${orderBy} LIMIT ? OFFSET ?`, params };
}

export function countQuery(filter: CountFilter, needle: string | null, plan: TextPlan): SqlQuery {
  const where = buildWhere(filter, needle, plan, true);
  return { sql: `SELECT count(*) AS n FROM ${where.from}${whereSql(where)}`, params: where.params };
}
