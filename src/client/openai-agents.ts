// Greenlight for the OpenAI Agents SDK (@openai/agents): a `needsApproval` function for tools that
// asks Greenlight (the policy answers at once where it can), and `resolve(result)` that settles the
// run's interruptions with the human decisions, so the run can resume with `run(agent, result.state)`.
// Types are structural: this module does not import @openai/agents.
import type { GreenlightClient } from './client.js';
import { TERMINAL } from './client.js';
import { describeOutcome } from './outcome.js';
import type { WireRequest } from './types.js';

interface ApprovalItem {
  rawItem: { callId?: string; name?: string; arguments?: string };
  name?: string;
  arguments?: string;
}

interface InterruptedResult {
  interruptions?: ApprovalItem[];
  state: { approve(item: any, options?: { alwaysApprove?: boolean }): void; reject(item: any, options?: { alwaysReject?: boolean; message?: string }): void };
}

export interface OpenAIAgentsApprovalOptions {
  /** Seconds to wait for a human per tool call (default: until the request expires). */
  timeoutSec?: number;
  project?: string;
  session_id?: string;
}

export function openaiAgentsApprovals(client: Pick<GreenlightClient, 'request' | 'waitForDecision' | 'cancel'>, options: OpenAIAgentsApprovalOptions = {}) {
  const byCall = new Map<string, WireRequest>();

  const ask = (toolName: string, input: unknown) =>
    client.request({
      title: `${toolName}(${JSON.stringify(input).slice(0, 300)})`,
      action_type: 'tool_use',
      tool: toolName,
      input,
      preview: JSON.stringify(input, null, 2),
      project: options.project,
      session_id: options.session_id,
    });

  return {
    /** A tool's `needsApproval`: false when Greenlight's policy approved the call, true when a human must decide (or the policy denied). */
    needsApproval(toolName: string) {
      return async (_ctx: unknown, input: unknown, callId?: string): Promise<boolean> => {
        const r = await ask(toolName, input);
        if (callId) byCall.set(callId, r);
        return !(r.status === 'approved' || r.status === 'conditional');
      };
    },

    /** Waits for Greenlight's decision on every interruption and approves or rejects it in the run state. */
    async resolve(result: InterruptedResult): Promise<WireRequest[]> {
      const decided: WireRequest[] = [];
      for (const item of result.interruptions ?? []) {
        const callId = item.rawItem.callId;
        const name = item.name ?? item.rawItem.name ?? 'tool';
        let r = (callId && byCall.get(callId)) || (await ask(name, safeJson(item.arguments ?? item.rawItem.arguments)));
        if (!TERMINAL.has(r.status)) r = await client.waitForDecision(r.id, { timeoutSec: options.timeoutSec });
        if (r.status === 'pending') await client.cancel(r.id, 'gave up waiting').catch(() => {});
        if (callId) byCall.delete(callId);
        const o = describeOutcome(r);
        if (o.ok) result.state.approve(item);
        else result.state.reject(item, { message: o.pending ? `Nobody approved ${name} in time; it was not run.` : o.message });
        decided.push(r);
      }
      return decided;
    },
  };
}

function safeJson(s: string | undefined): unknown {
  try {
    return s ? JSON.parse(s) : {};
  } catch {
    return s;
  }
}
