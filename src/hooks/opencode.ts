// OpenCode: Greenlight's plugin (opencode-plugin.ts, installed by `greenlight install opencode`)
// posts each tool call from OpenCode's `tool.execute.before` plugin hook as
// {hook_event_name, session_id, call_id, tool_name, tool_input, cwd}; the answer is
// {decision: "allow" | "deny", reason, updated_input?}. The plugin throws on deny (OpenCode hands
// the message to the model) and writes an edited shell command back into the call's arguments.
// OpenCode's tool names and argument keys map to the policy's (bash → Bash, edit → Edit, ...).
import { objectInput, optStr, reqStr } from './payload.js';
import type { HookCall, HookVerdict, HostAdapter, ParsedHook } from './types.js';

function mapTool(name: string, a: Record<string, unknown>): { tool: string; input: Record<string, unknown> } {
  switch (name) {
    case 'bash':
      return { tool: 'Bash', input: { command: a.command, ...(a.description ? { description: a.description } : {}) } };
    case 'edit':
      return { tool: 'Edit', input: { file_path: a.filePath, old_string: a.oldString, new_string: a.newString, ...(a.replaceAll ? { replace_all: a.replaceAll } : {}) } };
    case 'write':
      return { tool: 'Write', input: { file_path: a.filePath, content: a.content } };
    case 'read':
      return { tool: 'Read', input: { file_path: a.filePath } };
    case 'webfetch':
      return { tool: 'WebFetch', input: { url: a.url } };
  }
  return { tool: name, input: a };
}

export const opencode: HostAdapter = {
  name: 'opencode',

  parse(p): ParsedHook {
    const event = reqStr(p, 'hook_event_name');
    if (event === 'session.deleted') return { kind: 'session-end', session_id: reqStr(p, 'session_id'), event };
    if (event !== 'tool.execute.before') return { kind: 'ignore', event };
    const hostTool = reqStr(p, 'tool_name');
    const hostInput = objectInput(p.tool_input);
    const { tool, input } = mapTool(hostTool, hostInput);
    const call: HookCall = { host: 'opencode', event, tool, hostTool, input, hostInput, cwd: optStr(p, 'cwd'), session_id: optStr(p, 'session_id'), permission_mode: null };
    return { kind: 'call', call };
  },

  render(call, v: HookVerdict) {
    if (v.kind !== 'allow') return { decision: 'deny', reason: v.reason };
    const edited = v.updatedInput && typeof v.updatedInput.command === 'string' ? { ...call.hostInput, command: v.updatedInput.command } : null;
    return { decision: 'allow', reason: v.reason, ...(edited ? { updated_input: edited } : {}), ...(v.note ? { note: v.note } : {}) };
  },

  renderNothing: () => ({}),
  // The plugin can rewrite a shell command in place; other tools' edits become a deny naming them.
  canEditInput: (call) => call.tool === 'Bash',
};
