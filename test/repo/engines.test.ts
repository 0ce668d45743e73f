// The install stays free of engine warnings on every Node line we support: npm's own check runs
// over the locked tree (a dry run in a temp copy, offline), so a dependency bump that needs a newer
// Node fails here instead of printing EBADENGINE on a user's `npm ci`.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { REPO } from '../cli/cli-helpers.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'greenlight-engines-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('npm ci on this Node', { timeout: 60_000 }, () => {
  it('prints no EBADENGINE warning for the locked dependency tree', async () => {
    for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(REPO, f), join(dir, f));
    const { stdout, stderr } = await run('npm', ['ci', '--dry-run', '--ignore-scripts', '--offline', '--no-audit', '--no-fund'], { cwd: dir, env: { ...process.env, npm_config_loglevel: 'warn' } });
    const out = stdout + stderr;
    assert.doesNotMatch(out, /EBADENGINE/, `npm ci warns about an engine on Node ${process.version}:\n${out}`);
  });

  it('prints no EBADENGINE warning for the agent CLIs of test/hosts either', async () => {
    const hosts = mkdtempSync(join(tmpdir(), 'greenlight-engines-hosts-'));
    try {
      for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(REPO, 'test', 'hosts', f), join(hosts, f));
      // The same install scripts/host-clis.js runs (npm test installed it, so the cache has it all).
      const { stdout, stderr } = await run('npm', ['install', '--no-save', '--dry-run', '--ignore-scripts', '--offline', '--no-audit', '--no-fund'], { cwd: hosts, env: { ...process.env, npm_config_loglevel: 'warn' } });
      assert.doesNotMatch(stdout + stderr, /EBADENGINE/, `installing test/hosts warns about an engine on Node ${process.version}:\n${stdout}${stderr}`);
    } finally {
      rmSync(hosts, { recursive: true, force: true });
    }
  });

  it('promises Node 20 and later in package.json, as the README says', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
    assert.equal(pkg.engines.node, '>=20');
    assert.match(readFileSync(join(REPO, 'README.md'), 'utf8'), /Node 20\+/);
  });
});
