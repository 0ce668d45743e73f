import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openDatabase } from './sqlite-open.js';

describe('openDatabase', () => {
  // The statement journals of the group commit's savepoints stay in memory, not in temp files
  // (docs/benchmarks.md, "Second pass"); the WAL and its sync are unchanged.
  it('opens in WAL mode with temporary data in memory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'greenlight-open-'));
    const db = openDatabase(join(dir, 'g.db'));
    try {
      assert.equal(db.pragma('temp_store', { simple: true }), 2, 'temp_store = MEMORY');
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(db.pragma('synchronous', { simple: true }), 1, 'NORMAL: the group commit syncs the WAL itself');
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
