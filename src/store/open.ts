// Opening the store the config names: the SQLite file (the default, one instance) or PostgreSQL
// (several instances). Both are migrated before they are handed out.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { storeKind, type Config } from '../config/schema.js';
import { PostgresStore } from './postgres/pg-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import { PRIVATE_DIR_MODE } from './sqlite/sqlite-open.js';
import { databaseProblem, dataDirProblem, postgresProblem, type StartupError } from '../startup-error.js';
import type { Store } from './store.js';

export function sqlitePathOf(config: Pick<Config, 'store' | 'data_dir'>): string {
  return config.store.sqlite_path ?? join(config.data_dir, 'greenlight.db');
}

/** A URL with its password replaced by ***, safe for logs and messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'an unparseable URL';
  }
}

/** Where the store lives, for messages: the SQLite path, or the Postgres URL without its password. */
export function describeStore(config: Pick<Config, 'store' | 'data_dir'>): string {
  return storeKind(config) === 'postgres' ? redactUrl(config.store.url!) : sqlitePathOf(config);
}

/** The configured store, not yet opened (no I/O). */
export function createStore(config: Pick<Config, 'store' | 'data_dir'>, options: { instanceId?: string } = {}): Store {
  if (storeKind(config) === 'postgres') return new PostgresStore({ url: config.store.url!, poolSize: config.store.pool_size, instanceId: options.instanceId });
  return new SqliteStore({ path: sqlitePathOf(config) });
}

/**
 * Creates the directory a SQLite file goes in, owner-only (0700), if missing (nothing to do for
 * Postgres). A directory that cannot be made is a StartupError naming the setting to change.
 */
export function ensureStoreDir(config: Pick<Config, 'store' | 'data_dir'>): void {
  const path = sqlitePathOf(config);
  if (storeKind(config) !== 'sqlite' || path === ':memory:') return;
  for (const dir of [config.data_dir, dirname(resolve(path))]) {
    try {
      mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    } catch (err) {
      throw dataDirProblem(dir, err);
    }
  }
}

/** A failure to open or migrate the configured store, as a StartupError that says what to change. */
export function storeProblem(config: Pick<Config, 'store' | 'data_dir'>, err: unknown): StartupError {
  return storeKind(config) === 'postgres' ? postgresProblem(config.store.url!, err) : databaseProblem(sqlitePathOf(config), err);
}

/**
 * Opens and migrates the configured store. Failures a user can fix throw a StartupError that says
 * which setting to change.
 */
export async function openStore(config: Pick<Config, 'store' | 'data_dir'>, options: { instanceId?: string } = {}): Promise<Store> {
  ensureStoreDir(config);
  const store = createStore(config, options);
  try {
    await store.migrate();
  } catch (err) {
    await store.close().catch(() => {});
    throw storeProblem(config, err);
  }
  return store;
}
