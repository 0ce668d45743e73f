// The command table: name → what it does. Each command lives in its own file.
import { askCommand } from './ask.js';
import { auditCommand } from './audit.js';
import { decideCommand } from './decide.js';
import { hookCommand } from './hook.js';
import { installCommand, uninstallCommand } from './install.js';
import { pendingCommand } from './pending.js';
import { requestCommand } from './request.js';
import { runCommand } from './run.js';
import { grantsCommand } from './grants.js';
import { initCommand } from './init.js';
import { keysCommand } from './keys.js';
import { passwordCommand } from './password.js';
import { policyCommand } from './policy.js';
import { serveCommand } from './serve.js';
import { VERSION } from '../version.js';
import { cli } from '../invocation.js';

export interface Command {
  summary: string;
  run(args: string[]): Promise<number | void>;
}

/** A command whose module (and its heavy dependencies) loads only when it runs. */
function lazy(summary: string, load: () => Promise<Command>): Command {
  return { summary, run: async (args) => (await load()).run(args) };
}

export const COMMANDS: Record<string, Command> = {
  serve: serveCommand,
  init: initCommand,
  keys: keysCommand,
  audit: auditCommand,
  receipt: lazy('verify a signed decision receipt offline, or record a replaced signing key (verify | rotate-key)', () => import('./receipt.js').then((m) => m.receiptCommand)),
  db: lazy('migrate the database, show its status, or copy an install to another store (migrate | status | copy)', () => import('./db.js').then((m) => m.dbCommand)),
  policy: policyCommand,
  grants: grantsCommand,
  telegram: lazy('set up or delete the Telegram webhook (setup-webhook | delete-webhook)', () => import('./telegram.js').then((m) => m.telegramCommand)),
  slack: lazy('print the Slack app manifest with the scopes Greenlight needs (manifest)', () => import('./slack.js').then((m) => m.slackCommand)),
  password: passwordCommand,
  run: runCommand,
  ask: askCommand,
  request: requestCommand,
  pending: pendingCommand,
  decide: decideCommand,
  mcp: lazy('serve the MCP tools over stdio (for Claude Code, Codex, Cursor, ...)', () => import('./mcp.js').then((m) => m.mcpCommand)),
  channel: lazy("Claude Code's channel relay (MCP over stdio): permission prompts to Greenlight and back", () => import('./channel.js').then((m) => m.channelCommand)),
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
  return `Greenlight ${VERSION}: an approval gate for AI agents.\n\nUsage: ${cli('<command>')} [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "${cli('<command> --help')}" for a command's options. Docs: docs/README.md\n`;
}
