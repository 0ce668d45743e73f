// `permission_prompt`: the tool Claude Code calls with --permission-prompt-tool. It answers with
// JSON text: {"behavior":"allow","updatedInput":{...}} or {"behavior":"deny","message":"..."}.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { TERMINAL } from '../client/client.js';
import { describeOutcome } from '../client/outcome.js';
import { toolPreview } from '../channels/tool-preview.js';
import { text } from './result.js';
import type { McpClient } from './server.js';

const deny = (message: string) => text({ behavior: 'deny', message });

/** The title's gist of a tool call: the command for Bash, the path for file tools, else the input as JSON. */
function gistOf(toolName: string, input: Record<string, unknown>): string {
  if (typeof input.command === 'string') return input.command;
  const path = input.file_path ?? input.path ?? input.notebook_path;
  return typeof path === 'string' ? `${toolName} ${path}` : JSON.stringify(input);
}

export function registerPermissionPrompt(server: McpServer, client: McpClient, waitSec: number): void {
  server.registerTool(
    'permission_prompt',
    {
      description: 'For Claude Code --permission-prompt-tool: asks Greenlight whether a tool call may run and answers {behavior: allow|deny}.',
      inputSchema: {
        tool_name: z.string().min(1).max(200),
        input: z.record(z.string(), z.unknown()).default({}),
        tool_use_id: z.string().max(200).optional(),
      },
    },
    async (a) => {
      try {
        const created = await client.request({
          title: `${a.tool_name}: ${gistOf(a.tool_name, a.input).split('\n')[0]!.slice(0, 400)}`,
          action_type: 'tool_use',
          tool: a.tool_name,
          input: a.input,
          // The standard preview: channels show the input itself first and do not repeat this.
          preview: toolPreview(a.tool_name, a.input, null),
          metadata: a.tool_use_id ? { tool_use_id: a.tool_use_id } : null,
        });
        const r = TERMINAL.has(created.status) ? created : await client.waitForDecision(created.id, { timeoutSec: waitSec });
        if (r.status === 'pending') await client.cancel(r.id, 'permission prompt timed out').catch(() => {});
        const o = describeOutcome(r);
        if (!o.ok) return deny(r.status === 'pending' ? `Nobody approved ${a.tool_name} within ${waitSec}s; it was not run.` : o.message);
        const edited = r.decision?.updated_input;
        const updatedInput = edited && typeof edited === 'object' && !Array.isArray(edited) ? edited : a.input;
        return text({ behavior: 'allow', updatedInput });
      } catch (err) {
        return deny(`Greenlight could not be asked (${(err as Error)?.message ?? err}); failing closed.`);
      }
    },
  );
}
