// `greenlight keys create|list|revoke`: run-time keys, straight on the configured store (safe while
// the server runs: SQLite in WAL mode, and the server looks keys up on every request).
import { createKey, keyToWire, revokeKey } from '../auth/keys-service.js';
import type { Config } from '../config/schema.js';
import { systemClock } from '../core/ids.js';
import { ROLES, type Role } from '../core/types.js';
import { describeStore } from '../store/open.js';
import type { KeyRecord } from '../store/store.js';
import type { Command } from './commands.js';
import { cliActor, databaseExists, fail as failWith, optionsHelp, runSubcommand, table, usageErrorFor, withStore, type Subcommand } from './store-commands.js';
import { cli } from '../invocation.js';

const USAGE = `Usage:
  ${cli('keys create')} --role agent|approver|admin --name NAME [--project P ...] [--json | --quiet]
  ${cli('keys list')} [--json]
  ${cli('keys revoke')} KEY_ID

Keys are random, shown once at creation, and stored only as their SHA-256 hash. The commands work
on the database the config points at (--config, --data-dir, ...), also while the server runs.
Keys declared in the config file are listed (source: config) but are changed only in that file.

Exit codes: 0 done, 1 failed, 2 usage or config error.
`;

const help = () =>
  `${USAGE}\nOptions:\n${optionsHelp([
    ['--role ROLE', 'agent, approver or admin (create)'],
    ['--name NAME', 'who the key belongs to (create)'],
    ['--project P', 'a project the agent may file requests under; repeat for more (create, agents only)'],
    ['--json', 'print JSON instead of text (create, list)'],
    ['--quiet, -q', 'print only the new key, for KEY=$(...) in a shell (create)'],
  ])}\n`;

export const keysCommand: Command = {
  summary: 'create, list and revoke API keys (create | list | revoke)',
  run: (args) =>
    runSubcommand(
      {
        command: 'keys',
        usage: USAGE,
        help,
        options: { role: { type: 'string' }, name: { type: 'string' }, project: { type: 'string', multiple: true }, json: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' } },
        accepts: { create: ['role', 'name', 'project', 'json', 'quiet'], list: ['json'], revoke: [] },
        allowPositionals: true,
        subcommands: SUBCOMMANDS,
      },
      args,
    ),
};

const SUBCOMMANDS: Record<string, Subcommand> = {
  async create({ values, positionals }, { config }) {
    if (positionals.length) return usageError('create', `unexpected argument "${positionals[0]}"`);
    const role = values.role as string | undefined;
    const name = values.name as string | undefined;
    if (!role || !(ROLES as readonly string[]).includes(role)) return usageError('create', `--role must be one of ${ROLES.join(', ')}${role ? `; got "${role}"` : ''}`);
    if (!name) return usageError('create', '--name is required: who (or what) the key belongs to');
    if (values.json && values.quiet) return usageError('create', 'choose --json or --quiet, not both');
    const projects = (values.project as unknown as string[] | undefined) ?? [];
    if (projects.length && role !== 'agent') {
      return usageError(
        'create',
        role === 'approver'
          ? '--project applies to agent keys. To limit what an approver decides, declare the approver under approvers[] with projects: in the config file'
          : '--project applies to agent keys; admins see every project',
      );
    }
    const declared = new Set(config.projects.map((p) => p.name));
    const unknown = projects.filter((p) => !declared.has(p));
    if (unknown.length) {
      return fail('create', `project ${unknown.map((p) => `"${p}"`).join(', ')} is not declared in the config (declared: ${[...declared].join(', ') || 'none'}). Add it under projects[] first, or leave --project out.`);
    }
    return withStore('create', config, async (store) => {
      const { record, secret } = await createKey(store, systemClock, cliActor(), { role: role as Role, name, projects });
      if (values.json) {
        process.stdout.write(`${JSON.stringify({ ...keyToWire(record), key: secret })}\n`);
        return 0;
      }
      if (values.quiet) {
        process.stdout.write(`${secret}\n`);
        return 0;
      }
      process.stdout.write(
        `Created ${record.role} key "${record.name}" (${record.id}) in ${describeStore(config)}.\n\n    ${secret}\n\n` +
          `This key is shown once: Greenlight keeps only its SHA-256 hash, so store it now.\n` +
          `Send it as "Authorization: Bearer <key>". Revoke it with: ${cli('keys revoke')} ${record.id}\n`,
      );
      return 0;
    });
  },

  async list({ values, positionals }, { config, file }) {
    if (positionals.length) return usageError('list', `unexpected argument "${positionals[0]}"`);
    const fromFile = configKeys(config);
    if (!databaseExists(config)) {
      process.stderr.write(`(no database at ${describeStore(config)} yet: showing the keys of the config file only)\n`);
      return printKeys(fromFile, Boolean(values.json), config, file);
    }
    return withStore('list', config, async (store) => printKeys([...fromFile, ...(await store.listKeys()).map(storedKey)], Boolean(values.json), config, file));
  },

  async revoke({ positionals }, { config, file }) {
    if (positionals.length !== 1) return usageError('revoke', positionals.length ? 'give one KEY_ID at a time' : `give the KEY_ID to revoke (see ${cli('keys list')})`);
    const id = positionals[0];
    const declared = configKeys(config).find((k) => k.id === id);
    if (declared || id.startsWith('config:')) {
      return fail('revoke', `${id} is declared in the config file${file ? ` ${file}` : ''}, so the CLI cannot revoke it. Remove that ${declared?.role ?? 'entry'} from the file (or change its key) and restart the server.`);
    }
    return withStore('revoke', config, async (store) => {
      const before = (await store.listKeys()).find((k) => k.id === id);
      if (!before) return fail('revoke', `there is no key ${id} in ${describeStore(config)}. List the keys with: ${cli('keys list')}`);
      if (before.revoked_at !== null) {
        process.stdout.write(`${before.role} key "${before.name}" (${id}) was already revoked at ${new Date(before.revoked_at).toISOString()}; nothing changed.\n`);
        return 0;
      }
      const revoked = await revokeKey(store, systemClock, cliActor(), id);
      process.stdout.write(`Revoked ${revoked.role} key "${revoked.name}" (${id}). Requests sent with it now get 401, also on a running server.\n`);
      return 0;
    }, { mustExist: true });
  },
};

function printKeys(rows: KeyRow[], json: boolean, config: Config, file: string | null): number {
  if (json) {
    process.stdout.write(`${JSON.stringify({ items: rows })}\n`);
    return 0;
  }
  if (rows.length === 0) {
    process.stdout.write(`No keys yet in ${describeStore(config)}${file ? ` or ${file}` : ''}. Create one with: ${cli('keys create --role agent --name NAME')}\n`);
    return 0;
  }
  process.stdout.write(table(['ID', 'ROLE', 'NAME', 'PROJECTS', 'SOURCE', 'CREATED', 'REVOKED'], rows.map((r) => [r.id, r.role, r.name, r.projects.join(',') || '*', r.source, r.created_at ?? '-', r.revoked_at ?? '-'])));
  return 0;
}

interface KeyRow {
  id: string;
  role: Role;
  name: string;
  projects: string[];
  source: 'config' | 'store';
  created_at: string | null;
  revoked_at: string | null;
}

/** Principals with a key in the config file, with the key ids the server gives them. */
function configKeys(config: Config): KeyRow[] {
  const rows: KeyRow[] = [];
  const add = (role: Role, p: { name: string; key?: string; key_sha256?: string; projects?: string[] }) => {
    if (p.key || p.key_sha256) rows.push({ id: `config:${role}:${p.name}`, role, name: p.name, projects: p.projects ?? [], source: 'config', created_at: null, revoked_at: null });
  };
  config.agents.forEach((a) => add('agent', a));
  config.approvers.forEach((a) => add('approver', a));
  config.admins.forEach((a) => add('admin', a));
  return rows;
}

const storedKey = (k: KeyRecord): KeyRow => ({ ...keyToWire(k), source: 'store' });

const usageError = usageErrorFor('keys', USAGE);
const fail = (sub: string, message: string) => failWith('keys', sub, message);
