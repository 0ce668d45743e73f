import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { getJson, startCli, type CliProcess } from './cli-helpers.js';

const dataDir = mkdtempSync(join(tmpdir(), 'greenlight-cli-serve-'));
const started: CliProcess[] = [];
after(async () => {
  await Promise.all(started.map((p) => p.stop()));
  rmSync(dataDir, { recursive: true, force: true });
});

function serve(): CliProcess {
  const p = startCli(['serve', '--port', '0', '--data-dir', dataDir]);
  started.push(p);
  return p;
}

const RUNNING = /Greenlight is running at (http:\/\/\S+)\n/;
const ADMIN_KEY = /^ {4}(glx_\S+)\n/m;

describe('greenlight serve with no config', { timeout: 60_000 }, () => {
  let firstKey = '';

  it('prints the URL and a new admin key once on the first run, and the key works as admin', async () => {
    const first = serve();
    // serve prints the URL and the first-run key in one write, so both are there together.
    const [, url] = await first.waitFor(RUNNING);
    const out = first.stdout();
    const key = ADMIN_KEY.exec(out)?.[1];
    assert.ok(key, `the first run prints an admin key with the URL:\n${out}`);
    assert.equal(out.split(key).length - 1, 1, 'the key is printed once');
    assert.match(out, /shown once/);
    const me = await getJson(`${url}/v1/me`, key);
    assert.equal(me.status, 200);
    assert.equal(me.body.role, 'admin');
    firstKey = key;
    await first.stop();
  });

  it('does not print a new key when started again on the same data dir, and the first key still works', async () => {
    assert.ok(firstKey, 'runs after the first-run test');
    const second = serve();
    const [, url] = await second.waitFor(RUNNING);
    assert.doesNotMatch(second.stdout(), /gl[xpa]_/);
    assert.doesNotMatch(second.stdout(), /First run/);
    const me = await getJson(`${url}/v1/me`, firstKey);
    assert.equal(me.status, 200);
    assert.equal(me.body.role, 'admin');
  });
});
