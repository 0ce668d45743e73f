// Hook benchmark: wall time of the command hook (`node dist/src/cli/hook.js claude-code`, one
// process per tool call, as Claude Code runs it) for a policy-allowed call, next to Node's own
// start-up floor and the http hook's round trip (no process at all); then decision → hook returns.
// The server runs in this process with the hook endpoint mounted.
// Usage: node dist/bench/hook-command.js [spawns=40] [http=500] [decisions=50]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ChannelFactory } from '../src/channels/channel.js';
import { ConfigSchema } from '../src/config/schema.js';
import type { Principal } from '../src/core/types.js';
import { hooksRouteGroup } from '../src/hooks/routes.js';
import { silentLogger } from '../src/log.js';
import { startServer } from '../src/server.js';
import { percentile, printTable } from './stats.js';

const ROOT = resolve(import.meta.dirname, '../..');
const HOOK = join(ROOT, 'dist/src/cli/hook.js');
const [SPAWNS, HTTP, DECISIONS] = [Number(process.argv[2] ?? 40), Number(process.argv[3] ?? 500), Number(process.argv[4] ?? 50)];
const AGENT = 'bench-agent-key-0123456789abc';

const payload = (command: string, session = 'bench-session') =>
  JSON.stringify({ session_id: session, transcript_path: '/tmp/t.jsonl', cwd: '/tmp', permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command }, tool_use_id: 'toolu_bench' });

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

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'greenlight-bench-hook-'));
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
  const env = { PATH: process.env.PATH, GREENLIGHT_URL: server.url, GREENLIGHT_KEY: AGENT };
  try {
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
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
