// Compile-time check: Greenlight's Claude Code hook outputs are HookJSONOutput, and the payloads
// the tests send are the SDK's own input types. `tsc` fails the build if either drifts.
import type { HookJSONOutput, PermissionRequestHookInput, PreToolUseHookInput, SessionEndHookInput, SessionStartHookInput, SyncHookJSONOutput } from '@anthropic-ai/claude-agent-sdk';
import { renderClaudeCode, type ClaudeHookOutput, type ClaudePermissionRequestOutput, type ClaudePreToolUseOutput } from '../../src/hooks/claude-code.js';
import { claudePermission, claudePre } from '../hooks/helpers.js';

export const pre: ClaudePreToolUseOutput extends HookJSONOutput ? true : never = true;
export const perm: ClaudePermissionRequestOutput extends HookJSONOutput ? true : never = true;
export const any: ClaudeHookOutput extends HookJSONOutput ? true : never = true;

export const rendered: HookJSONOutput = renderClaudeCode('PreToolUse', { kind: 'deny', reason: 'x', requestId: null });
export const renderedSync: SyncHookJSONOutput = renderClaudeCode('PermissionRequest', { kind: 'allow', reason: 'x', updatedInput: { command: 'ls' }, note: null, requestId: null });

export const preInput: PreToolUseHookInput = claudePre('Bash', { command: 'ls' });
export const permInput: PermissionRequestHookInput = claudePermission('Bash', { command: 'ls' });
export const endInput: SessionEndHookInput = { session_id: 's', transcript_path: '/t', cwd: '/', hook_event_name: 'SessionEnd', reason: 'clear' };
export const startInput: SessionStartHookInput = { session_id: 's', transcript_path: '/t', cwd: '/', hook_event_name: 'SessionStart', source: 'clear' };
