// Opening a SQLite file the way the store needs it, and bringing its schema up to date.
// The file holds request contents, the audit log and key hashes: it is created 0600 before SQLite
// opens it, and SQLite gives the -wal, -shm and -journal files it creates later the database
// file's own mode, so they are 0600 too whatever the umask. Files left 0644 by an older version
// are tightened on open.
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { statusOf, type MigrationStatus } from '../migration-status.js';
import { MIGRATIONS } from './migrations.js';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

const SIDE_FILES = ['-wal', '-shm', '-journal'];

/** Creates the database file owner-only if missing, and takes group/other access off it. */
export function makePrivate(path: string): void {
  if (path === ':memory:' || path === '' || path.startsWith('file:')) return;
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  for (const file of [path, ...SIDE_FILES.map((s) => path + s)]) {
    if (!existsSync(file)) continue;
    try {
      chmodSync(file, PRIVATE_FILE_MODE);
    } catch (err) {
      // Another user's file (opened read-only by an operator): leave it as its owner set it.
      if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
    }
  }
}

/**
 * Whether commits need no sync of the store's own (wal-sync.ts): a private in-memory database, or
 * a `file:` URI, whose files the store cannot name — that one syncs in every commit (FULL).
 */
export function syncsItself(path: string): boolean {
  return path === ':memory:' || path === '' || path.startsWith('file:');
}

export function openDatabase(path: string): Database.Database {
  makePrivate(path);
  const db = new Database(path, { timeout: 5000 });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    // NORMAL: a commit does not sync; the group commit syncs the WAL before anyone is answered.
    db.pragma(`synchronous = ${syncsItself(path) ? 'FULL' : 'NORMAL'}`);
    // Temporary data in memory, not in files: above all the statement journal of each group-commit
    // write's SAVEPOINT, which in a file cost a temp file and a pwrite per page it saved (with it
    // in memory a create's store work measured 35 % less CPU, bench/store-writes.ts). The sorts
    // that need a temporary b-tree hold at most a page (LIMIT + OFFSET) or a short list.
    db.pragma('temp_store = MEMORY');
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

export function migrationStatus(db: Database.Database): MigrationStatus {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  const applied = exists ? (db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all() as MigrationStatus['applied']) : [];
  return statusOf(applied, MIGRATIONS);
}

/** Applies every migration the file lacks, in order, each recorded in schema_migrations. */
export function applyMigrations(db: Database.Database): void {
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    const versions = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
    const current = Math.max(0, ...versions);
    const known = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
    if (current > known) {
      throw new Error(`The database is at schema version ${current}, newer than this Greenlight knows (${known}): upgrade Greenlight, or restore a backup made by this version.`);
    }
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const migration of MIGRATIONS) {
      if (versions.has(migration.version)) continue; // by set: a reserved lower number may land later
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Date.now());
    }
  }).immediate();
}
