// Codex: PermissionRequest may allow or deny (an updatedInput makes Codex fail closed, so edits
// become a deny that names the edit); PreToolUse may only deny — "no opinion" lets the call go on
// to Codex's own approval flow, and an "ask" must still stop the call.
import { objectInput, optStr, reqStr } from './payload.js';
import type { HookCall, HookVerdict, HostAdapter, ParsedHook } from './types.js';

export const codex: HostAdapter = {
  name: 'codex',

  parse(p): ParsedHook {
    const event = reqStr(p, 'hook_event_name');
    if (event === 'SessionEnd' || (event === 'SessionStart' && p.source === 'clear')) return { kind: 'session-end', session_id: reqStr(p, 'session_id'), event };
    if (event !== 'PreToolUse' && event !== 'PermissionRequest') return { kind: 'ignore', event };
    const tool = reqStr(p, 'tool_name');
    const call: HookCall = {
      host: 'codex',
      event,
      tool,
      hostTool: tool,
      input: objectInput(p.tool_input),
      hostInput: objectInput(p.tool_input),
      cwd: optStr(p, 'cwd'),
      session_id: optStr(p, 'session_id'),
      permission_mode: optStr(p, 'permission_mode'),
    };
    return { kind: 'call', call };
  },

  render(call, v: HookVerdict) {
    if (call.event === 'PermissionRequest') {
      if (v.kind === 'ask') return {};
      if (v.kind === 'deny') return { hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'deny', message: v.reason } } };
      return { hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'allow' } } };
    }
    if (v.kind === 'allow') return {};
    return { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: v.reason } };
  },

  renderNothing: () => ({}),
  canEditInput: () => false,
};
