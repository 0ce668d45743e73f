// What every host adapter turns its hook payload into, and what the engine answers.
import type { DecisionReceipt } from '../core/types.js';

export const HOSTS = ['claude-code', 'codex', 'gemini', 'cursor', 'opencode'] as const;
export type HostName = (typeof HOSTS)[number];

export const HOST_LABELS: Record<HostName, string> = {
  'claude-code': 'Claude Code',
  codex: 'Codex',
  gemini: 'Gemini CLI',
  cursor: 'Cursor',
  opencode: 'OpenCode',
};

/** One tool call a host asks about, in host-neutral terms. */
export interface HookCall {
  host: HostName;
  /** The host's event name (PreToolUse, PermissionRequest, BeforeTool, beforeShellExecution, ...). */
  event: string;
  /** Tool name as the policy knows it (host names are mapped: run_shell_command → Bash). */
  tool: string;
  /** The host's own tool name, when it differs from `tool`. */
  hostTool: string;
  input: Record<string, unknown>;
  /** The input as the host sent it (before tool-name mapping). */
  hostInput: Record<string, unknown>;
  cwd: string | null;
  /**
   * The machine the agent runs on (its hostname): the command hook sends it (?hostname=); a host's
   * own "http" hook cannot, so it stays null there, and a grant limited to a host never fits.
   */
  machine?: string | null;
  session_id: string | null;
  permission_mode: string | null;
  /** Codex: the turn the call belongs to (its PreToolUse and PermissionRequest share it). */
  turn_id?: string | null;
}

/** What a payload asks for: a tool call to gate, a session that ended, or nothing to do. */
export type ParsedHook =
  | { kind: 'call'; call: HookCall }
  | { kind: 'session-end'; session_id: string; event: string }
  /** The agent's own prompt was answered (PostToolUse: the call ran; Stop: the turn is over). */
  | { kind: 'answered-at-terminal'; session_id: string; event: string; tool: string | null; input: Record<string, unknown> | null }
  | { kind: 'ignore'; event: string };

export type HookVerdict =
  | {
      kind: 'allow';
      reason: string;
      /** The input as the approver edited it or answered it; null: run as asked. */
      updatedInput: Record<string, unknown> | null;
      /** Text the model should read (approver's note, conditions). */
      note: string | null;
      requestId: string | null;
      /** The signed receipt of the decision; the action allowed hashes to it. */
      receipt?: DecisionReceipt;
    }
  | { kind: 'deny'; reason: string; requestId: string | null }
  /** No verdict: let the host's own permission flow decide (only where safe, see docs/hooks.md). */
  | { kind: 'ask'; reason: string; requestId: string | null };

export interface HostAdapter {
  name: HostName;
  parse(payload: Record<string, unknown>): ParsedHook;
  /** The host's JSON output for a verdict on a call. */
  render(call: HookCall, verdict: HookVerdict): unknown;
  /** The host's JSON output for an event that needs no verdict. */
  renderNothing(event: string): unknown;
  /** Whether the host can run an edited input (else an edit becomes a deny that names the edit). */
  canEditInput(call: HookCall): boolean;
  /**
   * The host asks again with PermissionRequest after a PreToolUse that let the call through
   * (Codex: its PreToolUse cannot allow, only stay silent): the answer given there stands.
   */
  asksTwice?: boolean;
}

/** Thrown by adapters for payloads that are not what the host sends. */
export class HookPayloadError extends Error {
  readonly code = 'HOOK_PAYLOAD_INVALID';
}
