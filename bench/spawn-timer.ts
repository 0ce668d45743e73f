// Wall time of short-lived processes, the way an agent host runs a command hook: spawn, write the
// payload to stdin, read stdout to the end. Commands are timed in interleaved rounds, so a burst of
// load from elsewhere on a shared machine lands on all of them alike.
import { spawn } from 'node:child_process';

export interface SpawnCase {
  label: string;
  argv: string[];
  stdin?: string;
  env?: NodeJS.ProcessEnv;
  /** Checks the output of every run (e.g. that the hook allowed); throws on a wrong answer. */
  check?: (stdout: string) => void;
}

export function timeSpawn(c: SpawnCase): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(c.argv[0], c.argv.slice(1), { env: c.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.on('close', () => {
      const ms = performance.now() - t0;
      try {
        c.check?.(out);
      } catch (e) {
        return reject(new Error(`${c.label}: ${(e as Error).message}\nstdout: ${out.slice(0, 400)}\nstderr: ${err.slice(0, 400)}`));
      }
      resolve(ms);
    });
    child.stdin.on('error', () => {}); // a command that does not read stdin may close it first
    child.stdin.end(c.stdin ?? '');
  });
}

/** `runs` interleaved rounds over every case, after `warmup` untimed rounds; wall times in ms per case. */
export async function timeSpawns(cases: SpawnCase[], runs: number, warmup = 3): Promise<number[][]> {
  const times = cases.map(() => [] as number[]);
  for (let r = 0; r < warmup + runs; r++) {
    for (let i = 0; i < cases.length; i++) {
      const ms = await timeSpawn(cases[i]);
      if (r >= warmup) times[i].push(ms);
    }
  }
  return times;
}
