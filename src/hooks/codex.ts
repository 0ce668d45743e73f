// Codex: PermissionRequest may allow or deny (an updatedInput makes Codex fail closed, so edits
// become a deny that names the edit); PreToolUse may only deny — "no opinion" lets the call go on
// to Codex's own approval flow, and an "ask" must still stop the call.
import { parseClaudeStylePayload } from './payload.js';
import type { HookVerdict, HostAdapter } from './types.js';

export const codex: HostAdapter = {
  name: 'codex',

  parse: (p) => parseClaudeStylePayload('codex', p),

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
