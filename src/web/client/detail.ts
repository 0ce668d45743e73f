// One request in full: the exact action as it will run first, then the agent's own description
// (labelled), why the policy asked, who asked and where, and either the decision panel (pending) or
// the decision that was made.
import { actionView } from './action-view.js';
import { decidePanel, type DecidePanel } from './decide.js';
import { FILER_NOTE, offerFor } from '../../channels/offer.js';
import { h, type Child } from './dom.js';
import { ago, json, STATUS_LABEL, until, when } from './format.js';
import type { Me, Req } from './types.js';

function row(label: string, value: Child, cls = ''): HTMLElement[] {
  return [h('dt', null, label), h('dd', { class: cls }, value)];
}

export function badge(text: string, kind: string): HTMLElement {
  return h('span', { class: `badge badge-${kind}` }, text);
}

function metaList(r: Req): HTMLElement {
  const dl = h('dl', { class: 'meta' });
  const add = (label: string, value: Child, cls = '') => {
    if (value === null || value === undefined || value === '') return;
    dl.append(...row(label, value, cls));
  };
  add('Agent', r.agent);
  add('Requester', r.requester);
  add('Project', r.project);
  add('Session', r.session_id, 'mono');
  add('Directory', r.cwd, 'mono');
  add('Host', r.host, 'mono');
  add('Created', h('time', { datetime: r.created_at, title: when(r.created_at) }, `${ago(r.created_at)} · ${when(r.created_at)}`));
  if (r.status === 'pending') add('Expires', h('time', { datetime: r.expires_at, title: when(r.expires_at) }, `${until(r.expires_at)} · denied when nobody answers`));
  add('Tags', r.tags.length ? h('span', null, ...r.tags.map((t) => h('span', { class: 'tag' }, t))) : null);
  add('Id', r.id, 'mono');
  return dl;
}

function whyAsked(r: Req): HTMLElement | null {
  if (!r.policy) return null;
  const p = r.policy;
  return h(
    'section',
    { class: `why ${p.dangerous ? 'danger' : ''}`, 'aria-label': 'Why you are asked' },
    h('h3', null, p.dangerous ? 'Why you are asked — flagged as dangerous' : 'Why you are asked'),
    h('p', { class: 'pre-wrap' }, p.reason),
    p.dangerous && p.danger_reasons?.length ? h('ul', { class: 'danger-reasons' }, ...p.danger_reasons.map((d) => h('li', null, d))) : null,
    p.rule ? h('p', { class: 'muted' }, 'Rule: ', h('code', null, p.rule)) : null,
  );
}

/** "1 of 2 approvals — alice approved", the ladder's step: kept current by live updates (refreshProgress). */
function progressView(r: Req): HTMLElement | null {
  const lines = r.workflow?.progress ?? [];
  if (!lines.length) return null;
  return h(
    'section',
    { class: 'progress', 'aria-label': 'Approvals', 'data-progress-for': r.id, role: 'status' },
    h('h3', null, `Approvals · ${r.workflow!.route}`),
    ...lines.map((l) => h('p', null, l)),
    r.workflow!.quorum.required > 1 ? h('p', { class: 'muted' }, `Needs ${r.workflow!.quorum.required} distinct approvers of: ${r.workflow!.eligible.join(', ')}.`) : null,
  );
}

/** Replaces the progress shown for a request still pending (a vote or a ladder step elsewhere). */
export function refreshProgress(r: Req): void {
  for (const old of document.querySelectorAll(`[data-progress-for="${CSS.escape(r.id)}"]`)) {
    const next = progressView(r);
    if (next) old.replaceWith(next);
  }
}

export function decisionView(r: Req): HTMLElement {
  const d = r.decision;
  const box = h('section', { class: `decision outcome-${r.status}`, 'aria-label': 'Decision' }, h('h3', null, STATUS_LABEL[r.status] ?? r.status));
  if (!d) {
    box.appendChild(h('p', null, r.status === 'cancelled' ? 'The agent cancelled this request.' : 'No decision was recorded.'));
    return box;
  }
  const dl = h('dl', { class: 'meta' });
  dl.append(...row('By', `${d.decided_by} via ${d.via}`), ...row('When', when(d.decided_at)));
  if (r.workflow?.progress.length) dl.append(...row('Approvals', r.workflow.progress[0]));
  if (d.outcome !== 'denied') dl.append(...row('Scope', d.scope === 'once' ? 'this request' : d.scope === 'session' ? 'this session' : 'always'));
  if (d.comment) dl.append(...row(d.outcome === 'denied' ? 'Reason' : 'Note', d.comment));
  if (d.answer !== null) dl.append(...row('Answer', Array.isArray(d.answer) ? d.answer.join(', ') : d.answer));
  box.appendChild(dl);
  if (d.conditions && Object.keys(d.conditions).length) {
    const cl = h('dl', { class: 'meta conditions-given' });
    for (const [k, v] of Object.entries(d.conditions)) cl.append(...row(k, String(v)));
    box.append(h('h4', null, 'Conditions'), cl);
  }
  if (d.updated_input !== null && d.updated_input !== undefined) box.append(h('h4', null, 'Approved as edited'), h('pre', { class: 'code scroll', tabindex: 0 }, h('code', null, typeof d.updated_input === 'string' ? d.updated_input : json(d.updated_input))));
  return box;
}

export interface DetailView {
  el: HTMLElement;
  panel: DecidePanel | null;
}

export function detailView(r: Req, me: Me, onDecided: (updated: Req) => void, back?: { href: string; label: string }): DetailView {
  // The request's filer never decides it (the server refuses with FILER_CANNOT_DECIDE): the one
  // offer model offers them nothing, and the page says why instead of showing buttons.
  const filer = r.status === 'pending' && offerFor(r, { viewer: me.name }).filer;
  const panel = r.status === 'pending' && !filer ? decidePanel(r, onDecided) : null;
  const el = h(
    'article',
    { class: 'detail', 'aria-labelledby': 'detail-title', 'data-id': r.id },
    back ? h('a', { class: 'back', href: back.href }, `← ${back.label}`) : null,
    h('header', { class: 'detail-head' }, h('h2', { id: 'detail-title', tabindex: -1 }, r.title), h('div', { class: 'badges' }, badge(STATUS_LABEL[r.status] ?? r.status, r.status), badge(r.priority, `prio-${r.priority}`), r.question ? badge('question', 'question') : null, r.policy?.step_up && !r.question ? badge('needs your code', 'step-up') : null)),
    actionView(r),
    whyAsked(r),
    progressView(r),
    metaList(r),
    r.context ? h('section', { class: 'context', 'aria-label': 'Context' }, h('h3', null, 'Context'), h('p', { class: 'pre-wrap' }, r.context)) : null,
    r.metadata ? h('details', { class: 'more' }, h('summary', null, 'Metadata'), h('pre', { class: 'code scroll', tabindex: 0 }, h('code', null, json(r.metadata)))) : null,
    panel ? panel.el : filer ? h('section', { class: 'decide filer-note', 'aria-label': 'Decide' }, h('p', { class: 'muted' }, FILER_NOTE)) : decisionView(r),
    panel && me ? panel.bar : null,
  );
  return { el, panel };
}
