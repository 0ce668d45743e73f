// What an approver can do with a request by email, as one list shared by the mail (links), the
// confirmation page and the reply parser: an action not offered here is refused everywhere.
import type { ApprovalRequest } from '../../core/types.js';
import { decisionFor as offerDecision, findChoice, offerFor, type Decision, type Offer } from '../offer.js';

export type EmailAction = 'approve' | 'session' | 'always' | 'deny' | 'conditional' | 'answer' | `option:${string}`;

/** Longest block of text (the action, the agent's description, the input) a mail shows in full; the confirmation page always shows everything. */
export const MAIL_TEXT_LIMIT = 8000;

/** The request's offer (../offer.ts) as a mail shows it: cut when a block is longer than MAIL_TEXT_LIMIT. */
export const mailOffer = (r: ApprovalRequest): Offer => offerFor(r, { maxActionChars: MAIL_TEXT_LIMIT });

/**
 * The links a mail carries, from the channel-neutral offer: every choice a confirmation page can
 * take (the page always shows the whole action, so a cut mail still links to approvals), less
 * "accept all" and "edit" (a reply does those), with a multi-select question's options also one
 * link each (a shortcut for picking one) beside the form that picks several.
 */
export function offeredActions(r: ApprovalRequest): EmailAction[] {
  const out: EmailAction[] = [];
  const add = (a: EmailAction) => (out.includes(a) ? undefined : out.push(a));
  for (const c of offerFor(r).choices) {
    if (c.kind === 'option') add(`option:${c.option!.key}`);
    else if (c.kind === 'select') {
      for (const o of r.question!.options) add(`option:${o.key}`);
      add('answer');
    } else if (c.kind === 'approve' || c.kind === 'session' || c.kind === 'always' || c.kind === 'conditional' || c.kind === 'deny' || c.kind === 'answer') add(c.kind);
  }
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
  /** The second-factor code typed on the confirmation page (a request that needs step-up). */
  code?: string;
}

/** Why a mail reply cannot approve a request that needs step-up, and where to do it. */
export const REPLY_CANNOT_STEP_UP = 'Approving this request needs your second factor: use the Approve link in the mail (its page asks for your code), or the dashboard. A reply can still deny it.';

/** The decision a filled-in confirmation form (or a parsed reply) stands for, through the offer's decisionFor. */
export function decisionFor(r: ApprovalRequest, action: string, form: ActionForm): Decision {
  const offer = offerFor(r);
  const key = optionKey(action);
  const multi = r.question?.multi_select === true;
  const id = key !== null ? (multi ? 'select' : `option:${key}`) : action === 'answer' && multi ? 'select' : action;
  const choice = findChoice(offer, id);
  if (!choice || !isOffered(r, action)) return { ok: false, error: 'That choice is not offered for this request.' };
  if (choice.input?.kind === 'code' && form.code === undefined) return { ok: false, error: REPLY_CANNOT_STEP_UP };
  const selected = key !== null ? [choice.input?.kind === 'selection' ? (choice.input.options.find((o) => o.key.toLowerCase() === key.toLowerCase())?.key ?? key) : key] : form.options;
  return offerDecision(r, choice, { comment: form.comment, conditions: form.conditions, selected, answer: form.answer, code: form.code });
}

/** Whether a mail about `r` has to cut a block short (then replies may not approve it). */
export const mailTruncates = (r: ApprovalRequest): boolean => mailOffer(r).truncated;
