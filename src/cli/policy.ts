// `greenlight policy test 'Bash(git status && rm -rf /)'`: a dry run of the policy exactly as the
// server would run it — the config's rules, the grants stored in the database, the project's
// directories and sandbox, the dangerous-action guard — without filing anything.
import { resolve } from 'node:path';
import { ConfigError, type LoadedConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { GreenlightError, isGreenlightError } from '../core/errors.js';
import { systemClock } from '../core/ids.js';
import { resolveProject } from '../core/routing.js';
import type { GrantSuggestion } from '../core/types.js';
import { HOSTNAME_PATTERN } from '../core/request-input.js';
import { actionFromText } from '../http/routes/policy.js';
import { silentLogger } from '../log.js';
import { createPolicyService } from '../policy-service.js';
import { formatEvaluation, type Evaluation, type PolicyAction } from '../policy/index.js';
import { describeStore, openStore } from '../store/open.js';
import { MemoryStore } from '../store/memory/memory-store.js';
import type { Store } from '../store/store.js';
import type { Command } from './commands.js';
import { parseWithConfig } from './config-flags.js';
import { databaseExists, optionsHelp } from './store-commands.js';
import { cli } from '../invocation.js';
import { runPolicySuggest, SUGGEST_USAGE } from './policy-suggest.js';
import { StartupError } from '../startup-error.js';

/** Exit codes of `policy test`: one per verdict, so scripts can branch on it. */
export const VERDICT_EXIT = { allow: 0, ask: 3, deny: 4 } as const;

const USAGE = `Usage:
  ${cli('policy test')} [--cwd DIR] [--agent A] [--project P] [--session S] [--host H] [--json] 'Tool(argument)'

Examples:
  ${cli('policy test')} 'Bash(git status && rm -rf /)'
  ${cli('policy test')} --cwd ~/src/webapp --agent claude-laptop 'Edit(src/app.ts)'
  ${cli('policy test')} 'WebFetch(https://docs.example.com/x)'

Runs the policy on one action, as the server would for a request of that agent, project and
session, and prints the verdict, the deciding rule, the reason, any danger warnings, the grants an
approver would be offered, and the verdict of every subcommand, redirection and path. Nothing is
filed or changed. Stored grants (given with decisions or with "${cli('grants add')}") count when
--agent is given and the database exists.

Exit codes: 0 allow, 3 ask (a human would be asked), 4 deny, 1 failed, 2 usage or config error.
`;

const help = () =>
  `${USAGE}\nOptions:\n${optionsHelp([
    ['--cwd DIR', "the agent's working directory (default: this one); picks the project when --project is not given"],
    ['--agent A', 'the agent the request would come from (its grants apply)'],
    ['--project P', 'the project (a name under projects[]); default: the one whose directory holds --cwd'],
    ['--session S', 'the session id (its session grants apply)'],
    ['--host H', 'the machine the request would come from (grants limited to that host apply)'],
    ['--json', 'print the same JSON as POST /v1/policy/evaluate'],
  ])}\n\n${SUGGEST_USAGE}`;

export const policyCommand: Command = {
  summary: 'dry-run the policy on an action (test); rules worth adding (suggest)',
  async run(args) {
    const [sub, ...rest] = args;
    if (!sub || sub === '--help' || sub === '-h' || sub === 'help') {
      (sub ? process.stdout : process.stderr).write(help());
      return sub ? 0 : 2;
    }
    if (sub === 'suggest') return runPolicySuggest(rest);
    if (sub !== 'test') {
      process.stderr.write(`greenlight policy: unknown subcommand "${sub}"; use test or suggest.\n\n${USAGE}${SUGGEST_USAGE}`);
      return 2;
    }
    let parsed: ReturnType<typeof parseWithConfig>;
    try {
      parsed = parseWithConfig(rest, { cwd: { type: 'string' }, agent: { type: 'string' }, project: { type: 'string' }, session: { type: 'string' }, host: { type: 'string' }, json: { type: 'boolean' } }, true);
    } catch (err) {
      return usageError((err as Error).message);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      process.stdout.write(help());
      return 0;
    }
    if (positionals.length !== 1) {
      return usageError(positionals.length ? `give one action at a time, quoted: 'Bash(git status)' (got ${positionals.length} arguments)` : "give the action to test, e.g. 'Bash(git status)'");
    }
    let loaded: LoadedConfig;
    try {
      loaded = parsed.load();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      process.stderr.write(`greenlight policy test: ${err.message}\n`);
      return 2;
    }
    const { config } = loaded;
    const cwd = resolve((values.cwd as string | undefined) ?? process.cwd());
    let action: PolicyAction;
    try {
      action = actionOf(positionals[0], cwd);
    } catch (err) {
      if (!isGreenlightError(err)) throw err;
      return usageError(err.message);
    }
    const agent = (values.agent as string | undefined) ?? null;
    const named = (values.project as string | undefined) ?? null;
    if (named && !config.projects.some((p) => p.name === named)) {
      return usageError(`project "${named}" is not declared in the config (declared: ${config.projects.map((p) => p.name).join(', ') || 'none'})`);
    }
    const project = named ?? projectOf(config, agent, cwd);
    const host = (values.host as string | undefined) ?? null;
    if (host !== null && !HOSTNAME_PATTERN.test(host)) return usageError(`--host must be a hostname: 1–253 letters, digits, '-', '.' or '_' (got ${JSON.stringify(oneLine(host, 80))})`);
    const scope = { agent, project, session_id: (values.session as string | undefined) ?? null, host };

    let store: Store;
    const stored = databaseExists(config);
    try {
      store = stored ? await openStore(config) : new MemoryStore();
    } catch (err) {
      if (err instanceof StartupError) {
        process.stderr.write(`greenlight policy test: ${err.message}\n`);
        return 1;
      }
      process.stderr.write(`greenlight policy test: cannot open the database ${describeStore(config)}: ${(err as Error).message}\nCheck --data-dir / --sqlite-path (or the config file), or move it aside to test the config's rules alone.\n`);
      return 1;
    }
    try {
      const policy = await createPolicyService({ config, configFile: loaded.file, store, logger: silentLogger, now: () => systemClock.now() });
      const ev = await policy.dryRun(action, scope);
      if (values.json) process.stdout.write(`${JSON.stringify({ action, ...ev })}\n`);
      else process.stdout.write(report(positionals[0], action, scope, named === null, stored ? describeStore(config) : null, ev));
      return VERDICT_EXIT[ev.verdict];
    } finally {
      await store.close();
    }
  },
};

/** `Tool(arg)` → an action, with a plainer message for the commonest slip (a missing `)`). */
function actionOf(text: string, cwd: string): PolicyAction {
  const t = text.trim();
  if (/^[A-Za-z0-9_.:-]+\(/.test(t) && !t.endsWith(')')) {
    throw new GreenlightError('VALIDATION_FAILED', `"${oneLine(t, 80)}" is missing the closing ")"; quote the whole action, e.g. 'Bash(git status)'`);
  }
  return actionFromText(t, cwd);
}

/** The project the server would file the request under: the agent's only one, or by directory. */
function projectOf(config: Config, agent: string | null, cwd: string): string | null {
  const declared = agent ? config.agents.find((a) => a.name === agent) : undefined;
  const principal = { keyId: 'cli', role: 'agent' as const, name: agent ?? 'cli', projects: declared?.projects ?? [] };
  return resolveProject(principal, null, cwd, { projects: config.projects, approvers: config.approvers });
}

type Scope = { agent: string | null; project: string | null; session_id: string | null; host: string | null };

function report(text: string, action: PolicyAction, scope: Scope, projectFromCwd: boolean, database: string | null, ev: Evaluation & { suggestions: GrantSuggestion[] }): string {
  const lines = [
    `action:  ${clean(text)}  (tool ${clean(action.tool)}, cwd ${clean(action.cwd ?? '-')})`,
    `agent:   ${clean(scope.agent ?? '(none: stored grants not considered)')}`,
    `project: ${scope.project ? `${clean(scope.project)}${projectFromCwd ? ' (from --cwd)' : ''}` : '(none)'}`,
    ...(scope.session_id ? [`session: ${clean(scope.session_id)}`] : []),
    ...(scope.host ? [`host:    ${clean(scope.host)}`] : []),
    `grants:  ${database ? `from ${database}` : 'none (no database yet)'}`,
    '',
    ...formatEvaluation(ev).split('\n').map(clean),
  ];
  if (ev.suggestions.length) {
    lines.push('suggestions (what an approver may grant with the decision, "for this session" or "always"):');
    for (const s of ev.suggestions) lines.push(`  ${s.kind.padEnd(8)} ${clean(s.rule)} — ${clean(s.label)}`);
  }
  lines.push('', OUTCOME[ev.verdict](ev.dangerous));
  return `${lines.join('\n')}\n`;
}

const OUTCOME: Record<Evaluation['verdict'], (dangerous: boolean) => string> = {
  allow: () => `=> allow (exit ${VERDICT_EXIT.allow}): the server would approve this at once.`,
  ask: (dangerous) => `=> ask (exit ${VERDICT_EXIT.ask}): the server would ask a human${dangerous ? '; it is dangerous, so no rule or grant can ever auto-approve it' : ''}.`,
  deny: () => `=> deny (exit ${VERDICT_EXIT.deny}): the server would refuse this at once.`,
};

/** Control characters shown as escapes, so a command cannot rewrite the terminal. */
function clean(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const oneLine = (s: string, max: number) => clean(s.replace(/\s+/g, ' ')).slice(0, max);

function usageError(message: string): number {
  process.stderr.write(`greenlight policy test: ${message.replace(/\.$/, '')}.\n\n${USAGE}`);
  return 2;
}
