// The command table: name → what it does. Each command lives in its own file.
import { askCommand } from './ask.js';
import { auditCommand } from './audit.js';
import { decideCommand } from './decide.js';
import { hookCommand } from './hook.js';
import { installCommand, uninstallCommand } from './install.js';
import { mcpCommand } from './mcp.js';
import { pendingCommand } from './pending.js';
import { requestCommand } from './request.js';
import { runCommand } from './run.js';
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
  run: runCommand,
  ask: askCommand,
  request: requestCommand,
  pending: pendingCommand,
  decide: decideCommand,
  mcp: mcpCommand,
  hook: hookCommand,
  install: installCommand,
  uninstall: uninstallCommand,
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
