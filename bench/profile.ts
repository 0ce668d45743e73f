// Where the server spends its CPU under load: runs `greenlight serve` with `node --cpu-prof`,
// drives one path with wrk, stops the server (the profile is written as it exits) and prints the
// top self-time entries by function and by area (our modules, Hono, SQLite, Node internals, ...).
// The summary in docs/benchmarks.md comes from here.
// Usage: node dist/bench/profile.js create|hook|auto|health|me [seconds=10] [--connections 16] [--greenlight DIR]
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, startBenchServer } from './bench-server.js';
import { runWrk, wrkMissing, type WrkTarget } from './wrk.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { greenlight: { type: 'string' }, top: { type: 'string', default: '25' }, connections: { type: 'string', default: '16' } } });
const [path = 'create', secondsArg = '10'] = positionals;
const root = values.greenlight ?? ROOT;

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
  children?: number[];
}

/** Which part of the stack a frame belongs to. */
function area(url: string, fn: string): string {
  if (url === '') return fn === '(garbage collector)' ? 'GC' : fn === '(program)' || fn === '(idle)' ? fn : 'native / V8';
  if (url.startsWith('node:')) return `node: ${url.slice(5).split('/')[0].replace(/^internal$/, url.slice(5).split('/')[1] ?? 'internal')}`;
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  const ours = /dist\/src\/(.+?)\.js/.exec(url);
  return ours ? `greenlight: ${ours[1].split('/').slice(0, 2).join('/')}` : url;
}

/** Counts only the samples taken under load: `window` is [from, to] in ms before the profile's end. */
function summarize(file: string, top: number, window: [number, number]): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[]; endTime: number };
  const hits = new Map<number, number>();
  let at = profile.endTime;
  let total = 0;
  for (let i = profile.samples.length - 1; i >= 0; i--) {
    const before = (profile.endTime - at) / 1000;
    at -= profile.timeDeltas[i];
    if (before < window[1] || before > window[0]) continue;
    hits.set(profile.samples[i], (hits.get(profile.samples[i]) ?? 0) + 1);
    total++;
  }
  const byFn = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const n of profile.nodes) {
    const h = hits.get(n.id) ?? 0;
    if (!h) continue;
    const f = n.callFrame;
    const where = f.url ? `${f.url.replace(/^file:\/\/.*?\/(dist|node_modules)\//, '$1/')}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'}  ${where}`;
    byFn.set(key, (byFn.get(key) ?? 0) + h);
    const a = area(f.url, f.functionName);
    byArea.set(a, (byArea.get(a) ?? 0) + h);
  }
  const idle = (byArea.get('(idle)') ?? 0) + 0;
  const busy = total - idle;
  const pct = (h: number) => `${((100 * h) / busy).toFixed(1).padStart(5)} %`;
  process.stdout.write(`\nself time, share of busy samples (${busy} busy of ${total}):\n`);
  for (const [k, h] of [...byFn].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${pct(h)}  ${k}\n`);
  // Inclusive time: a function's samples with everything it called (each function once per stack).
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, number>();
  for (const [id, h] of hits) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      if (!f.url.includes('dist/src/')) continue;
      const key = `${f.functionName || '(anonymous)'}  ${f.url.replace(/^file:\/\/.*?\/dist\//, 'dist/')}:${f.lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + h);
    }
  }
  process.stdout.write('\ninclusive time of our functions (with what they call):\n');
  for (const [k, h] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${pct(h)}  ${k}\n`);
  process.stdout.write('\nby area:\n');
  for (const [k, h] of [...byArea].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, 20)) process.stdout.write(`${pct(h)}  ${k}\n`);
}

async function main() {
  const missing = wrkMissing();
  if (missing) throw new Error(missing);
  const dir = mkdtempSync(join(tmpdir(), 'greenlight-profile-'));
  const profDir = join(dir, 'prof');
  try {
    const server = await startBenchServer(dir, ['policy: { allow: ["Bash(git status *)"] }', 'requests: { max_wait_sec: 600 }'], { root, storedAgent: 'bench', nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`] });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${server.storedKey}` };
    const targets: Record<string, WrkTarget> = {
      create: { url: `${server.url}/v1/requests`, method: 'POST', headers, body: JSON.stringify({ title: 'deploy {{n}}', preview: 'echo hello', tags: ['bench'] }) },
      auto: { url: `${server.url}/v1/requests`, method: 'POST', headers, body: JSON.stringify({ title: 'git status', tool: 'Bash', input: { command: 'git status --short src/f{{n}}.ts' }, cwd: '/tmp', session_id: 'bench' }) },
      hook: { url: `${server.url}/v1/hooks/claude-code`, method: 'POST', headers, body: JSON.stringify({ session_id: 's', transcript_path: '/tmp/t.jsonl', cwd: '/tmp', permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'git status --short src/f{{n}}.ts' }, tool_use_id: 't' }) },
      health: { url: `${server.url}/health` },
      me: { url: `${server.url}/v1/me`, headers },
    };
    const target = targets[path];
    if (!target) throw new Error(`unknown path ${path}: ${Object.keys(targets).join(', ')}`);
    await runWrk(dir, target, Number(values.connections), 2); // warm up; not counted
    const loadStart = performance.now();
    const r = await runWrk(dir, target, Number(values.connections), Number(secondsArg));
    const loadEnd = performance.now();
    process.stdout.write(`${path}: ${Math.round(r.rps)} req/s at c=${values.connections} while profiling (errors ${r.errors})\n`);
    server.stop();
    await server.exited;
    const exit = performance.now();
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('no profile was written');
    summarize(join(profDir, file), Number(values.top), [exit - loadStart, exit - loadEnd]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
