// What every end-to-end test of a real agent CLI needs: where the CLI is (installed from
// test/hosts/package.json by scripts/host-clis.js; a missing one fails, never skips), running it
// with a deadline, a scratch project with a directory worth deleting, a loopback proxy in front of
// the gate that keeps the exact hook payloads the CLI sent, and the record the compatibility table
// in docs/hooks.md is rendered from (scripts/compat-table.js).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApprovalRequest } from '../../src/core/types.js';
import type { TestServer } from '../helpers/harness.js';
import { onLoopback } from '../helpers/net.js';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const HOSTS_DIR = join(REPO, 'test', 'hosts');
/** The command hook as `greenlight install` writes it by default runs this file. */
export const HOOK_JS = join(REPO, 'dist', 'src', 'hooks', 'command-hook.cjs');
export const GREENLIGHT_BIN = join(REPO, 'bin', 'greenlight.js');

/** The CLI's executable from test/hosts/node_modules/.bin; throws (fails the test) when missing. */
export function hostBin(name: 'claude' | 'codex' | 'gemini' | 'opencode'): string {
  const bin = join(HOSTS_DIR, 'node_modules', '.bin', name);
  if (!existsSync(bin)) throw new Error(`${bin} is missing: the host CLIs are installed by \`npm test\` (node scripts/host-clis.js).`);
  return bin;
}

/** The installed version of a package in test/hosts (what the compatibility table names). */
export function hostVersion(pkg: string): string {
  return JSON.parse(readFileSync(join(HOSTS_DIR, 'node_modules', pkg, 'package.json'), 'utf8')).version;
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a CLI to completion; its whole process group is killed after `timeoutMs`. */
export function runCli(file: string, args: string[], opts: { cwd: string; env: Record<string, string | undefined>; timeoutMs?: number; stdin?: string }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: opts.cwd, env: opts.env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end(opts.stdin ?? '');
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${opts.timeoutMs ?? 120_000} ms]`;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, opts.timeoutMs ?? 120_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * A scratch directory for one test file, outside the system temp dir: Codex refuses to create its
 * sandbox helper (codex-linux-sandbox) under a CODEX_HOME in /tmp, and then cannot run any command.
 * Each test file removes its own when it ends.
 */
export function scratch(name: string): string {
  // Not under the repository either: a checkout may itself live in /tmp.
  const base = join(homedir(), '.cache', 'greenlight-host-tests');
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, `${name}-`));
}

/** A scratch project with target/keep.txt and target/sub/ — the directory the tests try to delete. */
export function project(root: string): string {
  const dir = mkdtempSync(join(root, 'proj-'));
  mkdirSync(join(dir, 'target', 'sub'), { recursive: true });
  writeFileSync(join(dir, 'target', 'keep.txt'), 'x');
  return dir;
}

export interface CapturingProxy {
  url: string;
  /** Every hook payload the CLI sent, by host, in order. */
  payloads: { host: string; body: any }[];
  close(): Promise<void>;
  /** When set, rewrites the gate's answers to hook calls on their way back (a tampering middlebox). */
  rewrite: ((answer: any) => any) | null;
}

/** A loopback proxy in front of the gate that keeps each POST /v1/hooks/<host> body as sent. */
export async function startCapturingProxy(target: string): Promise<CapturingProxy> {
  const payloads: CapturingProxy['payloads'] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const m = /^\/v1\/hooks\/([a-z-]+)/.exec(req.url ?? '');
    if (m) {
      try {
        payloads.push({ host: m[1], body: JSON.parse(body.toString('utf8')) });
      } catch {
        payloads.push({ host: m[1], body: body.toString('utf8') });
      }
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k)) headers[k] = v;
    const upstream = await fetch(target + (req.url ?? '/'), { method: req.method, headers, body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body });
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
    const answer = Buffer.from(await upstream.arrayBuffer());
    res.end(m && proxy.rewrite ? JSON.stringify(proxy.rewrite(JSON.parse(answer.toString('utf8')))) : answer);
  });
  const { url, close } = await onLoopback(server);
  const proxy: CapturingProxy = {
    url,
    payloads,
    close,
    rewrite: null,
  };
  return proxy;
}

/** The keys of a payload, nested one level for objects: the "shape" a fixture pins. */
export function shapeOf(payload: Record<string, unknown>): string[] {
  const keys: string[] = [];
  for (const [k, v] of Object.entries(payload)) {
    keys.push(k);
    if (v && typeof v === 'object' && !Array.isArray(v)) for (const kk of Object.keys(v)) keys.push(`${k}.${kk}`);
  }
  return keys.sort();
}

export const FIXTURES = join(HOSTS_DIR, 'fixtures');
export const fixture = (name: string): any => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));

/**
 * Asserts a payload the real CLI sent has the shape of test/hosts/fixtures/<name> (the payload the
 * adapter's own tests use). GREENLIGHT_UPDATE_FIXTURES=1 writes the live payload there instead,
 * with the scratch directory `root` replaced by /home/user so the fixture reads like a real one.
 */
export function matchesFixture(name: string, live: Record<string, unknown>, root: string, who: string): void {
  if (process.env.GREENLIGHT_UPDATE_FIXTURES) {
    mkdirSync(FIXTURES, { recursive: true });
    writeFileSync(join(FIXTURES, name), `${JSON.stringify(live, null, 2).split(root).join('/home/user')}\n`);
    return;
  }
  if (!existsSync(join(FIXTURES, name))) throw new Error(`${name} is missing: run the host tests once with GREENLIGHT_UPDATE_FIXTURES=1.`);
  const want = shapeOf(fixture(name));
  const got = shapeOf(live);
  if (JSON.stringify(want) !== JSON.stringify(got)) {
    throw new Error(`${who} now sends ${name.replace(/\.json$/, '')} with keys [${got.join(', ')}], the fixture has [${want.join(', ')}]: update the fixture (GREENLIGHT_UPDATE_FIXTURES=1) and the adapter.`);
  }
}

// ---- the compatibility record (rendered into docs/hooks.md by scripts/compat-table.js) ----

export const RECORDS_DIR = join(REPO, 'test-artifacts', 'hosts');

export interface HostRecord {
  host: string;
  cli: string;
  version: string;
  events: string[];
  checks: Record<string, string>;
}

/** Notes that the real CLI showed `check` ("deny", "approve", ...) with `note`; events are the hook events it sent. */
export function record(host: string, cli: string, version: string, check: string, note: string, events: string[] = []): void {
  mkdirSync(RECORDS_DIR, { recursive: true });
  const file = join(RECORDS_DIR, `${host}.json`);
  const r: HostRecord = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { host, cli, version, events: [], checks: {} };
  r.version = version;
  r.checks[check] = note;
  r.events = [...new Set([...r.events, ...events])].sort();
  writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
}

/**
 * Resolves with what `filed` resolves with, or fails with the CLI's output when the CLI finishes
 * first (a hook that never reached the gate must fail the test, not hang it).
 */
export function beforeExit<T>(filed: Promise<T>, run: Promise<{ code: number | null; stdout?: string; stderr: string }>): Promise<T> {
  return Promise.race([
    filed,
    run.then((r) => {
      throw new Error(`the CLI finished (exit ${r.code}) before the gate saw the expected request:\n${(r.stdout ?? '').slice(-1500)}\n${r.stderr.slice(-1500)}`);
    }),
  ]);
}

/** Every request the gate files while `run` is going (pending, or decided at once by policy). */
export async function filedDuring<T>(s: TestServer, run: () => Promise<T>): Promise<{ result: T; filed: ApprovalRequest[] }> {
  const filed: ApprovalRequest[] = [];
  const off = s.events.subscribe((e) => {
    if (e.type === 'request.created') filed.push(e.request);
  });
  try {
    return { result: await run(), filed };
  } finally {
    off();
  }
}

/** `p`, or a failure naming `what` after `ms` (so a CLI that never gets there fails the test instead of hanging it). */
export function within<T>(p: Promise<T>, ms: number, what: string | (() => string)): Promise<T> {
  let timer: NodeJS.Timeout;
  const fail = () => new Error(`${typeof what === 'function' ? what() : what}: nothing within ${ms} ms`);
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(fail()), ms)))]).finally(() => clearTimeout(timer));
}

/**
 * Resolves once the file at `path` (written by another process, perhaps not yet created) matches;
 * bound it with `within`.
 */
export function fileSays(path: string, pattern: RegExp): Promise<void> {
  return new Promise((resolve) => {
    mkdirSync(dirname(path), { recursive: true });
    const says = () => existsSync(path) && pattern.test(readFileSync(path, 'utf8'));
    const watcher = watch(dirname(path), (_event, name) => {
      if (name !== basename(path) || !says()) return;
      watcher.close();
      resolve();
    });
    if (says()) {
      watcher.close();
      resolve();
    }
  });
}
