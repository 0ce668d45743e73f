// Without Chromium the dashboard tests must fail at once and say which package to install, not
// hang on the server they started. Runs one real dashboard test file with a missing browser path.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO } from '../cli/cli-helpers.js';

describe('dashboard tests on a machine without Chromium', { timeout: 60_000 }, () => {
  it('fail within seconds and name the chromium package', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, CHROMIUM_PATH: '/nonexistent/chromium' };
    delete env.NODE_TEST_CONTEXT;
    // Its own process group, so a hang is killed together with the test file process it runs.
    const child = spawn(process.execPath, ['--test', '--test-reporter=spec', join(REPO, 'dist', 'test', 'web', 'phone.test.js')], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const started = Date.now();
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 45_000);
      child.once('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    assert.notEqual(code, 0, out);
    assert.notEqual(code, null, `the test file hung and was killed after ${Date.now() - started} ms:\n${out}`);
    assert.match(out, /Chromium is missing at \/nonexistent\/chromium: the dashboard tests need Debian's "chromium" package/);
  });
});
