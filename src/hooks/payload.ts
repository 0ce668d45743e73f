// Small readers for hook payloads: refuse what the host would never send, with a clear message.
import { HookPayloadError, type HookCall, type ParsedHook } from './types.js';

export const optStr = (p: Record<string, unknown>, k: string): string | null => {
  const v = p[k];
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string') throw new HookPayloadError(`${k} must be a string.`);
  return v;
};

export const reqStr = (p: Record<string, unknown>, k: string): string => {
  const v = optStr(p, k);
  if (v === null) throw new HookPayloadError(`${k} is missing from the hook payload.`);
  return v;
};

export function objectInput(v: unknown, k = 'tool_input'): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new HookPayloadError(`${k} must be a JSON object.`);
  return v as Record<string, unknown>;
}

/**
 * Claude Code's hook payload shape, which Codex shares: session ends (SessionEnd, SessionStart
 * with source "clear"), tool calls (PreToolUse, PermissionRequest), everything else ignored.
 */
export function parseClaudeStylePayload(host: HookCall['host'], p: Record<string, unknown>): ParsedHook {
  const event = reqStr(p, 'hook_event_name');
  if (event === 'SessionEnd' || (event === 'SessionStart' && p.source === 'clear')) return { kind: 'session-end', session_id: reqStr(p, 'session_id'), event };
  if (event !== 'PreToolUse' && event !== 'PermissionRequest') return { kind: 'ignore', event };
  const tool = reqStr(p, 'tool_name');
  const input = objectInput(p.tool_input);
  return {
    kind: 'call',
    call: { host, event, tool, hostTool: tool, input, hostInput: input, cwd: optStr(p, 'cwd'), session_id: optStr(p, 'session_id'), permission_mode: optStr(p, 'permission_mode'), turn_id: optStr(p, 'turn_id') },
  };
}
