// compose.yaml, checked by Docker Compose itself (`config` validates the file and interpolates
// it, with and without the postgres profile, and must warn about nothing: an unset variable or a
// `$` compose would eat shows up here), and read for what a user is promised: `up -d` starts one
// instance on SQLite; `--profile postgres up -d proxy` starts PostgreSQL and two instances behind
// Caddy and not the SQLite one; no password is written anywhere. Every GREENLIGHT_* variable the
// deploy files and docs name is one Greenlight reads: a misspelt one would be ignored silently.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { SETTINGS } from '../../src/config/settings.js';
import { REPO, cleanEnv } from '../cli/cli-helpers.js';
import { run, systemTool } from './tools.js';

/** Docker Compose v2 as `docker compose`, else the standalone `docker-compose` (Debian's package). */
let found: Promise<string[]> | undefined;
const compose = () => (found ??= findCompose());

async function findCompose(): Promise<string[]> {
  try {
    const docker = systemTool('docker', 'docker.io');
    if ((await run(docker, ['compose', 'version'], { env: cleanEnv(), timeoutMs: 30_000 })).code === 0) return [docker, 'compose'];
  } catch {
    // no docker CLI: the standalone command below
  }
  return [systemTool('docker-compose', 'docker-compose')];
}

const configs = new Map<string, Promise<any>>();

/** `compose config`, once per profile and environment (each run starts Compose anew: seconds). */
function config(profile: string | null, env: Record<string, string> = {}): Promise<any> {
  const key = JSON.stringify([profile, env]);
  if (!configs.has(key)) configs.set(key, runConfig(profile, env));
  return configs.get(key)!;
}

async function runConfig(profile: string | null, env: Record<string, string>): Promise<any> {
  const [file, ...pre] = await compose();
  const args = [...pre, '--file', join(REPO, 'compose.yaml'), ...(profile ? ['--profile', profile] : []), 'config'];
  // A clean environment: no DOMAIN or GREENLIGHT_* from the machine running the tests.
  const base = cleanEnv(env);
  delete base.DOMAIN;
  const r = await run(file, args, { cwd: REPO, env: { ...base, ...env }, timeoutMs: 60_000 });
  assert.equal(r.code, 0, `${args.join(' ')}:\n${r.stderr}`);
  assert.equal(r.stderr.trim(), '', `compose warns:\n${r.stderr}`);
  return parseYaml(r.stdout);
}

const source = () => parseYaml(readFileSync(join(REPO, 'compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, any> };
const envOf = (service: any): Record<string, string> => (Array.isArray(service.environment) ? Object.fromEntries(service.environment.map((e: string) => e.split(/=(.*)/s).slice(0, 2))) : (service.environment ?? {}));
const dependsOn = (service: any): string[] => (Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {}));

describe('compose.yaml', { timeout: 120_000 }, () => {
  it('is valid for Docker Compose, with and without the postgres profile, and compose warns about nothing', async () => {
    const plain = await config(null);
    assert.ok(plain.services.greenlight, 'the default service');
    const pg = await config('postgres');
    for (const name of ['postgres', 'greenlight-1', 'greenlight-2', 'proxy', 'db-secrets']) assert.ok(pg.services[name], `${name} in the postgres profile`);
  });

  it('`docker compose up -d` starts one instance, on SQLite in a named volume, published on loopback only', async () => {
    const { services } = source();
    const always = Object.entries(services).filter(([, s]) => !s.profiles).map(([n]) => n);
    assert.deepEqual(always, ['greenlight']);
    const resolved = (await config(null)).services.greenlight;
    assert.ok(resolved.build, 'built from this repository');
    assert.ok(
      resolved.volumes.some((v: any) => (typeof v === 'string' ? v.startsWith('greenlight-data:/data') : v.source === 'greenlight-data' && v.target === '/data')),
      JSON.stringify(resolved.volumes),
    );
    assert.ok(
      resolved.ports.every((p: any) => (typeof p === 'string' ? p.startsWith('127.0.0.1:') : p.host_ip === '127.0.0.1')),
      `published on 127.0.0.1 only: ${JSON.stringify(resolved.ports)}`,
    );
    const env = envOf(resolved);
    assert.equal(env.GREENLIGHT_DATABASE_URL ?? env.GREENLIGHT_DATABASE_URL_FILE, undefined, 'SQLite: no database URL');
  });

  it('the postgres profile: PostgreSQL, two identical instances behind Caddy running the example Caddyfile, started by naming the proxy', async () => {
    const { services } = source();
    // `up proxy` starts the proxy and what it depends on, transitively: not the SQLite instance.
    const started = new Set<string>();
    const visit = (name: string) => {
      if (started.has(name)) return;
      started.add(name);
      dependsOn(services[name]).forEach(visit);
    };
    visit('proxy');
    assert.deepEqual([...started].sort(), ['db-secrets', 'greenlight-1', 'greenlight-2', 'postgres', 'proxy']);
    for (const name of started) assert.deepEqual(services[name].profiles, ['postgres'], name);

    const resolved = (await config('postgres', { DOMAIN: 'greenlight.example.com' })).services;
    const [one, two] = [resolved['greenlight-1'], resolved['greenlight-2']];
    assert.deepEqual(envOf(one), envOf(two), 'the instances share one configuration');
    assert.equal(envOf(one).GREENLIGHT_DATABASE_URL_FILE, '/secrets/database-url');
    assert.equal(envOf(one).GREENLIGHT_PUBLIC_URL, 'https://greenlight.example.com');
    const proxyEnv = envOf(resolved.proxy);
    assert.equal(proxyEnv.DOMAIN, 'greenlight.example.com');
    assert.deepEqual(proxyEnv.UPSTREAMS.split(' ').sort(), ['greenlight-1:8787', 'greenlight-2:8787']);
    const caddyfile = resolved.proxy.volumes.map((v: any) => (typeof v === 'string' ? v.split(':')[0] : v.source)).find((s: string) => s.endsWith('Caddyfile'));
    assert.equal(caddyfile, join(REPO, 'examples', 'reverse-proxy', 'Caddyfile'));
    assert.ok(existsSync(caddyfile));
    assert.equal(envOf(resolved.postgres).POSTGRES_PASSWORD_FILE, '/secrets/postgres-password');
  });

  it('writes no password: the database password is made at random on first start, into a volume', () => {
    const text = readFileSync(join(REPO, 'compose.yaml'), 'utf8');
    const { services } = source();
    for (const [name, s] of Object.entries(services)) {
      for (const [k, v] of Object.entries(envOf(s))) {
        if (!k.endsWith('_FILE') && /PASSWORD|SECRET|TOKEN|DATABASE_URL/.test(k)) assert.fail(`${name} sets ${k}=${v} in the file; use a *_FILE variable`);
      }
    }
    const withPassword = /postgres:\/\/[^:\s]+:[^@'\s]+@/.exec(text);
    assert.equal(withPassword, null, `a database URL with a password: ${withPassword?.[0]}`);
    assert.match(services['db-secrets'].entrypoint.join(' '), /randomBytes\(24\)/);
  });
});

describe('GREENLIGHT_* variables in the deploy files and docs', () => {
  it('are all settings Greenlight reads (or their *_FILE forms, or GREENLIGHT_CONFIG)', () => {
    const known = new Set(['GREENLIGHT_CONFIG', ...SETTINGS.flatMap((s) => [s.env, `${s.env}_FILE`])]);
    const unknown: string[] = [];
    for (const file of ['Dockerfile', 'compose.yaml', 'examples/systemd/greenlight.service', 'examples/reverse-proxy/Caddyfile', 'docs/deploy.md']) {
      for (const [name] of readFileSync(join(REPO, file), 'utf8').matchAll(/\bGREENLIGHT_[A-Z0-9_]*[A-Z0-9]/g)) {
        if (!known.has(name)) unknown.push(`${file}: ${name}`);
      }
    }
    assert.deepEqual(unknown, []);
  });
});
