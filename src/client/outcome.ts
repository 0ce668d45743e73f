// What a request's state means to the agent that asked: one readable sentence, and whether it may go ahead.
import type { WireRequest } from './types.js';

export interface Outcome {
  /** True only for approved / conditional / answered: everything else means "do not do it". */
  ok: boolean;
  /** True while nobody has decided (the wait timed out). */
  pending: boolean;
  message: string;
}

export function describeOutcome(r: WireRequest): Outcome {
  const d = r.decision;
  const by = d ? ` by ${d.decided_by}${d.via ? ` via ${d.via}` : ''}` : '';
  const comment = d?.comment ? ` Comment: ${d.comment}` : '';
  switch (r.status) {
    case 'approved':
      return { ok: true, pending: false, message: `Approved${by}.${d?.updated_input !== undefined && d?.updated_input !== null ? ' The approver edited the action: use the edited version (decision.updated_input), not your original.' : ''}${comment}` };
    case 'conditional':
      return { ok: true, pending: false, message: `Approved with conditions${by}: ${JSON.stringify(d?.conditions ?? {})}. Follow the conditions exactly.${comment}` };
    case 'answered':
      return { ok: true, pending: false, message: `Answered${by}.${comment}` };
    case 'denied':
      return { ok: false, pending: false, message: `Denied${by}. Do not perform this action, and do not retry it in another form.${comment}` };
    case 'expired':
      return { ok: false, pending: false, message: `Nobody decided before the request expired; it counts as denied. Do not perform the action.` };
    case 'cancelled':
      return { ok: false, pending: false, message: `The request was cancelled; do not perform the action.` };
    default: {
      // A workflow's count and ladder step ("1 of 2 approvals — alice approved"), as every channel shows them.
      const progress = r.workflow?.progress.length ? ` So far: ${r.workflow.progress.join('; ')}.` : '';
      return { ok: false, pending: true, message: `Still waiting for a human (request ${r.id}, expires ${r.expires_at}).${progress} Do not perform the action yet: wait again or cancel the request.` };
    }
  }
}

/**
 * The shell command a decided request approved: the approver's edit when there is one (a string,
 * or an object with a string `command`), else the request's own input.command, else its preview.
 */
export function approvedCommand(r: WireRequest): string | null {
  const edited = r.decision?.updated_input;
  if (typeof edited === 'string' && edited.trim()) return edited;
  if (edited && typeof edited === 'object' && typeof (edited as { command?: unknown }).command === 'string') return (edited as { command: string }).command;
  const input = r.input as { command?: unknown } | null | undefined;
  if (input && typeof input === 'object' && typeof input.command === 'string') return input.command;
  return r.preview || null;
}
