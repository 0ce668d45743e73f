// Insights: what happened to the asks (per day, per agent / project / tool / rule), how long
// humans took (by approver and channel), the busiest hours, the longest waits, and suggested
// rules — with one click (admin, confirmed) to add one to its project's policy. Data from
// GET /v1/insights; charts are plain SVG (./charts.ts); every name is text, never markup.
import { api } from './api.js';
import { barCell, legend, stackedColumns, type Series } from './charts.js';
import { confirmButton, h, replace, table, toast } from './dom.js';
import { ago } from './format.js';
import type { Me } from './types.js';

type Counts = { asks: number; auto_allowed: number; auto_denied: number; approved: number; denied: number; expired: number; cancelled: number; pending: number };
type Keyed = Counts & { key: string | null };
type Latency = { key?: string; count: number; median_ms: number | null; p90_ms: number | null };
interface Suggestion {
  rule: string;
  project: string | null;
  tool: string;
  approvals: number;
  denials: number;
  people: string[];
  would_allow: number;
  examples: string[];
  last_at: string;
}
interface Insights {
  days: number;
  projects: string[] | null;
  totals: Counts;
  by_agent: Keyed[];
  by_project: Keyed[];
  by_tool: Keyed[];
  by_rule: Keyed[];
  time_to_decision: Latency & { by_approver: Latency[]; by_channel: Latency[] };
  by_hour: number[];
  by_day: (Counts & { day: string })[];
  longest_waits: { id: string; title: string; agent: string; project: string | null; tool: string; status: string; created_at: string; waited_ms: number }[];
  suggestions: { days: number; min_approvals: number; items: Suggestion[] };
}

const SERIES: Series[] = [
  { key: 'auto_allowed', label: 'auto-allowed', cls: 'c-auto' },
  { key: 'approved', label: 'approved', cls: 'c-approved' },
  { key: 'denied', label: 'denied', cls: 'c-denied' },
  { key: 'auto_denied', label: 'auto-denied', cls: 'c-auto-denied' },
  { key: 'expired', label: 'expired', cls: 'c-expired' },
  { key: 'pending', label: 'pending', cls: 'c-pending' },
  { key: 'cancelled', label: 'cancelled', cls: 'c-cancelled' },
];
const WINDOWS = [7, 30, 90];

/** 1.2 s, 3 min, 2.5 h, 1.5 d. */
export function duration(ms: number | null): string {
  if (ms === null) return '–';
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 3600) return `${(s / 60).toFixed(s < 600 ? 1 : 0)} min`;
  if (s < 86400) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} d`;
}

const pct = (n: number, of: number) => (of ? `${Math.round((100 * n) / of)}%` : '–');

function tile(label: string, value: string, note = ''): HTMLElement {
  return h('div', { class: 'tile' }, h('div', { class: 'tile-value' }, value), h('div', { class: 'tile-label' }, label), note ? h('div', { class: 'tile-note muted' }, note) : null);
}

function breakdown(title: string, rows: Keyed[], none: string): HTMLElement {
  const max = Math.max(1, ...rows.map((r) => r.asks));
  return h(
    'section',
    { class: 'card' },
    h('h3', null, title),
    rows.length
      ? table(
          ['Name', 'Asks', 'Outcomes', 'Auto', 'Approved', 'Denied', 'Expired'],
          rows.map((r) => ({
            cls: ['mono', 'num', '', 'num', 'num', 'num', 'num'],
            cells: [r.key ?? none, r.asks, barCell(r as unknown as Record<string, number>, SERIES, max, `${r.key ?? none}: ${r.asks} asks`), r.auto_allowed + r.auto_denied, r.approved, r.denied, r.expired],
          })),
          'insight-table',
        )
      : h('p', { class: 'muted' }, 'Nothing in this window.'),
  );
}

function latencyTable(title: string, rows: Latency[]): HTMLElement {
  return h(
    'div',
    null,
    h('h4', null, title),
    rows.length ? table([title, 'Decisions', 'Median', 'p90'], rows.map((r) => ({ cls: ['mono', 'num', 'num', 'num'], cells: [r.key ?? '', r.count, duration(r.median_ms), duration(r.p90_ms)] }))) : h('p', { class: 'muted' }, 'No human decisions yet.'),
  );
}

function suggestionCard(s: Suggestion, me: Me, days: number, onAdded: () => void): HTMLElement {
  const who = `${s.people.length} ${s.people.length === 1 ? 'person' : 'people'}`;
  const add =
    me.role === 'admin'
      ? confirmButton(`Add to ${s.project ?? 'every project'}`, 'Click again to add', 'btn small approve', async () => {
          try {
            await api('POST', '/v1/insights/suggestions', { rule: s.rule, project: s.project });
            toast(`Added ${s.rule}`);
            onAdded();
          } catch (e) {
            toast((e as Error).message, 'error');
          }
        })
      : h('span', { class: 'muted small' }, 'An admin can add it.');
  return h(
    'li',
    { class: 'suggestion card' },
    h('div', { class: 'suggestion-head' }, h('code', { class: 'suggestion-rule' }, s.rule), add),
    h('p', null, `Approved ${s.approvals}×, denied ${s.denials}×, by ${who} (`, s.people.join(', '), `). Would have answered ${s.would_allow} asks in the last ${days} days, project `, h('strong', null, s.project ?? '(none)'), '.'),
    s.examples.length ? h('ul', { class: 'examples' }, ...s.examples.map((e) => h('li', null, h('code', null, e)))) : null,
  );
}

export function mountInsights(root: HTMLElement, me: Me, params: URLSearchParams): () => void {
  let alive = true;
  const days = WINDOWS.includes(Number(params.get('days'))) ? Number(params.get('days')) : 7;
  const body = h('div', null, h('p', { class: 'muted' }, 'Loading…'));
  replace(
    root,
    h(
      'div',
      { class: 'page insights-page' },
      h('div', { class: 'toolbar' }, h('h2', null, 'Insights'), h('div', { class: 'chips', role: 'group', 'aria-label': 'Window' }, ...WINDOWS.map((d) => h('a', { class: 'chip', href: `#/insights?days=${d}`, 'aria-current': d === days ? 'true' : null }, `${d} days`)))),
      body,
    ),
  );
  const load = () =>
    api<Insights>('GET', `/v1/insights?days=${days}`).then(
      (r) => alive && replace(body, ...render(r)),
      (e) => alive && replace(body, h('p', { class: 'form-error' }, (e as Error).message)),
    );

  function render(r: Insights): HTMLElement[] {
    const t = r.totals;
    const auto = t.auto_allowed + t.auto_denied;
    const ttd = r.time_to_decision;
    const hours = r.by_hour.map((n, i) => ({ label: String(i).padStart(2, '0'), values: { asks: n } }));
    const busiest = r.by_hour.indexOf(Math.max(...r.by_hour));
    // Charts are drawn at the width of a card on this screen (inside its padding and border).
    const chartWidth = body.clientWidth > 0 ? body.clientWidth - 34 : 640;
    return [
      r.projects ? h('p', { class: 'muted' }, 'Your projects: ', r.projects.join(', ') || 'none') : null,
      h('div', { class: 'tiles' }, tile('asks', String(t.asks)), tile('answered by the policy', pct(auto, t.asks), `${auto} of ${t.asks}`), tile('approved by people', String(t.approved)), tile('denied by people', String(t.denied)), tile('expired', String(t.expired)), tile('median answer', duration(ttd.median_ms), `p90 ${duration(ttd.p90_ms)}`)),
      h('section', { class: 'card' }, h('h3', null, 'Asks per day'), stackedColumns(r.by_day.map((d) => ({ label: d.day.slice(5), values: d as unknown as Record<string, number> })), SERIES, `Asks per day over ${r.days} days: ${t.asks} in all`, chartWidth), legend(SERIES)),
      h('section', { class: 'card' }, h('h3', null, 'Busiest hours (UTC)'), stackedColumns(hours, [{ key: 'asks', label: 'asks', cls: 'c-asks' }], `Asks by hour of day, UTC; busiest ${String(busiest).padStart(2, '0')}:00`, chartWidth)),
      h('section', { class: 'card' }, h('h3', null, 'Time to a human decision'), h('div', { class: 'latency' }, latencyTable('Approver', ttd.by_approver), latencyTable('Channel', ttd.by_channel))),
      h(
        'section',
        { class: 'card' },
        h('h3', null, `Suggested rules (last ${r.suggestions.days} days)`),
        r.suggestions.items.length
          ? h('ul', { class: 'suggestions' }, ...r.suggestions.items.map((s) => suggestionCard(s, me, r.suggestions.days, () => void load())))
          : h('p', { class: 'muted' }, `None: no action was approved ${r.suggestions.min_approvals}× or more and never denied. Dangerous actions and protected paths are never suggested.`),
      ),
      breakdown('By agent', r.by_agent, '(none)'),
      breakdown('By project', r.by_project, '(no project)'),
      breakdown('By tool', r.by_tool, '(none)'),
      breakdown('By rule', r.by_rule, '(none)'),
      h(
        'section',
        { class: 'card' },
        h('h3', null, 'Longest waits'),
        r.longest_waits.length
          ? table(
              ['Request', 'Agent', 'Project', 'Status', 'Filed', 'Waited'],
              r.longest_waits.map((w) => ({ id: w.id, cls: ['', 'mono', 'mono', '', 'nowrap', 'num nowrap'], cells: [h('a', { href: `#/r/${encodeURIComponent(w.id)}` }, w.title), w.agent, w.project ?? '', w.status, ago(w.created_at), duration(w.waited_ms)] })),
            )
          : h('p', { class: 'muted' }, 'Nobody waited.'),
      ),
    ].filter((x): x is HTMLElement => x !== null);
  }

  void load();
  return () => {
    alive = false;
  };
}
