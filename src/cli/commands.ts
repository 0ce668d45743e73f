// The command table: name → what it does. Each command lives in its own file.
import { auditCommand } from './audit.js';
import { grantsCommand } from './grants.js';
import { initCommand } from './init.js';
import { keysCommand } from './keys.js';
import { passwordCommand } from './password.js';
import { policyCommand } from './policy.js';
import { serveCommand } from './serve.js';
import { telegramCommand } from './telegram.js';
import { VERSION } from '../version.js';

export interface Command {
  summary: string;
  run(args: string[]): Promise<number | void>;
}

export const COMMANDS: Record<string, Command> = {
  serve: serveCommand,
  init: initCommand,
  keys: keysCommand,
  audit: auditCommand,
  policy: policyCommand,
  grants: grantsCommand,
  telegram: telegramCommand,
  password: passwordCommand,
  version: {
    summary: 'print the version',
    async run() {
      process.stdout.write(`greenlight ${VERSION}\n`);
      return 0;
    },
  },
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`);
  return `Greenlight ${VERSION}: an approval gate for AI agents.\n\nUsage: greenlight <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "greenlight <command> --help" for a command's options. Docs: docs/README.md\n`;
}
