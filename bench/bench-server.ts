// Starts `greenlight serve` in its own process for a benchmark (so its RSS is its own) and
// returns its URL once it listens.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

/** `yaml` lines are added to a config with the data dir, quiet logs and no rate limit. */
export async function startBenchServer(dir: string, yaml: string[]): Promise<{ url: string; stop: () => void }> {
  const config = join(dir, 'greenlight.yaml');
  writeFileSync(config, ['server: { host: 127.0.0.1, port: 0 }', `data_dir: ${JSON.stringify(join(dir, 'data'))}`, 'log: { level: error }', 'rate_limit: { per_minute: 0 }', ...yaml].join('\n'));
  const child = spawn(process.execPath, [join(ROOT, 'bin/greenlight.js'), 'serve', '--config', config], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((res, rej) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) res(m[1]);
    });
    child.once('exit', (c) => rej(new Error(`server exited ${c}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}
