// Load from wrk (https://github.com/wg/wrk, Debian package `wrk`): one HTTP/1.1 load generator
// for every server a bench compares, so Node, Python and the echo servers are driven alike.
// A request body may carry a counter (`{{n}}`), so every request is a distinct call.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface WrkTarget {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** The body; `{{n}}` is replaced by a counter that grows with every request. */
  body?: string;
}

export interface WrkResult {
  rps: number;
  p50ms: number;
  p99ms: number;
  requests: number;
  /** Non-2xx/3xx answers and socket errors: a run with any is not a valid figure. */
  errors: number;
}

/** Whether wrk is on PATH; benches that need it stop with this message when it is not. */
export function wrkMissing(): string | null {
  const r = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (r.error) return 'wrk is not installed: this bench drives every server with wrk. Install it (Debian/Ubuntu: apt-get install wrk) and run again.';
  return null;
}

const lua = (s: string) => JSON.stringify(s); // a JSON string literal is a valid Lua string literal for these bodies

function script(target: WrkTarget): string {
  const lines = [`wrk.method = ${lua(target.method ?? 'GET')}`];
  for (const [k, v] of Object.entries(target.headers ?? {})) lines.push(`wrk.headers[${lua(k)}] = ${lua(v)}`);
  if (target.body !== undefined) {
    const [before, after] = target.body.split('{{n}}');
    if (after === undefined) lines.push(`wrk.body = ${lua(before)}`);
    else {
      // Each wrk thread counts on its own; the thread id keeps the calls of two threads apart.
      lines.push('local threads = 0', 'function setup(thread) threads = threads + 1; thread:set("tid", threads) end', 'local n = 0');
      lines.push(`function request() n = n + 1; return wrk.format(nil, nil, nil, ${lua(before)} .. (tid or 0) .. "-" .. n .. ${lua(after)}) end`);
    }
  }
  lines.push('function done(summary, latency, requests)', '  io.write(string.format("RESULT %d %d %d %d %f %f\\n", summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.duration, latency:percentile(50), latency:percentile(99)))', 'end');
  return lines.join('\n');
}

/** Runs wrk for `seconds` at `connections`, one thread (the other core serves). */
export async function runWrk(dir: string, target: WrkTarget, connections: number, seconds: number): Promise<WrkResult> {
  const file = join(dir, `wrk-${process.pid}-${Math.random().toString(36).slice(2)}.lua`);
  writeFileSync(file, script(target));
  const args = ['-t', '1', '-c', String(connections), '-d', `${seconds}s`, '--timeout', '10s', '-s', file, target.url];
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d));
    child.stderr.on('data', (d: Buffer) => (text += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited ${code}: ${text.slice(0, 500)}`))));
  });
  const m = /RESULT (\d+) (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+)/.exec(out);
  if (!m) throw new Error(`could not read wrk's output:\n${out.slice(0, 1000)}`);
  const [requests, statusErrors, socketErrors, durationUs, p50us, p99us] = m.slice(1).map(Number);
  return { rps: requests / (durationUs / 1e6), p50ms: p50us / 1000, p99ms: p99us / 1000, requests, errors: statusErrors + socketErrors };
}
