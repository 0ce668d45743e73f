// Greenlight next to ok2run (the Python gate it replaces) and next to bare echo servers, on this
// machine, in one run: the table of issue 18 with ratios. Every HTTP figure comes from wrk
// driving each server in turn, in interleaved rounds, so load from elsewhere on a shared machine
// lands on all of them alike; ratios are taken within a round, and ranges over the rounds.
//
// Usage: OK2RUN_DIR=/path/to/ok2run node dist/bench/compare-ok2run.js
//          [--duration 10] [--rounds 3] [--spawns 30] [--greenlight DIR] [--no-memory]
// --greenlight runs another checkout's build (e.g. an older commit) with this bench.
// Needs wrk (apt-get install wrk) and, for the ok2run column, Debian's python3-fastapi
// python3-uvicorn python3-sqlalchemy python3-dotenv python3-pydantic python3-httpx.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CA_NOTE, ROOT, rssMb, startBenchServer, startEchoServer, type BenchServer } from './bench-server.js';
import { hookCases, measureMemory, ok2runUnblock, greenlightUnblock } from './compare-parts.js';
import { ok2runAlwaysAllow, ok2runApproval, ok2runMissing, OK2RUN_KEY, startOk2run, type Ok2run } from './ok2run.js';
import { timeSpawns } from './spawn-timer.js';
import { percentile } from './stats.js';
import { runWrk, wrkMissing, type WrkResult, type WrkTarget } from './wrk.js';

const { values: opts } = parseArgs({
  options: { duration: { type: 'string', default: '10' }, rounds: { type: 'string', default: '3' }, spawns: { type: 'string', default: '30' }, greenlight: { type: 'string' }, 'no-memory': { type: 'boolean' } },
});
const SECONDS = Number(opts.duration);
const ROUNDS = Number(opts.rounds);
const SPAWNS = Number(opts.spawns);
const GL_ROOT = opts.greenlight ?? ROOT;

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

function scenarios(gl: BenchServer, agent: string, ok2: Ok2run | null, echoNode: BenchServer, echoHono: BenchServer): Scenario[] {
  const create = JSON.stringify({ title: 'deploy {{n}}', preview: 'echo hello', tags: ['bench'] });
  const auto = JSON.stringify({ title: 'git status', tool: 'Bash', input: { command: 'git status --short src/f{{n}}.ts' }, cwd: '/tmp', session_id: 'bench' });
  const hook = hookPayload('git status --short src/f{{n}}.ts');
  const list: Scenario[] = [
    { key: 'echo-node-post', target: { url: `${echoNode.url}/v1/requests`, method: 'POST', headers: json(agent), body: create }, connections: 16 },
    { key: 'echo-hono-post', target: { url: `${echoHono.url}/v1/requests`, method: 'POST', headers: json(agent), body: create }, connections: 16 },
    { key: 'gl-create', target: { url: `${gl.url}/v1/requests`, method: 'POST', headers: json(agent), body: create }, connections: 16, check: expect('a create needing a human', (s, b) => s === 201 && b.includes('"status":"pending"')) },
    { key: 'gl-hook', target: { url: `${gl.url}/v1/hooks/claude-code`, method: 'POST', headers: json(agent), body: hook }, connections: 16, check: expect('a policy-allowed hook call', (s, b) => s === 200 && b.includes('"permissionDecision":"allow"')) },
    { key: 'gl-auto', target: { url: `${gl.url}/v1/requests`, method: 'POST', headers: json(agent), body: auto }, connections: 16, check: expect('a policy-allowed create', (s, b) => s === 201 && b.includes('"status":"approved"')) },
    { key: 'echo-node-get', target: { url: `${echoNode.url}/health` }, connections: 16 },
    { key: 'echo-hono-get', target: { url: `${echoHono.url}/health` }, connections: 16 },
    { key: 'gl-health', target: { url: `${gl.url}/health` }, connections: 16, check: expect('/health', (s) => s === 200) },
    { key: 'gl-me', target: { url: `${gl.url}/v1/me`, headers: json(agent) }, connections: 16, check: expect('/v1/me', (s, b) => s === 200 && b.includes('"role":"agent"')) },
    { key: 'echo-hono-post-c1', target: { url: `${echoHono.url}/v1/requests`, method: 'POST', headers: json(agent), body: auto }, connections: 1 },
    { key: 'gl-hook-c1', target: { url: `${gl.url}/v1/hooks/claude-code`, method: 'POST', headers: json(agent), body: hook }, connections: 1 },
    { key: 'gl-auto-c1', target: { url: `${gl.url}/v1/requests`, method: 'POST', headers: json(agent), body: auto }, connections: 1 },
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

async function main() {
  const missingWrk = wrkMissing();
  if (missingWrk) {
    process.stderr.write(`${missingWrk}\n`);
    process.exit(2);
  }
  const ok2Dir = process.env.OK2RUN_DIR;
  const ok2Missing = ok2runMissing(ok2Dir);
  if (ok2Missing) process.stderr.write(`ok2run column left empty: ${ok2Missing}\n`);
  process.stdout.write(`Greenlight at ${GL_ROOT}; ${ROUNDS} rounds of ${SECONDS} s per row; ${CA_NOTE}\n`);

  const dir = mkdtempSync(join(tmpdir(), 'greenlight-compare-'));
  const started: BenchServer[] = [];
  try {
    const gl = await startBenchServer(dir, ['policy: { allow: ["Bash(git status *)"] }', `approvers: [{ name: alice, key: ${APPROVER} }]`, `admins: [{ name: root, key: ${ADMIN} }]`, 'requests: { max_wait_sec: 600 }'], { root: GL_ROOT, storedAgent: 'bench' });
    started.push(gl);
    const agent = gl.storedKey!;
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
    const idle = { gl: rssMb(gl.pid), ok2: ok2 ? rssMb(ok2.pid) : NaN };

    const list = scenarios(gl, agent, ok2, echoNode, echoHono);
    for (const s of list) await checkOnce(s);
    for (const s of list) await runWrk(dir, s.target, s.connections, 1); // warm up every server and path
    const results = new Map<string, WrkResult[]>(list.map((s) => [s.key, []]));
    for (let round = 1; round <= ROUNDS; round++) {
      process.stdout.write(`round ${round}/${ROUNDS} …\n`);
      for (const s of list) {
        const r = await runWrk(dir, s.target, s.connections, SECONDS);
        if (r.errors > 0) throw new Error(`${s.key}: ${r.errors} failed requests in ${r.requests}`);
        results.get(s.key)!.push(r);
      }
    }

    const push = { gl: await greenlightUnblock(gl.url, agent, APPROVER, 100), ok2: ok2 ? await ok2runUnblock(ok2.url, 10) : [] };
    const cases = hookCases(GL_ROOT, gl.url, agent, ok2);
    const spawnTimes = await timeSpawns(cases, SPAWNS);
    const memory = opts['no-memory'] ? null : await measureMemory(dir, GL_ROOT);
    const smallYoung = opts['no-memory'] ? null : await measureMemory(dir, GL_ROOT, [SMALL_YOUNG_GEN]);

    // ---- print ----
    const rps = (k: string) => (results.get(k) ?? []).map((r) => r.rps);
    const p50 = (k: string) => (results.get(k) ?? []).map((r) => r.p50ms);
    const per = (a: string, b: string) => rps(a).map((x, i) => x / rps(b)[i]);
    const rate = (k: string) => (results.get(k)?.length ? `${span(rps(k), int)} req/s` : '—');
    const rows: string[][] = [
      ['create, needs a human, c=16', rate('gl-create'), rate('ok2-create'), rate('echo-node-post'), rate('echo-hono-post'), ok2 ? `${span(per('gl-create', 'ok2-create'), ratio)} ok2run` : '—'],
      ['policy-allowed Claude Code hook call, c=16', rate('gl-hook'), ok2 ? `(always-allow rule) ${rate('ok2-auto')}` : '—', '', '', `${span(per('gl-hook', 'echo-hono-post'), ratio)} Hono echo; ${span(per('gl-hook', 'gl-create'), ratio)} create`],
      ['`POST /v1/requests`, policy-allowed, c=16', rate('gl-auto'), '', '', '', `${span(per('gl-auto', 'echo-hono-post'), ratio)} Hono echo; ${span(per('gl-auto', 'gl-create'), ratio)} create`],
      ['policy-allowed, c=1, p50 (hook / requests)', `${span(p50('gl-hook-c1'), ms)} / ${span(p50('gl-auto-c1'), ms)}`, '', '', span(p50('echo-hono-post-c1'), ms), ''],
      ['`GET /health`', rate('gl-health'), '', rate('echo-node-get'), rate('echo-hono-get'), `${span(per('gl-health', 'echo-hono-get'), ratio)} Hono echo`],
      ['`GET /v1/me` (stored agent key)', rate('gl-me'), '', '', '', `${span(per('gl-me', 'echo-hono-get'), ratio)} Hono echo`],
      ['decision → waiting agent, p50', `${ms(percentile(push.gl, 50))} (long-poll)`, ok2 ? `${ms(percentile(push.ok2, 50))} (its hook polls every 2 s)` : '—', '', '', ''],
    ];
    const floorOf = (label: string) => percentile(spawnTimes[cases.findIndex((c) => c.label === label)], 50);
    const nodeFloor = floorOf('node -e 0');
    cases.forEach((c, i) => {
      if (c.label === 'node -e 0' || c.label === 'python3 -c pass') return;
      const wall = percentile(spawnTimes[i], 50);
      const isOk2 = c.label.startsWith('ok2run');
      const floor = isOk2 ? floorOf('python3 -c pass') : nodeFloor;
      rows.push([`command hook, policy-allowed, wall p50: ${c.label}`, isOk2 ? '' : `${ms(wall)} (${ms(wall - floor)} over \`node -e 0\`: ${ms(nodeFloor)})`, isOk2 ? `${ms(wall)} (\`python3 -c pass\`: ${ms(floor)})` : '', '', '', '']);
    });
    rows.push(['RSS idle', `${idle.gl.toFixed(1)} MB`, ok2 ? `${idle.ok2.toFixed(1)} MB` : '—', '', '', '']);
    if (memory) rows.push([`RSS, ${int(memory.pending)} pending + ${int(memory.waiters)} waiters`, `${memory.rss.toFixed(1)} MB`, '', '', '', '']);
    if (smallYoung) rows.push([`the same with NODE_OPTIONS=${SMALL_YOUNG_GEN}`, `${smallYoung.rss.toFixed(1)} MB`, '', '', '', '']);
    printRows(`Greenlight and ok2run on this machine (wrk -t1, ${ROUNDS} interleaved rounds of ${SECONDS} s; ranges over rounds; ratios within a round)`, ['path', 'Greenlight', 'ok2run', 'bare `node:http` echo', 'bare Hono echo', 'ratio'], rows);
  } finally {
    for (const s of started) s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
