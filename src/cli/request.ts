// `greenlight request --title T [--preview P] [--wait] [--json]`: files a request (and waits).
import { TERMINAL } from '../client/client.js';
import { describeOutcome } from '../client/outcome.js';
import type { Command } from './commands.js';
import { CLIENT_HELP, UsageError, parseClientArgs, parseTimeout, resolveClient, runCli } from './client-config.js';
import { EXIT_DENIED, EXIT_TIMEOUT } from './run.js';
import { cli } from '../invocation.js';

const USAGE = `Usage: ${cli('request')} --title T [--preview P] [--type TYPE] [--wait [--timeout SEC]] [--json]

Files an approval request and prints its id and status. With --wait, blocks until it is decided.
Exit codes: 0 filed (or, with --wait, approved); 10 denied, expired or cancelled; 11 still pending
after --timeout; 1 error; 2 usage.

Options:
  --title T        what the approver reads (required)
  --preview P      the exact action (a command, a diff, a payload); "-" reads it from stdin
  --type TYPE      action_type (default: action)
  --priority P     low | normal | high | critical
  --project P      file it under a project
  --wait           wait for the decision
  --timeout SEC    with --wait: give up after SEC seconds
  --json           print the request as JSON
${CLIENT_HELP}
`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export const requestCommand: Command = {
  summary: 'file an approval request (optionally wait for the decision)',
  run: (args) =>
    runCli(USAGE, async () => {
      const { values } = parseClientArgs(args, { title: { type: 'string' }, preview: { type: 'string' }, type: { type: 'string' }, priority: { type: 'string' }, project: { type: 'string' }, wait: { type: 'boolean' }, timeout: { type: 'string' }, json: { type: 'boolean' } }, false);
      if (values.help) {
        process.stdout.write(USAGE);
        return 0;
      }
      if (!values.title) throw new UsageError('--title is required.');
      const timeoutSec = parseTimeout(values.timeout as string | undefined);
      const client = resolveClient(values as { url?: string; key?: string });
      const preview = values.preview === '-' ? await readStdin() : ((values.preview as string | undefined) ?? '');
      let r = await client.request({ title: values.title as string, preview, action_type: (values.type as string | undefined) ?? 'action', priority: values.priority as 'normal' | undefined, project: values.project as string | undefined });
      if (values.wait && !TERMINAL.has(r.status)) r = await client.waitForDecision(r.id, { timeoutSec });
      const o = describeOutcome(r);
      process.stdout.write(values.json ? `${JSON.stringify(r)}\n` : `${r.id} ${r.status}${r.status === 'pending' ? '' : ` — ${o.message}`}\n`);
      if (!values.wait && r.status === 'pending') return 0;
      if (o.pending) return EXIT_TIMEOUT;
      if (!o.ok) return r.status === 'expired' ? EXIT_TIMEOUT : EXIT_DENIED;
      return 0;
    }),
};
