import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { runCli } from './cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'greenlight-cli-init-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('greenlight init', () => {
  it('writes a loadable, private config with fresh keys, and prints them and the next command', async () => {
    const file = join(dir, 'greenlight.yaml');
    const r = await runCli(['init', '--config', file]);
    assert.equal(r.code, 0, r.stderr);
    const { config } = loadConfig({ file, env: {} });
    const keys = [config.admins[0].key, config.approvers[0].key, config.agents[0].key];
    for (const key of keys) {
      assert.match(key ?? '', /^gl[xpa]_[A-Za-z0-9_-]{43}$/);
      assert.ok(r.stdout.includes(key!), 'every key is printed');
    }
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.ok(r.stdout.includes(file), 'says where it wrote');
    assert.ok(r.stdout.includes(`greenlight serve --config ${file}`), 'gives the next command');
  });

  it('refuses to overwrite an existing file without --force, and replaces it with --force', async () => {
    const file = join(dir, 'existing.yaml');
    writeFileSync(file, 'log: { level: warn }\n', { mode: 0o644 });
    const refused = await runCli(['init', '--config', file]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /already exists/);
    assert.match(refused.stderr, /--force/);
    assert.equal(readFileSync(file, 'utf8'), 'log: { level: warn }\n', 'the file is untouched');

    const forced = await runCli(['init', '--config', file, '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(loadConfig({ file, env: {} }).config.admins.length, 1);
    assert.equal(statSync(file).mode & 0o777, 0o600, 'an overwritten file becomes private too');
  });

  it('writes to GREENLIGHT_CONFIG when no --config is given', async () => {
    const file = join(dir, 'from-env.yaml');
    const r = await runCli(['init'], { env: { GREENLIGHT_CONFIG: file } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(loadConfig({ file, env: {} }).config.agents.length, 1);
  });

  it('exits 2 on an unknown option', async () => {
    const r = await runCli(['init', '--bogus']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Usage: npx greenlight init/);
  });
});
