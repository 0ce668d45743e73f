import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { loadConfig } from '../../src/config/load.js';
import { openStore } from '../../src/server.js';
import { runCli } from './cli-helpers.js';

const root = mkdtempSync(join(tmpdir(), 'greenlight-cli-audit-'));
after(() => rmSync(root, { recursive: true, force: true }));

let dirs = 0;

/** A fresh data dir whose audit log has 4 rows: three keys created, then the second revoked. */
async function seeded(): Promise<string> {
  const dataDir = join(root, `db${++dirs}`);
  const ids: string[] = [];
  for (const name of ['one', 'two', 'three']) {
    const r = await runCli(['keys', 'create', '--role', 'agent', '--name', name, '--data-dir', dataDir]);
    assert.equal(r.code, 0, r.stderr);
    ids.push(/\((key_[0-9a-z]+)\)/.exec(r.stdout)![1]);
  }
  const r = await runCli(['keys', 'revoke', ids[1], '--data-dir', dataDir]);
  assert.equal(r.code, 0, r.stderr);
  return dataDir;
}

/** Opens the database behind Greenlight's back, drops the append-only guards, and runs `sql`. */
function tamper(dataDir: string, sql: string): void {
  const db = new Database(join(dataDir, 'greenlight.db'));
  try {
    const triggers = db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'").all() as { name: string }[];
    assert.ok(triggers.length >= 2, 'the audit table has its guard triggers');
    assert.throws(() => db.exec(sql), /append-only/, 'the guards stop a casual edit');
    for (const t of triggers) db.exec(`DROP TRIGGER "${t.name}"`);
    db.exec(sql);
  } finally {
    db.close();
  }
}

const verify = (dataDir: string) => runCli(['audit', 'verify', '--data-dir', dataDir]);

describe('greenlight audit verify', () => {
  it('reports an intact log with its row count and head', async () => {
    const dataDir = await seeded();
    const r = await verify(dataDir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^audit log OK: 4 rows, head [0-9a-f]{16}$/m);
  });

  it('reports an empty log as OK', async () => {
    const dataDir = join(root, 'empty');
    const store = await openStore(loadConfig({ env: {}, flags: { 'data-dir': dataDir } }).config);
    await store.close();
    const r = await verify(dataDir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /audit log OK: 0 rows/);
  });

  it('fails, rather than verifying a new empty database, when pointed at a data dir without one', async () => {
    const dataDir = join(root, 'nowhere');
    const r = await verify(dataDir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no database at .*nowhere/);
    assert.equal(existsSync(dataDir), false, 'verify creates nothing');
  });

  it('names the row whose content was edited, and exits 1', async () => {
    const dataDir = await seeded();
    tamper(dataDir, `UPDATE audit SET detail = json_set(detail, '$.name', 'someone-else') WHERE seq = 2`);
    const r = await verify(dataDir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /audit log FAILED: row 2 was edited/);
    assert.doesNotMatch(r.stdout, /OK/);
  });

  it('names the row that was deleted from the middle, and exits 1', async () => {
    const dataDir = await seeded();
    tamper(dataDir, 'DELETE FROM audit WHERE seq = 3');
    const r = await verify(dataDir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /row 3 is missing/);
  });

  it('notices rows cut from the end, and exits 1', async () => {
    const dataDir = await seeded();
    tamper(dataDir, 'DELETE FROM audit WHERE seq = 4');
    const r = await verify(dataDir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /removed from the end/);
  });
});

describe('greenlight audit tail', () => {
  it('prints the most recent rows, oldest first, with who, what and when', async () => {
    const dataDir = await seeded();
    const r = await runCli(['audit', 'tail', '-n', '2', '--data-dir', dataDir]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0], /^SEQ\s+AT\s+WHO\s+ACTION\s+VIA\s+REQUEST\s+DETAIL$/);
    assert.equal(lines.length, 3);
    assert.match(lines[1], /^3\s+\d{4}-\d\d-\d\dT\S+Z\s+admin:cli:\S+\s+key\.created\s+-\s+-\s+\{.*"name":"three"/);
    assert.match(lines[2], /^4\s+\S+\s+admin:cli:\S+\s+key\.revoked\s/);
  });

  it('exits 2 on a bad -n', async () => {
    const r = await runCli(['audit', 'tail', '-n', 'lots', '--data-dir', join(root, 'empty')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /-n must be a whole number/);
  });
});
