// `greenlight db migrate|status|copy`: the database's schema, and moving an install between stores.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import { storeKind } from '../config/schema.js';
import { copyStore, nonEmptyKinds } from '../store/copy.js';
import type { Migrated, MigrationStatus } from '../store/migration-status.js';
import { createStore, describeStore, ensureStoreDir, redactUrl, storeProblem } from '../store/open.js';
import type { Store } from '../store/store.js';
import { verifyStore } from './audit.js';
import type { Command } from './commands.js';
import { cli } from '../invocation.js';
import { fail as failWith, optionsHelp, runSubcommand, usageErrorFor, type Subcommand } from './store-commands.js';

const USAGE = `Usage:
  ${cli('db migrate')}                         apply the migrations the database lacks
  ${cli('db status')}                          show the schema version and pending migrations
  ${cli('db copy')} --from SOURCE --to TARGET  copy every row into an empty database

SOURCE and TARGET are sqlite:PATH (a file) or postgres://user:password@host:port/database.
Stop the server before copying: rows written during the copy would be missed.

Exit codes: 0 done (status: up to date), 1 failed (status: migrations pending, or the database
is newer than this Greenlight), 2 usage or config error.
`;

const help = () =>
  `${USAGE}\nOptions:\n${optionsHelp([
    ['--from SOURCE', 'where to copy from (copy)'],
    ['--to TARGET', 'where to copy to: an empty database (copy)'],
  ])}\n`;

export const dbCommand: Command = {
  summary: 'migrate the database, show its status, or copy an install to another store (migrate | status | copy)',
  run: (args) =>
    runSubcommand(
      { command: 'db', usage: USAGE, help, options: { from: { type: 'string' }, to: { type: 'string' } }, accepts: { migrate: [], status: [], copy: ['from', 'to'] }, subcommands: SUBCOMMANDS },
      args,
    ),
};

const fail = (sub: string, message: string) => failWith('db', sub, message);
const usageError = usageErrorFor('db', USAGE);

function versionOf(status: MigrationStatus): number {
  return status.applied.at(-1)?.version ?? 0;
}

const SUBCOMMANDS: Record<string, Subcommand> = {
  async migrate(_parsed, { config }) {
    ensureStoreDir(config);
    const store = createStore(config) as Store & Migrated;
    try {
      const before = await store.migrationStatus();
      await store.migrate();
      const after = await store.migrationStatus();
      const applied = after.applied.filter((m) => !before.applied.some((b) => b.version === m.version));
      process.stdout.write(
        applied.length
          ? `Applied ${applied.map((m) => `${m.version} (${m.name})`).join(', ')} to ${describeStore(config)}; schema at version ${versionOf(after)}.\n`
          : `${describeStore(config)} is up to date: schema at version ${versionOf(after)}.\n`,
      );
      return 0;
    } catch (err) {
      return fail('migrate', storeProblem(config, err).message);
    } finally {
      await store.close();
    }
  },

  async status(_parsed, { config }) {
    const store = createStore(config) as Store & Migrated;
    let status: MigrationStatus;
    try {
      status = await store.migrationStatus();
    } catch (err) {
      return fail('status', storeProblem(config, err).message);
    } finally {
      await store.close();
    }
    const lines = [`store:   ${storeKind(config)} ${describeStore(config)}`, `schema:  version ${versionOf(status)}`];
    for (const m of status.applied) lines.push(`  applied ${m.version} ${m.name} (${new Date(m.applied_at).toISOString()})`);
    for (const m of status.pending) lines.push(`  pending ${m.version} ${m.name}`);
    if (status.ahead) lines.push('The database is newer than this Greenlight: upgrade Greenlight before starting it against this database.');
    else if (status.pending.length) lines.push(`Run ${cli('db migrate')} (or start the server: it migrates on start).`);
    else lines.push('Up to date.');
    process.stdout.write(`${lines.join('\n')}\n`);
    return status.ahead || status.pending.length ? 1 : 0;
  },

  async copy({ values }, { config }) {
    const [fromSpec, toSpec] = [values.from as string | undefined, values.to as string | undefined];
    if (!fromSpec || !toSpec) return usageError('copy', 'give both --from and --to (sqlite:PATH or postgres://...)');
    let from: Target;
    let to: Target;
    try {
      [from, to] = [parseTarget(fromSpec, config), parseTarget(toSpec, config)];
    } catch (err) {
      return usageError('copy', (err as Error).message);
    }
    if (from.label === to.label) return usageError('copy', '--from and --to name the same database');
    if (from.kind === 'sqlite' && !existsSync(from.config.store.sqlite_path!)) return fail('copy', `there is no database at ${from.label}.`);
    ensureStoreDir(to.config);
    const source = createStore(from.config);
    const target = createStore(to.config);
    try {
      await source.migrate();
      const verified = await verifyStore(source);
      if (!verified.result.ok) return fail('copy', `the audit log of ${from.label} does not verify (${verified.result.problem}); a copy would hide that. Run ${cli('audit verify')} on it first.`);
      await target.migrate();
      const busy = await nonEmptyKinds(target);
      if (busy.length) return fail('copy', `${to.label} is not empty (it holds ${busy.join(', ')}); copy into an empty database.`);
      process.stdout.write(`Copying ${from.label} → ${to.label}\n`);
      const counts = await copyStore(source, target);
      const check = await verifyStore(target);
      if (!check.result.ok || check.head?.hash !== verified.head?.hash) return fail('copy', `the copied audit log does not match the source (${check.result.problem ?? 'different head'}); do not use ${to.label}.`);
      for (const [kind, n] of Object.entries(counts)) process.stdout.write(`  ${kind.padEnd(16)} ${n}\n`);
      process.stdout.write(`Done: the audit chain verifies (${check.result.checked} rows, head ${check.head?.hash.slice(0, 16) ?? 'none'}).\n`);
      return 0;
    } catch (err) {
      return fail('copy', (err as Error).message);
    } finally {
      await source.close().catch(() => {});
      await target.close().catch(() => {});
    }
  },
};

interface Target {
  kind: 'sqlite' | 'postgres';
  label: string;
  config: Config;
}

/** sqlite:PATH or postgres://…, as a config whose store is that one. */
function parseTarget(spec: string, base: Config): Target {
  if (/^postgres(ql)?:\/\//i.test(spec)) {
    return { kind: 'postgres', label: redactUrl(spec), config: { ...base, store: { ...base.store, kind: 'postgres', driver: null, url: spec } } };
  }
  if (spec.startsWith('sqlite:')) {
    const path = resolve(spec.slice('sqlite:'.length));
    if (!spec.slice('sqlite:'.length)) throw new Error('sqlite: needs a path, e.g. sqlite:./data/greenlight.db');
    return { kind: 'sqlite', label: path, config: { ...base, store: { ...base.store, kind: 'sqlite', driver: null, url: null, sqlite_path: path } } };
  }
  throw new Error(`"${spec.slice(0, 60)}" is neither sqlite:PATH nor a postgres:// URL`);
}
