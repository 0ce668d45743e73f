// `greenlight pending`: the requests waiting for a decision, for approvers in a terminal.
import type { Command } from './commands.js';
import { CLIENT_HELP, parseClientArgs, resolveClient, runCli } from './client-config.js';
import { cli } from '../invocation.js';

const USAGE = `Usage: ${cli('pending')} [--json] [--limit N]

Lists pending requests (approver or admin key; an agent key sees only its own).

Options:
  --json      print JSON
  --limit N   at most N requests (default 100)
${CLIENT_HELP}
`;

const oneLine = (s: string, max: number) => {
  const t = s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

export const pendingCommand: Command = {
  summary: 'list requests waiting for a decision',
  run: (args) =>
    runCli(USAGE, async () => {
      const { values } = parseClientArgs(args, { json: { type: 'boolean' }, limit: { type: 'string' } }, false);
      if (values.help) {
        process.stdout.write(USAGE);
        return 0;
      }
      const client = resolveClient(values as { url?: string; key?: string });
      const page = await client.pending({ limit: values.limit ? Number(values.limit) : 100 });
      if (values.json) {
        process.stdout.write(`${JSON.stringify(page.items)}\n`);
        return 0;
      }
      if (page.items.length === 0) process.stdout.write('No pending requests.\n');
      for (const r of page.items) {
        process.stdout.write(`${r.id}  ${r.priority.padEnd(8)} ${oneLine(r.agent, 20).padEnd(20)} ${oneLine(r.title, 80)}\n`);
        if (r.preview) process.stdout.write(`    ${oneLine(r.preview, 120)}\n`);
      }
      return 0;
    }),
};
