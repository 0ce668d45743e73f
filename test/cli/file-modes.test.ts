// The data directory and the SQLite files (database, WAL, shared memory) hold request contents,
// the audit log and key hashes: owner-only, whatever the umask. Runs the real CLI under umask 000,
// where anything not created with an explicit mode would come out world-readable and writable.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BIN, cleanEnv, REPO } from './cli-helpers.js';

const root = mkdtempSync(join(tmpdir(), 'greenlight-modes-'));
after(() => rmSync(root, { recursive: true, force: true }));

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8).padStart(4, '0');

/** `greenlight ...args` under umask 000; resolves once `ready` matches its stdout (or it exits). */
function underUmask000(args: string[], ready?: RegExp): Promise<{ stop(): Promise<number | null>; stdout: () => string }> {
  const quoted = [BIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const child = spawn('sh', ['-c', `umask 000; exec '${process.execPath}' ${quoted}`], { cwd: REPO, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    return exited;
  };
  return new Promise((resolve, reject) => {
    if (!ready) return void exited.then(() => resolve({ stop, stdout: () => out }));
    child.stdout.on('data', () => ready.test(out) && resolve({ stop, stdout: () => out }));
    void exited.then((code) => reject(new Error(`greenlight ${args.join(' ')} exited (${code}):\n${out}`)));
  });
}

describe('files Greenlight writes are private', { timeout: 60_000 }, () => {
  it('serve creates the data directory 0700 and the database, WAL and SHM files 0600', async () => {
    const data = join(root, 'serve', 'data');
    const server = await underUmask000(['serve', '--port', '0', '--data-dir', data], /Greenlight is running at/);
    try {
      const db = join(data, 'greenlight.db');
      assert.equal(mode(data), '0700');
      assert.equal(mode(join(root, 'serve')), '0700', 'missing parents are created owner-only too');
      for (const file of [db, `${db}-wal`, `${db}-shm`]) {
        assert.ok(existsSync(file), `${file} exists while the server runs`);
        assert.equal(mode(file), '0600', file);
      }
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  it('keys create on a fresh data directory makes the same private files', async () => {
    const data = join(root, 'keys');
    const r = await underUmask000(['keys', 'create', '--role', 'agent', '--name', 'a', '--data-dir', data]);
    assert.match(r.stdout(), /Created agent key/);
    assert.equal(mode(data), '0700');
    assert.equal(mode(join(data, 'greenlight.db')), '0600');
  });

  it('tightens a database an older version left world-readable', async () => {
    const data = join(root, 'keys');
    const db = join(data, 'greenlight.db');
    chmodSync(db, 0o644);
    const r = await underUmask000(['keys', 'list', '--data-dir', data]);
    assert.match(r.stdout(), /agent/);
    assert.equal(mode(db), '0600');
  });

  it('a store at --sqlite-path in another directory gets it created 0700', async () => {
    const file = join(root, 'elsewhere', 'db', 'gl.db');
    const r = await underUmask000(['keys', 'create', '--role', 'agent', '--name', 'a', '--data-dir', join(root, 'd2'), '--sqlite-path', file]);
    assert.match(r.stdout(), /Created agent key/);
    assert.equal(mode(join(root, 'elsewhere', 'db')), '0700');
    assert.equal(mode(file), '0600');
  });
});
