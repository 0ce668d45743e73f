// The session runner for Claude Code, through @anthropic-ai/claude-agent-sdk's query(): one
// query() per turn, resumed by Claude Code's session id. The SDK (and the Claude Code binary it
// ships) is imported only when the first turn starts, so a server without contexts never loads it.
//
// Every tool call reaches `authorize`: Claude Code itself lets some calls through without asking
// (read-only commands, reads inside the directory), so an in-process PreToolUse hook answers
// "ask" for every call, which sends each one to canUseTool — and canUseTool is the gate. Nothing
// from the directory's own .claude/settings*.json is loaded (settingSources: []): a project's
// hooks and allow rules are files the agent could edit, so they must not widen what it may do.
import type { CanUseTool, HookCallback, Options, SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import type { RunnerEvent, RunningTurn, SessionRunner, TurnOutcome, TurnSpec } from './runner.js';

type Sdk = typeof import('@anthropic-ai/claude-agent-sdk');
let loading: Promise<Sdk> | null = null;
const loadSdk = (): Promise<Sdk> => (loading ??= import('@anthropic-ai/claude-agent-sdk'));

/** Forces every tool call through canUseTool (see the opening comment). */
const everyCallAsks: HookCallback = async () => ({
  hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'ask', permissionDecisionReason: 'Greenlight decides every tool call' },
});

const STDERR_KEEP = 4000;

function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((c) => (c && typeof c === 'object' && typeof (c as { text?: unknown }).text === 'string' ? (c as { text: string }).text : '')).join('');
  return '';
}

/** What one SDK message means for the session, as runner events. */
export function eventsOf(m: SDKMessage): RunnerEvent[] {
  if (m.type === 'system' && m.subtype === 'init') return [{ type: 'session', externalId: m.session_id, model: m.model ?? null }];
  if (m.type === 'assistant' && m.parent_tool_use_id === null) {
    const out: RunnerEvent[] = [];
    for (const b of m.message.content) {
      if (b.type === 'text' && b.text) out.push({ type: 'text', text: b.text });
      else if (b.type === 'tool_use') out.push({ type: 'tool', toolUseId: b.id, tool: b.name, input: (b.input ?? {}) as Record<string, unknown> });
    }
    return out;
  }
  if (m.type === 'user' && m.parent_tool_use_id === null && Array.isArray(m.message.content)) {
    return m.message.content.flatMap((b): RunnerEvent[] => (b.type === 'tool_result' ? [{ type: 'tool_result', toolUseId: b.tool_use_id, text: resultText(b.content), isError: b.is_error === true }] : []));
  }
  if (m.type === 'result') {
    const usage = { type: 'usage' as const, costUsd: m.total_cost_usd ?? null, inputTokens: m.usage?.input_tokens ?? null, outputTokens: m.usage?.output_tokens ?? null };
    if (m.subtype === 'success') return [usage];
    const errors = 'errors' in m && Array.isArray(m.errors) ? m.errors.join('; ') : '';
    return [usage, ...(m.subtype === 'error_during_execution' ? [] : [{ type: 'error' as const, message: `Claude Code stopped: ${m.subtype}${errors ? ` (${errors})` : ''}` }])];
  }
  return [];
}

export interface ClaudeRunnerOptions {
  /** Claude Code's executable (null: the binary the SDK ships). */
  executable: string | null;
}

export function createClaudeRunner(options: ClaudeRunnerOptions): SessionRunner {
  return {
    host: 'claude-code',
    runTurn(spec, onEvent) {
      const abort = new AbortController();
      let stopping = false;
      let query: { interrupt(): Promise<unknown> } | null = null;
      const canUseTool: CanUseTool = async (tool, input, o) => spec.authorize({ tool, input, toolUseId: o.toolUseID ?? null, signal: o.signal });
      const done = (async (): Promise<TurnOutcome> => {
        let stderr = '';
        let outcome: TurnOutcome | null = null;
        try {
          const sdk = await loadSdk();
          const opts: Options = {
            cwd: spec.cwd,
            additionalDirectories: spec.additionalDirectories,
            ...(spec.model ? { model: spec.model } : {}),
            ...(spec.resume ? { resume: spec.resume } : {}),
            ...(spec.maxBudgetUsd !== null ? { maxBudgetUsd: spec.maxBudgetUsd } : {}),
            ...(options.executable ? { pathToClaudeCodeExecutable: options.executable } : {}),
            env: spec.env,
            permissionMode: 'default',
            settingSources: [],
            abortController: abort,
            hooks: { PreToolUse: [{ hooks: [everyCallAsks] }] },
            canUseTool,
            stderr: (d) => (stderr = (stderr + d).slice(-STDERR_KEEP)),
            ...(spec.sandbox.enabled
              ? { sandbox: { enabled: true, failIfUnavailable: true, autoAllowBashIfSandboxed: false, allowUnsandboxedCommands: false, network: { allowedDomains: spec.sandbox.allowedDomains } } }
              : {}),
          };
          const q = sdk.query({ prompt: spec.prompt, options: opts });
          query = q;
          if (stopping) await q.interrupt().catch(() => undefined);
          for await (const m of q) {
            for (const e of eventsOf(m)) onEvent(e);
            if (m.type === 'result') outcome = m.subtype === 'success' ? 'completed' : m.subtype === 'error_max_budget_usd' ? 'budget' : stopping ? 'stopped' : 'failed';
          }
        } catch (err) {
          // After an interrupt the SDK ends the stream with an error result: that is the stop.
          if (stopping) return 'stopped';
          if (outcome) return outcome;
          const why = err instanceof Error ? err.message : String(err);
          onEvent({ type: 'error', message: `Claude Code failed: ${why.slice(0, 500)}${stderr ? `\n${stderr.trim().split('\n').slice(-5).join('\n')}` : ''}` });
          return 'failed';
        }
        return stopping ? 'stopped' : (outcome ?? 'failed');
      })();
      return {
        done,
        async interrupt() {
          if (stopping) return;
          stopping = true;
          if (!query) return;
          // Claude Code ends the turn cleanly; if it does not within a few seconds, the process goes.
          const timer = setTimeout(() => abort.abort(), 5000);
          await query.interrupt().catch(() => abort.abort());
          await done.catch(() => undefined);
          clearTimeout(timer);
        },
      };
    },
  };
}
