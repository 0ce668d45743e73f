// Host outputs for when the gate cannot answer (unreachable, bad key, broken payload). Free of
// imports and in CommonJS, so the command hook (command-hook.cts) loads it for next to nothing.
// Fail closed: deny, or "ask" (the host's own prompt) when GREENLIGHT_ON_ERROR=ask. Never allow.

type OnError = 'deny' | 'ask';

function onErrorMode(env: Record<string, string | undefined>): OnError {
  return env.GREENLIGHT_ON_ERROR === 'ask' ? 'ask' : 'deny';
}

/**
 * The hook event a payload names, read for the failure answer even when the payload is refused
 * (JSON.parse does not recurse, so a payload nested too deep still tells its event); `unknown`.
 */
function hookEventOf(text: string): string {
  try {
    const p = JSON.parse(text) as { hook_event_name?: unknown } | null;
    return p && typeof p.hook_event_name === 'string' ? p.hook_event_name : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The host's output that blocks (or hands back to the host's prompt) with `message`. */
function failOutput(host: string, event: string, message: string, mode: OnError): unknown {
  const text = `Greenlight: ${message}`;
  switch (host) {
    case 'claude-code':
      if (event === 'PermissionRequest') {
        // No "ask" in PermissionRequest: saying nothing shows Claude Code's own dialog.
        return mode === 'ask' ? { systemMessage: text } : { hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'deny', message: text } } };
      }
      if (event === 'PreToolUse') return { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: mode, permissionDecisionReason: text } };
      return { systemMessage: text };
    case 'codex':
      if (event === 'PermissionRequest') return mode === 'ask' ? {} : { hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'deny', message: text } } };
      // Codex's PreToolUse cannot ask: an "ask" must still stop the call.
      if (event === 'PreToolUse') return { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: text } };
      return { systemMessage: text };
    case 'gemini':
      if (event === 'BeforeTool') return { decision: 'deny', reason: text, systemMessage: text };
      return { systemMessage: text };
    case 'cursor':
      return { permission: mode, user_message: text, agent_message: text };
    case 'opencode':
      // OpenCode's plugin throws on deny: the call does not run and the model reads why.
      return { decision: 'deny', reason: text };
    default:
      return { systemMessage: text };
  }
}

export = { onErrorMode, hookEventOf, failOutput };
