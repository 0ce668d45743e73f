// Hook benchmark: wall time of the command hook (`node dist/src/hooks/command-hook.cjs claude-code`, one
// process per tool call, as Claude Code runs it) for a policy-allowed call, next to Node's own
// start-up floor and the http hook's round trip (no process at all); then decision → hook returns.
// The server runs in this process with the hook endpoint mounted.
// Usage: node dist/bench/hook-command.js [spawns=40] [http=500] [decisions=50]
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Principal } from '../src/core/types.js';
import { AGENT, hookPayload as payload, benchWithHookServer } from './hook-bench.js';
import { percentile, printTable } from './stats.js';

const ROOT = resolve(import.meta.dirname, '../..');
const HOOK = join(ROOT, 'dist/src/hooks/command-hook.cjs');
const [SPAWNS, HTTP, DECISIONS] = [Number(process.argv[2] ?? 40), Number(process.argv[3] ?? 500), Number(process.argv[4] ?? 50)];

function runOnce(args: string[], input: string, env: NodeJS.ProcessEnv): Promise<{ ms: number; out: string }> {
  return new Promise((res, rej) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { env, stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', rej);
    child.on('close', () => res({ ms: performance.now() - t0, out }));
    child.stdin.end(input);
  });
}

const fmt = (xs: number[]) => `p50 ${percentile(xs, 50).toFixed(2)} ms  p95 ${percentile(xs, 95).toFixed(2)} ms  (n=${xs.length})`;

benchWithHookServer('greenlight-bench-hook-', async ({ server, dir }) => {
  const env = { PATH: process.env.PATH, GREENLIGHT_URL: server.url, GREENLIGHT_KEY: AGENT };
  const allowed = payload('git status');
  const floor: number[] = [];
  const cmd: number[] = [];
  for (let i = 0; i < 3; i++) await runOnce([HOOK, 'claude-code'], allowed, env); // warm the page cache
  for (let i = 0; i < SPAWNS; i++) {
    floor.push((await runOnce(['-e', '0'], '', env)).ms);
    const r = await runOnce([HOOK, 'claude-code'], allowed, env);
    if (!r.out.includes('"allow"')) throw new Error(`hook did not allow: ${r.out}`);
    cmd.push(r.ms);
  }

  const http: number[] = [];
  for (let i = 0; i < HTTP; i++) {
    const t0 = performance.now();
    const res = await fetch(`${server.url}/v1/hooks/claude-code`, { method: 'POST', headers: { authorization: `Bearer ${AGENT}`, 'content-type': 'application/json' }, body: allowed });
    const text = await res.text();
    if (i === 0 && !text.includes('"allow"')) throw new Error(`http hook did not allow: ${text}`);
    http.push(performance.now() - t0);
  }

  const approver: Principal = { keyId: 'bench', role: 'approver', name: 'alice', projects: [] };
  const unblock: number[] = [];
  for (let i = 0; i < DECISIONS; i++) {
    let decidedAt = 0;
    const off = server.events.subscribe((e) => {
      if (e.type !== 'request.created' || e.request.status !== 'pending') return;
      off();
      decidedAt = performance.now();
      void server.gate.decide(approver, e.request.id, { outcome: 'approved' }, 'api');
    });
    const res = await fetch(`${server.url}/v1/hooks/claude-code?wait_sec=30`, { method: 'POST', headers: { authorization: `Bearer ${AGENT}`, 'content-type': 'application/json' }, body: payload(`make step-${i}`) });
    await res.text();
    unblock.push(performance.now() - decidedAt);
  }

  printTable('Claude Code hook, policy-allowed call (wall)', [
    ['node -e 0 (process floor)', fmt(floor)],
    ['command hook (spawn → output)', fmt(cmd)],
    ['command hook minus floor', `p50 ${(percentile(cmd, 50) - percentile(floor, 50)).toFixed(2)} ms`],
    ['http hook round trip', fmt(http)],
    ['decision → http hook returns', fmt(unblock)],
  ]);

  const hf = spawnSync('hyperfine', ['--version'], { encoding: 'utf8' });
  if (hf.status === 0) {
    const input = join(dir, 'payload.json');
    writeFileSync(input, allowed);
    process.stdout.write('\nhyperfine:\n');
    // hyperfine 1.15 has no --input: redirect in its shell (it subtracts the shell's own start-up).
    spawnSync('hyperfine', ['--warmup', '3', '--runs', String(SPAWNS), `${process.execPath} ${HOOK} claude-code < ${input}`, `${process.execPath} -e 0`], { stdio: 'inherit', env });
  } else {
    process.stdout.write('\n(hyperfine not installed: apt-get install -y hyperfine for a second opinion)\n');
  }
});
