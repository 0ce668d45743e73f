// The session runner port: how Greenlight runs an agent session of its own (Claude Code through
// the Agent SDK today; another host could plug in the same way). A runner
//   - runs one turn: starts a session, or resumes one by its id, with one prompt, in a directory;
//   - asks `authorize` before every tool call and does exactly what it answers (the caller wires
//     it to the gate: policy first, then humans) — a runner never decides a tool call itself,
//     never skips `authorize` for a tool it thinks harmless, and never widens its own permissions;
//   - reports what happens as RunnerEvents, in order, through `onEvent`;
//   - stops the turn when asked (`interrupt`) or when the signal aborts.
// It must not touch the store, the gate or a channel: the session manager (manager.ts) does that
// with what the runner reports. How failures travel: a runner does not throw for anything the
// agent or its process did — a crash, a refused start, a model error ends the turn with an
// `error` event and an outcome of `failed`; `done` rejects only for a bug in the runner itself.

/** What a turn asks of the runner. */
export interface TurnSpec {
  prompt: string;
  /** The host's session id to continue (null: a new session). */
  resume: string | null;
  cwd: string;
  additionalDirectories: string[];
  model: string | null;
  /** Run Bash inside the host's sandbox; the turn fails if the sandbox is unavailable. */
  sandbox: { enabled: boolean; allowedDomains: string[] };
  /** Environment for the agent process (already stripped of the server's secrets). */
  env: Record<string, string>;
  /** Most the session may cost from here on (USD), when the host can stop itself there. */
  maxBudgetUsd: number | null;
  /** The gate: called before every tool call; the runner does what it answers. */
  authorize(call: ToolCall): Promise<ToolVerdict>;
}

export interface ToolCall {
  tool: string;
  input: Record<string, unknown>;
  toolUseId: string | null;
  signal: AbortSignal;
}

export type ToolVerdict = { behavior: 'allow'; updatedInput: Record<string, unknown> } | { behavior: 'deny'; message: string };

export type RunnerEvent =
  /** The host's session id, as soon as it is known (a resumed turn reports the same id). */
  | { type: 'session'; externalId: string; model: string | null }
  | { type: 'text'; text: string }
  | { type: 'tool'; toolUseId: string | null; tool: string; input: Record<string, unknown> }
  | { type: 'tool_result'; toolUseId: string | null; text: string; isError: boolean }
  | { type: 'usage'; costUsd: number | null; inputTokens: number | null; outputTokens: number | null }
  | { type: 'error'; message: string };

export type TurnOutcome = 'completed' | 'stopped' | 'failed' | 'budget';

export interface RunningTurn {
  /** Stops the turn as soon as the host can; `done` then settles with `stopped`. */
  interrupt(): Promise<void>;
  done: Promise<TurnOutcome>;
}

export interface SessionRunner {
  readonly host: string;
  runTurn(spec: TurnSpec, onEvent: (event: RunnerEvent) => void): RunningTurn;
}
