// `greenlight decide ID approve|deny [--comment C]`: decide a request from a terminal (approver key).
import type { Command } from './commands.js';
import { CLIENT_HELP, UsageError, parseClientArgs, resolveClient, runCli } from './client-config.js';
import { cli } from '../invocation.js';

const USAGE = `Usage: ${cli('decide')} ID approve|deny [--comment C] [--json]

Decides a pending request with an approver (or admin) key. Agent keys can never decide.
Exit codes: 0 decided; 1 error (e.g. ALREADY_DECIDED, naming who won); 2 usage.

Options:
  --comment C   a note the agent reads
  --json        print the decided request as JSON
${CLIENT_HELP}
`;

export const decideCommand: Command = {
  summary: 'approve or deny a pending request (approver key)',
  run: (args) =>
    runCli(USAGE, async () => {
      const { values, positionals } = parseClientArgs(args, { comment: { type: 'string' }, json: { type: 'boolean' } });
      if (values.help) {
        process.stdout.write(USAGE);
        return 0;
      }
      const [id, verb] = positionals;
      const outcome = verb === 'approve' ? 'approved' : verb === 'deny' ? 'denied' : null;
      if (!id || !outcome || positionals.length !== 2) throw new UsageError('Give a request id and approve or deny.');
      const client = resolveClient(values as { url?: string; key?: string });
      const r = await client.decide(id, { outcome, comment: (values.comment as string | undefined) ?? null });
      process.stdout.write(values.json ? `${JSON.stringify(r)}\n` : `${r.id} ${r.status}\n`);
      return 0;
    }),
};
