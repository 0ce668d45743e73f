// Starts `greenlight serve` in its own process for a benchmark (so its RSS is its own) and
// returns its URL once it listens.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

function serverEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GREENLIGHT_') && k !== 'NODE_EXTRA_CA_CERTS') env[k] = v;
  return { ...env, ...extra };
}

/**
 * `yaml` lines are added to a config with the data dir, quiet logs and no rate limit. `env` is
 * added to the server's environment (without NODE_EXTRA_CA_CERTS or GREENLIGHT_* from ours);
 * `name` tells several servers in one dir apart.
 */
export async function startBenchServer(dir: string, yaml: string[], env: Record<string, string> = {}, name = 'greenlight'): Promise<{ url: string; stop: () => void }> {
  const config = join(dir, `${name}.yaml`);
  writeFileSync(config, ['server: { host: 127.0.0.1, port: 0 }', `data_dir: ${JSON.stringify(join(dir, 'data'))}`, 'log: { level: error }', 'rate_limit: { per_minute: 0 }', ...yaml].join('\n'));
  const child = spawn(process.execPath, [join(ROOT, 'bin/greenlight.js'), 'serve', '--config', config], { stdio: ['ignore', 'pipe', 'inherit'], env: serverEnv(env) });
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
