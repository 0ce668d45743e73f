// What recording agent sessions costs the http hook: the same policy-allowed PreToolUse call, with
// a session_id (the Agents view records it: a session row and a transcript line per call) and
// without one (nothing to record), interleaved in one run against one server, at concurrency 1
// (latency) and concurrency 8 (throughput).
// Usage: node dist/bench/hook-sessions.js [calls=1000]
import { AGENT, hookPayload, benchWithHookServer } from './hook-bench.js';
import { percentile, printTable } from './stats.js';

const CALLS = Number(process.argv[2] ?? 1000);
benchWithHookServer('greenlight-bench-hook-sessions-', async ({ server }) => {
  const call = async (session: string | null) => {
    const t0 = performance.now();
    const res = await fetch(`${server.url}/v1/hooks/claude-code`, { method: 'POST', headers: { authorization: `Bearer ${AGENT}`, 'content-type': 'application/json' }, body: hookPayload('git status', session) });
    if (!(await res.text()).includes('"allow"')) throw new Error('the hook did not allow');
    return performance.now() - t0;
  };
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
});
