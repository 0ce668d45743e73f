// The outside programs the deploy tests drive (npm, tar, tini, caddy, systemd-analyze, docker
// compose), each run with a deadline. A missing one fails at once and names the Debian package
// listed in .ci/apt-packages: nothing is skipped.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The full path of `name` on PATH, or an error naming the package that provides it. */
export function systemTool(name: string, debianPackage: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not in this directory
    }
  }
  throw new Error(`The deploy tests need ${name}: install Debian's ${debianPackage} package (listed in .ci/apt-packages; .ci/run installs it).`);
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Killed (SIGKILL) after this long; the result then has code null. */
  timeoutMs: number;
  uid?: number;
  gid?: number;
}

/** Runs a program to completion, or until its deadline. Never throws for a non-zero exit. */
export function run(file: string, args: string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: options.cwd, env: options.env, timeout: options.timeoutMs, killSignal: 'SIGKILL', maxBuffer: 32 * 1024 * 1024, uid: options.uid, gid: options.gid },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as NodeJS.ErrnoException).code === 'number' ? ((err as unknown as { code: number }).code) : null) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) + (err && code === null ? `\n(${err.message})` : '') });
      },
    );
  });
}

/** `run`, but a non-zero exit or a timeout is an error that shows what the program printed. */
export async function runOk(file: string, args: string[], options: RunOptions): Promise<RunResult> {
  const r = await run(file, args, options);
  if (r.code !== 0) throw new Error(`${file} ${args.join(' ')} failed (exit ${r.code}):\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-4000)}`);
  return r;
}

export interface LongRunning {
  child: ChildProcess;
  output(): string;
  /** Resolves with the first match in stdout+stderr; rejects when the process exits or the time is up. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL if it still runs (its process group, when started detached). */
  kill(): void;
}

/** Starts a long-running program (a server, a proxy) and collects what it prints. */
export function start(file: string, args: string[], options: Omit<RunOptions, 'timeoutMs'> & { detached?: boolean }): LongRunning {
  const child = spawn(file, args, { cwd: options.cwd, env: options.env, uid: options.uid, gid: options.gid, detached: options.detached, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const append = (d: Buffer) => (out += d.toString('utf8'));
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  let closed = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      closed = true;
      resolve({ code, signal });
    }),
  );
  return {
    child,
    output: () => out,
    exited,
    kill: () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (options.detached) {
        try {
          process.kill(-child.pid!, 'SIGKILL'); // its whole process group
        } catch {
          // already gone
        }
      } else child.kill('SIGKILL');
    },
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const streams = [child.stdout!, child.stderr!];
        const finish = (settle: () => void) => {
          for (const s of streams) s.off('data', check);
          child.off('close', onClose);
          clearTimeout(timer);
          settle();
        };
        // Runs after the collector above (listeners run in order), so `out` holds the new bytes.
        function check(): boolean {
          const m = out.match(pattern);
          if (m) finish(() => resolve(m));
          return m !== null;
        }
        function onClose(): void {
          if (!check()) finish(() => reject(new Error(`${file} exited (${child.exitCode ?? child.signalCode}) before printing ${pattern}:\n${out}`)));
        }
        const timer = setTimeout(() => finish(() => reject(new Error(`${file} did not print ${pattern} within ${timeoutMs} ms:\n${out}`))), timeoutMs);
        if (check()) return;
        if (closed) return onClose();
        for (const s of streams) s.on('data', check);
        child.once('close', onClose);
      });
    },
  };
}
