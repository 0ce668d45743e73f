// The README's tour runs as pasted. The test takes the shell block under "Five-minute tour",
// starts the server the README's way (its `npm start` script, minus the build the test run already
// did) in a fresh folder that stands in for the clone, and runs the block there with `sh -eu`.
// Only the port differs: the server takes any free one and the block's URLs are pointed at it.
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cleanEnv, REPO } from '../cli/cli-helpers.js';

const README = readFileSync(join(REPO, 'README.md'), 'utf8');
const DEFAULT_URL = 'http://127.0.0.1:8787';

/** The first ```sh block after `## heading`. */
function shellBlock(heading: string): string {
  const at = README.indexOf(`\n## ${heading}\n`);
  assert.ok(at >= 0, `README.md has no "## ${heading}" section`);
  const m = /```sh\n([\s\S]*?)```/.exec(README.slice(at));
  assert.ok(m, `no \`\`\`sh block under "## ${heading}"`);
  return m[1];
}

for (const tool of ['sh', 'curl']) {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
  } catch {
    throw new Error(`the README tour test needs ${tool}: install the Debian package "${tool === 'sh' ? 'dash' : tool}" (listed in .ci/apt-packages)`);
  }
}

const clone = mkdtempSync(join(tmpdir(), 'greenlight-tour-'));
for (const entry of ['package.json', 'bin']) symlinkSync(join(REPO, entry), join(clone, entry));
let server: ReturnType<typeof spawn> | null = null;
after(() => {
  if (server && server.exitCode === null) server.kill('SIGKILL');
  rmSync(clone, { recursive: true, force: true });
});

describe('README.md five-minute tour', { timeout: 120_000 }, () => {
  it('runs as pasted against a server started the README way, and the agent sees the approval', async () => {
    // "npm ci && npm start": the start script builds, then serves; the build is done already.
    assert.ok(README.includes('```sh\nnpm ci && npm start\n```'), 'the README sets up and runs the server with npm ci && npm start');
    const start = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).scripts.start as string;
    const [build, serve] = start.split(' && ');
    assert.equal(build, 'npm run build --silent');
    assert.ok(README.includes(`prints the URL (\`${DEFAULT_URL}\`)`), 'the README names the default URL the tour uses');

    server = spawn('sh', ['-c', `exec ${serve}`], { cwd: clone, env: cleanEnv({ GREENLIGHT_PORT: '0' }), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    server.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    server.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
    const url = await new Promise<string>((resolve, reject) => {
      const check = () => {
        const m = /Greenlight is running at (http:\/\/\S+)\n/.exec(out);
        if (m) resolve(m[1]);
      };
      server!.stdout!.on('data', check);
      server!.once('exit', (code) => reject(new Error(`the server exited (${code}):\n${out}`)));
    });

    const tour = shellBlock('Five-minute tour');
    assert.ok(tour.includes(DEFAULT_URL), 'the tour talks to the default URL');
    const script = tour.replaceAll(DEFAULT_URL, url);
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile('sh', ['-eu', '-c', script], { cwd: clone, env: cleanEnv(), timeout: 90_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    const shown = `exit ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
    assert.equal(result.code, 0, shown);
    const id = /^filed request (req_\S+)$/m.exec(result.stdout)?.[1];
    assert.ok(id, shown);
    assert.match(result.stdout, /decision: HTTP 200$/m, shown);
    const waited = result.stdout.match(/\{"id":"req_[^\n]*?\}(?=\n|decision|$)/g)?.map((j) => JSON.parse(j)) ?? [];
    assert.ok(waited.some((r) => r.id === id && r.status === 'approved' && r.decision?.comment === 'go'), `the waiting agent printed the approved request:\n${shown}`);
    server.kill('SIGTERM');
  });
});
