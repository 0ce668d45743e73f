// `greenlight run -- CMD ARGS...`: asks (policy first, then a human), runs the command only if
// approved — the edited command if the approver edited it — and exits with its exit code.
import { spawn } from 'node:child_process';
import { TERMINAL } from '../client/client.js';
import { describeOutcome } from '../client/outcome.js';
import type { WireRequest } from '../client/types.js';
import type { Command } from './commands.js';
import { CLIENT_HELP, UsageError, parseClientArgs, parseTimeout, resolveClient, runCli } from './client-config.js';
import { cli } from '../invocation.js';

export const EXIT_DENIED = 10;
export const EXIT_TIMEOUT = 11;

const USAGE = `Usage: ${cli('run')} [--title T] [--timeout SEC] [--project P] -- CMD [ARGS...]

Asks Greenlight before running CMD. Runs it only when approved; if the approver edited the
command, the edited command runs (through /bin/sh -c). Prints the decision on stderr.

Exit codes: the command's own exit code when it ran; 10 denied, expired or cancelled;
11 no decision within --timeout (the request is cancelled); 1 Greenlight error; 2 usage error.

Options:
  --title T       what the approver reads (default: the command)
  --timeout SEC   give up waiting after SEC seconds (default: until the request expires)
  --project P     file the request under a project
${CLIENT_HELP}
`;

/** Quotes argv for display and for /bin/sh. */
export function shellJoin(argv: string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** What to execute: the original argv, or the approver's edit (a string, or {command}). */
export function commandToRun(r: WireRequest, argv: string[]): { argv: string[]; shell: boolean } {
  const edited = r.decision?.updated_input;
  const text = typeof edited === 'string' ? edited : edited && typeof edited === 'object' && typeof (edited as { command?: unknown }).command === 'string' ? (edited as { command: string }).command : null;
  if (text !== null && text !== shellJoin(argv)) return { argv: ['/bin/sh', '-c', text], shell: true };
  return { argv, shell: false };
}

export const runCommand: Command = {
  summary: 'ask, then run a command only if approved (run -- CMD ...)',
  run: (args) =>
    runCli(USAGE, async () => {
      const { values, positionals } = parseClientArgs(args, { title: { type: 'string' }, timeout: { type: 'string' }, project: { type: 'string' } });
      if (values.help) {
        process.stdout.write(USAGE);
        return 0;
      }
      if (positionals.length === 0) throw new UsageError(`Give the command after --, e.g. ${cli('run -- npm publish')}`);
      const timeoutSec = parseTimeout(values.timeout as string | undefined);
      const client = resolveClient(values as { url?: string; key?: string });
      const command = shellJoin(positionals);
      const created = await client.request({
        title: ((values.title as string | undefined) ?? `Run: ${command}`).slice(0, 500),
        action_type: 'bash_command',
        tool: 'Bash',
        input: { command, cwd: process.cwd() },
        preview: command,
        cwd: process.cwd(),
        project: values.project as string | undefined,
      });
      if (!TERMINAL.has(created.status)) process.stderr.write(`greenlight: waiting for approval of request ${created.id}...\n`);
      const r = TERMINAL.has(created.status) ? created : await client.waitForDecision(created.id, { timeoutSec });
      const outcome = describeOutcome(r);
      if (outcome.pending) {
        await client.cancel(r.id, 'greenlight run gave up waiting').catch(() => {});
        process.stderr.write(`greenlight: no decision within ${timeoutSec}s; request ${r.id} cancelled, command not run.\n`);
        return EXIT_TIMEOUT;
      }
      if (r.status !== 'approved' && r.status !== 'conditional') {
        process.stderr.write(`greenlight: ${outcome.message}\n`);
        return r.status === 'expired' ? EXIT_TIMEOUT : EXIT_DENIED;
      }
      process.stderr.write(`greenlight: ${outcome.message}\n`);
      const run = commandToRun(r, positionals);
      return await new Promise<number>((resolve) => {
        const child = spawn(run.argv[0]!, run.argv.slice(1), { stdio: 'inherit' });
        child.on('error', (e) => {
          process.stderr.write(`greenlight: could not start ${run.argv[0]}: ${e.message}\n`);
          resolve(127);
        });
        child.on('close', (code, signal) => resolve(code ?? (signal ? 128 + 9 : 1)));
      });
    }),
};
