// A context session's tool call → the gate, through the hooks engine exactly as a hooked Claude
// Code's PermissionRequest would go (policy first, then humans; AskUserQuestion answered from any
// channel), and the verdict back as the SDK's PermissionResult — the hook's own rendering of it.
import type { Gate } from '../core/gate.js';
import type { Principal } from '../core/types.js';
import { renderClaudeCode, type ClaudePermissionRequestOutput } from '../hooks/claude-code.js';
import { decideCall } from '../hooks/engine.js';
import type { HookCall } from '../hooks/types.js';
import { contextAgent } from '../config/contexts.js';
import type { ContextConfig } from '../config/schema.js';
import type { ToolCall, ToolVerdict } from './runner.js';


export function contextPrincipal(context: ContextConfig): Principal {
  return { keyId: contextAgent(context.name), role: 'agent', name: contextAgent(context.name), projects: context.project ? [context.project] : [] };
}

export interface ToolGateOptions {
  gate: Gate;
  context: ContextConfig;
  /** Claude Code's session id once known (grants "for this session" are tied to it). */
  sessionId: () => string | null;
  /** How long one wait on the gate blocks before waiting again (the request's expiry ends it). */
  waitSec: number;
}

export async function authorizeTool(o: ToolGateOptions, call: ToolCall): Promise<ToolVerdict> {
  const hookCall: HookCall = {
    host: 'claude-code',
    event: 'PermissionRequest',
    tool: call.tool,
    hostTool: call.tool,
    input: call.input,
    hostInput: call.input,
    cwd: o.context.directory,
    session_id: o.sessionId(),
    permission_mode: 'default',
  };
  const verdict = await decideCall(o.gate, contextPrincipal(o.context), hookCall, { waitSec: o.waitSec, signal: call.signal, canEditInput: true, untilSettled: true });
  const out = renderClaudeCode('PermissionRequest', verdict) as ClaudePermissionRequestOutput;
  const decision = out.hookSpecificOutput?.decision;
  if (decision?.behavior === 'allow') return { behavior: 'allow', updatedInput: decision.updatedInput ?? call.input };
  if (decision?.behavior === 'deny') return { behavior: 'deny', message: decision.message };
  // "ask" (the policy let a question through unanswered): nobody else is there to answer it.
  return { behavior: 'deny', message: `${verdict.reason} — no one answered it in Greenlight, so it was not run.` };
}
