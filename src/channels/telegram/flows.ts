// Conversations that take more than one tap: force-reply prompts (deny with reason, edit, custom
// answer), the conditional walk-through, and multi-select toggles. Their state lives in the
// store (conversation.ts), so a restart in the middle loses nothing.
import type { ConditionField, ConditionValue } from '../../core/types.js';
import { clipHtml, escapeHtml } from './escape.js';
import { chatArg, remember, REF } from './deps.js';
import { decideChoice, type DecideResult, type Turn } from './decide.js';
import type { Prompt, PromptKind, Walk } from './conversation.js';
import { button, choiceOf, grid, keyboardFor, type Callback } from './keyboard.js';
import { conditionValue, editFormatOf, editStart } from '../offer.js';
import { codeBlocker } from '../step-up.js';

/** A tap on a button: the turn plus where it happened. */
export interface Tap extends Turn {
  cb: Callback;
  /** The message that carried the button. */
  messageId: number | null;
  answer(text?: string, alert?: boolean): Promise<void>;
}

const mention = (turn: Turn) => `<a href="tg://user?id=${turn.user.id}">${escapeHtml(turn.user.first_name || String(turn.user.id))}</a>`;

/** Sends a force-reply prompt under `replyTo` and remembers what the answer is for. */
export async function sendPrompt(turn: Turn, replyTo: number | null, html: string, kind: PromptKind, field?: number): Promise<void> {
  const { deps, chat } = turn;
  const message = await deps.bot.api.sendMessage(chatArg(chat), html, {
    parse_mode: 'HTML',
    reply_markup: { force_reply: true, selective: true, input_field_placeholder: turn.m.placeholder },
    ...(replyTo ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {}),
  });
  const prompt: Prompt = { kind, request_id: turn.request.id, user_id: turn.user.id, ...(field === undefined ? {} : { field }) };
  await deps.conv.setPrompt(chat, message.message_id, prompt);
  await remember(deps, turn.request.id, REF.prompt, chat, message.message_id);
}

export async function promptReason(tap: Tap): Promise<void> {
  await sendPrompt(tap, tap.messageId, tap.m.promptReasonHtml(mention(tap)), 'reason');
  await tap.answer(tap.m.replyBelow);
}

/** Step-up: "confirm with your code", and a force-reply that takes the 6 digits (or why not: no second factor yet). */
export async function promptCode(tap: Tap): Promise<void> {
  const blocked = await codeBlocker(tap.deps.ctx, tap.principal);
  if (blocked) return tap.answer(blocked, true);
  await sendPrompt(tap, tap.messageId, tap.m.promptCodeHtml(mention(tap)), 'code');
  await tap.answer(tap.m.confirmWithCode, true);
}

export async function promptAnswer(tap: Tap): Promise<void> {
  await sendPrompt(tap, tap.messageId, tap.m.promptAnswerHtml(mention(tap)), 'answer');
  await tap.answer(tap.m.replyBelow);
}

export async function promptEdit(tap: Tap): Promise<void> {
  const kind = editFormatOf(tap.request);
  if (!kind) return tap.answer(tap.m.invalidButton, true);
  await sendPrompt(tap, tap.messageId, tap.m.promptEditHtml(mention(tap), kind, clipHtml(editStart(tap.deps.ctx.secrets.shown(tap.request)), 1500).html), 'edit');
  await tap.answer(tap.m.replyBelow);
}

// Multi-select questions: taps toggle a tick in this message's keyboard; Done sends them all.
export async function toggleOption(tap: Tap): Promise<void> {
  const q = tap.request.question;
  const key = tap.cb.arg!;
  if (!q?.multi_select || !q.options.some((o) => o.key === key) || tap.messageId === null) return tap.answer(tap.m.invalidButton, true);
  const current = await tap.deps.conv.getSelection(tap.chat, tap.messageId);
  const next = current.includes(key) ? current.filter((k) => k !== key) : [...current, key];
  await tap.deps.conv.setSelection(tap.chat, tap.messageId, next);
  await tap.deps.bot.api.editMessageReplyMarkup(chatArg(tap.chat), tap.messageId, { reply_markup: keyboardFor(tap.deps.ctx.secrets.shown(tap.request), { m: tap.m, truncated: false, selected: next }) });
  await tap.answer(`${next.includes(key) ? '☑' : '☐'} ${key}`);
}

export async function sendSelection(tap: Tap): Promise<DecideResult | null> {
  if (!tap.request.question?.multi_select || tap.messageId === null) {
    await tap.answer(tap.m.invalidButton, true);
    return null;
  }
  const keys = await tap.deps.conv.getSelection(tap.chat, tap.messageId);
  if (keys.length === 0) {
    await tap.answer(tap.m.pickAtLeastOne, true);
    return null;
  }
  return decideChoice(tap, choiceOf(tap.request, tap.cb)!, { selected: keys });
}

// The conditional walk-through: one field at a time, select and boolean fields as buttons, text
// and number fields by force-reply, then a summary to confirm.
const MAX_OPTION_BUTTONS = 40;
const fieldsOf = (turn: Turn): ConditionField[] => turn.request.conditions_schema ?? [];
const labelOf = (f: ConditionField) => f.label ?? f.name;

export async function startWalk(tap: Tap): Promise<void> {
  if (!fieldsOf(tap).length) return tap.answer(tap.m.invalidButton, true);
  const walk: Walk = { values: {}, step: 0 };
  await tap.deps.conv.setWalk(tap.chat, tap.user.id, tap.request.id, walk);
  await tap.answer('');
  await nextStep(tap, walk, tap.messageId);
}

/** Asks for the walk's current field, or for confirmation once every field is done. */
export async function nextStep(turn: Turn, walk: Walk, replyTo: number | null): Promise<void> {
  const { deps, chat, m, request } = turn;
  const fields = fieldsOf(turn);
  const id = request.id;
  const reply = replyTo ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {};
  const cancel = button(m.cancel, { action: 'cx', requestId: id });
  const post = async (html: string, buttons: ReturnType<typeof button>[], perRow: number) => {
    const message = await deps.bot.api.sendMessage(chatArg(chat), html, { parse_mode: 'HTML', reply_markup: grid(buttons, perRow), ...reply });
    await remember(deps, id, REF.step, chat, message.message_id);
  };
  if (walk.step >= fields.length) {
    const values = Object.entries(walk.values).map(([k, v]): [string, string] => [labelOf(fields.find((f) => f.name === k)!) ?? k, String(v)]);
    return post(m.confirmConditionsHtml(values), [button(m.confirm, { action: 'cy', requestId: id }), cancel], 2);
  }
  const f = fields[walk.step];
  const step = walk.step;
  const skip = f.required ? [] : [button(m.skip, { action: 'cs', requestId: id, arg: String(step) })];
  if (f.type === 'select' && (f.options?.length ?? 0) <= MAX_OPTION_BUTTONS) {
    const options = (f.options ?? []).map((o, i) => button(o, { action: 'cv', requestId: id, arg: `${step}.${i}` }));
    return post(m.chooseConditionHtml(step + 1, fields.length, labelOf(f), f.description ?? null), [...options, ...skip, cancel], 2);
  }
  if (f.type === 'boolean') {
    const yesNo = [button(m.yes, { action: 'cv', requestId: id, arg: `${step}.y` }), button(m.no, { action: 'cv', requestId: id, arg: `${step}.n` })];
    return post(m.chooseConditionHtml(step + 1, fields.length, labelOf(f), f.description ?? null), [...yesNo, ...skip, cancel], 2);
  }
  await sendPrompt(turn, replyTo, m.promptConditionHtml(mention(turn), step + 1, fields.length, labelOf(f), f.description ?? null, f.type, !f.required), 'condition', step);
}

/** A step answered by a button (cv) or skipped (cs). */
export async function walkStep(tap: Tap): Promise<void> {
  const { deps, m } = tap;
  const walk = await deps.conv.getWalk(tap.chat, tap.user.id, tap.request.id);
  const [fieldPart, valuePart] = (tap.cb.arg ?? '').split('.');
  const index = Number(fieldPart);
  if (!walk || walk.step !== index) return tap.answer(m.stepDone);
  const f = fieldsOf(tap)[index];
  if (!f) return tap.answer(m.invalidButton, true);
  let value: ConditionValue | undefined;
  if (tap.cb.action === 'cs') {
    if (f.required) return tap.answer(m.invalidButton, true);
  } else if (f.type === 'boolean' && (valuePart === 'y' || valuePart === 'n')) {
    value = valuePart === 'y';
  } else if (f.type === 'select' && /^\d+$/.test(valuePart ?? '') && f.options?.[Number(valuePart)] !== undefined) {
    value = f.options[Number(valuePart)];
  } else {
    return tap.answer(m.invalidButton, true);
  }
  const next = advance(walk, f, value);
  await deps.conv.setWalk(tap.chat, tap.user.id, tap.request.id, next);
  if (tap.messageId !== null) {
    const shown = value === undefined ? '—' : typeof value === 'boolean' ? (value ? m.yes : m.no) : String(value);
    await deps.bot.api
      .editMessageText(chatArg(tap.chat), tap.messageId, `🧩 <b>${escapeHtml(labelOf(f))}</b>: ${escapeHtml(shown)}`, { parse_mode: 'HTML', reply_markup: { inline_keyboard: [] } })
      .catch((err: unknown) => deps.ctx.logger.debug('telegram: could not mark a walk step done', { err }));
  }
  await tap.answer('');
  await nextStep(tap, next, tap.messageId);
}

export const advance = (walk: Walk, f: ConditionField, value: ConditionValue | undefined): Walk => ({
  values: value === undefined ? walk.values : { ...walk.values, [f.name]: value },
  step: walk.step + 1,
});

/** A text or number field answered by reply; null when the reply does not fit the field. */
export function fieldValue(f: ConditionField, text: string): { value: ConditionValue | undefined } | null {
  const v = conditionValue(f, text);
  return 'error' in v ? null : v;
}

export async function confirmWalk(tap: Tap): Promise<DecideResult | null> {
  const walk = await tap.deps.conv.getWalk(tap.chat, tap.user.id, tap.request.id);
  if (!walk || walk.step < fieldsOf(tap).length) {
    await tap.answer(tap.m.stepDone);
    return null;
  }
  const choice = choiceOf(tap.request, { ...tap.cb, action: 'c' });
  if (!choice) {
    await tap.answer(tap.m.invalidButton, true);
    return null;
  }
  const result = await decideChoice(tap, choice, { conditions: walk.values });
  if (result.ok) await tap.deps.conv.setWalk(tap.chat, tap.user.id, tap.request.id, null);
  return result;
}

export async function cancelWalk(tap: Tap): Promise<void> {
  if (!(await tap.deps.conv.getWalk(tap.chat, tap.user.id, tap.request.id))) return tap.answer(tap.m.stepDone);
  await tap.deps.conv.setWalk(tap.chat, tap.user.id, tap.request.id, null);
  if (tap.messageId !== null) {
    await tap.deps.bot.api.editMessageText(chatArg(tap.chat), tap.messageId, escapeHtml(tap.m.walkCancelled), { reply_markup: { inline_keyboard: [] } }).catch(() => undefined);
  }
  await tap.answer(tap.m.walkCancelled);
}
