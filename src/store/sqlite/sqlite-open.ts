// Opening a SQLite file the way the store needs it, and bringing its schema up to date.

import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.js';

export function openDatabase(path: string): Database.Database {
  const db = new Database(path, { timeout: 5000 });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Applies every migration newer than the file, in order, each recorded in schema_migrations. */
export function applyMigrations(db: Database.Database): void {
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    const applied = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null };
    const current = applied.v ?? 0;
    const known = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
    if (current > known) {
      throw new Error(`The database is at schema version ${current}, newer than this Greenlight knows (${known}): upgrade Greenlight, or restore a backup made by this version.`);
    }
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Date.now());
    }
  }).immediate();
}
