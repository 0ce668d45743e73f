// Codex (checked against the real CLI, test/hosts/codex.test.ts): its PreToolUse cannot allow a
// call outright — only deny, or allow with an `updatedInput` that rewrites it — so Greenlight says
// nothing when the gate allows (Codex's own sandbox and approval flow go on) and denies otherwise.
// When Codex's own flow then asks (PermissionRequest: an escalation, or its `rm -f` check), the
// decision made at PreToolUse in the same turn answers it (engine: asksTwice). PermissionRequest
// allows or denies; an `updatedInput` there makes Codex fail closed, so an edit is a deny naming it.
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
    if (v.kind === 'allow') {
      if (!v.updatedInput) return {};
      return { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'allow', updatedInput: v.updatedInput, ...(v.note ? { additionalContext: v.note } : {}) } };
    }
    // Codex reads an "ask" from PreToolUse as invalid output and runs the call: deny instead.
    return { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: v.reason } };
  },

  renderNothing: () => ({}),
  canEditInput: (call) => call.event === 'PreToolUse',
  asksTwice: true,
};
