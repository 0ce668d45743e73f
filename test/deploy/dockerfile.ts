// Reads what the Dockerfile's final stage says about how the container runs (ENV, USER, WORKDIR,
// ENTRYPOINT, CMD, HEALTHCHECK, VOLUME), so that the tests start the image's file tree exactly the
// way the image would: a change to the Dockerfile changes what the tests run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../cli/cli-helpers.js';

export interface ImageSpec {
  env: Record<string, string>;
  /** uid:gid as written after USER. */
  user: string;
  workdir: string;
  entrypoint: string[];
  cmd: string[];
  /** The HEALTHCHECK's command (exec form) and its options (--interval=30s → interval: '30s'). */
  healthcheck: { cmd: string[]; options: Record<string, string> };
  volumes: string[];
  expose: string[];
}

/** The instructions of the Dockerfile, continuation lines joined, comments and blank lines dropped. */
export function instructions(text: string): Array<{ op: string; args: string }> {
  const out: Array<{ op: string; args: string }> = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) continue;
    if (pending && line.startsWith('#')) continue;
    pending += (pending ? ' ' : '') + line.replace(/\\$/, '').trim();
    if (line.endsWith('\\')) continue;
    const m = /^(\S+)\s*(.*)$/.exec(pending)!;
    out.push({ op: m[1].toUpperCase(), args: m[2] });
    pending = '';
  }
  return out;
}

function execForm(args: string, what: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) throw new Error(`${what} must be in exec form (a JSON array of strings): ${args}`);
  return parsed;
}

/** KEY=value pairs (values without spaces or quotes, as this Dockerfile writes them). */
function envPairs(args: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of args.split(/\s+/).filter(Boolean)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(\S*)$/.exec(pair);
    if (!m) throw new Error(`ENV: write KEY=value pairs without spaces or quotes, got ${pair}`);
    env[m[1]] = m[2];
  }
  return env;
}

export function readImageSpec(path = join(REPO, 'Dockerfile')): ImageSpec {
  const all = instructions(readFileSync(path, 'utf8'));
  const lastFrom = all.map((i) => i.op).lastIndexOf('FROM');
  const spec: ImageSpec = { env: {}, user: 'root', workdir: '/', entrypoint: [], cmd: [], healthcheck: { cmd: [], options: {} }, volumes: [], expose: [] };
  for (const { op, args } of all.slice(lastFrom + 1)) {
    if (op === 'ENV') Object.assign(spec.env, envPairs(args));
    else if (op === 'USER') spec.user = args;
    else if (op === 'WORKDIR') spec.workdir = args;
    else if (op === 'ENTRYPOINT') spec.entrypoint = execForm(args, 'ENTRYPOINT');
    else if (op === 'CMD') spec.cmd = execForm(args, 'CMD');
    else if (op === 'VOLUME') spec.volumes.push(...(args.startsWith('[') ? execForm(args, 'VOLUME') : args.split(/\s+/)));
    else if (op === 'EXPOSE') spec.expose.push(...args.split(/\s+/));
    else if (op === 'HEALTHCHECK') {
      const m = /^((?:--[a-z-]+=\S+\s+)*)CMD\s+(\[.*\])$/.exec(args);
      if (!m) throw new Error(`HEALTHCHECK must be options then CMD in exec form: ${args}`);
      for (const [, k, v] of m[1].matchAll(/--([a-z-]+)=(\S+)/g)) spec.healthcheck.options[k] = v;
      spec.healthcheck.cmd = execForm(m[2], 'HEALTHCHECK CMD');
    }
  }
  return spec;
}
