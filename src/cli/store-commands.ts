// What the commands that work on the database directly (keys, grants, audit) share: dispatching
// a subcommand with its options and the config, opening the store, tables and help text.
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { ParseArgsConfig } from 'node:util';
import { ConfigError, type LoadedConfig } from '../config/load.js';
import { storeKind, type Config } from '../config/schema.js';
import { SETTINGS } from '../config/settings.js';
import { isGreenlightError } from '../core/errors.js';
import type { Actor } from '../core/types.js';
import { describeStore, openStore, sqlitePathOf } from '../store/open.js';
import type { Store } from '../store/store.js';
import { configHelp, parseWithConfig } from './config-flags.js';
import { StartupError } from '../startup-error.js';

export type Parsed = ReturnType<typeof parseWithConfig>;
export type Subcommand = (parsed: Parsed, loaded: LoadedConfig) => Promise<number>;

export interface SubcommandSet {
  /** `keys`, `grants`, ... */
  command: string;
  usage: string;
  help: () => string;
  options: NonNullable<ParseArgsConfig['options']>;
  allowPositionals?: boolean;
  /** Which options each subcommand takes (the others are refused); absent: all. */
  accepts?: Record<string, string[]>;
  subcommands: Record<string, Subcommand>;
}

/** `greenlight <command> <sub> ...`: help, unknown subcommands, options, config, then the handler. */
export async function runSubcommand(set: SubcommandSet, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h' || sub === 'help') {
    (sub ? process.stdout : process.stderr).write(set.help());
    return sub ? 0 : 2;
  }
  const run = Object.hasOwn(set.subcommands, sub) ? set.subcommands[sub] : undefined;
  if (!run) {
    const names = Object.keys(set.subcommands);
    const choices = names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : names[0];
    process.stderr.write(`greenlight ${set.command}: unknown subcommand "${sub}"; use ${choices}.\n\n${set.usage}`);
    return 2;
  }
  const usageError = usageErrorFor(set.command, set.usage);
  let parsed: Parsed;
  try {
    parsed = parseWithConfig(rest, set.options, set.allowPositionals ?? false);
  } catch (err) {
    return usageError(sub, (err as Error).message);
  }
  if (parsed.values.help) {
    process.stdout.write(set.help());
    return 0;
  }
  const accepted = set.accepts?.[sub];
  const stray = accepted && Object.keys(set.options).find((o) => parsed.values[o] !== undefined && !accepted.includes(o));
  if (stray) return usageError(sub, `--${stray} does not apply to "${set.command} ${sub}"`);
  let loaded: LoadedConfig;
  try {
    loaded = parsed.load();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`greenlight ${set.command} ${sub}: ${err.message}\n`);
    return 2;
  }
  try {
    return await run(parsed, loaded);
  } catch (err) {
    if (err instanceof StartupError) return fail(set.command, sub, err.message);
    throw err;
  }
}

/** Prints `greenlight <command> <sub>: <message>.` and the usage; exit code 2. */
export function usageErrorFor(command: string, usage: string): (sub: string, message: string) => number {
  return (sub, message) => {
    process.stderr.write(`greenlight ${command} ${sub}: ${message}.\n\n${usage}`);
    return 2;
  };
}

/** A command's own options, aligned with the config options that follow them. */
export function optionsHelp(rows: [string, string][]): string {
  const width = Math.max('--config, -c FILE'.length, ...SETTINGS.map((s) => s.flag.length + 2));
  return [...rows.map(([a, b]) => `  ${a.padEnd(width)}  ${b}`), configHelp()].join('\n');
}

/** Who the audit log names for CLI changes: the operator's OS account. */
export function cliActor(): Actor {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (some containers): keep "unknown"
  }
  return { kind: 'admin', name: `cli:${user}` };
}

export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [line(head), ...rows.map(line)].join('\n') + '\n';
}

/** Opens the store, runs `fn`, closes it; store failures become exit code 1 with what to do. */
export async function withStore(sub: string, config: Config, fn: (store: Store) => Promise<number>, options: { command?: string; mustExist?: boolean } = {}): Promise<number> {
  const command = options.command ?? 'keys';
  const path = describeStore(config);
  if (options.mustExist && !databaseExists(config)) {
    return fail(command, sub, `there is no database at ${path}. Point --config, --data-dir or --sqlite-path at the server's data (the server creates the database on its first start).`);
  }
  let store: Store;
  try {
    store = await openStore(config);
  } catch (err) {
    if (err instanceof StartupError) return fail(command, sub, err.message);
    process.stderr.write(`greenlight ${command} ${sub}: cannot open the database ${path}: ${(err as Error).message}\nCheck --data-dir / --sqlite-path / --database-url (or the config file) point at the server's data, and that you may read and write it.\n`);
    return 1;
  }
  try {
    return await fn(store);
  } catch (err) {
    if (!isGreenlightError(err)) throw err;
    const code = fail(command, sub, err.message);
    return err.code === 'VALIDATION_FAILED' ? 2 : code;
  } finally {
    await store.close();
  }
}

/** Whether the SQLite file exists (a Postgres database is assumed to: opening it says otherwise). */
export function databaseExists(config: Config): boolean {
  if (storeKind(config) === 'postgres') return true;
  const path = sqlitePathOf(config);
  return path === ':memory:' || existsSync(path);
}

/** Prints `greenlight <command> <sub>: <message>`; exit code 1. */
export function fail(command: string, sub: string, message: string): number {
  process.stderr.write(`greenlight ${command} ${sub}: ${message}\n`);
  return 1;
}
