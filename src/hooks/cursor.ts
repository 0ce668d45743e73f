// Cursor: beforeShellExecution ({command, cwd, conversation_id, ...}) and beforeMCPExecution
// ({tool_name, tool_input: JSON text, url | command}) in; {permission, user_message,
// agent_message} out. Cursor cannot run an edited command: an edit becomes a deny naming it.
// Cursor does not say which MCP server a tool belongs to: the policy sees mcp__cursor__<tool>.
import { HookPayloadError } from './types.js';
import { optStr, reqStr } from './payload.js';
import type { HookCall, HookVerdict, HostAdapter, ParsedHook } from './types.js';

function mcpArgs(raw: unknown): Record<string, unknown> {
  if (raw === undefined || raw === null || raw === '') return {};
  if (typeof raw === 'object' && !Array.isArray(raw)) return raw as Record<string, unknown>;
  if (typeof raw !== 'string') throw new HookPayloadError('tool_input must be JSON text or an object.');
  try {
    const v = JSON.parse(raw);
    return v && typeof v === 'object' && !Array.isArray(v) ? v : { value: v };
  } catch {
    return { raw };
  }
}

export const cursor: HostAdapter = {
  name: 'cursor',

  parse(p): ParsedHook {
    const event = reqStr(p, 'hook_event_name');
    const session = optStr(p, 'conversation_id');
    const cwd = optStr(p, 'cwd') ?? (Array.isArray(p.workspace_roots) && typeof p.workspace_roots[0] === 'string' ? p.workspace_roots[0] : null);
    if (event === 'beforeShellExecution') {
      const call: HookCall = { host: 'cursor', event, tool: 'Bash', hostTool: 'shell', input: { command: reqStr(p, 'command') }, hostInput: { command: reqStr(p, 'command') }, cwd, session_id: session, permission_mode: null };
      return { kind: 'call', call };
    }
    if (event === 'beforeMCPExecution') {
      const name = reqStr(p, 'tool_name');
      const call: HookCall = { host: 'cursor', event, tool: `mcp__cursor__${name}`, hostTool: name, input: mcpArgs(p.tool_input), hostInput: mcpArgs(p.tool_input), cwd, session_id: session, permission_mode: null };
      return { kind: 'call', call };
    }
    return { kind: 'ignore', event };
  },

  render(_call, v: HookVerdict) {
    const permission = v.kind;
    return { permission, user_message: v.reason, agent_message: v.kind === 'allow' && v.note ? v.note : v.reason };
  },

  renderNothing: () => ({}),
  canEditInput: () => false,
};
