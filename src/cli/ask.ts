// `greenlight ask "Which region?" -o eu -o us [--free-text]`: asks a human and prints the answer.
import type { Command } from './commands.js';
import { CLIENT_HELP, UsageError, parseClientArgs, parseTimeout, resolveClient, runCli } from './client-config.js';
import { EXIT_DENIED, EXIT_TIMEOUT } from './run.js';
import { cli } from '../invocation.js';

const USAGE = `Usage: ${cli('ask')} QUESTION [-o OPTION ...] [--free-text] [--multi] [--timeout SEC] [--json]

Asks a human and prints the answer (the chosen option's label, or the typed text) on stdout.
Exit codes: 0 answered; 10 declined, expired or cancelled; 11 no answer within --timeout; 1 error; 2 usage.

Options:
  -o, --option OPTION   a choice; repeat for more
  --free-text           accept a typed answer besides the options (default when there are none)
  --multi               allow several options
  --timeout SEC         give up after SEC seconds (the question is cancelled)
  --json                print the whole result as JSON
${CLIENT_HELP}
`;

export const askCommand: Command = {
  summary: 'ask a human a question and print the answer',
  run: (args) =>
    runCli(USAGE, async () => {
      const { values, positionals } = parseClientArgs(args, { option: { type: 'string', short: 'o', multiple: true }, 'free-text': { type: 'boolean' }, multi: { type: 'boolean' }, timeout: { type: 'string' }, json: { type: 'boolean' } });
      if (values.help) {
        process.stdout.write(USAGE);
        return 0;
      }
      if (positionals.length !== 1) throw new UsageError('Give exactly one question (quote it).');
      const timeoutSec = parseTimeout(values.timeout as string | undefined);
      const client = resolveClient(values as { url?: string; key?: string });
      const options = (values.option as string[] | undefined) ?? [];
      const result = await client.ask(positionals[0]!, { options, freeText: (values['free-text'] as boolean | undefined) ?? options.length === 0, multiSelect: values.multi as boolean | undefined, timeoutSec });
      if (values.json) process.stdout.write(`${JSON.stringify({ status: result.status, answer: result.answer, keys: result.keys, request_id: result.request.id })}\n`);
      if (result.status === 'pending') {
        await client.cancel(result.request.id, 'greenlight ask gave up waiting').catch(() => {});
        process.stderr.write(`greenlight: no answer within ${timeoutSec}s.\n`);
        return EXIT_TIMEOUT;
      }
      if (result.answer === null) {
        process.stderr.write(`greenlight: the question was ${result.status} without an answer.\n`);
        return result.status === 'expired' ? EXIT_TIMEOUT : EXIT_DENIED;
      }
      if (!values.json) process.stdout.write(`${result.answer}\n`);
      return 0;
    }),
};
