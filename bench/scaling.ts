// Several instances on PostgreSQL next to one on SQLite, side by side in one run: create
// throughput and latency (human-bound requests at concurrency 16, spread round-robin over the
// instances), and decision → waiting agent latency (the waiter on one instance, the decision on
// the next, so with 2 and 3 instances every wake-up crosses instances through LISTEN/NOTIFY).
// Every server is its own `greenlight serve` process; PostgreSQL is a private cluster with its
// durable defaults (fsync, synchronous_commit on). Everything shares this machine's cores, so
// more instances add contention here, not capacity. NODE_EXTRA_CA_CERTS is unset for the servers.
// Usage: node dist/bench/scaling.js [creates=2000] [waits=200] [--no-flush]
// --no-flush runs PostgreSQL with fsync and synchronous_commit off, to show what the WAL flush costs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from '../test/helpers/postgres.js';
import { startBenchServer } from './bench-server.js';
import { createClient } from './http-client.js';
import { percentile, printTable } from './stats.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const NO_FLUSH = process.argv.includes('--no-flush');
const [CREATES, WAITS] = [Number(args[0] ?? 2000), Number(args[1] ?? 200)];
const AGENT = 'bench-agent-key-0123456789abc';
const APPROVER = 'bench-approver-key-0123456789';

const startServer = (dir: string, name: string, env: Record<string, string>) =>
  startBenchServer(
    dir,
    ['requests: { max_wait_sec: 600 }', `agents: [{ name: bench, key: ${AGENT} }]`, `approvers: [{ name: alice, key: ${APPROVER} }]`, 'admins: [{ name: root, key: bench-admin-key-0123456789ab }]'],
    { env, name },
  );

interface Figures {
  label: string;
  rate: number;
  p50: number;
  p99: number;
  wake50: number;
  wake99: number;
}

async function measure(label: string, urls: string[]): Promise<Figures> {
  const clients = urls.map((u) => createClient(u, 64));
  const waitClients = urls.map((u) => createClient(u, 64));
  try {
    let next = 0;
    const create = async (i: number) => {
      const r = await clients[i % clients.length].request('POST', '/v1/requests', AGENT, { title: `bench ${i}`, preview: 'echo hello', tags: ['bench'] });
      if (r.status !== 201) throw new Error(`create → ${r.status} ${r.body}`);
      return JSON.parse(r.body) as { id: string };
    };
    for (let i = 0; i < 200; i++) await create(i); // warm up
    const latencies: number[] = [];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < CREATES) {
          const i = next++;
          const t = performance.now();
          await create(i);
          latencies.push(performance.now() - t);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;

    const wakes: number[] = [];
    for (let i = 0; i < WAITS; i++) {
      const on = i % urls.length;
      const { id } = await create(i);
      const waiting = waitClients[on].request('GET', `/v1/requests/${id}/wait?timeout_sec=30`, AGENT).then(() => performance.now());
      await new Promise((r) => setTimeout(r, 5));
      const t0 = performance.now();
      const decided = clients[(on + 1) % urls.length].request('POST', `/v1/requests/${id}/decision`, APPROVER, { outcome: 'approved' });
      wakes.push((await waiting) - t0);
      await decided;
    }
    return { label, rate: CREATES / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), wake50: percentile(wakes, 50), wake99: percentile(wakes, 99) };
  } finally {
    for (const c of [...clients, ...waitClients]) c.close();
  }
}

async function main() {
  const pg = await startPostgres({ durable: !NO_FLUSH });
  const results: Figures[] = [];
  try {
    const sqliteDir = mkdtempSync(join(tmpdir(), 'greenlight-bench-sqlite-'));
    const sqlite = await startServer(sqliteDir, 'sqlite', {});
    try {
      results.push(await measure('SQLite, 1 instance', [sqlite.url]));
    } finally {
      sqlite.stop();
      rmSync(sqliteDir, { recursive: true, force: true });
    }
    for (const n of [1, 2, 3]) {
      const dir = mkdtempSync(join(tmpdir(), 'greenlight-bench-pg-'));
      const url = await pg.createDatabase(`bench${n}`);
      const servers = [];
      try {
        for (let i = 0; i < n; i++) servers.push(await startServer(dir, `pg${i}`, { GREENLIGHT_DATABASE_URL: url }));
        results.push(await measure(`PostgreSQL, ${n} instance${n > 1 ? 's' : ''}`, servers.map((s) => s.url)));
      } finally {
        for (const s of servers) s.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await pg.stop();
  }
  const base = results[0].rate;
  printTable(`Scaling: ${CREATES} creates at concurrency 16, ${WAITS} decision → waiter samples (waiter and decision on different instances when there are several)`, [
    ['store, instances', 'creates/s (× SQLite)   create p50 / p99       decision → waiter p50 / p99'],
    ...results.map(
      (r): [string, string] => [
        r.label,
        `${r.rate.toFixed(0).padStart(6)} (${(r.rate / base).toFixed(2)}×)      ${r.p50.toFixed(1)} / ${r.p99.toFixed(1)} ms`.padEnd(44) + `${r.wake50.toFixed(2)} / ${r.wake99.toFixed(2)} ms`,
      ],
    ),
  ]);
  process.stdout.write(`\nOne machine (2 cores) runs PostgreSQL (${NO_FLUSH ? 'fsync and synchronous_commit off' : 'durable: fsync and synchronous_commit on'}), every instance and the client; NODE_EXTRA_CA_CERTS unset for the servers.\n`);
}

await main();
