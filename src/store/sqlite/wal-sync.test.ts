// The SQLite store's answers wait for the real sync: a write (and a read that saw it) resolves only
// once fdatasync of the database's -wal file has returned. kill -9 cannot show this (the page
// cache survives it; test/integration/crash-under-load.test.ts covers the commit), so the test
// holds Node's own fdatasync, as a slow disk would, and watches what the store answers meanwhile.
import assert from 'node:assert/strict';
import fs, { mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { NO_EFFECTS, makeRequest } from '../fixtures.js';
import { SqliteStore } from './sqlite-store.js';

type Callback = (err: NodeJS.ErrnoException | null) => void;

describe('sqlite store: an answer waits for fdatasync of the WAL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'greenlight-walsync-'));
  const path = join(dir, 'greenlight.db');
  const original = fs.fdatasync;
  /** While true, fdatasync calls wait here until the test lets them go. */
  let holding = false;
  const held: { fd: number; release: () => void }[] = [];
  let store: SqliteStore;

  before(async () => {
    (fs as { fdatasync: unknown }).fdatasync = (fd: number, cb: Callback) => {
      if (!holding) return original(fd, cb);
      held.push({ fd, release: () => original(fd, cb) });
    };
    syncBuiltinESMExports(); // the store's `import { fdatasync } from 'node:fs'` sees the wrapper
    store = new SqliteStore({ path });
    await store.migrate();
  });
  after(async () => {
    holding = false;
    for (const h of held.splice(0)) h.release();
    await store.close();
    (fs as { fdatasync: unknown }).fdatasync = original;
    syncBuiltinESMExports();
    rmSync(dir, { recursive: true, force: true });
  });

  const turns = async (n: number) => {
    for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
  };

  it('commits a create, syncs the -wal file, and answers the writer and a reader only after the sync', async () => {
    holding = true;
    const request = makeRequest({ title: 'on disk before anyone hears of it' });
    let written = false;
    const write = store.createRequest(request, NO_EFFECTS).then(() => (written = true));
    for (let i = 0; i < 200 && held.length === 0; i++) await turns(1);
    assert.equal(held.length, 1, 'the store started one fdatasync');
    assert.match(readlinkSync(`/proc/self/fd/${held[0].fd}`), /greenlight\.db-wal$/, 'of the database\'s -wal file');

    const other = new Database(path, { readonly: true });
    try {
      assert.ok(other.prepare('SELECT 1 FROM requests WHERE id = ?').get(request.id), 'committed before the sync');
    } finally {
      other.close();
    }
    let read = false;
    const reading = store.getRequest(request.id).then((r) => ((read = true), r));
    await turns(20);
    assert.equal(written, false, 'the writer is not answered while the sync runs');
    assert.equal(read, false, 'nor is a reader that saw the write');

    holding = false;
    held.shift()!.release();
    await write;
    assert.equal((await reading)?.id, request.id);
  });
});
