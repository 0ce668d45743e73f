// The command table: name → what it does. Each command lives in its own file and loads when it
// runs (its summary is repeated here for `help`), so `serve` carries no other command's modules
// (docs/benchmarks.md: idle memory).
import { serveCommand } from './serve.js';
import { VERSION } from '../version.js';
import { cli } from '../invocation.js';

export interface Command {
  summary: string;
  run(args: string[]): Promise<number | void>;
}

/** A command whose module (and its dependencies) loads only when it runs. */
function lazy(summary: string, load: () => Promise<Command>): Command {
  return { summary, run: async (args) => (await load()).run(args) };
}

export const COMMANDS: Record<string, Command> = {
  serve: serveCommand,
  init: lazy('write a commented greenlight.yaml with fresh keys', () => import('./init.js').then((m) => m.initCommand)),
  keys: lazy('create, list and revoke API keys (create | list | revoke)', () => import('./keys.js').then((m) => m.keysCommand)),
  audit: lazy('verify the audit hash chain (or an export), tail or export the audit log (verify | tail | export)', () => import('./audit.js').then((m) => m.auditCommand)),
  receipt: lazy('verify a signed decision receipt offline, or record a replaced signing key (verify | rotate-key)', () => import('./receipt.js').then((m) => m.receiptCommand)),
  db: lazy('migrate the database, show its status, or copy an install to another store (migrate | status | copy)', () => import('./db.js').then((m) => m.dbCommand)),
  policy: lazy('dry-run the policy on an action (test); rules worth adding (suggest)', () => import('./policy.js').then((m) => m.policyCommand)),
  grants: lazy('list, add and revoke stored policy grants (list | add | revoke)', () => import('./grants.js').then((m) => m.grantsCommand)),
  telegram: lazy('set up or delete the Telegram webhook (setup-webhook | delete-webhook)', () => import('./telegram.js').then((m) => m.telegramCommand)),
  slack: lazy('print the Slack app manifest with the scopes Greenlight needs (manifest)', () => import('./slack.js').then((m) => m.slackCommand)),
  password: lazy('print the scrypt hash of a dashboard password (hash)', () => import('./password.js').then((m) => m.passwordCommand)),
  run: lazy('ask, then run a command only if approved (run -- CMD ...)', () => import('./run.js').then((m) => m.runCommand)),
  ask: lazy('ask a human a question and print the answer', () => import('./ask.js').then((m) => m.askCommand)),
  request: lazy('file an approval request (optionally wait for the decision)', () => import('./request.js').then((m) => m.requestCommand)),
  pending: lazy('list requests waiting for a decision', () => import('./pending.js').then((m) => m.pendingCommand)),
  decide: lazy('approve or deny a pending request (approver key)', () => import('./decide.js').then((m) => m.decideCommand)),
  mcp: lazy('serve the MCP tools over stdio (for Claude Code, Codex, Cursor, ...)', () => import('./mcp.js').then((m) => m.mcpCommand)),
  channel: lazy("Claude Code's channel relay (MCP over stdio): permission prompts to Greenlight and back", () => import('./channel.js').then((m) => m.channelCommand)),
  hook: lazy('run as an agent host hook (claude-code, codex, gemini, cursor): stdin payload → gate → hook output', () => import('./hook.js').then((m) => m.hookCommand)),
  install: lazy('add Greenlight hooks to an agent host (claude-code, codex, gemini, cursor, opencode)', () => import('./install.js').then((m) => m.installCommand)),
  uninstall: lazy('remove only Greenlight hooks from an agent host', () => import('./install.js').then((m) => m.uninstallCommand)),
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
