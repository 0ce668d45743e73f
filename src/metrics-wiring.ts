// What the server measures (and logs) beyond what each part counts for itself: the gate's own latency (filing
// with the policy's verdict, recording a human decision), requests filed and settled and the time
// people take to decide (from this instance's own events), and gauges read at scrape time —
// pending requests, waiters, leadership, the outbox's depth and age per kind, and each channel's
// health. On PostgreSQL every instance serves its own /metrics: counters, histograms, waiters,
// leadership and channel health are this instance's; pending requests and the outbox are read from
// the shared database, so every instance reports the same cluster-wide values (docs/operations.md).
import type { Channel } from './channels/channel.js';
import type { HealthBook } from './channels/health.js';
import type { Cluster } from './cluster/cluster.js';
import type { EventBus } from './core/events.js';
import type { Gate } from './core/gate.js';
import type { Clock } from './core/ids.js';
import type { Metrics, Sample } from './http/metrics.js';
import type { Store } from './store/store.js';
import type { Logger } from './log.js';
import { inTrace } from './trace.js';

const SCAN = 1000;
/** One scrape reads the outbox and the channels' health once, however many gauges show them. */
const SNAPSHOT_MS = 1000;

function cached<T>(read: () => Promise<T>, now: () => number): () => Promise<T> {
  let at = -Infinity;
  let value: Promise<T> | null = null;
  return () => {
    if (!value || now() - at > SNAPSHOT_MS) {
      at = now();
      value = read();
      value.catch(() => (value = null));
    }
    return value;
  };
}

/** The gate, with how long filing and deciding take recorded (greenlight_decision_duration_seconds). */
export function measuredGate(gate: Gate, metrics: Metrics): Gate {
  const timed = <A extends unknown[], R>(operation: string, f: (...a: A) => Promise<R>, result: (r: R) => string) => async (...args: A): Promise<R> => {
    const started = performance.now();
    try {
      const r = await f(...args);
      metrics.observe('greenlight_decision_duration_seconds', { operation, result: result(r) }, (performance.now() - started) / 1000);
      return r;
    } catch (err) {
      metrics.observe('greenlight_decision_duration_seconds', { operation, result: 'error' }, (performance.now() - started) / 1000);
      throw err;
    }
  };
  const timedRequest = timed('request', gate.request.bind(gate), (r) => r.request.status);
  const timedDecide = timed('decide', gate.decide.bind(gate), (r) => r.status);
  return {
    ...gate,
    // Work that starts outside an HTTP call (a Telegram tap, an email reply) gets its own trace id.
    request: (...a) => inTrace(() => timedRequest(...a)),
    decide: (...a) => inTrace(() => timedDecide(...a)),
  };
}

export function registerServerMetrics(deps: { metrics: Metrics; store: Store; events: EventBus; cluster: Cluster; health: HealthBook; channels: () => readonly Channel[]; clock: Clock; logger: Logger }): () => void {
  const { metrics, store, events, cluster, health } = deps;
  const wall = () => Date.now();

  metrics.gauge('greenlight_requests_pending', 'Requests waiting for a decision (cluster-wide: read from the store).', () => store.countRequests({ status: ['pending'] }));
  metrics.gauge('greenlight_waiters', 'Callers blocked in wait / SSE on one request (this instance).', () => events.waiterCount());
  metrics.gauge('greenlight_leader', "Whether this instance runs the leader's work (polling, the expiry sweeper): 1 or 0.", () => (cluster.leader.isLeader() ? 1 : 0));

  const outbox = cached(async () => {
    const [pending, dead] = await Promise.all([store.listOutbox({ state: 'pending', limit: SCAN }), store.listOutbox({ state: 'dead', limit: SCAN })]);
    const now = deps.clock.now();
    const kinds = new Map<string, { pending: number; dead: number; oldest: number | null }>();
    const of = (kind: string) => kinds.get(kind) ?? (kinds.set(kind, { pending: 0, dead: 0, oldest: null }), kinds.get(kind)!);
    // Every kind this server sends has a series, at 0 when nothing waits.
    for (const kind of ['webhook', 'callback', ...deps.channels().map((c) => c.name)]) of(kind);
    for (const i of pending) {
      const k = of(i.kind);
      k.pending++;
      k.oldest = k.oldest === null ? i.created_at : Math.min(k.oldest, i.created_at);
    }
    for (const i of dead) of(i.kind).dead++;
    return [...kinds].map(([kind, k]) => ({ kind, ...k, age: k.oldest === null ? 0 : Math.max(0, (now - k.oldest) / 1000) }));
  }, wall);
  const byKind = (pick: (k: Awaited<ReturnType<typeof outbox>>[number]) => number) => async (): Promise<Sample[]> => (await outbox()).map((k) => ({ labels: { kind: k.kind }, value: pick(k) }));
  metrics.gauges('greenlight_outbox_pending', `Outbox items waiting to be sent, by kind (cluster-wide; counted up to ${SCAN}).`, ['kind'], byKind((k) => k.pending));
  metrics.gauges('greenlight_outbox_dead', `Outbox items given up on, by kind (cluster-wide; counted up to ${SCAN}).`, ['kind'], byKind((k) => k.dead));
  metrics.gauges('greenlight_outbox_oldest_pending_age_seconds', 'Age of the oldest item waiting to be sent, by kind (0: none waiting).', ['kind'], byKind((k) => k.age));

  const report = cached(() => health.report(deps.channels()), wall);
  const STATES = ['ok', 'idle', 'degraded', 'failing'] as const;
  metrics.gauges('greenlight_channel_up', 'Whether a channel can send (1), or its last send failed (0), as this instance saw it.', ['channel'], async () => (await report()).map((c) => ({ labels: { channel: c.name }, value: c.state === 'failing' ? 0 : 1 })));
  metrics.gauges('greenlight_channel_state', "A channel's state as this instance sees it: 1 for the current state (ok, idle, degraded, failing), 0 for the others.", ['channel', 'state'], async () => (await report()).flatMap((c) => STATES.map((state) => ({ labels: { channel: c.name, state }, value: c.state === state ? 1 : 0 }))));
  metrics.gauges('greenlight_channel_last_success_timestamp_seconds', 'When this instance last delivered on a channel (Unix seconds; absent: never).', ['channel'], async () => (await report()).filter((c) => c.last_success_at !== null).map((c) => ({ labels: { channel: c.name }, value: c.last_success_at! / 1000 })));

  // Counted where the change was made: each event once in the cluster.
  return events.subscribeOwn((e) => {
    const r = e.request;
    // One log line per change, under the trace of the call that made it (src/trace.ts).
    deps.logger.info(e.type, { request: r.id, status: r.status, agent: r.agent, ...(r.decision ? { via: r.decision.via, decided_by: r.decision.decided_by } : {}) });
    if (e.type === 'request.created') {
      metrics.inc('greenlight_requests_created_total', { origin: r.origin, decided_by: r.status === 'pending' ? 'human' : 'policy' });
      return;
    }
    const via = r.decision?.via ?? (e.type === 'request.expired' ? 'timeout' : e.type === 'request.cancelled' ? 'agent' : 'unknown');
    metrics.inc('greenlight_decisions_total', { status: r.status, via });
    const d = r.decision;
    if (e.type === 'request.decided' && d && d.decided_by_kind !== 'policy' && d.decided_by_kind !== 'system') {
      metrics.observe('greenlight_time_to_decision_seconds', { status: r.status, via }, Math.max(0, (d.decided_at - r.created_at) / 1000));
    }
  });
}
