// The channel status page: each configured channel's health from GET /v1/channels — its state,
// when it last delivered, the last error, its outbox backlog and whether inbound traffic reaches it.
// Refreshed every 15 seconds while shown.
import { api } from './api.js';
import { h, replace, table } from './dom.js';
import { ago, when } from './format.js';

interface ChannelStatus {
  name: string;
  state: 'ok' | 'degraded' | 'failing' | 'idle';
  last_success_at: string | null;
  last_error: { at: string; message: string } | null;
  backlog: { pending: number; dead: number; oldest_pending_at: string | null; capped: boolean };
  inbound: { state: 'idle' | 'ok' | 'failing'; at: string | null; detail: string | null } | null;
  detail: Record<string, string | number | boolean | null>;
}

const STATE_LABEL: Record<ChannelStatus['state'], string> = { ok: 'OK', degraded: 'Degraded', failing: 'Failing', idle: 'Idle' };
const at = (iso: string | null) => (iso ? h('time', { datetime: iso, title: when(iso) }, ago(iso)) : h('span', { class: 'muted' }, 'never'));

function row(c: ChannelStatus) {
  const more = c.backlog.capped ? '+' : '';
  return {
    id: c.name,
    cells: [
      h('strong', null, c.name),
      h('span', { class: `badge badge-health-${c.state}`, 'data-state': c.state }, STATE_LABEL[c.state]),
      at(c.last_success_at),
      c.last_error ? h('span', null, at(c.last_error.at), ' ', h('span', { class: 'danger-text' }, c.last_error.message)) : h('span', { class: 'muted' }, 'none'),
      h('span', null, `${c.backlog.pending}${more} waiting`, c.backlog.dead ? h('span', { class: 'danger-text' }, ` · ${c.backlog.dead}${more} given up`) : null, c.backlog.oldest_pending_at ? h('span', { class: 'muted' }, ` · oldest `, at(c.backlog.oldest_pending_at)) : null),
      c.inbound ? h('span', null, c.inbound.state === 'idle' ? 'nothing yet' : c.inbound.state === 'ok' ? 'OK ' : 'failing ', c.inbound.at ? at(c.inbound.at) : null, c.inbound.detail ? h('span', { class: 'muted' }, ` ${c.inbound.detail}`) : null) : h('span', { class: 'muted' }, '—'),
      h('span', { class: 'muted mono' }, Object.entries(c.detail).map(([k, v]) => `${k}: ${String(v)}`).join(' · ')),
    ],
  };
}

export function mountChannels(root: HTMLElement): () => void {
  const body = h('div', null, h('p', { class: 'muted' }, 'Loading…'));
  replace(root, h('div', { class: 'page' }, h('h2', null, 'Channels'), h('p', { class: 'muted' }, 'What this server instance has seen since it started; the backlog is the shared outbox.'), body));
  let stopped = false;
  async function load(): Promise<void> {
    try {
      const page = await api<{ items: ChannelStatus[] }>('GET', '/v1/channels');
      if (!stopped) replace(body, table(['Channel', 'State', 'Last delivered', 'Last error', 'Outbox', 'Inbound', 'Details'], page.items.map(row), 'channels'));
    } catch (e) {
      if (!stopped) replace(body, h('p', { class: 'form-error' }, (e as Error).message));
    }
  }
  void load();
  const timer = setInterval(() => void load(), 15_000);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
