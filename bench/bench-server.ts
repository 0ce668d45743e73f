// Starts `greenlight serve` in its own process for a benchmark (so its RSS is its own) and
// returns its URL once it listens. Every process a bench starts runs without NODE_EXTRA_CA_CERTS:
// loading extra CA certificates makes each Node start-up several times slower on machines that
// set it, which would be measured as Greenlight's cost. GREENLIGHT_* from the bench's own
// environment does not leak into the servers either.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

/** The environment for processes a bench starts (NODE_EXTRA_CA_CERTS and GREENLIGHT_* removed). */
export function benchEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GREENLIGHT_') && k !== 'NODE_EXTRA_CA_CERTS') env[k] = v;
  return { ...env, ...extra };
}

export const CA_NOTE = process.env.NODE_EXTRA_CA_CERTS ? 'NODE_EXTRA_CA_CERTS is set here; every process this bench starts runs without it.' : 'NODE_EXTRA_CA_CERTS is not set.';

/** Resident set size of a process (Linux /proc), in MB. */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

export interface BenchServer {
  url: string;
  pid: number;
  stop: () => void;
  /** The key made with `storedAgent`, or null. */
  storedKey: string | null;
  /** Resolves when the process has exited. */
  exited?: Promise<void>;
}

export interface BenchServerOptions {
  /** The Greenlight checkout to run (default: this one), e.g. an older build to compare with. */
  root?: string;
  /** Create this agent key in the store before the server starts (a run-time key, as `keys create` makes). */
  storedAgent?: string;
  /** Extra arguments for node itself (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** Added to the server's environment. */
  env?: Record<string, string>;
  /** Tells several servers in one dir apart (the config file's name). */
  name?: string;
}

/** `yaml` lines are added to a config with the data dir, quiet logs and no rate limit. */
export async function startBenchServer(dir: string, yaml: string[], options: BenchServerOptions = {}): Promise<BenchServer> {
  const root = options.root ?? ROOT;
  const config = join(dir, `${options.name ?? 'greenlight'}.yaml`);
  writeFileSync(config, ['server: { host: 127.0.0.1, port: 0 }', `data_dir: ${JSON.stringify(join(dir, 'data'))}`, 'log: { level: error }', 'rate_limit: { per_minute: 0 }', ...yaml].join('\n'));
  const bin = join(root, 'bin/greenlight.js');
  const env = benchEnv(options.env);
  let storedKey: string | null = null;
  if (options.storedAgent) {
    const made = spawnSync(process.execPath, [bin, 'keys', 'create', '--role', 'agent', '--name', options.storedAgent, '--quiet', '--config', config], { encoding: 'utf8', env });
    if (made.status !== 0) throw new Error(`keys create failed: ${made.stderr}`);
    storedKey = made.stdout.trim();
  }
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), bin, 'serve', '--config', config], { stdio: ['ignore', 'pipe', 'inherit'], env });
  const url = await new Promise<string>((res, rej) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) res(m[1]);
    });
    child.once('exit', (c) => rej(new Error(`server exited ${c}`)));
  });
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  return { url, pid: child.pid!, stop: () => void child.kill('SIGTERM'), storedKey, exited };
}

/** Starts `node dist/bench/echo-server.js <kind>` and returns its URL. */
export async function startEchoServer(kind: 'node' | 'hono'): Promise<BenchServer> {
  const child = spawn(process.execPath, [join(ROOT, 'dist/bench/echo-server.js'), kind], { stdio: ['ignore', 'pipe', 'inherit'], env: benchEnv() });
  const port = await new Promise<number>((res, rej) => {
    child.stdout!.on('data', (d: Buffer) => {
      const m = /listening (\d+)/.exec(String(d));
      if (m) res(Number(m[1]));
    });
    child.once('exit', (c) => rej(new Error(`echo server exited ${c}`)));
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, stop: () => void child.kill('SIGTERM'), storedKey: null };
}
