// Gemini CLI: BeforeTool in ({tool_name, tool_input, mcp_context?}), {decision, reason} out.
// Gemini's tool names map to the policy's (run_shell_command → Bash, write_file → Write,
// replace → Edit, read_file → Read); an edited shell command goes back as
// hookSpecificOutput.tool_input.
import { objectInput, optStr, reqStr } from './payload.js';
import type { HookCall, HookVerdict, HostAdapter, ParsedHook } from './types.js';

function mapTool(name: string, input: Record<string, unknown>, mcp: unknown): { tool: string; input: Record<string, unknown> } {
  switch (name) {
    case 'run_shell_command':
      return { tool: 'Bash', input: { command: input.command, ...(input.description ? { description: input.description } : {}), ...(input.dir_path ?? input.directory ? { directory: input.dir_path ?? input.directory } : {}) } };
    case 'write_file':
      return { tool: 'Write', input: { file_path: input.file_path ?? input.absolute_path, content: input.content } };
    case 'replace':
      return { tool: 'Edit', input: { file_path: input.file_path ?? input.absolute_path, old_string: input.old_string, new_string: input.new_string } };
    case 'read_file':
      return { tool: 'Read', input: { file_path: input.file_path ?? input.absolute_path } };
    case 'web_fetch':
      return { tool: 'WebFetch', input: { url: input.url ?? input.prompt, prompt: input.prompt } };
  }
  const ctx = mcp && typeof mcp === 'object' ? (mcp as { server_name?: unknown; tool_name?: unknown }) : null;
  if (ctx && typeof ctx.server_name === 'string' && typeof ctx.tool_name === 'string') return { tool: `mcp__${ctx.server_name}__${ctx.tool_name}`, input };
  return { tool: name, input };
}

export const gemini: HostAdapter = {
  name: 'gemini',

  parse(p): ParsedHook {
    const event = reqStr(p, 'hook_event_name');
    const trigger = p.source ?? p.reason ?? p.trigger;
    if (event === 'SessionEnd' || (event === 'SessionStart' && trigger === 'clear')) return { kind: 'session-end', session_id: reqStr(p, 'session_id'), event };
    if (event !== 'BeforeTool') return { kind: 'ignore', event };
    const hostTool = reqStr(p, 'tool_name');
    const hostInput = objectInput(p.tool_input);
    const { tool, input } = mapTool(hostTool, hostInput, p.mcp_context);
    const call: HookCall = { host: 'gemini', event, tool, hostTool, input, hostInput, cwd: optStr(p, 'cwd'), session_id: optStr(p, 'session_id'), permission_mode: null };
    return { kind: 'call', call };
  },

  render(call, v: HookVerdict) {
    if (v.kind !== 'allow') return { decision: 'deny', reason: v.reason };
    const edited = v.updatedInput && typeof v.updatedInput.command === 'string' ? { tool_input: { ...call.hostInput, command: v.updatedInput.command } } : null;
    return {
      decision: 'allow',
      reason: v.reason,
      ...(edited || v.note ? { hookSpecificOutput: { hookEventName: 'BeforeTool', ...(edited ?? {}), ...(v.note ? { additionalContext: v.note } : {}) } } : {}),
    };
  },

  renderNothing: () => ({}),
  // Only a shell command can be handed back as it is edited.
  canEditInput: (call) => call.tool === 'Bash',
};
