// `greenlight channel`: the channel relay for Claude Code over stdio (src/mcp/channel.ts). Claude
// Code starts it as an MCP server and passes CLAUDE_CODE_SESSION_ID and CLAUDE_PROJECT_DIR; the
// gate is GREENLIGHT_URL with GREENLIGHT_KEY (an agent key), as for every agent-side command.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createChannelServer } from '../mcp/channel.js';
import { guardStdin } from '../mcp/stdio-guard.js';
import { cli } from '../invocation.js';
import type { Command } from './commands.js';
import { CLIENT_HELP, parseClientArgs, resolveClient, runCli } from './client-config.js';

const usage = () => `Usage: ${cli('channel [--url URL] [--key KEY]')}

Claude Code's channel relay: an MCP server (stdio) declaring claude/channel/permission. Claude Code
relays each permission prompt to it while its own dialog stays open; Greenlight files the prompt
as a request and answers allow or deny as soon as someone decides on any channel. If the terminal
answers first, the request is closed as answered at the terminal (needs Greenlight's PostToolUse
and Stop hooks). Install it with: ${cli('install claude-code --channel')}. Docs: docs/hooks.md

Options:
${CLIENT_HELP}
`;

export const channelCommand: Command = {
  summary: "Claude Code's channel relay (MCP over stdio): permission prompts to Greenlight and back",
  run: (args) =>
    runCli(usage(), async () => {
      const { values } = parseClientArgs(args, {}, false);
      if (values.help) {
        process.stdout.write(usage());
        return 0;
      }
      const client = resolveClient(values as { url?: string; key?: string });
      const relay = createChannelServer(client, {
        sessionId: process.env.CLAUDE_CODE_SESSION_ID ?? null,
        cwd: process.env.CLAUDE_PROJECT_DIR ?? null,
        log: (line) => process.stderr.write(`${line}\n`),
      });
      // Messages nested past MAX_JSON_DEPTH are answered with a parse error before the SDK reads them.
      const transport = new StdioServerTransport(guardStdin(process.stdin, (line) => process.stdout.write(line)), process.stdout);
      await relay.server.connect(transport);
      await new Promise<void>((resolve) => {
        transport.onclose = () => resolve();
        process.stdin.once('end', () => resolve());
      });
      await relay.close();
      await relay.server.close().catch(() => {});
      return 0;
    }),
};
