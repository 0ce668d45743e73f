// Greenlight for the Vercel AI SDK v5 (`ai`): wraps a tool's execute so it asks first. A denial
// throws ApprovalDeniedError, which the SDK hands to the model as a tool error it can read.
// Types are structural: this module does not import `ai`.
import type { GreenlightClient } from './client.js';
import { TERMINAL } from './client.js';
import { describeOutcome } from './outcome.js';
import type { WireRequest } from './types.js';

export class ApprovalDeniedError extends Error {
  readonly request: WireRequest;
  constructor(message: string, request: WireRequest) {
    super(message);
    this.name = 'ApprovalDeniedError';
    this.request = request;
  }
}

export interface ToolApprovalOptions {
  /** The tool's name, shown to the approver and matched by policy rules. */
  name: string;
  /** What the approver reads (default: name(input)). */
  title?: (input: any) => string;
  timeoutSec?: number;
  project?: string;
}

type Executable = { execute?: (input: any, options: any) => any };

export function toolApproval<T extends Executable>(client: Pick<GreenlightClient, 'request' | 'waitForDecision' | 'cancel'>, tool: T, options: ToolApprovalOptions): T {
  const execute = tool.execute;
  if (!execute) throw new TypeError(`toolApproval: tool ${options.name} has no execute function to guard.`);
  return {
    ...tool,
    async execute(input: unknown, callOptions: { abortSignal?: AbortSignal }) {
      const created = await client.request({
        title: (options.title?.(input) ?? `${options.name}(${JSON.stringify(input).slice(0, 300)})`).slice(0, 500),
        action_type: 'tool_use',
        tool: options.name,
        input,
        preview: JSON.stringify(input, null, 2),
        project: options.project,
      });
      const r = TERMINAL.has(created.status) ? created : await client.waitForDecision(created.id, { timeoutSec: options.timeoutSec, signal: callOptions?.abortSignal });
      const o = describeOutcome(r);
      if (o.pending) {
        await client.cancel(r.id, 'gave up waiting').catch(() => {});
        throw new ApprovalDeniedError(`Nobody approved ${options.name} in time; it was not run.`, r);
      }
      if (!o.ok) throw new ApprovalDeniedError(o.message, r);
      const edited = r.decision?.updated_input;
      return execute(edited !== null && edited !== undefined && typeof edited === 'object' ? edited : input, callOptions);
    },
  } as T;
}
