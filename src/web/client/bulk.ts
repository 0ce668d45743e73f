// Bulk decisions on explicitly selected requests. Before anything is sent the dialog shows every
// selected action in full; each request is then decided on its own, and each result is listed.
import { actionView } from './action-view.js';
import { api } from './api.js';
import { h, toast } from './dom.js';
import { ago } from './format.js';
import { settleLocally } from './live.js';
import type { Req } from './types.js';

export function openBulkDialog(requests: Req[], onDone: (decidedIds: string[]) => void): void {
  const n = requests.length;
  const results = h('ul', { class: 'bulk-results', 'aria-live': 'polite' });
  const reason = h('input', { type: 'text', id: 'bulk-reason', autocomplete: 'off', placeholder: 'Reason for a denial (optional)' });
  const approveBtn = h('button', { type: 'button', class: 'btn approve', 'data-act': 'bulk-approve' }, `Approve all ${n}`);
  const denyBtn = h('button', { type: 'button', class: 'btn deny', 'data-act': 'bulk-deny' }, `Deny all ${n}`);
  const closeBtn = h('button', { type: 'button', class: 'btn' }, 'Cancel');
  const dialog = h(
    'dialog',
    { class: 'bulk', 'aria-labelledby': 'bulk-title' },
    h('header', null, h('h2', { id: 'bulk-title' }, `Review ${n} selected request${n === 1 ? '' : 's'}`), h('p', { class: 'muted' }, 'Every selected action is shown in full. Nothing is sent until you choose below.')),
    h(
      'ol',
      { class: 'bulk-items' },
      ...requests.map((r) => h('li', { class: 'bulk-item', 'data-id': r.id }, h('h3', null, r.title), h('p', { class: 'muted' }, `${r.agent}${r.project ? ` · ${r.project}` : ''} · ${ago(r.created_at)}${r.question ? ' · asks a question' : ''}`), actionView(r))),
    ),
    results,
    h('footer', { class: 'bulk-actions' }, h('div', { class: 'field' }, h('label', { for: 'bulk-reason' }, 'Reason'), reason), h('div', { class: 'row wrap' }, approveBtn, denyBtn, closeBtn)),
  );
  const decided: string[] = [];
  const close = () => {
    dialog.close();
    dialog.remove();
    onDone(decided);
  };
  closeBtn.addEventListener('click', close);
  dialog.addEventListener('cancel', (ev) => {
    ev.preventDefault();
    close();
  });
  const run = async (outcome: 'approved' | 'denied') => {
    approveBtn.disabled = denyBtn.disabled = true;
    let ok = 0;
    for (const r of requests) {
      const body = outcome === 'approved' ? { outcome, scope: 'once' } : { outcome, comment: reason.value.trim() || null };
      try {
        const updated = await api<Req>('POST', `/v1/requests/${encodeURIComponent(r.id)}/decision`, body);
        settleLocally(updated);
        decided.push(r.id);
        ok++;
        results.appendChild(h('li', { class: 'ok' }, `${outcome === 'approved' ? 'Approved' : 'Denied'}: ${r.title}`));
      } catch (e) {
        results.appendChild(h('li', { class: 'failed' }, `Not changed: ${r.title} — ${(e as Error).message}`));
      }
    }
    toast(`${outcome === 'approved' ? 'Approved' : 'Denied'} ${ok} of ${n}`, ok === n ? 'ok' : 'error');
    closeBtn.textContent = 'Close';
    closeBtn.focus();
  };
  approveBtn.addEventListener('click', () => void run('approved'));
  denyBtn.addEventListener('click', () => void run('denied'));
  document.body.appendChild(dialog);
  dialog.showModal();
  (dialog.querySelector('h2') as HTMLElement).setAttribute('tabindex', '-1');
  (dialog.querySelector('h2') as HTMLElement).focus();
}
