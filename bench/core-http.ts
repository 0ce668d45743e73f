// Core HTTP benchmark: prints create throughput and latency, decision → waiting agent latency,
// and the server's RSS idle and under 10,000 pending requests with 1,000 open waiters.
// The server runs as its own process (`greenlight serve`), so its RSS is its own.
// Usage: node dist/bench/core-http.js [creates=5000] [pending=10000] [waiters=1000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBenchServer } from './bench-server.js';
import { createClient } from './http-client.js';
import { percentile, printTable } from './stats.js';

const [CREATES, PENDING, WAITERS] = [Number(process.argv[2] ?? 5000), Number(process.argv[3] ?? 10_000), Number(process.argv[4] ?? 1000)];
const AGENT = 'bench-agent-key-0123456789abc';
const APPROVER = 'bench-approver-key-0123456789';


const startServer = (dir: string) =>
  startBenchServer(dir, [
    'requests: { max_wait_sec: 600 }',
    `agents: [{ name: bench, key: ${AGENT} }]`,
    `approvers: [{ name: alice, key: ${APPROVER} }]`,
    'admins: [{ name: root, key: bench-admin-key-0123456789ab }]',
  ]);

type Client = ReturnType<typeof createClient>;

async function metric(c: Client, name: string): Promise<number> {
  const text = (await c.request('GET', '/metrics', null)).body;
  return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1]);
}

async function runConcurrent(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) await task(next++);
  }));
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'greenlight-bench-'));
  const server = await startServer(dir);
  const c = createClient(server.url, 64);
  const waitClient = createClient(server.url, WAITERS + 16);
  try {
    await new Promise((r) => setTimeout(r, 500));
    const idle = (await metric(c, 'process_resident_memory_bytes')) / 1048576;

    // 1. Create throughput and latency (human-bound requests: persisted, audited, announced).
    for (let i = 0; i < 300; i++) await c.request('POST', '/v1/requests', AGENT, { title: `warm ${i}` });
    const latencies: number[] = [];
    const started = performance.now();
    await runConcurrent(CREATES, 16, async (i) => {
      const t = performance.now();
      const r = await c.request('POST', '/v1/requests', AGENT, { title: `bench ${i}`, preview: 'echo hello', tags: ['bench'] });
      if (r.status !== 201) throw new Error(`create → ${r.status} ${r.body}`);
      latencies.push(performance.now() - t);
    });
    const seconds = (performance.now() - started) / 1000;

    // 2. Decision → waiting agent (long-poll wait): from sending the decision to the waiter's answer.
    const pushLat: number[] = [];
    for (let i = 0; i < 200; i++) {
      const { id } = JSON.parse((await c.request('POST', '/v1/requests', AGENT, { title: `push ${i}` })).body) as { id: string };
      const waiting = waitClient.request('GET', `/v1/requests/${id}/wait?timeout_sec=30`, AGENT).then(() => performance.now());
      await new Promise((r) => setTimeout(r, 5));
      const t0 = performance.now();
      const decided = c.request('POST', `/v1/requests/${id}/decision`, APPROVER, { outcome: 'approved' });
      pushLat.push((await waiting) - t0);
      await decided;
    }

    // 3. 10,000 more pending requests and 1,000 open waiters.
    await runConcurrent(PENDING, 16, async (i) => {
      await c.request('POST', '/v1/requests', AGENT, { title: `pending ${i}`, preview: 'x'.repeat(200) });
    });
    const ids = (JSON.parse((await c.request('GET', `/v1/requests/pending?limit=1000`, APPROVER)).body) as { items: { id: string }[] }).items.map((r) => r.id);
    const controller = new AbortController();
    const waiters = ids.slice(0, WAITERS).map((id) => waitClient.request('GET', `/v1/requests/${id}/wait?timeout_sec=600`, AGENT, undefined, controller.signal).catch(() => null));
    let open = 0;
    for (let tries = 0; tries < 600 && open < WAITERS; tries++) {
      await new Promise((r) => setTimeout(r, 100));
      open = await metric(c, 'greenlight_waiters');
    }
    const pending = await metric(c, 'greenlight_requests_pending');
    const loaded = (await metric(c, 'process_resident_memory_bytes')) / 1048576;
    let t = performance.now();
    const health = await c.request('GET', '/healthz', null);
    const healthMs = performance.now() - t;
    t = performance.now();
    await c.request('GET', '/v1/requests/pending?limit=50', APPROVER);
    const listMs = performance.now() - t;
    controller.abort();
    await Promise.all(waiters);

    printTable('Greenlight core over HTTP (loopback, server in its own process)', [
      ['creates', `${CREATES} at concurrency 16`],
      ['create throughput', `${(CREATES / seconds).toFixed(0)} req/s`],
      ['create latency p50 / p99', `${percentile(latencies, 50).toFixed(2)} ms / ${percentile(latencies, 99).toFixed(2)} ms`],
      ['decision → waiting agent p50 / p99', `${percentile(pushLat, 50).toFixed(2)} ms / ${percentile(pushLat, 99).toFixed(2)} ms (target p50 < 10 ms)`],
      ['RSS idle', `${idle.toFixed(1)} MB (target < 100 MB)`],
      [`RSS with ${pending} pending and ${open} open waiters`, `${loaded.toFixed(1)} MB`],
      ['healthz while loaded', `${health.status} in ${healthMs.toFixed(1)} ms`],
      ['pending queue page (50) while loaded', `${listMs.toFixed(1)} ms`],
    ]);
  } finally {
    c.close();
    waitClient.close();
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
