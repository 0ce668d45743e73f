// History: every request, newest first, searched and filtered on the server (status, agent,
// project, text, dates) and paged with a cursor, so it stays quick on large stores.
import { actionSummary } from './action-view.js';
import { api, qs } from './api.js';
import { badge } from './detail.js';
import { h, replace } from './dom.js';
import { ago, STATUS_LABEL, when } from './format.js';
import type { Page, Req } from './types.js';

const STATUSES = ['pending', 'approved', 'denied', 'conditional', 'answered', 'expired', 'cancelled'];

export function mountHistory(root: HTMLElement, params: URLSearchParams): () => void {
  const field = (id: string, label: string, input: HTMLElement) => h('div', { class: 'field' }, h('label', { for: id }, label), input);
  const q = h('input', { type: 'search', id: 'h-q', name: 'q', value: params.get('q') ?? '', autocomplete: 'off', placeholder: 'Title, preview, context…' });
  const status = h('select', { id: 'h-status', name: 'status' }, h('option', { value: '' }, 'Any status'), ...STATUSES.map((s) => h('option', { value: s, selected: params.get('status') === s }, STATUS_LABEL[s])));
  const agent = h('input', { type: 'text', id: 'h-agent', name: 'agent', value: params.get('agent') ?? '', autocomplete: 'off' });
  const project = h('input', { type: 'text', id: 'h-project', name: 'project', value: params.get('project') ?? '', autocomplete: 'off' });
  const from = h('input', { type: 'date', id: 'h-from', name: 'from', value: params.get('from') ?? '' });
  const to = h('input', { type: 'date', id: 'h-to', name: 'to', value: params.get('to') ?? '' });
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Search history' },
    field('h-q', 'Text', q),
    field('h-status', 'Status', status),
    field('h-agent', 'Agent', agent),
    field('h-project', 'Project', project),
    field('h-from', 'From', from),
    field('h-to', 'To', to),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'btn primary' }, 'Search')),
  );
  const list = h('ul', { class: 'history', 'aria-label': 'Requests' });
  const more = h('button', { type: 'button', class: 'btn', hidden: true }, 'Load more');
  const info = h('p', { class: 'muted', role: 'status' });
  replace(root, h('div', { class: 'page' }, h('h2', null, 'History'), form, info, list, more));

  let cursor: string | null = null;
  const query = () => ({
    q: q.value.trim(),
    status: status.value,
    agent: agent.value.trim(),
    project: project.value.trim(),
    from: from.value ? new Date(`${from.value}T00:00:00`).toISOString() : '',
    to: to.value ? new Date(`${to.value}T23:59:59.999`).toISOString() : '',
  });

  const row = (r: Req) =>
    h(
      'li',
      { class: 'item', 'data-id': r.id },
      h(
        'a',
        { class: 'item-main', href: `#/r/${encodeURIComponent(r.id)}` },
        h('span', { class: 'item-title' }, r.title),
        h('span', { class: 'item-sub' }, `${r.agent}${r.project ? ` · ${r.project}` : ''} · `, h('time', { datetime: r.created_at, title: when(r.created_at) }, ago(r.created_at)), r.decision ? ` · by ${r.decision.decided_by} via ${r.decision.via}` : ''),
        actionSummary(r) ? h('code', { class: 'item-summary' }, actionSummary(r)) : null,
      ),
      badge(STATUS_LABEL[r.status] ?? r.status, r.status),
    );

  async function load(reset: boolean): Promise<void> {
    if (reset) {
      cursor = null;
      replace(list);
    }
    info.textContent = 'Loading…';
    try {
      const page = await api<Page<Req>>('GET', `/v1/requests${qs({ ...query(), limit: 50, cursor })}`);
      for (const r of page.items) list.appendChild(row(r));
      cursor = page.next_cursor ?? null;
      more.hidden = !cursor;
      info.textContent = list.childElementCount ? `${list.childElementCount} shown${cursor ? ', more below' : ''}.` : 'No request matches.';
    } catch (e) {
      info.textContent = (e as Error).message;
    }
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const s = new URLSearchParams();
    for (const [k, v] of Object.entries({ q: q.value.trim(), status: status.value, agent: agent.value.trim(), project: project.value.trim(), from: from.value, to: to.value })) if (v) s.set(k, v);
    history.replaceState(null, '', `#/history${s.toString() ? `?${s}` : ''}`);
    void load(true);
  });
  more.addEventListener('click', () => void load(false));
  void load(true);
  return () => {};
}
