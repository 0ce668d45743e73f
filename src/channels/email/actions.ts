// What an approver can do with a request by email, as one list shared by the mail (links), the
// confirmation page and the reply parser: an action not offered here is refused everywhere.
import type { DecideInput } from '../../core/request-input.js';
import type { ApprovalRequest } from '../../core/types.js';
import { actionAsItRuns } from '../action.js';

export type EmailAction = 'approve' | 'session' | 'always' | 'deny' | 'conditional' | 'answer' | `option:${string}`;

export function offeredActions(r: ApprovalRequest): EmailAction[] {
  if (r.question) {
    const out: EmailAction[] = r.question.options.map((o) => `option:${o.key}` as const);
    if (r.question.allow_free_text || r.question.multi_select) out.push('answer');
    out.push('deny');
    return out;
  }
  // A dangerous action is approved once at a time, never for a session or for good.
  const dangerous = Boolean(r.policy?.dangerous);
  const out: EmailAction[] = ['approve'];
  if (r.session_id && !dangerous) out.push('session');
  if (!dangerous) out.push('always');
  if (r.conditions_schema?.length) out.push('conditional');
  out.push('deny');
  return out;
}

export const isOffered = (r: ApprovalRequest, action: string): boolean => offeredActions(r).some((a) => a.toLowerCase() === action.toLowerCase());

/** The button text for an action, e.g. "Approve for this session" or "Answer B: Use Postgres". */
export function actionLabel(action: string, r: ApprovalRequest): string {
  switch (action) {
    case 'approve':
      return 'Approve once';
    case 'session':
      return 'Approve for this session';
    case 'always':
      return 'Always approve';
    case 'deny':
      return 'Deny';
    case 'conditional':
      return 'Approve with conditions';
    case 'answer':
      return r.question?.multi_select ? 'Choose options or answer' : 'Write an answer';
  }
  const key = optionKey(action);
  const opt = r.question?.options.find((o) => o.key === key);
  return opt ? `Answer ${opt.key}: ${opt.label}` : action;
}

export const optionKey = (action: string): string | null => (action.startsWith('option:') ? action.slice('option:'.length) : null);

/** What a filled-in confirmation form (or a parsed reply) asks the gate for. */
export interface ActionForm {
  comment?: string;
  answer?: string;
  /** Option keys ticked on the answer form. */
  options?: string[];
  conditions?: Record<string, unknown>;
}

export function decisionFor(action: string, form: ActionForm): DecideInput {
  const comment = form.comment?.trim() ? form.comment.trim() : null;
  switch (action) {
    case 'approve':
      return { outcome: 'approved', scope: 'once', comment };
    case 'session':
      return { outcome: 'approved', scope: 'session', comment };
    case 'always':
      return { outcome: 'approved', scope: 'always', comment };
    case 'deny':
      return { outcome: 'denied', comment };
    case 'conditional':
      return { outcome: 'conditional', conditions: form.conditions ?? {}, comment };
    case 'answer': {
      const picked = form.options?.filter(Boolean) ?? [];
      const text = form.answer?.trim() ?? '';
      if (picked.length && text) return { outcome: 'answered', answer: picked, comment: text };
      return { outcome: 'answered', answer: picked.length ? picked : text, comment };
    }
  }
  return { outcome: 'answered', answer: optionKey(action) ?? '', comment };
}

/** Longest block of text (the action, the agent's description, the input) a mail shows in full; the confirmation page always shows everything. */
export const MAIL_TEXT_LIMIT = 8000;

/** Whether a mail about `r` has to cut a block short (then replies may not approve it). */
export function mailTruncates(r: ApprovalRequest): boolean {
  const a = actionAsItRuns(r);
  return [a.text, a.description ?? '', a.inputJson ?? ''].some((t) => t.length > MAIL_TEXT_LIMIT);
}
