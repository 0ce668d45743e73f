// `greenlight grants list|add|revoke`: standing grants (policy rules an operator or an approver
// gave), straight on the configured store with audit rows, like `greenlight keys`. The server reads
// grants on every request, so a change applies to the next request without a restart.
import { isGreenlightError } from '../core/errors.js';
import { systemClock } from '../core/ids.js';
import { buildManualGrant, createManualGrant, grantState, revokeManualGrant } from '../grants-admin.js';
import { grantToWire } from '../http/wire.js';
import { describeStore } from '../store/open.js';
import type { Grant } from '../store/store.js';
import type { Command } from './commands.js';
import { cliActor, databaseExists, optionsHelp, runSubcommand, table, usageErrorFor, withStore, type Subcommand } from './store-commands.js';
import { cli } from '../invocation.js';

const USAGE = `Usage:
  ${cli('grants list')} [--agent A] [--project P] [--all] [--json]
  ${cli('grants add')} --rule 'Bash(npm test)' [--effect allow|ask|deny] [--agent A] [--project P]
                        [--session S] [--expires-in SEC] [--max-uses N] [--json]
  ${cli('grants revoke')} GRANT_ID

Grants are policy rules kept in the database: approvers give them with a decision ("for this
session", "always"), operators give them here or with POST /v1/grants. They apply to the next
request at once, also on a running server. Rules in the config file are changed in that file.
Test what a rule does with: ${cli('policy test')} --agent A 'Bash(npm test)'

Exit codes: 0 done, 1 failed, 2 usage or config error (a malformed rule included).
`;

const help = () =>
  `${USAGE}\nOptions:\n${optionsHelp([
    ['--agent A', 'list: grants that apply to agent A (also those for every agent); add: only for agent A (default: every agent)'],
    ['--project P', 'list: grants that apply in project P; add: only in project P (default: every project)'],
    ['--all', 'list: also revoked, expired and used-up grants'],
    ['--rule RULE', "add: the rule, as in the config: 'Bash(npm test *)', 'Read(./src/**)', 'WebFetch(domain:example.com)'"],
    ['--effect E', 'add: allow (default), ask or deny'],
    ['--session S', 'add: only in this session of the agent (ends with POST /v1/sessions/S/end)'],
    ['--expires-in SEC', 'add: the grant stops applying after SEC seconds'],
    ['--max-uses N', 'add: the grant stops applying after it allowed N requests'],
    ['--json', 'print JSON (list, add)'],
  ])}\n`;

const OPTIONS = {
  agent: { type: 'string' },
  project: { type: 'string' },
  all: { type: 'boolean' },
  rule: { type: 'string' },
  effect: { type: 'string' },
  session: { type: 'string' },
  'expires-in': { type: 'string' },
  'max-uses': { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Which options each subcommand takes (parseArgs knows them all; the rest are refused here). */
const ACCEPTS: Record<string, string[]> = {
  list: ['agent', 'project', 'all', 'json'],
  add: ['rule', 'effect', 'agent', 'project', 'session', 'expires-in', 'max-uses', 'json'],
  revoke: [],
};

export const grantsCommand: Command = {
  summary: 'list, add and revoke stored policy grants (list | add | revoke)',
  run: (args) => runSubcommand({ command: 'grants', usage: USAGE, help, options: OPTIONS, allowPositionals: true, accepts: ACCEPTS, subcommands: SUBCOMMANDS }, args),
};

const SUBCOMMANDS: Record<string, Subcommand> = {
  async list({ values, positionals }, { config }) {
    if (positionals.length) return usageError('list', `unexpected argument "${positionals[0]}"`);
    if (!databaseExists(config)) {
      if (values.json) process.stdout.write(`${JSON.stringify({ items: [] })}\n`);
      else process.stdout.write(`No grants: there is no database at ${describeStore(config)} yet (the server creates it on its first start).\n`);
      return 0;
    }
    return withStore(
      'list',
      config,
      async (store) => {
        const now = systemClock.now();
        const grants = await store.listGrants({ agent: values.agent as string | undefined, project: values.project as string | undefined, include_revoked: Boolean(values.all), now });
        const shown = values.all ? grants : grants.filter((g) => grantState(g, now) === 'active');
        if (values.json) {
          process.stdout.write(`${JSON.stringify({ items: shown.map((g) => ({ ...grantToWire(g), state: grantState(g, now) })) })}\n`);
          return 0;
        }
        if (shown.length === 0) {
          process.stdout.write(`No ${values.all ? '' : 'active '}grants${values.agent ? ` for agent ${values.agent}` : ''}${values.project ? ` in project ${values.project}` : ''}. Add one with: ${cli('grants add')} --rule 'Bash(npm test)' --agent NAME\n`);
          return 0;
        }
        process.stdout.write(grantTable(shown, now, Boolean(values.all)));
        return 0;
      },
      { command: 'grants' },
    );
  },

  async add({ values, positionals }, { config }) {
    if (positionals.length) return usageError('add', `unexpected argument "${positionals[0]}"; give the rule with --rule, quoted`);
    if (!values.rule) return usageError('add', "--rule is required, e.g. --rule 'Bash(npm test *)'");
    const effect = (values.effect as string | undefined) ?? 'allow';
    if (!['allow', 'ask', 'deny'].includes(effect)) return usageError('add', `--effect must be allow, ask or deny; got "${effect}"`);
    const expires = positiveInt(values['expires-in'], '--expires-in');
    const maxUses = positiveInt(values['max-uses'], '--max-uses');
    if (typeof expires === 'string') return usageError('add', expires);
    if (typeof maxUses === 'string') return usageError('add', maxUses);
    if (values.session && !values.agent) return usageError('add', '--session needs --agent: a session belongs to one agent');
    const input = {
      rule: values.rule as string,
      effect: effect as 'allow' | 'ask' | 'deny',
      agent: (values.agent as string | undefined) ?? null,
      project: (values.project as string | undefined) ?? null,
      session_id: (values.session as string | undefined) ?? null,
      expires_in_sec: expires,
      max_uses: maxUses,
    };
    const actor = cliActor();
    try {
      buildManualGrant(input, config, actor.name, systemClock.now()); // validate before touching the database
    } catch (err) {
      if (!isGreenlightError(err)) throw err;
      process.stderr.write(`greenlight grants add: ${err.message}\n`);
      return 2;
    }
    return withStore(
      'add',
      config,
      async (store) => {
        const grant = await createManualGrant(store, config, input, actor, 'cli', systemClock.now());
        if (values.json) {
          process.stdout.write(`${JSON.stringify(grantToWire(grant))}\n`);
          return 0;
        }
        process.stdout.write(
          `Added grant ${grant.id}: ${grant.effect} ${grant.rule} for ${who(grant)}${grant.expires_at ? `, until ${new Date(grant.expires_at).toISOString()}` : ''}${grant.max_uses ? `, at most ${grant.max_uses} uses` : ''}.\n` +
            `It applies to the next request, also on a running server; requests already pending stay pending (POST /v1/grants resolves those too).\n` +
            `Revoke it with: ${cli('grants revoke')} ${grant.id}\n`,
        );
        return 0;
      },
      { command: 'grants' },
    );
  },

  async revoke({ positionals }, { config }) {
    if (positionals.length !== 1) return usageError('revoke', positionals.length ? 'give one GRANT_ID at a time' : `give the GRANT_ID to revoke (see ${cli('grants list')})`);
    const id = positionals[0];
    return withStore(
      'revoke',
      config,
      async (store) => {
        const grant = await store.getGrant(id);
        if (!grant) {
          process.stderr.write(`greenlight grants revoke: there is no grant ${id} in ${describeStore(config)}. List them with: ${cli('grants list --all')}\n`);
          return 1;
        }
        const { already } = await revokeManualGrant(store, id, cliActor(), 'cli', systemClock.now());
        if (already) process.stdout.write(`Grant ${id} (${grant.rule}) was already revoked at ${new Date(grant.revoked_at!).toISOString()}; nothing changed.\n`);
        else process.stdout.write(`Revoked grant ${id} (${grant.effect} ${grant.rule} for ${who(grant)}): it no longer applies, also on a running server.\n`);
        return 0;
      },
      { command: 'grants', mustExist: true },
    );
  },
};

function grantTable(grants: Grant[], now: number, withState: boolean): string {
  const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());
  const head = ['ID', 'EFFECT', 'RULE', 'AGENT', 'PROJECT', 'SESSION', 'USES', 'EXPIRES', 'BY', ...(withState ? ['STATE'] : [])];
  const rows = grants.map((g) => [
    g.id,
    g.effect,
    clean(g.rule),
    clean(g.agent ?? '*'),
    clean(g.project ?? '*'),
    clean(g.session_id ?? '-'),
    g.max_uses === null ? String(g.uses) : `${g.uses}/${g.max_uses}`,
    iso(g.expires_at),
    clean(g.created_by),
    ...(withState ? [grantState(g, now)] : []),
  ]);
  return `${table(head, rows)}\n* = every agent / every project. Rules starting with exact: match exactly one action (an approval "for exactly this").\n`;
}

const who = (g: Grant) => [g.agent ? `agent ${g.agent}` : 'every agent', g.project ? `project ${g.project}` : 'every project', ...(g.session_id ? [`session ${g.session_id}`] : [])].join(', ');

/** A flag's value as a whole number ≥ 1, null when absent, or the message to show. */
function positiveInt(raw: unknown, flag: string): number | null | string {
  if (raw === undefined) return null;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 ? n : `${flag} must be a whole number of at least 1; got "${String(raw)}"`;
}

/** Control characters shown as escapes, so stored text cannot rewrite the terminal. */
const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const usageError = usageErrorFor('grants', USAGE);
