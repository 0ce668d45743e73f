// The parts of bench/compare-ok2run.ts that are not wrk runs: decision → waiting agent on both
// gates, the command hooks as processes, and Greenlight's memory with many pending requests and
// open waiters.
import { setMaxListeners } from 'node:events';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, benchEnv, rssMb, startBenchServer } from './bench-server.js';
import { createClient } from './http-client.js';
import { OK2RUN_PYTHON, ok2runApproval, ok2runCreate, ok2runDecide, ok2runGet, type Ok2run } from './ok2run.js';
import type { SpawnCase } from './spawn-timer.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sequential: a pending request, a long-poll waiter on it, a decision; ms from sending the decision to the waiter's answer. */
export async function greenlightUnblock(url: string, agent: string, approver: string, n: number): Promise<number[]> {
  const c = createClient(url, 8);
  const out: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const { id } = JSON.parse((await c.request('POST', '/v1/requests', agent, { title: `push ${i}` })).body) as { id: string };
      const answered = c.request('GET', `/v1/requests/${id}/wait?timeout_sec=30`, agent).then(() => performance.now());
      await sleep(5);
      const t0 = performance.now();
      const decided = c.request('POST', `/v1/requests/${id}/decision`, approver, { outcome: 'approved' });
      out.push((await answered) - t0);
      if ((await decided).status !== 200) throw new Error('the decision failed');
    }
  } finally {
    c.close();
  }
  return out;
}

/**
 * ok2run's hook polls GET /v1/approvals/{id} every 2 s. `n` approvals in parallel, each decided at
 * a random moment; ms from sending the decision to the poll that sees it.
 */
export async function ok2runUnblock(url: string, n: number): Promise<number[]> {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const { approval_id: id } = (await ok2runCreate(url, ok2runApproval('deploy', `push ${i}`, 'echo push'))) as { approval_id: string };
      let decidedAt = 0;
      const decide = sleep(300 + Math.random() * 2000).then(async () => {
        decidedAt = performance.now();
        await ok2runDecide(url, id, '1');
      });
      for (;;) {
        const seen = await ok2runGet(url, id);
        if (seen.status !== 'pending' && decidedAt > 0) {
          await decide;
          return performance.now() - decidedAt;
        }
        await sleep(2000);
      }
    }),
  );
}

const allows = (out: string) => {
  if (!/"(permissionDecision|behavior)":\s*"allow"/.test(out)) throw new Error('the hook did not allow');
};

/** Every way of running the command hook that `root` has, next to the process floors; ok2run's hook when it runs. */
export function hookCases(root: string, url: string, agent: string, ok2: Ok2run | null): SpawnCase[] {
  const payload = JSON.stringify({ session_id: 'bench-hooks', transcript_path: '/tmp/t.jsonl', cwd: '/tmp', permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'git status' }, tool_use_id: 'toolu_bench' });
  const env = benchEnv({ GREENLIGHT_URL: url, GREENLIGHT_KEY: agent });
  const node = process.execPath;
  const cases: SpawnCase[] = [{ label: 'node -e 0', argv: [node, '-e', '0'], env }];
  const variants: [string, string[]][] = [
    ['`greenlight hook claude-code` (bin/greenlight.js, ES modules)', [node, join(root, 'bin/greenlight.js'), 'hook', 'claude-code']],
    ['`node dist/src/cli/hook.js claude-code` (the CLI entry, ES modules)', [node, join(root, 'dist/src/cli/hook.js'), 'claude-code']],
    ['`node dist/src/hooks/command-hook.cjs claude-code` (CommonJS, what install writes)', [node, join(root, 'dist/src/hooks/command-hook.cjs'), 'claude-code']],
    ['`sh bench/curl-hook.sh claude-code` (sh + curl, reference)', ['/bin/sh', join(ROOT, 'bench/curl-hook.sh'), 'claude-code']],
  ];
  for (const [label, argv] of variants) if (existsSync(argv[1])) cases.push({ label, argv, env, stdin: payload, check: allows });
  if (ok2) {
    cases.push({ label: 'python3 -c pass', argv: [OK2RUN_PYTHON, '-c', 'pass'], env: ok2.hookEnv });
    cases.push({ label: 'ok2run scripts/cc_permission_hook.py (always-allow rule)', argv: [OK2RUN_PYTHON, ok2.hookScript], env: ok2.hookEnv, stdin: payload, check: allows });
  }
  return cases;
}

async function metric(c: ReturnType<typeof createClient>, name: string): Promise<number> {
  const text = (await c.request('GET', '/metrics', null)).body;
  return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1]);
}

/** A fresh server with `pending` requests waiting for a human and `waiters` agents long-polling; its RSS. */
export async function measureMemory(dir: string, root: string, nodeArgs: string[] = [], pending = 10_000, waiters = 1000): Promise<{ pending: number; waiters: number; rss: number }> {
  const agent = 'bench-memory-agent-key-01234';
  const sub = join(dir, `memory${nodeArgs.join('').replace(/\W/g, '')}`);
  mkdirSync(sub);
  const server = await startBenchServer(sub, [`agents: [{ name: mem, key: ${agent} }]`, 'requests: { max_wait_sec: 600 }'], { root, nodeArgs });
  const c = createClient(server.url, 32);
  const waitClient = createClient(server.url, waiters + 16);
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  try {
    let next = 0;
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < pending) {
          const i = next++;
          const r = await c.request('POST', '/v1/requests', agent, { title: `pending ${i}`, preview: 'x'.repeat(200) });
          if (ids.length < waiters) ids.push((JSON.parse(r.body) as { id: string }).id);
        }
      }),
    );
    const open = ids.map((id) => waitClient.request('GET', `/v1/requests/${id}/wait?timeout_sec=600`, agent, undefined, controller.signal).catch(() => null));
    let count = 0;
    for (let tries = 0; tries < 600 && count < waiters; tries++) {
      await sleep(100);
      count = await metric(c, 'greenlight_waiters');
    }
    await sleep(500);
    const rss = rssMb(server.pid);
    controller.abort();
    await Promise.all(open);
    return { pending: await metric(c, 'greenlight_requests_pending'), waiters: count, rss };
  } finally {
    c.close();
    waitClient.close();
    server.stop();
  }
}
