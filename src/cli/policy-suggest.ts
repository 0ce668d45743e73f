// `greenlight policy suggest`: the suggested rules GET /v1/insights lists (src/insights/), read
// straight from the database, printed for a terminal (or as JSON), with the YAML to paste under a
// project's `allow:` for operators who keep their policy in the config file, and the command that
// adds one to the store instead (what the dashboard's "Add" button does).
import { ConfigError } from '../config/load.js';
import { systemClock } from '../core/ids.js';
import { createInsights } from '../insights/service.js';
import type { RuleSuggestion } from '../insights/suggest.js';
import { cli } from '../invocation.js';
import { silentLogger } from '../log.js';
import { createPolicyService } from '../policy-service.js';
import { StartupError } from '../startup-error.js';
import { describeStore, openStore } from '../store/open.js';
import { showInvisible } from '../text/invisible.js';
import { parseWithConfig } from './config-flags.js';
import { databaseExists, optionsHelp } from './store-commands.js';

export const SUGGEST_USAGE = `Usage:
  ${cli('policy suggest')} [--json]

Lists the rules people approved again and again and never denied (insights.suggest_min_approvals
approvals in the last insights.suggest_days days), with who approved them and how many asks each
would have answered. Never a rule the dangerous-action guard refuses, one broader than what was
approved, or one touching protected paths. Reads the database; changes nothing.
`;

export async function runPolicySuggest(args: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseWithConfig>;
  try {
    parsed = parseWithConfig(args, { json: { type: 'boolean' } });
  } catch (err) {
    process.stderr.write(`greenlight policy suggest: ${(err as Error).message}.\n\n${SUGGEST_USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`${SUGGEST_USAGE}\nOptions:\n${optionsHelp([['--json', 'print the suggestions as GET /v1/insights lists them']])}\n`);
    return 0;
  }
  let loaded;
  try {
    loaded = parsed.load();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`greenlight policy suggest: ${err.message}\n`);
    return 2;
  }
  const { config } = loaded;
  if (!databaseExists(config)) {
    process.stderr.write(`greenlight policy suggest: no database at ${describeStore(config)} yet: nothing has been asked, so there is nothing to suggest. Check --data-dir / --sqlite-path (or the config file).\n`);
    return 1;
  }
  let store;
  try {
    store = await openStore(config);
  } catch (err) {
    process.stderr.write(`greenlight policy suggest: ${err instanceof StartupError ? err.message : `cannot open the database ${describeStore(config)}: ${(err as Error).message}`}\n`);
    return 1;
  }
  try {
    const policy = await createPolicyService({ config, configFile: loaded.file, store, logger: silentLogger, now: () => systemClock.now() });
    const items = await createInsights({ store, config, policy, clock: systemClock }).suggestions(null);
    if (parsed.values.json) process.stdout.write(`${JSON.stringify({ items: items.map((s) => ({ ...s, last_at: new Date(s.last_at).toISOString() })) })}\n`);
    else process.stdout.write(formatSuggestions(items, config.insights));
    return 0;
  } finally {
    await store.close();
  }
}

/** Control characters as escapes and bidi / invisible characters written out, so agent text cannot rewrite the terminal. */
export function terminalSafe(s: string): string {
  return showInvisible(s).replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function formatSuggestions(items: RuleSuggestion[], settings: { suggest_days: number; suggest_min_approvals: number }): string {
  if (items.length === 0) return `No suggestions: no rule was approved ${settings.suggest_min_approvals}× or more, and never denied, in the last ${settings.suggest_days} days.\n`;
  const lines = [`Suggested rules (last ${settings.suggest_days} days, at least ${settings.suggest_min_approvals} approvals, never denied):`, ''];
  for (const s of items) {
    const project = s.project ?? '(no project)';
    lines.push(`${terminalSafe(s.rule)}  — project ${terminalSafe(project)}: approved ${s.approvals}×, denied 0×, by ${s.people.length} ${s.people.length === 1 ? 'person' : 'people'} (${s.people.map(terminalSafe).join(', ')}); would have answered ${s.would_allow} asks`);
    for (const e of s.examples) lines.push(`    e.g. ${terminalSafe(e)}`);
    const projectFlag = s.project ? ` --project ${shellQuote(s.project)}` : '';
    lines.push(`    add:  ${cli('grants add')} --rule ${shellQuote(s.rule)}${projectFlag}`);
    lines.push('');
  }
  lines.push('Or keep them in the config file, under the project (projects[].allow) or policy.allow:');
  for (const s of items) lines.push(`  - ${JSON.stringify(s.rule)}${s.project ? `   # project ${terminalSafe(s.project)}` : ''}`);
  return `${lines.join('\n')}\n`;
}

const shellQuote = (s: string): string => `'${terminalSafe(s).replace(/'/g, `'\\''`)}'`;
