// Claude Code: PreToolUse and PermissionRequest in, HookJSONOutput out, exactly as
// @anthropic-ai/claude-agent-sdk types them. SessionEnd, and SessionStart after /clear, end the
// session's grants. Notification and Stop need no verdict.
import { objectInput, parseClaudeStylePayload, reqStr } from './payload.js';
import type { HookVerdict, HostAdapter } from './types.js';

/** The output shapes, mirrored from the SDK (test/hooks/sdk-types.ts checks they still assign). */
export type ClaudePreToolUseOutput = {
  hookSpecificOutput: {
    hookEventName: 'PreToolUse';
    permissionDecision: 'allow' | 'deny' | 'ask';
    permissionDecisionReason: string;
    updatedInput?: Record<string, unknown>;
    additionalContext?: string;
  };
};
export type ClaudePermissionRequestOutput = {
  systemMessage?: string;
  hookSpecificOutput?: {
    hookEventName: 'PermissionRequest';
    decision: { behavior: 'allow'; updatedInput?: Record<string, unknown> } | { behavior: 'deny'; message: string; interrupt?: boolean };
  };
};
export type ClaudeHookOutput = ClaudePreToolUseOutput | ClaudePermissionRequestOutput | Record<string, never>;

export const claudeCode: HostAdapter = {
  name: 'claude-code',

  parse(p) {
    // With the channel relay (`greenlight channel`), these say the terminal answered a relayed prompt.
    const event = p.hook_event_name;
    if (event === 'PostToolUse') return { kind: 'answered-at-terminal', session_id: reqStr(p, 'session_id'), event, tool: reqStr(p, 'tool_name'), input: objectInput(p.tool_input) };
    if (event === 'Stop') return { kind: 'answered-at-terminal', session_id: reqStr(p, 'session_id'), event, tool: null, input: null };
    return parseClaudeStylePayload('claude-code', p);
  },

  render: (call, v) => renderClaudeCode(call.event, call.event === 'PreToolUse' && call.tool === 'AskUserQuestion' ? answersAsReason(v) : v),
  renderNothing: () => ({}),
  canEditInput: () => true,
};

/**
 * AskUserQuestion "requires user interaction": Claude Code shows its own prompt even after a
 * PreToolUse allow (and print mode has none), so on PreToolUse the answers reach the model as the
 * hook's reason — the tool does not run, the model reads the answers. PermissionRequest (the
 * interactive dialog's hook) gets allow + updatedInput.answers instead.
 */
export function answersAsReason(v: HookVerdict): HookVerdict {
  const answers = v.kind === 'allow' ? (v.updatedInput?.answers as Record<string, string> | undefined) : undefined;
  if (v.kind !== 'allow' || !answers) return v;
  const lines = Object.entries(answers).map(([q, a]) => `"${q}" → ${a}`);
  return { kind: 'deny', reason: `The user answered these questions through Greenlight (${v.reason.replace(/^Greenlight: /, '')}); continue with these answers and do not ask them again:\n${lines.join('\n')}`, requestId: v.requestId };
}

/** A verdict as Claude Code's hook output for `event`. */
export function renderClaudeCode(event: string, v: HookVerdict): ClaudeHookOutput {
    if (event === 'PermissionRequest') {
      if (v.kind === 'ask') return { systemMessage: v.reason };
      if (v.kind === 'deny') return { hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'deny', message: v.reason } } };
      return {
        ...(v.note ? { systemMessage: v.note } : {}),
        hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'allow', ...(v.updatedInput ? { updatedInput: v.updatedInput } : {}) } },
      };
    }
    return {
      hookSpecificOutput: {
        hookEventName: 'PreToolUse',
        permissionDecision: v.kind,
        permissionDecisionReason: v.reason,
        ...(v.kind === 'allow' && v.updatedInput ? { updatedInput: v.updatedInput } : {}),
        ...(v.kind === 'allow' && v.note ? { additionalContext: v.note } : {}),
      },
    };
}
