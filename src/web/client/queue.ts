// The pending queue: a live list (priority, then age) beside the open request. Keyboard: j/k move,
// a approve, d deny, x select, / search, Esc back. Bulk decisions take an explicit selection.
import { actionSummary } from './action-view.js';
import { api } from './api.js';
import { openBulkDialog } from './bulk.js';
import { badge, decisionView, detailView, type DetailView } from './detail.js';
import { announce, h, replace } from './dom.js';
import { ago } from './format.js';
import { queue, settleLocally, type Change } from './live.js';
import { notifyButton } from './notify.js';
import type { Me, Req } from './types.js';

export function mountQueue(root: HTMLElement, me: Me, openId: string | null): () => void {
  const selected = new Set<string>();
  let cursor: string | null = openId;
  let filter = '';
  let shown: DetailView | null = null;
  let shownId: string | null = null;

  const search = h('input', { type: 'search', id: 'queue-search', placeholder: 'Filter  ( / )', 'aria-label': 'Filter the queue', autocomplete: 'off' });
  const count = h('span', { class: 'count', 'aria-live': 'polite' });
  const list = h('ul', { class: 'queue', 'aria-label': 'Pending requests' });
  const empty = h('p', { class: 'empty' });
  const bulkCount = h('span');
  const bulkBar = h(
    'div',
    { class: 'bulk-bar', hidden: true },
    bulkCount,
    h('button', { type: 'button', class: 'btn primary', 'data-act': 'review-selected', on: { click: () => reviewSelected() } }, 'Review selected'),
    h('button', { type: 'button', class: 'btn', on: { click: () => (selected.clear(), renderList()) } }, 'Clear'),
  );
  const pane = h('section', { class: 'detail-pane', 'aria-label': 'The open request' });
  const page = h(
    'div',
    { class: 'queue-page' },
    h(
      'section',
      { class: 'list-pane', 'aria-label': 'Queue' },
      h('div', { class: 'toolbar' }, h('h2', null, 'Pending ', count), search, notifyButton()),
      bulkBar,
      list,
      empty,
      h('p', { class: 'kbd-help muted' }, h('kbd', null, 'j'), '/', h('kbd', null, 'k'), ' move · ', h('kbd', null, 'a'), ' approve · ', h('kbd', null, 'd'), ' deny · ', h('kbd', null, 'x'), ' select · ', h('kbd', null, '/'), ' search'),
    ),
    pane,
  );
  replace(root, page);

  const visible = (): Req[] => {
    const q = filter.toLowerCase();
    const all = queue.sorted();
    if (!q) return all;
    return all.filter((r) => [r.title, r.agent, r.project ?? '', r.preview, actionSummary(r), r.session_id ?? ''].some((s) => s.toLowerCase().includes(q)));
  };

  function rowFor(r: Req): HTMLElement {
    const box = h('input', { type: 'checkbox', class: 'select', 'aria-label': `Select: ${r.title}`, checked: selected.has(r.id) });
    box.addEventListener('change', () => {
      if (box.checked) selected.add(r.id);
      else selected.delete(r.id);
      renderBulk();
      li.classList.toggle('selected', box.checked);
    });
    const li = h(
      'li',
      { class: `item prio-${r.priority}${selected.has(r.id) ? ' selected' : ''}${cursor === r.id ? ' cursor' : ''}`, 'data-id': r.id },
      box,
      h(
        'a',
        { class: 'item-main', href: `#/queue/${encodeURIComponent(r.id)}`, 'aria-current': cursor === r.id ? 'true' : undefined },
        h('span', { class: 'item-title' }, r.title),
        h('span', { class: 'item-sub' }, `${r.agent}${r.project ? ` · ${r.project}` : ''} · ${ago(r.created_at)}`),
        actionSummary(r) ? h('code', { class: 'item-summary' }, actionSummary(r)) : null,
      ),
      r.priority !== 'normal' ? badge(r.priority, `prio-${r.priority}`) : null,
      r.policy?.step_up && !r.question ? badge('needs your code', 'step-up') : null,
      r.question ? h('span', { class: 'badge badge-question', title: 'Asks a question' }, '?', h('span', { class: 'sr-only' }, ' asks a question')) : null,
    );
    return li;
  }

  function renderBulk(): void {
    for (const id of [...selected]) if (!queue.get(id)) selected.delete(id);
    bulkBar.hidden = selected.size === 0;
    bulkCount.textContent = `${selected.size} selected`;
  }

  function renderList(): void {
    const rows = visible();
    const focusedId = (document.activeElement?.closest('li.item') as HTMLElement | null)?.dataset.id;
    replace(list, ...rows.map(rowFor));
    count.textContent = String(queue.size);
    empty.textContent = queue.size === 0 ? 'Nothing is waiting. New requests appear here as they arrive.' : rows.length === 0 ? 'No pending request matches the filter.' : '';
    empty.hidden = !empty.textContent;
    renderBulk();
    if (focusedId) (list.querySelector(`li[data-id="${CSS.escape(focusedId)}"] a`) as HTMLElement | null)?.focus();
  }

  function showDetail(id: string | null, focus = false): void {
    const r = id ? queue.get(id) : undefined;
    page.classList.toggle('has-detail', Boolean(openId));
    if (!r) {
      if (id && shownId === id) return; // keep showing what happened to it
      shown = null;
      shownId = null;
      if (id) {
        // Not pending (decided, or an old link): show it from the API.
        void api<Req>('GET', `/v1/requests/${encodeURIComponent(id)}`).then(
          (full) => replace(pane, h('a', { class: 'back', href: '#/' }, '← Queue'), detailView(full, me, decided).el),
          () => replace(pane, h('p', { class: 'empty' }, 'That request was not found.')),
        );
      } else {
        replace(pane, h('p', { class: 'empty pane-empty' }, queue.size ? 'Pick a request (or press j).' : 'Nothing to decide.'));
      }
      return;
    }
    shown = detailView(r, me, decided, { href: '#/', label: 'Queue' });
    shownId = r.id;
    replace(pane, shown.el);
    if (focus) (pane.querySelector('#detail-title') as HTMLElement | null)?.focus();
  }

  /** On wide screens something is always open: the cursor's request, else the first. */
  function autoPick(): void {
    if (shownId !== null || openId) return;
    const first = visible()[0];
    if (wide() && first) moveTo(cursor && queue.get(cursor) ? cursor : first.id, false, false);
    else showDetail(null);
  }

  function moveTo(id: string | null, focusRow = true, updateHash = true): void {
    cursor = id;
    for (const li of list.querySelectorAll('li.item')) {
      const on = (li as HTMLElement).dataset.id === id;
      li.classList.toggle('cursor', on);
      const a = li.querySelector('a');
      if (on) a?.setAttribute('aria-current', 'true');
      else a?.removeAttribute('aria-current');
      if (on && focusRow) (a as HTMLElement).focus();
    }
    if (id && updateHash) history.replaceState(null, '', `#/queue/${encodeURIComponent(id)}`);
    showDetail(id);
  }

  /** After a decision here: go on with the next request. */
  function decided(updated: Req): void {
    const rows = visible();
    const i = rows.findIndex((r) => r.id === updated.id);
    const next = rows[i + 1] ?? rows[i - 1] ?? null;
    settleLocally(updated);
    if (next && next.id !== updated.id) {
      if (openId) location.hash = `#/queue/${encodeURIComponent(next.id)}`;
      else moveTo(next.id, false);
    } else {
      shownId = null;
      replace(pane, decisionView(updated), h('p', { class: 'empty' }, 'Queue empty.'));
    }
  }

  function reviewSelected(): void {
    const reqs = queue.sorted().filter((r) => selected.has(r.id));
    if (!reqs.length) return;
    openBulkDialog(reqs, (ids) => {
      for (const id of ids) selected.delete(id);
      renderList();
    });
  }

  const onChange = (c: Change) => {
    renderList();
    if (c.kind === 'removed' && c.request.id === shownId) {
      // Decided elsewhere (or expired / cancelled): say so where the form was.
      shown = null;
      replace(pane, h('p', { class: 'notice', role: 'status' }, `This request is now ${c.request.status}${c.request.decision ? ` (by ${c.request.decision.decided_by} via ${c.request.decision.via})` : ''}.`), decisionView(c.request));
    } else if (c.kind === 'added') {
      announce(`New request: ${c.request.title}`);
    }
    autoPick();
  };

  const wide = () => window.matchMedia('(min-width: 900px)').matches;

  function onKey(ev: KeyboardEvent): void {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.defaultPrevented) return;
    const t = ev.target as HTMLElement;
    if (document.querySelector('dialog[open]')) return;
    if (t.closest('input, textarea, select, [contenteditable]')) {
      if (ev.key === 'Escape' && t === search) search.blur();
      return;
    }
    const rows = visible();
    const i = rows.findIndex((r) => r.id === cursor);
    const paneVisible = pane.offsetParent !== null && shown?.panel;
    switch (ev.key) {
      case 'j':
      case 'k': {
        const next = rows[ev.key === 'j' ? Math.min(rows.length - 1, i + 1) : Math.max(0, i - 1)] ?? rows[0];
        if (next) moveTo(next.id);
        break;
      }
      case 'x':
        if (cursor && queue.get(cursor)) {
          if (selected.has(cursor)) selected.delete(cursor);
          else selected.add(cursor);
          renderList();
        }
        break;
      case 'a':
        if (paneVisible && shownId === cursor) shown!.panel!.approveOnce();
        else if (cursor) location.hash = `#/queue/${encodeURIComponent(cursor)}`;
        break;
      case 'd':
        if (paneVisible && shownId === cursor) shown!.panel!.startDeny();
        else if (cursor) location.hash = `#/queue/${encodeURIComponent(cursor)}`;
        break;
      case '/':
        search.focus();
        break;
      case 'Escape':
        if (openId) location.hash = '#/';
        break;
      default:
        return;
    }
    ev.preventDefault();
  }

  search.addEventListener('input', () => {
    filter = search.value.trim();
    renderList();
  });
  const unsubscribe = queue.subscribe(onChange);
  document.addEventListener('keydown', onKey);
  renderList();
  if (openId) showDetail(openId, true);
  else autoPick();
  return () => {
    unsubscribe();
    document.removeEventListener('keydown', onKey);
  };
}
