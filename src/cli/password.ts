// `greenlight password hash`: prints the scrypt hash of a dashboard password for
// approvers[].password_hash / admins[].password_hash. The password is read from stdin (piped), or
// typed twice without echo on a terminal — never taken from the command line (shell history).
import type { Command } from './commands.js';
import { hashPassword } from '../web/password.js';
import { cli } from '../invocation.js';

const USAGE = `Usage:
  ${cli('password hash')}          type the password twice (not shown), or pipe it on stdin

Prints a line like scrypt$32768$8$1$<salt>$<hash> to put in the config file:

  approvers:
    - name: alice
      password_hash: "scrypt$32768$8$1$..."

Then sign in to the dashboard with the name and that password. Exit codes: 0 done, 1 failed,
2 usage error.
`;

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Reads one line from a terminal without echoing it. */
function readHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    stdin.setRawMode?.(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (fn: () => void) => {
      stdin.setRawMode?.(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      process.stderr.write('\n');
      fn();
    };
    const onData = (s: string) => {
      for (const ch of s) {
        if (ch === '\r' || ch === '\n') return done(() => resolve(value));
        if (ch === '\u0003' || ch === '\u0004') return done(() => reject(new Error('cancelled')));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

export const passwordCommand: Command = {
  summary: 'print the scrypt hash of a dashboard password (hash)',
  async run(args) {
    const [sub, ...rest] = args;
    if (!sub || sub === '--help' || sub === '-h' || sub === 'help') {
      (sub ? process.stdout : process.stderr).write(USAGE);
      return sub ? 0 : 2;
    }
    if (sub !== 'hash') {
      process.stderr.write(`greenlight password: unknown subcommand "${sub}"; use hash.\n\n${USAGE}`);
      return 2;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (rest.length) {
      process.stderr.write(`greenlight password hash: takes no arguments (got "${rest[0]}"); the password comes from stdin so it stays out of your shell history.\n`);
      return 2;
    }
    let password: string;
    try {
      if (process.stdin.isTTY) {
        password = await readHidden('Password: ');
        const again = await readHidden('Again: ');
        if (again !== password) {
          process.stderr.write('greenlight password hash: the two passwords differ; nothing printed.\n');
          return 1;
        }
      } else {
        password = await readStdin(process.stdin);
      }
      process.stdout.write(`${await hashPassword(password)}\n`);
      return 0;
    } catch (err) {
      process.stderr.write(`greenlight password hash: ${(err as Error).message}\n`);
      return 1;
    }
  },
};
