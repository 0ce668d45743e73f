// What insights (src/insights/) read of the request history: one narrow row per request, oldest
// first, paged by (created_at, id) so every adapter walks its `requests_newest` index instead of
// decoding whole requests. Shared here: the row type and how an adapter's columns become one.
import type { Status } from '../core/types.js';

export interface HistoryRow {
  id: string;
  status: Status;
  agent: string;
  project: string | null;
  /** The tool, or the action type for plain actions. */
  tool: string;
  /** A plain action (no tool call): `tool` is then its action type, and `input` is not a tool's input. */
  plain: boolean;
  title: string;
  cwd: string | null;
  session_id: string | null;
  created_at: number;
  /** When it left `pending` (the decision's time; for expired/cancelled, the last update); null while pending. */
  settled_at: number | null;
  decided_by: string | null;
  /** `policy` for auto-decisions, else the human's role. */
  decided_by_kind: string | null;
  /** The channel (`telegram`, `web`, `api`, `policy`, `grant`, ...). */
  via: string | null;
  /** The policy rule that answered (auto-decisions) or made it ask. */
  rule: string | null;
  dangerous: boolean;
  /** The action's input (only with `with_input`). */
  input?: unknown;
}

export interface HistoryScan {
  /** created_at ≥ from and < to (epoch ms). */
  from: number;
  to: number;
  /** The last row of the previous page; rows strictly after it in (created_at, id) order. */
  after?: { created_at: number; id: string } | null;
  limit: number;
  with_input?: boolean;
}

/** The columns every SQL adapter selects (its JSON extraction differs), in one shape. */
export interface HistoryColumns {
  id: string;
  status: string;
  agent: string;
  project: string | null;
  tool: string | null;
  action_type: string;
  title: string;
  cwd: string | null;
  session_id: string | null;
  created_at: number | string;
  updated_at: number | string;
  decided_at: number | string | null;
  decided_by: string | null;
  decided_by_kind: string | null;
  via: string | null;
  rule: string | null;
  dangerous: boolean | number | string | null;
  input?: string | null;
}

export function historyRow(c: HistoryColumns, withInput: boolean): HistoryRow {
  const decidedAt = c.decided_at === null || c.decided_at === undefined ? null : Number(c.decided_at);
  const settled = c.status === 'pending' ? null : decidedAt ?? Number(c.updated_at);
  const row: HistoryRow = {
    id: c.id,
    status: c.status as Status,
    agent: c.agent,
    project: c.project,
    tool: c.tool ?? c.action_type,
    plain: c.tool === null,
    title: c.title,
    cwd: c.cwd,
    session_id: c.session_id,
    created_at: Number(c.created_at),
    settled_at: settled,
    decided_by: c.decided_by,
    decided_by_kind: c.decided_by_kind,
    via: c.via,
    rule: c.rule,
    dangerous: c.dangerous === true || c.dangerous === 1 || c.dangerous === 'true',
  };
  if (withInput) row.input = c.input ? JSON.parse(c.input) : null;
  return row;
}

/** Clamp for a page of history rows. */
export function historyLimit(limit: number): number {
  return Math.max(0, Math.min(Math.floor(limit), 10_000));
}
