// What recording agent sessions costs the http hook: the same policy-allowed PreToolUse call, with
// a session_id (the Agents view records it: a session row and a transcript line per call) and
// without one (nothing to record), interleaved in one run against one server, at concurrency 1
// (latency) and concurrency 8 (throughput).
// Usage: node dist/bench/hook-sessions.js [calls=1000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChannelFactory } from '../src/channels/channel.js';
import { ConfigSchema } from '../src/config/schema.js';
import { hooksRouteGroup } from '../src/hooks/routes.js';
import { silentLogger } from '../src/log.js';
import { startServer } from '../src/server.js';
import { percentile, printTable } from './stats.js';

const CALLS = Number(process.argv[2] ?? 1000);
const AGENT = 'bench-agent-key-0123456789abc';

const body = (session: string | null) =>
  JSON.stringify({ ...(session ? { session_id: session } : {}), transcript_path: '/tmp/t.jsonl', cwd: '/tmp', permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'git status' }, tool_use_id: 'toolu_bench' });

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'greenlight-bench-hook-sessions-'));
  const config = ConfigSchema.parse({
    server: { host: '127.0.0.1', port: 0 },
    data_dir: dir,
    log: { level: 'silent' },
    rate_limit: { per_minute: 0 },
    agents: [{ name: 'bench', key: AGENT }],
    approvers: [{ name: 'alice', key: 'bench-approver-key-0123456789' }],
    admins: [{ name: 'root', key: 'bench-admin-key-0123456789ab' }],
    policy: { allow: ['Bash(git status)'] },
  });
  const mount: ChannelFactory = () => ({ name: 'hooks-bench-mount', plan: () => [], send: async () => {}, routes: hooksRouteGroup });
  const server = await startServer(config, { logger: silentLogger, channels: [mount] });
  const call = async (session: string | null) => {
    const t0 = performance.now();
    const res = await fetch(`${server.url}/v1/hooks/claude-code`, { method: 'POST', headers: { authorization: `Bearer ${AGENT}`, 'content-type': 'application/json' }, body: body(session) });
    if (!(await res.text()).includes('"allow"')) throw new Error('the hook did not allow');
    return performance.now() - t0;
  };
  try {
    for (let i = 0; i < 100; i++) await call(i % 2 ? 'warm' : null);
    const tracked: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      tracked.push(await call('bench-session'));
      bare.push(await call(null));
    }
    const rate = async (session: string | null) => {
      const t0 = performance.now();
      let left = CALLS;
      await Promise.all(Array.from({ length: 8 }, async () => {
        while (left-- > 0) await call(session);
      }));
      return CALLS / ((performance.now() - t0) / 1000);
    };
    const bareRate = await rate(null);
    const trackedRate = await rate('bench-session-2');
    const p = (xs: number[], q: number) => percentile(xs, q).toFixed(3);
    printTable(`http hook, policy-allowed PreToolUse, ${CALLS} calls each, interleaved`, [
      ['without session_id (nothing recorded)', `p50 ${p(bare, 50)} ms  p95 ${p(bare, 95)} ms  ${bareRate.toFixed(0)} calls/s at concurrency 8`],
      ['with session_id (session + transcript line)', `p50 ${p(tracked, 50)} ms  p95 ${p(tracked, 95)} ms  ${trackedRate.toFixed(0)} calls/s at concurrency 8`],
      ['ratio with ÷ without', `p50 ${(percentile(tracked, 50) / percentile(bare, 50)).toFixed(2)}×  throughput ${(trackedRate / bareRate).toFixed(2)}×`],
    ]);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
