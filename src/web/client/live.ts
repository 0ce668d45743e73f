// The pending queue, kept live: loaded once, then pushed over /v1/events (SSE with the session
// cookie). A created request appears; a decided, expired or cancelled one leaves — wherever it was
// decided. Reconnects reload the queue so nothing is missed. The page title carries the count.
import { refreshProgress } from './detail.js';
import { api } from './api.js';
import { PRIORITY_RANK, type Req } from './types.js';

export type Change = { kind: 'reset' } | { kind: 'added'; request: Req } | { kind: 'removed'; request: Req; why: string };
type Listener = (c: Change) => void;

const items = new Map<string, Req>();
const listeners = new Set<Listener>();
let source: EventSource | null = null;
let connected = false;

export const byQueueOrder = (a: Req, b: Req) => PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] || Date.parse(a.created_at) - Date.parse(b.created_at) || (a.id < b.id ? -1 : 1);

export const queue = {
  sorted(): Req[] {
    return [...items.values()].sort(byQueueOrder);
  },
  get(id: string): Req | undefined {
    return items.get(id);
  },
  get size() {
    return items.size;
  },
  get connected() {
    return connected;
  },
  subscribe(fn: Listener): () => void {
    listeners.add(fn);
    return () => listeners.delete(fn);
  },
};

function emit(c: Change): void {
  document.title = items.size ? `(${items.size}) Greenlight` : 'Greenlight';
  for (const l of [...listeners]) l(c);
}

async function reload(): Promise<void> {
  const page = await api<{ items: Req[] }>('GET', '/v1/requests/pending?limit=1000');
  items.clear();
  for (const r of page.items) items.set(r.id, r);
  emit({ kind: 'reset' });
}

/** Marks a request as decided here (the SSE event will say the same a moment later). */
export function settleLocally(r: Req): void {
  const had = items.get(r.id);
  if (had && r.status !== 'pending') {
    items.delete(r.id);
    emit({ kind: 'removed', request: r, why: r.status });
  }
}

export function startLive(onCreated: (r: Req) => void, onClosed: () => void): void {
  stopLive();
  void reload().catch(() => {});
  source = new EventSource('/v1/events');
  source.addEventListener('ready', () => {
    connected = true;
    document.body.dataset.live = 'on';
    void reload().catch(() => {});
  });
  source.addEventListener('request.created', (ev) => {
    const r = (JSON.parse((ev as MessageEvent).data) as { request: Req }).request;
    if (r.status !== 'pending' || items.has(r.id)) return;
    items.set(r.id, r);
    emit({ kind: 'added', request: r });
    onCreated(r);
  });
  // Still pending, but a vote was counted or a ladder step started (on any channel or instance).
  source.addEventListener('request.updated', (ev) => {
    const r = (JSON.parse((ev as MessageEvent).data) as { request: Req }).request;
    if (items.has(r.id)) items.set(r.id, r);
    refreshProgress(r);
  });
  for (const type of ['request.decided', 'request.expired', 'request.cancelled']) {
    source.addEventListener(type, (ev) => {
      const r = (JSON.parse((ev as MessageEvent).data) as { request: Req }).request;
      if (!items.has(r.id)) {
        emit({ kind: 'removed', request: r, why: r.status });
        return;
      }
      items.delete(r.id);
      emit({ kind: 'removed', request: r, why: r.status });
    });
  }
  source.addEventListener('error', () => {
    connected = false;
    document.body.dataset.live = 'off';
    if (source?.readyState === EventSource.CLOSED) onClosed();
  });
}

export function stopLive(): void {
  source?.close();
  source = null;
  connected = false;
  items.clear();
}
