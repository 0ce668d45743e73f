// The dashboard's entry: sign-in or the app shell (header, navigation), a hash router over the
// pages, the live queue, and the theme.
import { mountAgentSession } from './agent-sessions.js';
import { mountAgents } from './agents.js';
import { api, setSession } from './api.js';
import { mountAudit } from './audit.js';
import { mountChannels } from './channels.js';
import { detailView } from './detail.js';
import { h, replace, toast } from './dom.js';
import { mountHistory } from './history.js';
import { mountInsights } from './insights.js';
import { mountKeys } from './keys.js';
import { queue, settleLocally, startLive, stopLive } from './live.js';
import { mountLogin } from './login.js';
import { notifyNew } from './notify.js';
import { mountPolicy } from './policy.js';
import { mountQueue } from './queue.js';
import { mountSecurity } from './step-up.js';
import type { Me, Req } from './types.js';

const root = document.getElementById('app')!;
let unmount: () => void = () => {};
let me: Me | null = null;

// --- theme: follows the system unless chosen ---
const THEME = 'greenlight.theme';
const THEMES = ['auto', 'light', 'dark'] as const;
function applyTheme(t: string): void {
  if (t === 'light' || t === 'dark') document.documentElement.dataset.theme = t;
  else delete document.documentElement.dataset.theme;
}
applyTheme(localStorage.getItem(THEME) ?? 'auto');

function themeButton(): HTMLButtonElement {
  const text = h('span', { class: 'theme-label' });
  const btn = h('button', { type: 'button', class: 'btn small ghost', 'data-act': 'theme' }, h('span', { 'aria-hidden': 'true' }, '◐ '), text);
  const label = () => {
    const t = localStorage.getItem(THEME) ?? 'auto';
    text.textContent = `Theme: ${t}`;
    btn.setAttribute('aria-label', `Theme: ${t}. Change`);
  };
  btn.addEventListener('click', () => {
    const cur = (localStorage.getItem(THEME) ?? 'auto') as (typeof THEMES)[number];
    const next = THEMES[(THEMES.indexOf(cur) + 1) % THEMES.length];
    localStorage.setItem(THEME, next);
    applyTheme(next);
    label();
  });
  label();
  return btn;
}

// --- sign-in / sign-out ---
async function boot(notice = ''): Promise<void> {
  let session: { signed_in: boolean; password_sign_in?: boolean } & Partial<Me>;
  try {
    session = await api('GET', '/auth/session');
  } catch (e) {
    replace(root, h('main', { class: 'card narrow', id: 'main' }, h('h1', null, 'Greenlight'), h('p', { class: 'form-error', role: 'alert' }, (e as Error).message), h('button', { type: 'button', class: 'btn', on: { click: () => void boot() } }, 'Try again')));
    return;
  }
  if (session.signed_in) start(session as Me);
  else showLogin(Boolean(session.password_sign_in), notice);
}

function showLogin(passwords: boolean, notice = ''): void {
  unmount();
  stopLive();
  me = null;
  setSession(null);
  document.title = 'Sign in · Greenlight';
  document.body.className = 'signed-out';
  mountLogin(root, passwords, (m) => start(m), notice);
}

const signedOut = () => void boot('Your session ended. Sign in again.');

async function signOut(): Promise<void> {
  try {
    await api('POST', '/auth/logout');
  } catch {
    // the cookie is cleared by the server when it can be; the page forgets either way
  }
  history.replaceState(null, '', '#/');
  void boot('Signed out.');
}

// --- the app shell ---
const NAV = [
  { href: '#/', label: 'Queue', page: 'queue' },
  { href: '#/history', label: 'History', page: 'history' },
  { href: '#/agents', label: 'Agents', page: 'agents' },
  { href: '#/policy', label: 'Policy', page: 'policy' },
  { href: '#/insights', label: 'Insights', page: 'insights' },
  { href: '#/audit', label: 'Audit', page: 'audit' },
  { href: '#/channels', label: 'Channels', page: 'channels' },
  { href: '#/security', label: 'Security', page: 'security' },
  { href: '#/keys', label: 'Keys', page: 'keys', admin: true },
];

let main: HTMLElement;
let navCount: HTMLElement;

function start(m: Me): void {
  me = m;
  setSession(m, signedOut);
  document.body.className = 'signed-in';
  navCount = h('span', { class: 'nav-count', 'aria-label': 'pending' });
  const nav = h(
    'nav',
    { class: 'nav', 'aria-label': 'Pages' },
    h('ul', null, ...NAV.filter((n) => !n.admin || m.role === 'admin').map((n) => h('li', null, h('a', { href: n.href, 'data-page': n.page }, n.label, n.page === 'queue' ? navCount : null)))),
  );
  main = h('main', { id: 'main', tabindex: -1 });
  replace(
    root,
    h(
      'header',
      { class: 'top' },
      h('a', { class: 'brand', href: '#/' }, h('span', { class: 'brand-dot', 'aria-hidden': 'true' }), ' Greenlight'),
      h('span', { class: 'live-dot', title: 'Live updates', 'aria-hidden': 'true' }),
      nav,
      h('div', { class: 'user' }, h('span', { class: 'who' }, `${m.name} · ${m.role}`), themeButton(), h('button', { type: 'button', class: 'btn small ghost', 'data-act': 'sign-out', on: { click: () => void signOut() } }, 'Sign out')),
    ),
    main,
  );
  queue.subscribe(() => (navCount.textContent = queue.size ? String(queue.size) : ''));
  startLive(
    (r) => notifyNew(r),
    async () => {
      const s = await api<{ signed_in: boolean }>('GET', '/auth/session').catch(() => null);
      if (s && !s.signed_in) signedOut();
      else setTimeout(() => me && startLive((r) => notifyNew(r), signedOut), 3000);
    },
  );
  route();
}

function route(): void {
  if (!me) return;
  const raw = location.hash || '#/';
  if (!raw.startsWith('#/')) return; // in-page anchors (the skip link)
  const [path, query] = raw.slice(1).split('?');
  const params = new URLSearchParams(query ?? '');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  unmount();
  unmount = () => {};
  let page = parts[0] ?? 'queue';
  if (page === 'queue' || parts.length === 0) {
    page = 'queue';
    unmount = mountQueue(main, me, parts[1] ?? null);
  } else if (page === 'r' && parts[1]) {
    unmount = mountRequest(main, parts[1]);
  } else if (page === 'history') unmount = mountHistory(main, params);
  else if (page === 'agents' && parts[1]) unmount = mountAgentSession(main, parts[1]);
  else if (page === 'agents') unmount = mountAgents(main, me);
  else if (page === 'policy') unmount = mountPolicy(main);
  else if (page === 'insights') unmount = mountInsights(main, me, params);
  else if (page === 'audit') unmount = mountAudit(main, params);
  else if (page === 'channels') unmount = mountChannels(main);
  else if (page === 'security') unmount = mountSecurity(main);
  else if (page === 'keys' && me.role === 'admin') unmount = mountKeys(main);
  else replace(main, h('div', { class: 'page' }, h('h2', null, 'Not here'), h('p', null, h('a', { href: '#/' }, 'Back to the queue'))));
  document.body.dataset.page = page === 'r' ? 'request' : page;
  for (const a of document.querySelectorAll('nav.nav a')) {
    if ((a as HTMLElement).dataset.page === (page === 'r' ? 'history' : page)) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

/** A request on its own page (from history, the audit log, a link). */
function mountRequest(el: HTMLElement, id: string): () => void {
  let current: Req | null = null;
  const show = (r: Req) => {
    current = r;
    replace(el, detailView(r, me!, (updated) => (settleLocally(updated), show(updated)), { href: '#/history', label: 'History' }).el);
  };
  replace(el, h('p', { class: 'muted page' }, 'Loading…'));
  api<Req>('GET', `/v1/requests/${encodeURIComponent(id)}`).then(show, (e) => replace(el, h('div', { class: 'page' }, h('p', { class: 'form-error' }, (e as Error).message))));
  return queue.subscribe((c) => {
    if (c.kind === 'removed' && current && c.request.id === current.id && current.status === 'pending') {
      toast(`Now ${c.request.status}${c.request.decision ? ` by ${c.request.decision.decided_by}` : ''}`);
      show(c.request);
    }
  });
}

window.addEventListener('hashchange', route);
void boot();
