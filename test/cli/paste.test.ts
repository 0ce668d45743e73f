// Commands the CLI prints must run when pasted. After `npm ci` in a clone `greenlight` is not on
// PATH, so help texts and hints say `npx greenlight …`; only when `greenlight` on PATH is this
// install (npm install -g, npm link) do they say plain `greenlight`.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { COMMANDS } from '../../src/cli/commands.js';
import { commandPrefix } from '../../src/invocation.js';
import { BIN, cleanEnv, REPO, runCli, startCli, type CliProcess } from './cli-helpers.js';

const sh = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'greenlight-paste-'));
const started: CliProcess[] = [];
after(async () => {
  await Promise.all(started.map((p) => p.stop()));
  rmSync(dir, { recursive: true, force: true });
});

/** A greenlight command line not written as `npx greenlight`: it would not run after `npm ci`. */
const BARE = new RegExp(`(?<!npx )(?<![\\w./:-])greenlight (?:${Object.keys(COMMANDS).join('|')}|<command>)\\b`);

describe('commandPrefix', () => {
  const bin = (name: string, target: string | null) => {
    const d = join(dir, name);
    mkdirSync(d);
    if (target) symlinkSync(target, join(d, 'greenlight'));
    else {
      writeFileSync(join(d, 'greenlight'), '#!/bin/sh\necho another greenlight\n');
      chmodSync(join(d, 'greenlight'), 0o755);
    }
    return d;
  };
  it('says npx greenlight when greenlight is not on PATH, or when npm started the process', () => {
    assert.equal(commandPrefix({ PATH: '/usr/bin:/bin' }), 'npx greenlight');
    assert.equal(commandPrefix({ PATH: '' }), 'npx greenlight');
    assert.equal(commandPrefix({ PATH: bin('linked', BIN), npm_command: 'start' }), 'npx greenlight');
  });
  it('says greenlight when greenlight on PATH is this install (a global install links to bin/greenlight.js)', () => {
    assert.equal(commandPrefix({ PATH: `/nonexistent:${bin('global', BIN)}:/usr/bin` }), 'greenlight');
  });
  it('does not trust another program called greenlight on PATH', () => {
    assert.equal(commandPrefix({ PATH: bin('other', null) }), 'npx greenlight');
  });
});

describe('what the CLI prints can be pasted', { timeout: 120_000 }, () => {
  it('no help text names a bare `greenlight <command>`', async () => {
    const outputs = await Promise.all([['--help'], ...Object.keys(COMMANDS).map((c) => [c, '--help'])].map(async (args) => ({ args, r: await runCli(args) })));
    const bad = outputs.flatMap(({ args, r }) => `${r.stdout}${r.stderr}`.split('\n').filter((l) => BARE.test(l)).map((l) => `greenlight ${args.join(' ')}: ${l.trim()}`));
    assert.deepEqual(bad, []);
  });

  it('the first-run banner prints commands that run as pasted in the Greenlight folder', async () => {
    const data = join(dir, 'data');
    const server = startCli(['serve', '--port', '0', '--data-dir', data]);
    started.push(server);
    await server.waitFor(/Greenlight is running at/);
    const banner = server.stdout();
    await server.stop();
    const commands = banner.split('\n').filter((l) => /^ {4}\S/.test(l) && l.includes('greenlight')).map((l) => l.trim());
    assert.deepEqual(commands, ['npx greenlight keys create --role agent --name my-agent', 'npx greenlight keys create --role approver --name alice'], banner);
    for (const command of commands) {
      const { stdout } = await sh('sh', ['-c', command], { cwd: REPO, env: cleanEnv({ GREENLIGHT_DATA_DIR: data }) });
      assert.match(stdout, /^Created (agent|approver) key/, `${command} printed:\n${stdout}`);
    }
  });
});
