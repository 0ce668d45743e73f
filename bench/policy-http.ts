// A policy-decided request over HTTP on loopback: the agent asks, the policy allows at once, the
// request is stored and audited, the answer comes back. Prints p50/p99 latency one at a time
// (target p50 < 1 ms) and throughput at concurrency 16.
// Usage: node dist/bench/policy-http.js [requests=5000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBenchServer } from './bench-server.js';
import { createClient } from './http-client.js';
import { percentile, printTable } from './stats.js';

const N = Number(process.argv[2] ?? 5000);
const AGENT = 'bench-agent-key-0123456789abc';

const startServer = (dir: string) =>
  startBenchServer(dir, [
    'policy: { allow: ["Bash(git status *)", "Bash(git diff *)", "Bash(npm test)"], deny: ["Bash(rm -rf *)"] }',
    `agents: [{ name: bench, key: ${AGENT} }]`,
    'admins: [{ name: root, key: bench-admin-key-0123456789ab }]',
  ]);

const body = (i: number) => ({ title: 'git status', tool: 'Bash', input: { command: `git status --short ${i % 7 ? '' : '-b'}`.trim() }, cwd: '/tmp', session_id: 'bench' });

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'greenlight-bench-policy-'));
  const server = await startServer(dir);
  const c = createClient(server.url, 32);
  try {
    for (let i = 0; i < 500; i++) await c.request('POST', '/v1/requests', AGENT, body(i));
    const one: number[] = [];
    for (let i = 0; i < N; i++) {
      const t = performance.now();
      const r = await c.request('POST', '/v1/requests', AGENT, body(i));
      one.push(performance.now() - t);
      if (r.status !== 201 || !r.body.includes('"status":"approved"')) throw new Error(`expected an auto-approval, got ${r.status} ${r.body.slice(0, 200)}`);
    }
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next++ < N) await c.request('POST', '/v1/requests', AGENT, body(next));
      }),
    );
    const rps = N / ((performance.now() - started) / 1000);
    printTable('Policy-decided request over HTTP (loopback, stored and audited)', [
      ['requests', `${N} one at a time, then ${N} at concurrency 16`],
      ['latency p50 / p99 (one at a time)', `${percentile(one, 50).toFixed(3)} ms / ${percentile(one, 99).toFixed(3)} ms (target p50 < 1 ms)`],
      ['throughput at concurrency 16', `${rps.toFixed(0)} req/s`],
    ]);
  } finally {
    c.close();
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
