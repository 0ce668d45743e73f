// The SQLite side of Store.scanHistory: the narrow history rows insights read, one page in
// (created_at, id) order over the `requests_newest` index, with the decision and policy fields
// pulled out by json_extract so whole requests are never decoded.
import type Database from 'better-sqlite3';
import { historyLimit, historyRow, type HistoryColumns, type HistoryRow, type HistoryScan } from '../history.js';

const COLUMNS = `id, status, agent, project, tool, action_type, title, cwd, session_id, created_at, updated_at,
  json_extract(decision, '$.decided_at') AS decided_at, json_extract(decision, '$.decided_by') AS decided_by,
  json_extract(decision, '$.decided_by_kind') AS decided_by_kind, json_extract(decision, '$.via') AS via,
  json_extract(policy, '$.rule') AS rule, json_extract(policy, '$.dangerous') AS dangerous`;

function sql(withInput: boolean, after: boolean): string {
  return `SELECT ${COLUMNS}${withInput ? ', input' : ''} FROM requests INDEXED BY requests_newest
    WHERE created_at >= ? AND created_at < ?${after ? ' AND (created_at > ? OR (created_at = ? AND id > ?))' : ''}
    ORDER BY created_at, id LIMIT ?`;
}

export function scanHistory(db: Database.Database, cache: Map<string, Database.Statement>, scan: HistoryScan): HistoryRow[] {
  const limit = historyLimit(scan.limit);
  if (limit === 0) return [];
  const withInput = scan.with_input === true;
  const key = `history:${withInput}:${Boolean(scan.after)}`;
  let st = cache.get(key);
  if (!st) cache.set(key, (st = db.prepare(sql(withInput, Boolean(scan.after)))));
  const params: unknown[] = [scan.from, scan.to];
  if (scan.after) params.push(scan.after.created_at, scan.after.created_at, scan.after.id);
  params.push(limit);
  return (st.all(...params) as HistoryColumns[]).map((c) => historyRow(c, withInput));
}
