// Insight figures from history rows: pure, no I/O. Feed rows (any order) to `figuresBuilder`,
// then `result()`: per agent, project, tool and rule what happened to the asks; time to a human
// decision (median, p90) by approver and channel; asks by hour of day (UTC) and by day; the
// requests that waited longest for a human. The service (./service.ts) pages the store into it.
import type { HistoryRow } from '../store/store.js';

/** What became of one ask. Auto: the policy (or a grant) answered; else a human, or the clock. */
export type Outcome = 'pending' | 'auto_allowed' | 'auto_denied' | 'approved' | 'denied' | 'expired' | 'cancelled';
export const OUTCOME_KEYS: readonly Outcome[] = ['auto_allowed', 'auto_denied', 'approved', 'denied', 'expired', 'cancelled', 'pending'];

export type Counts = { asks: number } & Record<Outcome, number>;

export interface Latency {
  /** Human decisions counted. */
  count: number;
  median_ms: number | null;
  p90_ms: number | null;
}

export interface Waiter {
  id: string;
  title: string;
  agent: string;
  project: string | null;
  tool: string;
  status: string;
  created_at: number;
  waited_ms: number;
}

export interface Figures {
  from: number;
  to: number;
  totals: Counts;
  by_agent: ({ key: string } & Counts)[];
  by_project: ({ key: string | null } & Counts)[];
  by_tool: ({ key: string } & Counts)[];
  by_rule: ({ key: string } & Counts)[];
  time_to_decision: Latency & { by_approver: ({ key: string } & Latency)[]; by_channel: ({ key: string } & Latency)[] };
  /** Asks per hour of day, UTC: 24 numbers. */
  by_hour: number[];
  /** Asks per UTC day, oldest first, every day of the window (day = its 00:00 UTC, epoch ms). */
  by_day: ({ day: number } & Counts)[];
  longest_waits: Waiter[];
}

const DAY = 86_400_000;

export function outcomeOf(r: Pick<HistoryRow, 'status' | 'decided_by_kind'>): Outcome {
  const auto = r.decided_by_kind === 'policy';
  switch (r.status) {
    case 'pending':
      return 'pending';
    case 'denied':
      return auto ? 'auto_denied' : 'denied';
    case 'expired':
      return 'expired';
    case 'cancelled':
      return 'cancelled';
    default:
      // approved, conditional (approved with conditions), answered (a question answered)
      return auto ? 'auto_allowed' : 'approved';
  }
}

/** A human decided it (the clock, the agent and the policy are not humans). */
export function humanDecided(r: Pick<HistoryRow, 'status' | 'decided_by_kind' | 'decided_by'>): boolean {
  const o = outcomeOf(r);
  return (o === 'approved' || o === 'denied') && r.decided_by !== null;
}

const emptyCounts = (): Counts => ({ asks: 0, auto_allowed: 0, auto_denied: 0, approved: 0, denied: 0, expired: 0, cancelled: 0, pending: 0 });

/** Nearest-rank percentile of sorted numbers. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

function latency(values: number[]): Latency {
  const sorted = values.sort((a, b) => a - b);
  return { count: sorted.length, median_ms: percentile(sorted, 50), p90_ms: percentile(sorted, 90) };
}

function ranked<K>(map: Map<K, Counts>, limit: number): ({ key: K } & Counts)[] {
  return [...map].map(([key, c]) => ({ key, ...c })).sort((a, b) => b.asks - a.asks || String(a.key).localeCompare(String(b.key))).slice(0, limit);
}

export interface FiguresOptions {
  from: number;
  to: number;
  /** Now, for how long a pending request has waited so far. */
  now: number;
  /** Most rows in each by_* list (the busiest first). */
  top?: number;
  longest?: number;
}

export function figuresBuilder(opts: FiguresOptions) {
  const top = opts.top ?? 20;
  const longest = opts.longest ?? 10;
  const totals = emptyCounts();
  const dims = { agent: new Map<string, Counts>(), project: new Map<string | null, Counts>(), tool: new Map<string, Counts>(), rule: new Map<string, Counts>() };
  const all: number[] = [];
  const byApprover = new Map<string, number[]>();
  const byChannel = new Map<string, number[]>();
  const byHour = new Array<number>(24).fill(0);
  const firstDay = Math.floor(opts.from / DAY) * DAY;
  const days = Math.max(0, Math.ceil((opts.to - firstDay) / DAY));
  const byDay = Array.from({ length: days }, (_, i) => ({ day: firstDay + i * DAY, ...emptyCounts() }));
  let waits: Waiter[] = [];

  const bump = <K>(map: Map<K, Counts>, key: K, o: Outcome) => {
    let c = map.get(key);
    if (!c) map.set(key, (c = emptyCounts()));
    c.asks++;
    c[o]++;
  };
  const push = (map: Map<string, number[]>, key: string, v: number) => {
    const list = map.get(key);
    if (list) list.push(v);
    else map.set(key, [v]);
  };

  return {
    add(r: HistoryRow): void {
      const o = outcomeOf(r);
      totals.asks++;
      totals[o]++;
      bump(dims.agent, r.agent, o);
      bump(dims.project, r.project, o);
      bump(dims.tool, r.tool, o);
      if (r.rule) bump(dims.rule, r.rule, o);
      byHour[new Date(r.created_at).getUTCHours()]++;
      const d = byDay[Math.floor((r.created_at - firstDay) / DAY)];
      if (d) {
        d.asks++;
        d[o]++;
      }
      if (humanDecided(r) && r.settled_at !== null) {
        const ms = Math.max(0, r.settled_at - r.created_at);
        all.push(ms);
        push(byApprover, r.decided_by!, ms);
        push(byChannel, r.via ?? 'unknown', ms);
      }
      // Who waited longest for a human: the auto-answered never waited.
      if (o !== 'auto_allowed' && o !== 'auto_denied') {
        const waited = Math.max(0, (r.settled_at ?? opts.now) - r.created_at);
        waits.push({ id: r.id, title: r.title, agent: r.agent, project: r.project, tool: r.tool, status: r.status, created_at: r.created_at, waited_ms: waited });
        if (waits.length > longest * 8) waits = trim(waits, longest);
      }
    },
    result(): Figures {
      const lat = (m: Map<string, number[]>) => [...m].map(([key, v]) => ({ key, ...latency(v) })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key)).slice(0, top);
      return {
        from: opts.from,
        to: opts.to,
        totals: { ...totals },
        by_agent: ranked(dims.agent, top),
        by_project: ranked(dims.project, top),
        by_tool: ranked(dims.tool, top),
        by_rule: ranked(dims.rule, top),
        time_to_decision: { ...latency(all), by_approver: lat(byApprover), by_channel: lat(byChannel) },
        by_hour: [...byHour],
        by_day: byDay,
        longest_waits: trim(waits, longest),
      };
    },
  };
}

function trim(waits: Waiter[], n: number): Waiter[] {
  return waits.sort((a, b) => b.waited_ms - a.waited_ms || a.id.localeCompare(b.id)).slice(0, n);
}
