// The modals (views.open) for the choices that need more than a click — deny with a reason, edit
// then approve (prefilled with the action), approve with conditions (a form built from the request's
// conditions_schema: selects, numbers, yes/no, text; required fields marked), and a question's
// several answers or own words — and reading what the approver submitted back into the
// channel-neutral `Given` (../offer.ts), or the per-field errors Slack shows in the modal
// (`response_action: errors`). Agent text in a modal is plain_text only. An action with invisible
// characters is not prefilled: a text box would hide them, so the modal says where they are and
// the approver writes the action as it should run. Approving a request that needs step-up opens a
// modal for the approver's 6-digit code. Pure.
import { validateConditions } from '../../core/conditions.js';
import { isGreenlightError } from '../../core/errors.js';
import type { ApprovalRequest, ConditionValue } from '../../core/types.js';
import { describeInvisible } from '../../text/invisible.js';
import { conditionValue, decisionFor, editStart, type Choice, type Given } from '../offer.js';
import { ACTION_PREFIX, MAX_EDIT_CHARS, plainText, type Block } from './blocks.js';
import { label, plain } from './escape.js';

/** Where a modal came from: the request, the choice, and the card's message (for replies). */
export interface ModalOrigin {
  requestId: string;
  choice: string;
  channel: string | null;
  ts: string | null;
}

/** Every modal Greenlight opens has this callback_id. */
export const MODAL_CALLBACK = `${ACTION_PREFIX}decide`;
const VALUE = 'value';

export const encodeOrigin = (o: ModalOrigin): string => JSON.stringify({ r: o.requestId, c: o.choice, ch: o.channel, ts: o.ts });

export function decodeOrigin(raw: unknown): ModalOrigin | null {
  if (typeof raw !== 'string' || raw.length > 3000) return null;
  try {
    const o = JSON.parse(raw) as Record<string, unknown>;
    if (typeof o.r !== 'string' || typeof o.c !== 'string') return null;
    return { requestId: o.r, choice: o.c, channel: typeof o.ch === 'string' ? o.ch : null, ts: typeof o.ts === 'string' ? o.ts : null };
  } catch {
    return null;
  }
}

const TITLE: Record<string, string> = { approve: 'Confirm with your code', deny_reason: 'Deny with a reason', edit: 'Edit, then approve', conditional: 'Approve with conditions', select: 'Choose answers', answer: 'Your answer' };
const SUBMIT: Record<string, string> = { approve: 'Approve', deny_reason: 'Deny', edit: 'Approve the edit', conditional: 'Approve', select: 'Answer', answer: 'Answer' };

const input = (blockId: string, labelText: string, element: Block, extra: { optional?: boolean; hint?: string } = {}): Block => ({
  type: 'input',
  block_id: blockId,
  label: plainText(label(labelText, 2000)),
  element: { ...element, action_id: VALUE },
  optional: extra.optional ?? false,
  ...(extra.hint ? { hint: plainText(label(extra.hint, 2000)) } : {}),
});

const textInput = (multiline: boolean, initial?: string): Block => ({ type: 'plain_text_input', multiline, max_length: MAX_EDIT_CHARS, ...(initial !== undefined ? { initial_value: initial } : {}) });
const option = (text: string, value: string) => ({ text: plainText(label(text, 75)), value });

function fieldsBlocks(request: ApprovalRequest): Block[] {
  return (request.conditions_schema ?? []).map((f, i) => {
    const name = f.label ?? f.name;
    const extra = { optional: !f.required, ...(f.description ? { hint: f.description } : {}) };
    switch (f.type) {
      case 'select':
        return input(`f:${i}`, name, { type: 'static_select', placeholder: plainText('Pick one'), options: (f.options ?? []).slice(0, 100).map((o, k) => option(o, String(k))) }, extra);
      case 'number':
        return input(`f:${i}`, name, { type: 'number_input', is_decimal_allowed: true }, extra);
      case 'boolean':
        return input(`f:${i}`, name, { type: 'radio_buttons', options: [option('Yes', 'yes'), option('No', 'no')] }, extra);
      default:
        return input(`f:${i}`, name, textInput(false), extra);
    }
  });
}

/** The modal a choice opens, or null when the choice decides at once. */
export function modalFor(request: ApprovalRequest, choice: Choice, origin: ModalOrigin): Block | null {
  if (!choice.input) return null;
  const blocks: Block[] = [{ type: 'section', text: plainText(`Request: ${plain(request.title, 300).text}`) }];
  switch (choice.kind) {
    case 'deny_reason':
      blocks.push(input('reason', 'Why do you deny it? The agent reads this.', textInput(true)));
      break;
    case 'edit': {
      const format = choice.input.kind === 'edit' ? choice.input.format : 'text';
      const what = format === 'command' ? 'the command' : format === 'json' ? 'the input (JSON)' : 'the action';
      const start = editStart(request);
      const hidden = describeInvisible(start, what);
      if (hidden) blocks.push({ type: 'section', text: plainText(label(`Careful: ${hidden}. A text box would hide them, so it starts empty: write ${what} as it should run (the card shows the characters as ⟪U+…⟫).`, 3000)) });
      blocks.push(input('edited', `Edit ${what}. Approving runs what you write here, once.`, textInput(true, hidden ? undefined : start)));
      break;
    }
    case 'conditional':
      blocks.push(...fieldsBlocks(request));
      break;
    case 'select': {
      const q = request.question!;
      const opts = q.options.map((o) => option(`${o.key}. ${o.label}`, o.key));
      const element = opts.length <= 10 ? { type: 'checkboxes', options: opts } : { type: 'multi_static_select', placeholder: plainText('Pick answers'), options: opts };
      blocks.push(input('selected', 'Pick one or more', element, { optional: q.allow_free_text }));
      if (q.allow_free_text) blocks.push(input('answer', 'Or answer in your own words', textInput(true), { optional: true }));
      break;
    }
    case 'answer':
      blocks.push(input('answer', 'Your answer', textInput(true)));
      break;
    case 'approve':
      // Step-up: the code from the approver's authenticator app (the gate checks it).
      blocks.push(input('code', 'The 6-digit code from your authenticator app', { type: 'plain_text_input', max_length: 64, placeholder: plainText('123456') }));
      break;
    default:
      return null;
  }
  return {
    type: 'modal',
    callback_id: MODAL_CALLBACK,
    private_metadata: encodeOrigin(origin),
    title: plainText(TITLE[choice.kind]),
    submit: plainText(SUBMIT[choice.kind]),
    close: plainText('Cancel'),
    blocks,
  };
}

/** One submitted element's value as Slack sends it in view.state.values[block][action]. */
type StateValue = { type?: unknown; value?: unknown; selected_option?: { value?: unknown } | null; selected_options?: { value?: unknown }[] | null };

const stateOf = (values: Record<string, unknown>, blockId: string): StateValue | null => {
  const block = values[blockId];
  const v = block && typeof block === 'object' ? (block as Record<string, unknown>)[VALUE] : null;
  return v && typeof v === 'object' ? (v as StateValue) : null;
};
const textOf = (v: StateValue | null): string => (typeof v?.value === 'string' ? v.value : '');
const pickedOf = (v: StateValue | null): string[] => (Array.isArray(v?.selected_options) ? v.selected_options.map((o) => o?.value).filter((x): x is string => typeof x === 'string') : []);

export type Submission = { ok: true; given: Given } | { ok: false; errors: Record<string, string> };

/** What the approver submitted, checked as far as the modal can show errors; the gate checks again. */
export function readSubmission(request: ApprovalRequest, choice: Choice, values: Record<string, unknown>): Submission {
  const fail = (blockId: string, message: string): Submission => ({ ok: false, errors: { [blockId]: message.slice(0, 150) } });
  let given: Given;
  let blockOfError: string;
  switch (choice.kind) {
    case 'deny_reason':
      given = { comment: textOf(stateOf(values, 'reason')) };
      blockOfError = 'reason';
      break;
    case 'edit':
      given = { edited: textOf(stateOf(values, 'edited')) };
      blockOfError = 'edited';
      break;
    case 'select':
      given = { selected: pickedOf(stateOf(values, 'selected')), answer: textOf(stateOf(values, 'answer')) };
      blockOfError = 'selected';
      break;
    case 'answer':
      given = { answer: textOf(stateOf(values, 'answer')) };
      blockOfError = 'answer';
      break;
    case 'approve':
      given = { code: textOf(stateOf(values, 'code')) };
      blockOfError = 'code';
      break;
    case 'conditional': {
      const fields = request.conditions_schema ?? [];
      const conditions: Record<string, ConditionValue> = {};
      const errors: Record<string, string> = {};
      fields.forEach((f, i) => {
        const v = stateOf(values, `f:${i}`);
        let raw = textOf(v);
        if (f.type === 'select') raw = f.options?.[Number(v?.selected_option?.value)] ?? '';
        if (f.type === 'boolean') raw = typeof v?.selected_option?.value === 'string' ? v.selected_option.value : '';
        const parsed = conditionValue(f, raw);
        if ('error' in parsed) errors[`f:${i}`] = parsed.error.slice(0, 150);
        else if (parsed.value !== undefined) conditions[f.name] = parsed.value;
      });
      if (Object.keys(errors).length) return { ok: false, errors };
      try {
        validateConditions(request.conditions_schema, conditions);
      } catch (err) {
        if (!isGreenlightError(err)) throw err;
        return fail(fields.length ? 'f:0' : 'conditions', err.message);
      }
      given = { conditions };
      blockOfError = 'f:0';
      break;
    }
    default:
      return { ok: false, errors: {} };
  }
  const d = decisionFor(request, choice, given);
  return d.ok ? { ok: true, given } : fail(blockOfError, d.error);
}
