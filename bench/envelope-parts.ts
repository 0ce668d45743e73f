// What the per-request pieces that issue 17 added to the HTTP envelope (src/http/envelope.ts) cost,
// each beside a reference in the same run: recording one HTTP latency as the server does
// (Metrics.observeHttp) — next to prom-client's observe with a fresh labels object, next to a child
// series bound once per (route, method, status) and found in a Map (which measured slower, so the
// server does not do it), and next to a bare Map counter (what the hand-written exposition did
// before); running
// the route under its trace id (AsyncLocalStorage) next to calling it directly; and the access
// log line with logs off (the `enabled` check) next to building its fields anyway.
// Run: npm run build && env -u NODE_EXTRA_CA_CERTS node dist/bench/envelope-parts.js
import { Histogram, Registry } from 'prom-client';
import { createMetrics } from '../src/http/metrics.js';
import { createLogger } from '../src/log.js';
import { newTraceId, withTrace } from '../src/trace.js';
import { printTable } from './stats.js';

/** ns per call over a time budget, after a warm-up. */
function time(fn: (i: number) => unknown, budgetMs = 500): number {
  for (let i = 0; i < 20_000; i++) fn(i);
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < budgetMs) {
    for (let k = 0; k < 1000; k++) fn(n++);
  }
  return ((performance.now() - start) * 1e6) / n;
}

async function timeAsync(fn: () => Promise<unknown>, calls = 200_000): Promise<number> {
  for (let i = 0; i < 10_000; i++) await fn();
  const start = performance.now();
  for (let i = 0; i < calls; i++) await fn();
  return ((performance.now() - start) * 1e6) / calls;
}

const ROUTES = ['/v1/requests', '/v1/requests/:id', '/v1/requests/:id/wait', '/hooks/claude-code'];
const route = (i: number) => ROUTES[i & 3];

const metrics = createMetrics();
const bound = time((i) => metrics.observeHttp(route(i), 'POST', 201, 0.0004));

const registry = new Registry();
const h = new Histogram({ name: 'x_seconds', help: 'x', labelNames: ['route', 'method', 'status'], buckets: [0.0005, 0.001, 0.005, 0.01, 0.1, 1], registers: [registry] });
const labelled = time((i) => h.observe({ route: route(i), method: 'POST', status: String(201) }, 0.0004));

const children = new Map<string, { observe(v: number): void }>();
const boundChild = time((i) => {
  const key = `${route(i)} POST 201`;
  let c = children.get(key);
  if (!c) children.set(key, (c = h.labels(route(i), 'POST', '201')));
  c.observe(0.0004);
});

const counts = new Map<string, number>();
const bareMap = time((i) => {
  const key = `${route(i)} POST 201`;
  counts.set(key, (counts.get(key) ?? 0) + 1);
});

const route0 = async () => undefined;
const direct = await timeAsync(() => route0());
const traced = await timeAsync(() => withTrace(newTraceId(), route0));

const off = createLogger('error', 'json', () => {});
const given: string | undefined = undefined;
const gated = time((i) => {
  if (off.enabled('info')) off.info('http', { method: 'POST', route: route(i), status: 201, ms: 0, trace_id: 'x', ...(given !== undefined ? { request_id_replaced: true } : {}) });
});
const built = time((i) => off.info('http', { method: 'POST', route: route(i), status: 201, ms: 0, trace_id: 'x', ...(given !== undefined ? { request_id_replaced: true } : {}) }));

printTable('per-request pieces of the HTTP envelope (ns per call, same run)', [
  ['HTTP latency: Metrics.observeHttp (prom-client)', `${bound.toFixed(0)} ns`],
  ['  ref: prom-client observe({ labels }, v)', `${labelled.toFixed(0)} ns   (observeHttp ÷ this: ${(bound / labelled).toFixed(2)}×)`],
  ['  ref: a child series bound once, from a Map', `${boundChild.toFixed(0)} ns   (observeHttp ÷ this: ${(bound / boundChild).toFixed(2)}×)`],
  ['  ref: a bare Map counter (before issue 17)', `${bareMap.toFixed(0)} ns   (observeHttp ÷ this: ${(bound / bareMap).toFixed(2)}×)`],
  ['route under its trace id (AsyncLocalStorage)', `${traced.toFixed(0)} ns`],
  ['  ref: the route called directly', `${direct.toFixed(0)} ns   (traced − direct: ${(traced - direct).toFixed(0)} ns)`],
  ['access line, logs off (enabled check)', `${gated.toFixed(1)} ns`],
  ['  ref: its fields built, then dropped', `${built.toFixed(1)} ns`],
]);
