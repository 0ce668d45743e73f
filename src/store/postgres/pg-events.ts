// Events across instances: one dedicated connection per instance LISTENs on the channel the
// Postgres store NOTIFYs on when a request change or outbox items commit. A notification carries
// ids only; the request is read from the store and published on this instance's local bus, so a
// decision made on instance A wakes long-poll, SSE, hook and MCP waiters on instance B.
// Notifications this instance sent itself are dropped: its own events were published locally.
// Rows are read only when someone here listens (a waiter on that request, or an SSE stream);
// subscribeOwn listeners hear only this instance's own events and cause no reads. The same
// connection holds this instance's liveness lock and carries cluster signals (pg-cluster.ts).
import pg from 'pg';
import type { SignalPayload } from '../../cluster/cluster.js';
import { createLocalEventBus, type EventBus } from '../../core/events.js';
import type { Logger } from '../../log.js';
import type { Store } from '../store.js';
import { INSTANCE_NAMESPACE, instanceKey } from './pg-locks.js';
import { EVENTS_CHANNEL, eventTypeOf, type Notice } from './pg-store.js';

export interface PgEventBus extends EventBus {
  onRemoteOutbox(listener: () => void): () => void;
  onSignal(topic: string, listener: (payload: SignalPayload) => void): () => void;
  start(): Promise<void>;
  close(): Promise<void>;
  /** The LISTEN connection is up. */
  connected(): boolean;
}

export function createPgEventBus(deps: { url: string; store: Store; instanceId: string; logger: Logger }): PgEventBus {
  const local = createLocalEventBus((err) => deps.logger.error('event listener failed', { err }));
  const outboxListeners = new Set<() => void>();
  const signalListeners = new Map<string, Set<(payload: SignalPayload) => void>>();
  /** Listeners to this instance's own events only (they add no reads of other instances' changes). */
  const own = createLocalEventBus((err) => deps.logger.error('event listener failed', { err }));
  /** Requests someone here waits on, with how many waiters. */
  const waited = new Map<string, number>();
  let everyone = 0;
  let client: pg.Client | null = null;
  let up = false;
  let everConnected = false;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;
  // Notifications are handled one after another, so events about one request keep their order.
  let queue: Promise<void> = Promise.resolve();

  async function handle(notice: Notice): Promise<void> {
    if (notice.e === 'signal') {
      for (const l of [...(signalListeners.get(notice.t) ?? [])]) l(notice.p);
      return;
    }
    if (notice.e === 'outbox' || notice.o) for (const l of [...outboxListeners]) l();
    if (notice.e === 'outbox') return;
    if (everyone === 0 && !waited.has(notice.id)) return;
    const request = await deps.store.getRequest(notice.id);
    if (!request) return;
    for (const type of notice.types) local.publish({ type, request, at: notice.at });
  }

  function onNotification(message: pg.Notification): void {
    let notice: Notice;
    try {
      notice = JSON.parse(message.payload ?? '') as Notice;
    } catch {
      return;
    }
    if (notice.s === deps.instanceId) return;
    queue = queue.then(() => handle(notice)).catch((err) => deps.logger.warn('could not read a request another instance changed', { err }));
  }

  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString: deps.url, keepAlive: true, application_name: 'greenlight-events' });
    c.on('notification', onNotification);
    c.on('error', (err) => {
      deps.logger.warn('events: the LISTEN connection failed; reconnecting', { err });
      lost(c);
    });
    c.on('end', () => lost(c));
    await c.connect();
    await c.query(`LISTEN ${EVENTS_CHANNEL}`);
    // This instance runs for as long as this session holds its lock (Cluster.alive).
    await c.query('SELECT pg_try_advisory_lock($1, $2)', [INSTANCE_NAMESPACE, instanceKey(deps.instanceId)]);
    const reconnected = client === null && everConnected;
    client = c;
    up = true;
    everConnected = true;
    if (reconnected) catchUp();
  }

  /** After a gap in notifications: settle-check every request waited on here, and wake the outbox worker. */
  function catchUp(): void {
    for (const l of [...outboxListeners]) l();
    for (const id of [...waited.keys()]) {
      queue = queue
        .then(async () => {
          const request = await deps.store.getRequest(id);
          if (request && request.status !== 'pending') local.publish({ type: eventTypeOf(request.status), request, at: request.updated_at });
        })
        .catch((err) => deps.logger.warn('could not re-read a waited-on request after reconnecting', { err }));
    }
  }

  function lost(c: pg.Client): void {
    if (client !== c) return;
    client = null;
    // (catchUp runs once the next connection is up.)
    up = false;
    c.end().catch(() => {});
    if (closed) return;
    scheduleReconnect(1000);
  }

  function scheduleReconnect(ms: number): void {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = null;
      connect().catch((err) => {
        deps.logger.warn('events: cannot LISTEN yet; retrying', { err, retry_in_ms: Math.min(ms * 2, 10_000) });
        scheduleReconnect(Math.min(ms * 2, 10_000));
      });
    }, ms);
    retry.unref();
  }

  return {
    publish(event) {
      local.publish(event);
      own.publish(event);
    },
    subscribeOwn: (listener) => own.subscribe(listener),
    subscribe(listener) {
      everyone++;
      const off = local.subscribe(listener);
      let on = true;
      return () => {
        if (!on) return;
        on = false;
        everyone--;
        off();
      };
    },
    subscribeRequest(id, listener) {
      waited.set(id, (waited.get(id) ?? 0) + 1);
      const off = local.subscribeRequest(id, listener);
      let on = true;
      return () => {
        if (!on) return;
        on = false;
        const n = (waited.get(id) ?? 1) - 1;
        if (n === 0) waited.delete(id);
        else waited.set(id, n);
        off();
      };
    },
    waiterCount: () => local.waiterCount(),
    onRemoteOutbox(listener) {
      outboxListeners.add(listener);
      return () => void outboxListeners.delete(listener);
    },
    onSignal(topic, listener) {
      let set = signalListeners.get(topic);
      if (!set) signalListeners.set(topic, (set = new Set()));
      set.add(listener);
      return () => void set.delete(listener);
    },
    start: () => connect(),
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const c = client;
      client = null;
      up = false;
      await c?.end().catch(() => {});
      await queue;
    },
    connected: () => up,
  };
}
