// Turning a tap or a reply into gate.decide, and the gate's answer into words for the approver.
import { isGreenlightError } from '../../core/errors.js';
import type { DecideInput } from '../../core/request-input.js';
import type { ApprovalRequest, Principal, Status } from '../../core/types.js';
import { decisionFor, type Choice, type Given } from '../offer.js';
import { progressText } from '../../core/workflow.js';
import { auditRefusal, CHANNEL, type TelegramDeps } from './deps.js';
import type { Messages } from './i18n.js';

/** One approver acting on one request in one chat. */
export interface Turn {
  deps: TelegramDeps;
  chat: string;
  user: { id: number; first_name: string; username?: string };
  principal: Principal;
  request: ApprovalRequest;
  m: Messages;
}

export type DecideResult = { ok: true; request: ApprovalRequest; text: string } | { ok: false; text: string };

/** Decides a choice of the offer (../offer.ts) with what the approver gave; a missing input is said, not decided. */
export async function decideChoice(turn: Turn, choice: Choice, given: Given = {}): Promise<DecideResult> {
  const d = decisionFor(turn.request, choice, given);
  if (!d.ok) return { ok: false, text: turn.m.failed(d.error) };
  return decideAs(turn, d.input);
}

export function alreadyDecidedText(m: Messages, request: Pick<ApprovalRequest, 'status' | 'decision' | 'agent'>): string {
  const who = request.decision?.decided_by ?? (request.status === 'cancelled' ? request.agent : 'the server');
  const via = request.decision?.via ?? (request.status === 'cancelled' ? 'agent' : '—');
  return m.alreadyDecided(request.status, who, via);
}

export async function decideAs(turn: Turn, input: DecideInput): Promise<DecideResult> {
  const { deps, m, request } = turn;
  try {
    const decided = await deps.ctx.gate.decide(turn.principal, request.id, input, CHANNEL);
    if (decided.decision?.scope === 'session' && decided.session_id) {
      await deps.conv.rememberSession(turn.chat, { agent: decided.agent, session_id: decided.session_id }).catch((err) => deps.ctx.logger.warn('telegram: could not remember a session for /clear', { err }));
    }
    // A vote on a request that needs more approvals leaves it pending: say where it stands.
    if (decided.status === 'pending' && decided.workflow) return { ok: true, request: decided, text: m.voteCounted(progressText(decided.workflow)) };
    return { ok: true, request: decided, text: m.decided(decided.status) };
  } catch (err) {
    if (!isGreenlightError(err)) throw err;
    if (err.code === 'ALREADY_DECIDED') {
      const d = err.details ?? {};
      return { ok: false, text: m.alreadyDecided(d.status as Status, String(d.decided_by ?? (d.status === 'cancelled' ? request.agent : 'the server')), String(d.via ?? (d.status === 'cancelled' ? 'agent' : '—'))) };
    }
    if (err.code === 'NOT_ROUTED_TO_YOU' || err.code === 'FORBIDDEN' || err.code === 'AGENT_CANNOT_DECIDE') {
      await auditRefusal(deps, turn.user, turn.chat, `decide:${input.outcome}`, err.code, request.id);
      return { ok: false, text: m.notRouted };
    }
    if (err.status < 500) return { ok: false, text: m.failed(err.message) };
    throw err;
  }
}
