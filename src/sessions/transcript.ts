// What a runner event becomes in a session's transcript: the assistant's text, one line per tool
// call (the same summary the approval cards lead with), a tool's output, an error. Agent text is
// stored as it came; every channel makes invisible characters visible and escapes it when shown.
import { actionAsItRuns, actionSummary } from '../channels/action.js';
import type { SessionEventInput } from '../store/store.js';
import type { RunnerEvent } from './runner.js';

const RESULT_KEEP = 4000;

/** One line for a tool call: `Bash: npm test`, `Edit src/a.ts`, ... */
export function toolLine(tool: string, input: Record<string, unknown>): string {
  const summary = actionSummary(actionAsItRuns({ tool, input, preview: '', action_type: 'tool_call', cwd: null }), 200);
  return summary.startsWith(tool) ? summary : `${tool}: ${summary}`;
}

export function eventFromRunner(e: RunnerEvent, at: number): SessionEventInput | null {
  switch (e.type) {
    case 'text':
      return { at, kind: 'text', text: e.text, data: null };
    case 'tool':
      return { at, kind: 'tool', text: toolLine(e.tool, e.input), data: { tool: e.tool, tool_use_id: e.toolUseId } };
    case 'tool_result': {
      const text = e.text.length > RESULT_KEEP ? `${e.text.slice(0, RESULT_KEEP)}\n… [output cut: ${e.text.length} characters]` : e.text;
      return { at, kind: 'tool_result', text, data: { tool_use_id: e.toolUseId, is_error: e.isError } };
    }
    case 'error':
      return { at, kind: 'error', text: e.message, data: null };
    default:
      return null;
  }
}

/** What a turn that Greenlight itself cut off says: at a shutdown (by the instance running it), or found later (its instance is gone). */
export const CUT_OFF = {
  shutdown: 'The turn was cut off: Greenlight shut down while it ran. Resume to continue the session.',
  found: 'The turn was cut off: the Greenlight instance running it stopped (a restart or a crash). Resume to continue the session.',
} as const;

export function turnEndText(outcome: string, maxTurnSec: number): string {
  switch (outcome) {
    case 'completed':
      return 'Finished.';
    case 'stopped':
      return 'Stopped: the turn was interrupted.';
    case 'timed_out':
      return `Stopped: the turn ran longer than ${maxTurnSec} s (sessions.max_turn_sec).`;
    case 'budget':
      return 'Stopped: the session reached its cost limit (sessions.max_cost_usd).';
    case 'restarted':
      return CUT_OFF.shutdown;
    default:
      return 'Failed: the agent stopped with an error (see above).';
  }
}
