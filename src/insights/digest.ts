// The digest: a daily or weekly summary (counts, slowest answers, top suggestions) for one chosen
// channel. Channel-neutral: `digestFor` turns an insights report into the Digest model and
// `digestText` into plain lines with every piece of agent text clipped and its invisible
// characters written out; a channel only escapes those lines for its format and carries them
// (Channel.sendDigest). It travels through the durable outbox as one item of kind `digest`, so a
// failed send is retried like any other and a restart loses nothing.
import { clip } from '../text/clip.js';
import { showInvisible } from '../text/invisible.js';
import type { Counts } from './figures.js';
import type { InsightsReport } from './service.js';

export const DIGEST_KIND = 'digest';

export interface Digest {
  period: 'daily' | 'weekly';
  from: number;
  to: number;
  totals: Counts;
  median_ms: number | null;
  p90_ms: number | null;
  slowest: { id: string; title: string; agent: string; project: string | null; waited_ms: number }[];
  suggestions: { rule: string; project: string | null; approvals: number; people: number; would_allow: number }[];
  /** The dashboard's Insights page. */
  url: string;
}

export function digestFor(report: InsightsReport, period: Digest['period'], publicUrl: string): Digest {
  const f = report.figures;
  return {
    period,
    from: f.from,
    to: f.to,
    totals: f.totals,
    median_ms: f.time_to_decision.median_ms,
    p90_ms: f.time_to_decision.p90_ms,
    slowest: f.longest_waits.slice(0, 5).map((w) => ({ id: w.id, title: w.title, agent: w.agent, project: w.project, waited_ms: w.waited_ms })),
    suggestions: report.suggestions.items.slice(0, 5).map((s) => ({ rule: s.rule, project: s.project, approvals: s.approvals, people: s.people.length, would_allow: s.would_allow })),
    url: `${publicUrl.replace(/\/+$/, '')}/#/insights?days=${period === 'daily' ? 7 : 30}`,
  };
}

/** The digest with `mask` applied to every piece of agent text (titles, agents, projects, rules). */
export function maskDigest(d: Digest, mask: (text: string) => string): Digest {
  const n = (s: string | null) => (s === null ? null : mask(s));
  return {
    ...d,
    slowest: d.slowest.map((w) => ({ ...w, title: mask(w.title), agent: mask(w.agent), project: n(w.project) })),
    suggestions: d.suggestions.map((s) => ({ ...s, rule: mask(s.rule), project: n(s.project) })),
  };
}

/** A stored outbox payload back into a Digest, or null when it is not one. */
export function parseDigest(payload: Record<string, unknown>): { channel: string; target: string | null; digest: Digest } | null {
  const d = payload.digest as Digest | undefined;
  if (typeof payload.channel !== 'string' || !d || typeof d !== 'object' || !d.totals || !Array.isArray(d.slowest) || !Array.isArray(d.suggestions)) return null;
  return { channel: payload.channel, target: typeof payload.target === 'string' ? payload.target : null, digest: d };
}

export function duration(ms: number | null): string {
  if (ms === null) return '–';
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 3600) return `${(s / 60).toFixed(1)} min`;
  if (s < 86400) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} d`;
}

/** Agent text for a digest line: invisible characters written out, then cut to `max`. */
const agentText = (s: string, max = 80) => clip(showInvisible(s.replace(/\s+/g, ' ')), max).text;

/** The digest as a title and plain-text lines (not escaped: each channel escapes for its format). */
export function digestText(d: Digest): { title: string; lines: string[] } {
  const t = d.totals;
  const auto = t.auto_allowed + t.auto_denied;
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const lines = [
    `${day(d.from)} – ${day(d.to - 1)}: ${t.asks} asks; ${auto} answered by the policy, ${t.approved} approved and ${t.denied} denied by people, ${t.expired} expired, ${t.pending} still waiting.`,
    `Time to a human answer: median ${duration(d.median_ms)}, p90 ${duration(d.p90_ms)}.`,
  ];
  if (d.slowest.length) {
    lines.push('', 'Slowest answers:');
    for (const w of d.slowest) lines.push(`• ${duration(w.waited_ms)} — ${agentText(w.title)} (${agentText(w.agent, 40)}${w.project ? `, ${agentText(w.project, 40)}` : ''})`);
  }
  if (d.suggestions.length) {
    lines.push('', 'Suggested rules (an admin adds them on the Insights page):');
    for (const s of d.suggestions) lines.push(`• ${agentText(s.rule, 120)} — approved ${s.approvals}×, never denied, by ${s.people}; would have answered ${s.would_allow} asks${s.project ? ` in ${agentText(s.project, 40)}` : ''}`);
  }
  lines.push('', d.url);
  return { title: `Greenlight ${d.period} digest: ${t.asks} asks, ${t.approved + t.denied} answered by people`, lines };
}
