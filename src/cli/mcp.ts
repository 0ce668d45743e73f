// `greenlight mcp`: the MCP server over stdio, for Claude Code, Codex, Cursor and other MCP clients.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { executeApprovedFrom } from '../mcp/config.js';
import { createMcpServer } from '../mcp/server.js';
import { guardStdin } from '../mcp/stdio-guard.js';
import type { Command } from './commands.js';
import { CLIENT_HELP, parseClientArgs, resolveClient, runCli } from './client-config.js';
import { binCommand, cli } from '../invocation.js';

const USAGE = `Usage: ${cli('mcp')} [--url URL] [--key KEY] [--config FILE]

Serves Greenlight's MCP tools over stdio (request_approval, wait_for_approval, ask_user,
check_request, cancel_request, permission_prompt; execute_approved when mcp.execute_approved is
enabled in the config file). Example for Claude Code:

  claude mcp add greenlight -e GREENLIGHT_URL=http://127.0.0.1:8787 -e GREENLIGHT_KEY=... -- ${binCommand('mcp')}

Options:
${CLIENT_HELP}
  --config FILE   read mcp.execute_approved from this YAML file (env GREENLIGHT_CONFIG)
`;

export const mcpCommand: Command = {
  summary: 'serve the MCP tools over stdio (for Claude Code, Codex, Cursor, ...)',
  run: (args) =>
    runCli(USAGE, async () => {
      const { values } = parseClientArgs(args, { config: { type: 'string', short: 'c' } }, false);
      if (values.help) {
        process.stdout.write(USAGE);
        return 0;
      }
      const client = resolveClient(values as { url?: string; key?: string });
      const file = (values.config as string | undefined) ?? process.env.GREENLIGHT_CONFIG;
      const executeApproved = file ? executeApprovedFrom(parseYaml(readFileSync(file, 'utf8'))) : null;
      const server = createMcpServer(client, { executeApproved });
      // Messages nested past MAX_JSON_DEPTH are answered with a parse error before the SDK reads them.
      const transport = new StdioServerTransport(guardStdin(process.stdin, (line) => process.stdout.write(line)), process.stdout);
      await server.connect(transport);
      await new Promise<void>((resolve) => {
        transport.onclose = () => resolve();
        process.stdin.once('end', () => resolve());
      });
      await server.close().catch(() => {});
      return 0;
    }),
};
