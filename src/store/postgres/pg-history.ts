// The Postgres side of Store.scanHistory: narrow history rows for insights, one page in
// (created_at, id) order over the `requests_newest` index (a row-value comparison, so the index
// range starts right after the previous page). Decision and policy fields come out of their JSON
// text in SQL, so whole requests are never decoded.
import type pg from 'pg';
import { historyLimit, historyRow, type HistoryColumns, type HistoryRow, type HistoryScan } from '../history.js';
import { decodeRow } from './pg-rows.js';

const COLUMNS = `id, status, agent, project, tool, action_type, title, cwd, session_id, created_at, updated_at,
  (decision::json ->> 'decided_at') AS decided_at, (decision::json ->> 'decided_by') AS decided_by,
  (decision::json ->> 'decided_by_kind') AS decided_by_kind, (decision::json ->> 'via') AS via,
  (policy::json ->> 'rule') AS rule, (policy::json ->> 'dangerous') AS dangerous`;

export async function scanHistory(pool: pg.Pool, scan: HistoryScan): Promise<HistoryRow[]> {
  const limit = historyLimit(scan.limit);
  if (limit === 0) return [];
  const withInput = scan.with_input === true;
  const params: unknown[] = [scan.from, scan.to];
  let where = 'created_at >= $1 AND created_at < $2';
  if (scan.after) {
    params.push(scan.after.created_at, scan.after.id);
    where += ' AND (created_at, id) > ($3, $4)';
  }
  params.push(limit);
  const text = `SELECT ${COLUMNS}${withInput ? ', input' : ''} FROM requests WHERE ${where} ORDER BY created_at, id LIMIT $${params.length}`;
  const rows = (await pool.query({ name: `history_${withInput}_${Boolean(scan.after)}`, text, values: params })).rows as Record<string, unknown>[];
  return rows.map((r) => historyRow(decodeRow<HistoryColumns>(r), withInput));
}
