// Prometheus metrics (prom-client) from a real server: the latency histograms have samples once
// something happened, the outbox and channel gauges have a series per kind, Node's process metrics
// are there, every metric the sample Grafana dashboard (examples/grafana-dashboard.json) queries
// exists in a scrape, and two instances on one PostgreSQL database each serve their own numbers
// while the cluster-wide gauges agree.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startReceiver, type Receiver } from '../delivery/receiver.js';
import { startTestServer, type TestServer } from '../helpers/harness.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { FakeNtfy } from '../ntfy/fake-ntfy.js';
import { ntfyChannelFactory } from '../../src/channels/ntfy/ntfy-channel.js';

/** Sample lines by metric name (name → lines). */
function samples(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)![0];
    out.set(name, [...(out.get(name) ?? []), line]);
  }
  return out;
}

const value = (lines: string[] | undefined, labels: string): number => {
  const line = (lines ?? []).find((l) => l.includes(labels));
  assert.ok(line, `no series with ${labels} in ${JSON.stringify(lines)}`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
};

const DASHBOARD = new URL('../../../examples/grafana-dashboard.json', import.meta.url);

/** Every metric name a dashboard's queries use. */
function dashboardMetrics(): string[] {
  const dash = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: { id: number; targets: { expr: string }[] }[] };
  const names = new Set<string>();
  for (const p of dash.panels) for (const t of p.targets) for (const m of t.expr.matchAll(/\b((?:greenlight|process|nodejs)_[a-z0-9_]+)\b/g)) names.add(m[1]);
  return [...names];
}

describe('metrics', { timeout: 60_000 }, () => {
  let s: TestServer;
  let hook: Receiver;
  let ntfy: FakeNtfy;
  let text: string;

  before(async () => {
    hook = await startReceiver({ respond: (n) => ({ status: n === 1 ? 500 : 200 }) });
    ntfy = await FakeNtfy.start(null);
    s = await startTestServer({ channels: { ntfy: { server_url: ntfy.url, topics: [{ topic: 'alice-approvals', approver: 'alice' }] } }, policy: { allow: ['Bash(echo *)'] }, webhooks: [{ url: hook.url, secret: 'webhook-secret-0123456789', events: ['request.decided'] }], delivery: { allow_loopback: true, backoff_base_ms: 10, backoff_max_ms: 20 } }, { channels: [ntfyChannelFactory] });
    const filed = await s.call('agent', 'POST', '/v1/requests', { title: 'deploy', tool: 'Bash', input: { command: 'make deploy' } });
    assert.equal(filed.status, 201);
    assert.equal((await s.call('agent', 'POST', '/v1/requests', { title: 'echo', tool: 'Bash', input: { command: 'echo hi' } })).body.status, 'approved');
    assert.equal((await s.call('approver', 'POST', `/v1/requests/${filed.body.id}/decision`, { outcome: 'approved' })).status, 200);
    assert.equal((await s.call(null, 'GET', '/v1/requests/pending')).status, 401);
    await hook.nextRequest(200); // the webhook failed once, then went out
    // Scrape until the worker has marked the webhook delivered and ntfy has published.
    for (let i = 0; ; i++) {
      const m = await s.call(null, 'GET', '/metrics');
      assert.equal(m.status, 200);
      assert.match(m.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      text = m.text;
      const got = samples(text);
      if ((got.get('greenlight_outbox_pending') ?? []).some((l) => l === 'greenlight_outbox_pending{kind="webhook"} 0') && got.has('greenlight_channel_last_success_timestamp_seconds')) break;
      assert.ok(i < 200, 'the outbox drained and ntfy published');
      await new Promise((r) => setTimeout(r, 25));
    }
  });
  after(async () => {
    await s?.stop();
    await hook?.close();
    await ntfy?.close();
  });

  it('records decision latency, time to a human decision and HTTP latency as histograms', () => {
    const m = samples(text);
    assert.equal(value(m.get('greenlight_decision_duration_seconds_count'), 'operation="request",result="pending"'), 1);
    assert.equal(value(m.get('greenlight_decision_duration_seconds_count'), 'operation="request",result="approved"'), 1);
    assert.equal(value(m.get('greenlight_decision_duration_seconds_count'), 'operation="decide",result="approved"'), 1);
    assert.equal(value(m.get('greenlight_time_to_decision_seconds_count'), 'status="approved",via="api"'), 1, 'only the human decision, not the policy\'s');
    assert.ok(value(m.get('greenlight_time_to_decision_seconds_bucket'), 'le="+Inf",status="approved",via="api"') === 1);
    assert.equal(value(m.get('greenlight_http_request_duration_seconds_count'), 'route="/v1/requests",method="POST",status="201"'), 2);
    assert.equal(value(m.get('greenlight_requests_created_total'), 'decided_by="policy"'), 1);
    assert.equal(value(m.get('greenlight_decisions_total'), 'status="approved",via="policy"'), 1);
    assert.equal(value(m.get('greenlight_auth_failures_total'), 'reason="missing"'), 1);
  });

  it('shows the outbox per kind and each channel\'s health', () => {
    const m = samples(text);
    assert.equal(value(m.get('greenlight_outbox_deliveries_total'), 'kind="webhook",result="retry"'), 1);
    assert.equal(value(m.get('greenlight_outbox_deliveries_total'), 'kind="webhook",result="delivered"'), 2, 'one per decision: the policy\'s and the human\'s');
    assert.equal(value(m.get('greenlight_outbox_pending'), 'kind="webhook"'), 0);
    assert.equal(value(m.get('greenlight_outbox_oldest_pending_age_seconds'), 'kind="webhook"'), 0);
    assert.equal(value(m.get('greenlight_outbox_dead'), 'kind="callback"'), 0);
    assert.equal(value(m.get('greenlight_channel_up'), 'channel="ntfy"'), 1);
    assert.equal(value(m.get('greenlight_channel_state'), 'channel="ntfy",state="ok"'), 1);
    assert.equal(value(m.get('greenlight_channel_state'), 'channel="ntfy",state="failing"'), 0);
    assert.equal(value(m.get('greenlight_outbox_pending'), 'kind="ntfy"'), 0);
    assert.ok(Math.abs(value(m.get('greenlight_channel_last_success_timestamp_seconds'), 'channel="ntfy"') - Date.now() / 1000) < 60);
  });

  it('includes Node\'s default process metrics', () => {
    const m = samples(text);
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_heap_size_used_bytes']) assert.ok(m.has(name), name);
    assert.equal(text.match(/^# TYPE process_resident_memory_bytes /gm)?.length, 1, 'declared once');
  });

  it('the sample Grafana dashboard is valid JSON and queries only metrics a scrape has', () => {
    const dash = JSON.parse(readFileSync(DASHBOARD, 'utf8'));
    assert.equal(typeof dash.title, 'string');
    const ids = dash.panels.map((p: { id: number }) => p.id);
    assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
    const names = dashboardMetrics();
    assert.ok(names.length >= 15, names.join(' '));
    const m = samples(text);
    assert.deepEqual(names.filter((n) => !m.has(n)), [], 'queried but never exposed');
  });
});

describe('metrics with two instances on PostgreSQL', { timeout: 120_000 }, () => {
  let pg: TestPostgres;
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    pg = await startPostgres();
    const url = await pg.createDatabase('metrics');
    a = await startTestServer({ store: { kind: 'postgres', url } });
    b = await startTestServer({ store: { kind: 'postgres', url } });
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await pg?.stop();
  });

  it('reports cluster-wide gauges alike and per-instance counters where the work was done', async () => {
    const filed = await a.call('agent', 'POST', '/v1/requests', { title: 'deploy', tool: 'Bash', input: { command: 'make deploy' } });
    await a.call('agent', 'POST', '/v1/requests', { title: 'deploy 2', tool: 'Bash', input: { command: 'make deploy2' } });
    assert.equal((await b.call('approver', 'POST', `/v1/requests/${filed.body.id}/decision`, { outcome: 'denied' })).status, 200);
    const [ma, mb] = await Promise.all([a.call(null, 'GET', '/metrics'), b.call(null, 'GET', '/metrics')]).then((r) => r.map((x) => samples(x.text)));
    assert.equal(value(ma.get('greenlight_requests_pending'), 'greenlight_requests_pending'), 1);
    assert.equal(value(mb.get('greenlight_requests_pending'), 'greenlight_requests_pending'), 1, 'read from the shared store');
    assert.equal(value(ma.get('greenlight_requests_created_total'), 'decided_by="human"'), 2);
    assert.ok(!(mb.get('greenlight_requests_created_total') ?? []).some((l) => l.includes('decided_by="human"')), 'B filed nothing');
    assert.equal(value(mb.get('greenlight_time_to_decision_seconds_count'), 'status="denied",via="api"'), 1);
    assert.ok(!ma.has('greenlight_time_to_decision_seconds_count'), 'A decided nothing');
    assert.equal(value(ma.get('greenlight_leader'), 'greenlight_leader') + value(mb.get('greenlight_leader'), 'greenlight_leader'), 1, 'one leader');
  });
});
