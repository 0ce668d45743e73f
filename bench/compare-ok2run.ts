// Greenlight next to ok2run (the Python gate it replaces) and next to bare echo servers, on this
// machine, in one run: the table of issue 18 with ratios. Every HTTP figure comes from wrk
// driving each server in turn, in interleaved rounds, so load from elsewhere on a shared machine
// lands on all of them alike; ratios are taken within a round, and ranges over the rounds.
// With --before, a second Greenlight build (e.g. main before a change) runs in the same rounds,
// and the table gains a before column and after ÷ before.
//
// Usage: OK2RUN_DIR=/path/to/ok2run node dist/bench/compare-ok2run.js
//          [--duration 10] [--rounds 3] [--spawns 30] [--greenlight DIR] [--before DIR] [--no-memory]
// --greenlight runs another checkout's build instead of this one; --before adds one to compare with.
// Needs wrk (apt-get install wrk) and, for the ok2run column, Debian's python3-fastapi
// python3-uvicorn python3-sqlalchemy python3-dotenv python3-pydantic python3-httpx.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CA_NOTE, ROOT, rssMb, startBenchServer, startEchoServer, type BenchServer } from './bench-server.js';
import { hookCases, measureMemory, ok2runUnblock, greenlightUnblock } from './compare-parts.js';
import { ok2runAlwaysAllow, ok2runApproval, ok2runMissing, OK2RUN_KEY, startOk2run, type Ok2run } from './ok2run.js';
import { timeSpawns, type SpawnCase } from './spawn-timer.js';
import { percentile } from './stats.js';
import { runWrk, wrkMissing, type WrkResult, type WrkTarget } from './wrk.js';

const { values: opts } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    spawns: { type: 'string', default: '30' },
    greenlight: { type: 'string' },
    before: { type: 'string' },
    'no-memory': { type: 'boolean' },
  },
});
const SECONDS = Number(opts.duration);
const ROUNDS = Number(opts.rounds);
const SPAWNS = Number(opts.spawns);
const GL_ROOT = opts.greenlight ?? ROOT;
const BEFORE_ROOT = opts.before ?? null;

const APPROVER = 'bench-approver-key-0123456789';
const ADMIN = 'bench-admin-key-0123456789ab';
/** A smaller young generation (docs/benchmarks.md): less memory under load for a little more GC work. */
const SMALL_YOUNG_GEN = '--max-semi-space-size=4';
const json = (key: string | null) => ({ 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) });

const hookPayload = (command: string) =>
  JSON.stringify({ session_id: 'bench-session', transcript_path: '/tmp/t.jsonl', cwd: '/tmp', permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command }, tool_use_id: 'toolu_bench' });

interface Scenario {
  key: string;
  target: WrkTarget;
  connections: number;
  /** One request sent before the runs: throws unless the server answers as the row says. */
  check?: (status: number, body: string) => void;
}

function expect(what: string, ok: (status: number, body: string) => boolean) {
  return (status: number, body: string) => {
    if (!ok(status, body)) throw new Error(`${what}: got ${status} ${body.slice(0, 300)}`);
  };
}

/** A Greenlight's rows; `prefix` tells the build apart ('gl-' this one, 'old-' the --before one). */
function greenlightScenarios(prefix: string, gl: BenchServer): Scenario[] {
  const agent = gl.storedKey!;
  const create = JSON.stringify({ title: 'deploy {{n}}', preview: 'echo hello', tags: ['bench'] });
  const auto = JSON.stringify({ title: 'git status', tool: 'Bash', input: { command: 'git status --short src/f{{n}}.ts' }, cwd: '/tmp', session_id: 'bench' });
  const hook = hookPayload('git status --short src/f{{n}}.ts');
  const post = (path: string, body: string) => ({ url: `${gl.url}${path}`, method: 'POST' as const, headers: json(agent), body });
  return [
    { key: `${prefix}create`, target: post('/v1/requests', create), connections: 16, check: expect('a create needing a human', (s, b) => s === 201 && b.includes('"status":"pending"')) },
    { key: `${prefix}hook`, target: post('/v1/hooks/claude-code', hook), connections: 16, check: expect('a policy-allowed hook call', (s, b) => s === 200 && b.includes('"permissionDecision":"allow"')) },
    { key: `${prefix}auto`, target: post('/v1/requests', auto), connections: 16, check: expect('a policy-allowed create', (s, b) => s === 201 && b.includes('"status":"approved"')) },
    { key: `${prefix}health`, target: { url: `${gl.url}/health` }, connections: 16, check: expect('/health', (s) => s === 200) },
    { key: `${prefix}me`, target: { url: `${gl.url}/v1/me`, headers: json(agent) }, connections: 16, check: expect('/v1/me', (s, b) => s === 200 && b.includes('"role":"agent"')) },
    { key: `${prefix}hook-c1`, target: post('/v1/hooks/claude-code', hook), connections: 1 },
    { key: `${prefix}auto-c1`, target: post('/v1/requests', auto), connections: 1 },
  ];
}

function referenceScenarios(agent: string, ok2: Ok2run | null, echoNode: BenchServer, echoHono: BenchServer): Scenario[] {
  const create = JSON.stringify({ title: 'deploy {{n}}', preview: 'echo hello', tags: ['bench'] });
  const auto = JSON.stringify({ title: 'git status', tool: 'Bash', input: { command: 'git status --short src/f{{n}}.ts' }, cwd: '/tmp', session_id: 'bench' });
  const list: Scenario[] = [
    { key: 'echo-node-post', target: { url: `${echoNode.url}/v1/requests`, method: 'POST', headers: json(agent), body: create }, connections: 16 },
    { key: 'echo-hono-post', target: { url: `${echoHono.url}/v1/requests`, method: 'POST', headers: json(agent), body: create }, connections: 16 },
    { key: 'echo-node-get', target: { url: `${echoNode.url}/health` }, connections: 16 },
    { key: 'echo-hono-get', target: { url: `${echoHono.url}/health` }, connections: 16 },
    { key: 'echo-hono-post-c1', target: { url: `${echoHono.url}/v1/requests`, method: 'POST', headers: json(agent), body: auto }, connections: 1 },
  ];
  if (ok2) {
    list.push(
      { key: 'ok2-create', target: { url: `${ok2.url}/v1/approvals`, method: 'POST', headers: json(OK2RUN_KEY), body: ok2runApproval('deploy', 'deploy {{n}}', 'echo hello') }, connections: 16, check: expect('an ok2run approval needing a human', (s, b) => s === 200 && b.includes('"auto":false')) },
      { key: 'ok2-auto', target: { url: `${ok2.url}/v1/approvals`, method: 'POST', headers: json(OK2RUN_KEY), body: ok2runApproval('Bash', 'Claude Code: Bash', 'git status --short src/f{{n}}.ts') }, connections: 16, check: expect('an ok2run always-allowed approval', (s, b) => s === 200 && b.includes('"auto":true')) },
    );
  }
  return list;
}

async function checkOnce(s: Scenario): Promise<void> {
  if (!s.check) return;
  const t = s.target;
  const res = await fetch(t.url, { method: t.method ?? 'GET', headers: t.headers, body: t.body?.replace('{{n}}', 'check') });
  s.check(res.status, await res.text());
}

// ---- the table ---------------------------------------------------------------------------------

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const span = (xs: number[], f: (n: number) => string) => (xs.length === 0 ? '—' : Math.min(...xs) === Math.max(...xs) ? f(xs[0]) : `${f(Math.min(...xs))}–${f(Math.max(...xs))}`);
const ratio = (n: number) => `${n >= 10 ? n.toFixed(1) : n.toFixed(2)}×`;
const ms = (n: number) => `${n < 1 ? n.toFixed(2) : n.toFixed(1)} ms`;

function printRows(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (c ?? '').padEnd(widths[i])).join(' | ')} |`;
  process.stdout.write(`\n${title}\n\n${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${rows.map(line).join('\n')}\n`);
}

/** A Greenlight with the bench's config in its own directory, its agent key stored. */
function startGreenlight(dir: string, root: string): Promise<BenchServer> {
  mkdirSync(dir);
  return startBenchServer(dir, ['policy: { allow: ["Bash(git status *)"] }', `approvers: [{ name: alice, key: ${APPROVER} }]`, `admins: [{ name: root, key: ${ADMIN} }]`, 'requests: { max_wait_sec: 600 }'], { root, storedAgent: 'bench' });
}

const INSTALLED = { before: '`node dist/src/cli/hook.js claude-code`', after: '`node dist/src/hooks/command-hook.cjs claude-code`' };

async function main() {
  const missingWrk = wrkMissing();
  if (missingWrk) {
    process.stderr.write(`${missingWrk}\n`);
    process.exit(2);
  }
  const ok2Dir = process.env.OK2RUN_DIR;
  const ok2Missing = ok2runMissing(ok2Dir);
  if (ok2Missing) process.stderr.write(`ok2run column left empty: ${ok2Missing}\n`);
  process.stdout.write(`Greenlight at ${GL_ROOT}${BEFORE_ROOT ? `, before: ${BEFORE_ROOT}` : ''}; ${ROUNDS} rounds of ${SECONDS} s per row; ${CA_NOTE}\n`);

  const dir = mkdtempSync(join(tmpdir(), 'greenlight-compare-'));
  const started: BenchServer[] = [];
  try {
    const gl = await startGreenlight(join(dir, 'after'), GL_ROOT);
    started.push(gl);
    const old = BEFORE_ROOT ? await startGreenlight(join(dir, 'before'), BEFORE_ROOT) : null;
    if (old) started.push(old);
    let ok2: Ok2run | null = null;
    if (!ok2Missing) {
      mkdirSync(join(dir, 'ok2run'));
      ok2 = await startOk2run(ok2Dir!, join(dir, 'ok2run'));
      started.push(ok2);
      await ok2runAlwaysAllow(ok2.url, 'Bash');
    }
    const [echoNode, echoHono] = [await startEchoServer('node'), await startEchoServer('hono')];
    started.push(echoNode, echoHono);
    await new Promise((r) => setTimeout(r, 1000));
    const idle = { gl: rssMb(gl.pid), old: old ? rssMb(old.pid) : NaN, ok2: ok2 ? rssMb(ok2.pid) : NaN };

    const list = [...referenceScenarios(gl.storedKey!, ok2, echoNode, echoHono), ...greenlightScenarios('gl-', gl), ...(old ? greenlightScenarios('old-', old) : [])];
    for (const s of list) await checkOnce(s);
    for (const s of list) await runWrk(dir, s.target, s.connections, 1); // warm up every server and path
    const results = new Map<string, WrkResult[]>(list.map((s) => [s.key, []]));
    for (let round = 1; round <= ROUNDS; round++) {
      process.stdout.write(`round ${round}/${ROUNDS} …\n`);
      for (const s of list) {
        // A failed answer (an error status, a timeout) is counted and shown next to the figure.
        results.get(s.key)!.push(await runWrk(dir, s.target, s.connections, SECONDS));
      }
    }

    const push = {
      gl: await greenlightUnblock(gl.url, gl.storedKey!, APPROVER, 100),
      old: old ? await greenlightUnblock(old.url, old.storedKey!, APPROVER, 100) : [],
      ok2: ok2 ? await ok2runUnblock(ok2.url, 10) : [],
    };
    // Both builds' hooks, timed in the same interleaved rounds; `node -e 0` and sh + curl once.
    const ofBuild = (c: SpawnCase) => c.argv[0] === process.execPath && c.label !== 'node -e 0';
    const cases: (SpawnCase & { build: 'after' | 'before' | 'floor' })[] = hookCases(GL_ROOT, gl.url, gl.storedKey!, ok2).map((c) => ({ ...c, build: ofBuild(c) ? 'after' : 'floor' }));
    if (old) cases.push(...hookCases(BEFORE_ROOT!, old.url, old.storedKey!, null).filter(ofBuild).map((c) => ({ ...c, build: 'before' as const })));
    const spawnTimes = await timeSpawns(cases, SPAWNS);
    const memory = opts['no-memory'] ? null : { gl: await measureMemory(dir, GL_ROOT), old: old ? await measureMemory(join(dir, 'before'), BEFORE_ROOT!) : null };
    const smallYoung = opts['no-memory'] ? null : await measureMemory(dir, GL_ROOT, [SMALL_YOUNG_GEN]);

    // ---- print ----
    const rps = (k: string) => (results.get(k) ?? []).map((r) => r.rps);
    const lat = (k: string, p: 'p50ms' | 'p99ms') => (results.get(k) ?? []).map((r) => r[p]);
    const per = (a: string, b: string) => rps(a).map((x, i) => x / rps(b)[i]);
    const failed = (k: string) => {
      const [errors, requests] = (results.get(k) ?? []).reduce(([e, n], r) => [e + r.errors, n + r.requests], [0, 0]);
      return errors > 0 ? ` (${int(errors)} of ${int(requests)} failed)` : '';
    };
    const rate = (k: string) => (results.get(k)?.length ? `${span(rps(k), int)} req/s${failed(k)}` : '—');
    const p50p99 = (k: string) => (results.get(k)?.length ? `${span(lat(k, 'p50ms'), ms)} / ${span(lat(k, 'p99ms'), ms)}` : '—');
    // Change, > 1 is better: throughput after ÷ before within a round; times before ÷ after.
    const gain = (k: string) => (old ? `${span(per(`gl-${k}`, `old-${k}`), ratio)}` : '—');
    const faster = (k: string) => (old ? `${span(lat(`old-${k}`, 'p50ms').map((x, i) => x / lat(`gl-${k}`, 'p50ms')[i]), ratio)} (p50)` : '—');
    const row = (path: string, after: string, before: string, change: string, ok2run = '', echoNode = '', echoHono = '', reference = '') => [path, before, after, change, ok2run, echoNode, echoHono, reference];
    const rows: string[][] = [
      row('create, needs a human, c=16', rate('gl-create'), rate('old-create'), gain('create'), rate('ok2-create'), rate('echo-node-post'), rate('echo-hono-post'), ok2 ? `${span(per('gl-create', 'ok2-create'), ratio)} ok2run${old ? ` (before: ${span(per('old-create', 'ok2-create'), ratio)})` : ''}` : '—'),
      row('create, c=16, latency p50 / p99', p50p99('gl-create'), p50p99('old-create'), faster('create')),
      row('policy-allowed Claude Code hook call, c=16', rate('gl-hook'), rate('old-hook'), gain('hook'), ok2 ? `(always-allow rule) ${rate('ok2-auto')}` : '—', '', '', `${span(per('gl-hook', 'echo-hono-post'), ratio)} Hono echo; ${span(per('gl-hook', 'gl-create'), ratio)} create`),
      row('hook call, c=16, latency p50 / p99', p50p99('gl-hook'), p50p99('old-hook'), faster('hook')),
      row('`POST /v1/requests`, policy-allowed, c=16', rate('gl-auto'), rate('old-auto'), gain('auto'), '', '', '', `${span(per('gl-auto', 'echo-hono-post'), ratio)} Hono echo; ${span(per('gl-auto', 'gl-create'), ratio)} create`),
      row('hook call, c=1, latency p50 / p99', p50p99('gl-hook-c1'), p50p99('old-hook-c1'), faster('hook-c1'), '', '', p50p99('echo-hono-post-c1')),
      row('`POST /v1/requests` policy-allowed, c=1, p50 / p99', p50p99('gl-auto-c1'), p50p99('old-auto-c1'), faster('auto-c1'), '', '', p50p99('echo-hono-post-c1')),
      row('`GET /health`, c=16', rate('gl-health'), rate('old-health'), gain('health'), '', rate('echo-node-get'), rate('echo-hono-get'), `${span(per('gl-health', 'echo-hono-get'), ratio)} Hono echo`),
      row('`GET /v1/me` (stored agent key), c=16', rate('gl-me'), rate('old-me'), gain('me'), '', '', '', `${span(per('gl-me', 'echo-hono-get'), ratio)} Hono echo`),
      row('decision → waiting agent, p50 / p99', `${ms(percentile(push.gl, 50))} / ${ms(percentile(push.gl, 99))}`, old ? `${ms(percentile(push.old, 50))} / ${ms(percentile(push.old, 99))}` : '—', '', ok2 ? `${ms(percentile(push.ok2, 50))} (its hook polls every 2 s)` : '—'),
    ];
    const p50Of = (label: string, build: string) => percentile(spawnTimes[cases.findIndex((c) => c.label === label && c.build === build)] ?? [], 50);
    const nodeFloor = p50Of('node -e 0', 'floor');
    const over = (wall: number, floor: number) => (Number.isNaN(wall) ? '—' : `${ms(wall)} (+${ms(wall - floor)})`);
    const labels = [...new Set(cases.filter((c) => c.build !== 'floor').map((c) => c.label))];
    for (const label of labels) {
      const [a, b] = [p50Of(label, 'after'), p50Of(label, 'before')];
      rows.push(row(`command hook, policy-allowed, wall p50 (+ over \`node -e 0\`): ${label}`, over(a, nodeFloor), over(b, nodeFloor), Number.isNaN(a) || Number.isNaN(b) ? '' : ratio(b / a)));
    }
    const installed = { after: p50Of(labels.find((l) => l.startsWith(INSTALLED.after)) ?? '', 'after'), before: p50Of(labels.find((l) => l.startsWith(INSTALLED.before)) ?? '', 'before') };
    rows.push(row('command hook as `install` writes it, wall p50 (+ over `node -e 0`)', over(installed.after, nodeFloor), old ? over(installed.before, nodeFloor) : '—', old ? ratio(installed.before / installed.after) : '', '', '', '', `\`node -e 0\`: ${ms(nodeFloor)}`));
    for (const c of cases.filter((x) => x.build === 'floor' && x.label !== 'node -e 0')) {
      const wall = p50Of(c.label, 'floor');
      const isOk2 = c.label.startsWith('ok2run') || c.label.startsWith('python3');
      rows.push(row(`command hook reference, wall p50: ${c.label}`, isOk2 ? '' : ms(wall), '', '', isOk2 ? ms(wall) : ''));
    }
    rows.push(row('RSS idle', `${idle.gl.toFixed(1)} MB`, old ? `${idle.old.toFixed(1)} MB` : '—', old ? ratio(idle.old / idle.gl) : '', ok2 ? `${idle.ok2.toFixed(1)} MB` : '—'));
    if (memory) rows.push(row(`RSS, ${int(memory.gl.pending)} pending + ${int(memory.gl.waiters)} waiters`, `${memory.gl.rss.toFixed(1)} MB`, memory.old ? `${memory.old.rss.toFixed(1)} MB` : '—', memory.old ? ratio(memory.old.rss / memory.gl.rss) : ''));
    if (smallYoung) rows.push(row(`the same with NODE_OPTIONS=${SMALL_YOUNG_GEN}`, `${smallYoung.rss.toFixed(1)} MB`, '', ''));
    printRows(`Greenlight${old ? ' before and after' : ''}, ok2run and bare servers on this machine (wrk -t1, ${ROUNDS} interleaved rounds of ${SECONDS} s; ranges over rounds; ratios within a round)`, ['path', 'Greenlight before', 'Greenlight after', 'change (> 1: better)', 'ok2run', 'bare `node:http` echo', 'bare Hono echo', 'after vs reference'], rows);
  } finally {
    for (const s of started) s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
