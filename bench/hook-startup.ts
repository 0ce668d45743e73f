// The installed command hook's wall time for a policy-allowed Claude Code call (spawn → output →
// exit, as the host runs it), next to `node -e 0` (what any Node hook pays to start), `sh` + `curl`
// (about the least any command hook can cost) and, with OK2RUN_DIR set, ok2run's Python hook
// against its own server, all timed in the same interleaved rounds. The gate's own answer to the
// same call (from this warm process, on a fresh connection each time) is timed in the same rounds,
// so what the hook adds over `node -e 0` splits into the gate's part and the hook's own.
// No timed assertion anywhere: it prints figures.
//
// Usage: [OK2RUN_DIR=/path/to/ok2run] node dist/bench/hook-startup.js [--runs 30] [--before DIR]
// --before DIR also times DIR/dist/src/hooks/command-hook.cjs (another checkout's build, e.g. main
// before a change) against the same server.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CA_NOTE, ROOT, benchEnv, startBenchServer, type BenchServer } from './bench-server.js';
import { OK2RUN_PYTHON, ok2runAlwaysAllow, ok2runMissing, startOk2run } from './ok2run.js';
import { timeSpawn, type SpawnCase } from './spawn-timer.js';
import { percentile } from './stats.js';

const { values: opts } = parseArgs({ options: { runs: { type: 'string', default: '30' }, before: { type: 'string' } } });
const RUNS = Number(opts.runs);
const WARMUP = 3;

const payload = JSON.stringify({ session_id: 'bench-hooks', transcript_path: '/tmp/t.jsonl', cwd: '/tmp', permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'git status' }, tool_use_id: 'toolu_bench' });
const allows = (out: string) => {
  if (!/"(permissionDecision|behavior)":\s*"allow"/.test(out)) throw new Error('the hook did not allow');
};

/** The hook's own request, sent from this process on a new connection: the gate's share of a hook call. */
function gateAnswer(url: string, key: string): Promise<number> {
  const target = new URL(`/v1/hooks/claude-code?wait_sec=50&hostname=${encodeURIComponent(hostname())}&receipt=1`, url);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request(target, { method: 'POST', agent: false, headers: { connection: 'close', authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d));
      res.on('end', () => {
        try {
          allows(body);
        } catch (err) {
          return reject(err);
        }
        resolve(performance.now() - t0);
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function main() {
  const ok2Dir = process.env.OK2RUN_DIR;
  const ok2Missing = ok2runMissing(ok2Dir);
  if (ok2Missing) process.stderr.write(`ok2run rows left out: ${ok2Missing}\n`);
  const dir = mkdtempSync(join(tmpdir(), 'greenlight-hook-startup-'));
  const started: BenchServer[] = [];
  try {
    mkdirSync(join(dir, 'greenlight'));
    const gl = await startBenchServer(join(dir, 'greenlight'), ['policy: { allow: ["Bash(git status *)", "Bash(git status)"] }'], { storedAgent: 'bench' });
    started.push(gl);
    const env = benchEnv({ GREENLIGHT_URL: gl.url, GREENLIGHT_KEY: gl.storedKey! });
    const node = process.execPath;
    const floor: SpawnCase = { label: 'node -e 0', argv: [node, '-e', '0'], env };
    const hook: SpawnCase = { label: '`node …/command-hook.cjs claude-code` (what install writes)', argv: [node, join(ROOT, 'dist/src/hooks/command-hook.cjs'), 'claude-code'], env, stdin: payload, check: allows };
    const cases: SpawnCase[] = [floor, hook];
    if (opts.before) cases.push({ ...hook, label: `the same from ${opts.before}`, argv: [node, join(opts.before, 'dist/src/hooks/command-hook.cjs'), 'claude-code'] });
    cases.push({ label: '`sh bench/curl-hook.sh claude-code` (sh + curl, no receipt check)', argv: ['/bin/sh', join(ROOT, 'bench/curl-hook.sh'), 'claude-code'], env, stdin: payload, check: allows });
    let ok2Hook: SpawnCase | null = null;
    if (!ok2Missing) {
      mkdirSync(join(dir, 'ok2run'));
      const ok2 = await startOk2run(ok2Dir!, join(dir, 'ok2run'));
      started.push(ok2);
      await ok2runAlwaysAllow(ok2.url, 'Bash');
      cases.push({ label: 'python3 -c pass', argv: [OK2RUN_PYTHON, '-c', 'pass'], env: ok2.hookEnv });
      ok2Hook = { label: "ok2run's scripts/cc_permission_hook.py (always-allow rule)", argv: [OK2RUN_PYTHON, ok2.hookScript], env: ok2.hookEnv, stdin: payload, check: allows };
      cases.push(ok2Hook);
    }

    process.stdout.write(`${RUNS} interleaved rounds after ${WARMUP} untimed; Node ${process.version}; ${CA_NOTE}\n`);
    const times = cases.map(() => [] as number[]);
    const gate: number[] = [];
    for (let round = 0; round < WARMUP + RUNS; round++) {
      for (let i = 0; i < cases.length; i++) {
        const ms = await timeSpawn(cases[i]);
        if (round >= WARMUP) times[i].push(ms);
      }
      const ms = await gateAnswer(gl.url, gl.storedKey!);
      if (round >= WARMUP) gate.push(ms);
    }

    // Differences and ratios are taken within each round, then their median: load that drifts
    // during the run moves both sides of a round alike.
    const p50 = (xs: number[]) => percentile(xs, 50);
    const at = (c: SpawnCase) => times[cases.indexOf(c)];
    const paired = (xs: number[], ys: number[], f: (x: number, y: number) => number) => p50(xs.map((x, i) => f(x, ys[i])));
    const ms = (n: number) => `${n.toFixed(1)} ms`;
    const signed = (n: number) => `${n >= 0 ? '+' : '−'}${Math.abs(n).toFixed(1)} ms`;
    const rows = cases.map((c) => {
      const xs = at(c);
      const over = c === floor ? '' : signed(paired(xs, at(floor), (x, y) => x - y));
      const vsOk2 = ok2Hook && c.check ? `${paired(xs, at(ok2Hook), (x, y) => x / y).toFixed(2)}×` : '';
      return [c.label, ms(p50(xs)), ms(percentile(xs, 95)), over, vsOk2];
    });
    rows.push(["the gate's answer to the same call (warm client, new connection)", ms(p50(gate)), ms(percentile(gate, 95)), '', '']);
    const header = ['command', 'p50', 'p95', 'over node -e 0 (median of rounds)', "÷ ok2run's hook (median of rounds)"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
    process.stdout.write(`\n${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${rows.map(line).join('\n')}\n`);
    const over = paired(at(hook), at(floor), (x, y) => x - y);
    const own = p50(at(hook).map((x, i) => x - at(floor)[i] - gate[i]));
    process.stdout.write(`\nThe hook over node -e 0: ${ms(over)}; the gate's answer alone: ${ms(p50(gate))}; so the hook's own work is about ${ms(own)}.\n`);
  } finally {
    for (const s of started) s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
