// Plain SVG charts for the Insights page: no library, no inline styles (the dashboard's CSP allows
// styles from its own stylesheet only), colours from CSS classes. Every label is set as text
// (textContent through showInvisible), never parsed, so agent-controlled names cannot inject
// markup or reorder themselves with bidi controls. Each chart is an image with a spoken summary.
import { showInvisible } from '../../text/invisible.js';

const NS = 'http://www.w3.org/2000/svg';

type SvgAttrs = Record<string, string | number>;

export function svg(tag: string, attrs: SvgAttrs = {}, ...children: (SVGElement | string)[]): SVGElement {
  const el = document.createElementNS(NS, tag) as SVGElement;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) {
    if (typeof c === 'string') el.appendChild(document.createTextNode(showInvisible(c)));
    else el.appendChild(c);
  }
  return el;
}

/** A tooltip for one mark. */
const tip = (text: string) => svg('title', {}, text);

export interface Series {
  key: string;
  label: string;
  /** CSS class of its colour (`c-auto`, `c-approved`, ...). */
  cls: string;
}

/**
 * Stacked columns: one per entry of `points` (label, values by series key). Columns scale to the
 * tallest. The drawing is `width` units wide — the width it will be shown at, so its labels are
 * drawn at their real size on a phone and on a desktop (a fixed viewBox stretched to the page
 * squeezed them unreadably thin on a phone) — and only as many x labels as fit are written.
 */
export function stackedColumns(points: { label: string; values: Record<string, number> }[], series: Series[], summary: string, width = 640): SVGElement {
  const W = Math.max(240, Math.round(width));
  const H = 180;
  const pad = { l: 32, r: 6, t: 8, b: 22 };
  const totals = points.map((p) => series.reduce((n, s) => n + (p.values[s.key] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const slot = (W - pad.l - pad.r) / Math.max(1, points.length);
  const bar = Math.max(2, slot * 0.72);
  const y = (v: number) => pad.t + (H - pad.t - pad.b) * (1 - v / max);
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': summary, preserveAspectRatio: 'none' });
  root.appendChild(svg('line', { x1: pad.l, x2: W - pad.r, y1: y(0), y2: y(0), class: 'axis' }));
  root.appendChild(svg('text', { x: pad.l - 4, y: y(max) + 8, class: 'tick', 'text-anchor': 'end' }, String(max)));
  root.appendChild(svg('text', { x: pad.l - 4, y: y(0), class: 'tick', 'text-anchor': 'end' }, '0'));
  const every = Math.ceil(points.length / Math.max(2, Math.min(8, Math.floor((W - pad.l) / 64))));
  points.forEach((p, i) => {
    const x = pad.l + i * slot + (slot - bar) / 2;
    let base = 0;
    const parts = series.filter((s) => (p.values[s.key] ?? 0) > 0).map((s) => `${s.label} ${p.values[s.key]}`);
    const g = svg('g', { class: 'col' }, tip(`${p.label}: ${totals[i]} asks${parts.length ? ` — ${parts.join(', ')}` : ''}`));
    for (const s of series) {
      const v = p.values[s.key] ?? 0;
      if (v <= 0) continue;
      g.appendChild(svg('rect', { x: x.toFixed(1), y: y(base + v).toFixed(1), width: bar.toFixed(1), height: Math.max(0.5, y(base) - y(base + v)).toFixed(1), class: s.cls }));
      base += v;
    }
    root.appendChild(g);
    if (i % every === 0) root.appendChild(svg('text', { x: (x + bar / 2).toFixed(1), y: H - 6, class: 'tick', 'text-anchor': 'middle' }, p.label));
  });
  return root;
}

/** A horizontal bar for a table cell: its share of `max`, split by series. */
export function barCell(values: Record<string, number>, series: Series[], max: number, label: string): SVGElement {
  const W = 160;
  const root = svg('svg', { viewBox: `0 0 ${W} 12`, class: 'bar', role: 'img', 'aria-label': label, preserveAspectRatio: 'none' });
  let x = 0;
  for (const s of series) {
    const v = values[s.key] ?? 0;
    if (v <= 0) continue;
    const w = (W * v) / Math.max(1, max);
    root.appendChild(svg('rect', { x: x.toFixed(1), y: 0, width: w.toFixed(1), height: 12, class: s.cls }, tip(`${s.label}: ${v}`)));
    x += w;
  }
  return root;
}

/** The colour key of a chart. */
export function legend(series: Series[]): HTMLElement {
  const ul = document.createElement('ul');
  ul.className = 'legend';
  for (const s of series) {
    const li = document.createElement('li');
    const sw = svg('svg', { viewBox: '0 0 10 10', class: 'swatch', 'aria-hidden': 'true' }, svg('rect', { width: 10, height: 10, class: s.cls }));
    li.append(sw, document.createTextNode(s.label));
    ul.appendChild(li);
  }
  return ul;
}
