// The audit log: newest first, 100 rows a page, optionally for one request.
import { api, qs } from './api.js';
import { h, replace } from './dom.js';
import { json, when } from './format.js';

interface Entry {
  seq: number;
  at: string;
  actor: { kind: string; name: string };
  action: string;
  request_id: string | null;
  via: string | null;
  detail: Record<string, unknown> | null;
}

const COLS = ['#', 'When', 'Who', 'What', 'Request', 'Via', 'Detail'];

export function mountAudit(root: HTMLElement, params: URLSearchParams): () => void {
  const reqId = h('input', { type: 'text', id: 'audit-request', value: params.get('request_id') ?? '', autocomplete: 'off', spellcheck: 'false', placeholder: 'req_…' });
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter the audit log' }, h('div', { class: 'field' }, h('label', { for: 'audit-request' }, 'Request id'), reqId), h('div', { class: 'row' }, h('button', { type: 'submit', class: 'btn primary' }, 'Show')));
  const body = h('tbody', { role: 'rowgroup' });
  const more = h('button', { type: 'button', class: 'btn', hidden: true }, 'Older');
  const info = h('p', { class: 'muted', role: 'status' });
  replace(
    root,
    h(
      'div',
      { class: 'page' },
      h('h2', null, 'Audit log'),
      form,
      info,
      h('div', { class: 'table-wrap' }, h('table', { class: 'grid stack audit', role: 'table' }, h('thead', { role: 'rowgroup' }, h('tr', { role: 'row' }, ...COLS.map((t) => h('th', { scope: 'col', role: 'columnheader' }, t)))), body)),
      more,
    ),
  );
  let before: number | null = null;
  async function load(reset: boolean): Promise<void> {
    if (reset) {
      before = null;
      replace(body);
    }
    try {
      const page = await api<{ items: Entry[] }>('GET', `/v1/audit${qs({ limit: 100, before_seq: before, request_id: reqId.value.trim() })}`);
      for (const e of page.items) {
        const cells = [
          String(e.seq),
          h('time', { datetime: e.at }, when(e.at)),
          `${e.actor.name} (${e.actor.kind})`,
          e.action,
          e.request_id ? h('a', { class: 'mono', href: `#/r/${encodeURIComponent(e.request_id)}` }, e.request_id) : '',
          e.via ?? '',
          e.detail ? h('code', { class: 'detail-json' }, json(e.detail)) : '',
        ];
        body.appendChild(h('tr', { role: 'row' }, ...cells.map((c, i) => h('td', { 'data-label': COLS[i], role: 'cell' }, c))));
      }
      before = page.items.length ? page.items[page.items.length - 1].seq : before;
      more.hidden = page.items.length < 100;
      info.textContent = body.childElementCount ? '' : 'No audit rows.';
    } catch (e) {
      info.textContent = (e as Error).message;
    }
  }
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void load(true);
  });
  more.addEventListener('click', () => void load(false));
  void load(true);
  return () => {};
}
