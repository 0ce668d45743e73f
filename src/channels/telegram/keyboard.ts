// Buttons and the callback-data codec. Callback data is at most 64 bytes and is typed by the
// client, so it is treated as untrusted input: `<action>|<26-char request ref>[|<arg>[|<user>]]`,
// every part checked against its own pattern, anything else refused.
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { ApprovalRequest } from '../../core/types.js';
import { clipText } from './escape.js';
import { grantOffers, offerFor, type Choice, type GrantOffer } from '../offer.js';
import type { Messages } from './i18n.js';

export const CALLBACK_MAX_BYTES = 64;

/** What a button does. Approvals (a s w g c) may carry the id of the user who read the full text. */
export const ACTIONS = {
  a: 'approve once',
  s: 'approve for the session',
  w: 'approve always',
  g: 'accept all (grant suggestion <arg>)',
  d: 'deny',
  r: 'deny with a reason (force-reply)',
  e: 'edit, then approve (force-reply)',
  c: 'start a conditional approval',
  v: 'show approve buttons after reading the attached full text',
  q: 'answer with option <arg>',
  t: 'toggle option <arg> (multi-select)',
  qd: 'send the toggled options',
  qc: 'custom answer (force-reply)',
  cv: 'conditional: set field <i>.<option index | y | n>',
  cs: 'conditional: skip optional field <i>',
  cy: 'conditional: confirm',
  cx: 'conditional: cancel',
} as const;
export type Action = keyof typeof ACTIONS;

const ARG: Record<Action, RegExp | null> = {
  a: null, s: null, w: null, d: null, r: null, e: null, c: null, v: null, qd: null, qc: null, cy: null, cx: null,
  g: /^[0-4]$/,
  q: /^[A-Za-z0-9_-]{1,20}$/,
  t: /^[A-Za-z0-9_-]{1,20}$/,
  cv: /^\d{1,2}\.(\d{1,2}|y|n)$/,
  cs: /^\d{1,2}$/,
};
const CONFIRMABLE = new Set<Action>(['a', 's', 'w', 'g', 'c']);
const REF = /^[0-9a-hjkmnp-tv-z]{26}$/;
const USER = /^[0-9a-z]{1,12}$/;

export interface Callback {
  action: Action;
  requestId: string;
  arg?: string;
  /** Telegram user id that revealed the approve buttons of a shortened card (only they may use them). */
  readBy?: number;
}

export function encodeCallback(cb: Callback): string {
  const ref = cb.requestId.replace(/^req_/, '');
  if (!REF.test(ref)) throw new Error(`not a request id: ${cb.requestId}`);
  const parts: string[] = [cb.action, ref];
  if (cb.arg !== undefined || cb.readBy !== undefined) parts.push(cb.arg ?? '');
  if (cb.readBy !== undefined) parts.push(cb.readBy.toString(36));
  const data = parts.join('|');
  if (Buffer.byteLength(data) > CALLBACK_MAX_BYTES) throw new Error(`callback data too long (${data.length} bytes): ${data}`);
  return data;
}

/** The parsed callback, or null for anything malformed. */
export function decodeCallback(data: unknown): Callback | null {
  if (typeof data !== 'string' || data.length === 0 || Buffer.byteLength(data) > CALLBACK_MAX_BYTES) return null;
  const parts = data.split('|');
  if (parts.length < 2 || parts.length > 4) return null;
  const [action, ref, arg, user] = parts;
  if (!Object.hasOwn(ACTIONS, action) || !REF.test(ref)) return null;
  const a = action as Action;
  const pattern = ARG[a];
  if (pattern ? arg === undefined || !pattern.test(arg) : arg !== undefined && arg !== '') return null;
  const cb: Callback = { action: a, requestId: `req_${ref}`, ...(pattern ? { arg } : {}) };
  if (user !== undefined) {
    if (!CONFIRMABLE.has(a) || !USER.test(user)) return null;
    const id = parseInt(user, 36);
    if (!Number.isSafeInteger(id) || id <= 0) return null;
    cb.readBy = id;
  }
  return cb;
}

/**
 * The "Accept all …" buttons of a request: the offer's grants (../offer.ts) — none for plain
 * actions or dangerous ones; labels rebuilt from the rule so they cannot say one thing and grant
 * another.
 */
export const grantButtonsFor = (request: ApprovalRequest): GrantOffer[] => grantOffers(request);

/**
 * The choices Telegram shows, from the channel-neutral offer: all of them but "Always" for a plain
 * action (it would grant one exact title and preview, rarely what a tap means), "deny with a
 * reason" on a question (Deny is enough there), and "Accept all" beyond the first three.
 */
export function telegramChoices(request: ApprovalRequest, truncated: boolean): Choice[] {
  const offer = offerFor(request, { truncated });
  return offer.choices.filter((c) => {
    if (c.kind === 'always') return request.tool !== null;
    if (c.kind === 'deny_reason') return request.question === null;
    if (c.kind === 'grant') return c.grant!.index < 3;
    return true;
  });
}

/** The choice a tap stands for (null: the request does not offer it here). Approvals ignore truncation: the caller checks who read the file. */
export function choiceOf(request: ApprovalRequest, cb: Callback): Choice | null {
  const id: Partial<Record<Action, string>> = { a: 'approve', s: 'session', w: 'always', c: 'conditional', d: 'deny', r: 'deny_reason', e: 'edit', qc: 'answer', qd: 'select', t: 'select' };
  const wanted = cb.action === 'g' ? `grant:${cb.arg}` : cb.action === 'q' ? `option:${cb.arg}` : id[cb.action];
  return telegramChoices(request, false).find((c) => c.id === wanted) ?? null;
}

export interface KeyboardOptions {
  m: Messages;
  /** The card was shortened: approvals need the approver to read the file first. */
  truncated: boolean;
  /** The user who tapped "I read the file" (approve buttons become theirs). */
  readBy?: number;
  /** Options toggled so far (multi-select questions). */
  selected?: readonly string[];
}

const btn = (text: string, cb: Callback): InlineKeyboardButton.CallbackButton => ({ text: clipText(text, 60), callback_data: encodeCallback(cb) });

export function keyboardFor(request: ApprovalRequest, opts: KeyboardOptions): InlineKeyboardMarkup {
  const { m } = opts;
  const id = request.id;
  const choices = telegramChoices(request, opts.truncated);
  const has = (kind: Choice['kind']) => choices.some((c) => c.kind === kind);
  const rows: InlineKeyboardButton[][] = [];
  if (request.question) {
    const selected = new Set(opts.selected ?? []);
    const select = choices.find((c) => c.kind === 'select');
    const options = select?.input?.kind === 'selection'
      ? select.input.options.map((o) => btn(`${selected.has(o.key) ? '☑' : '☐'} ${o.key} · ${o.label}`, { action: 't', requestId: id, arg: o.key }))
      : choices.filter((c) => c.kind === 'option').map((c) => btn(`${c.option!.key} · ${c.option!.label}`, { action: 'q', requestId: id, arg: c.option!.key }));
    for (let i = 0; i < options.length; i += 2) rows.push(options.slice(i, i + 2));
    const last: InlineKeyboardButton[] = [];
    if (select) last.push(btn(m.done, { action: 'qd', requestId: id }));
    if (has('answer')) last.push(btn(m.customAnswer, { action: 'qc', requestId: id }));
    last.push(btn(m.deny, { action: 'd', requestId: id }));
    rows.push(last);
    return { inline_keyboard: rows };
  }
  const canApprove = !opts.truncated || opts.readBy !== undefined;
  const readBy = opts.truncated ? opts.readBy : undefined;
  if (canApprove) {
    const first = [btn(choices.some((c) => c.input?.kind === 'code') ? `${m.approve} 🔐` : m.approve, { action: 'a', requestId: id, readBy })];
    if (has('session')) first.push(btn(m.approveSession, { action: 's', requestId: id, readBy }));
    rows.push(first);
    for (const c of choices) if (c.grant) rows.push([btn(m.acceptAll(c.grant.kind, c.grant.subject), { action: 'g', requestId: id, arg: String(c.grant.index), readBy })]);
  } else {
    rows.push([btn(m.readFirst, { action: 'v', requestId: id })]);
  }
  rows.push([btn(m.deny, { action: 'd', requestId: id }), btn(m.denyWithReason, { action: 'r', requestId: id })]);
  const extra: InlineKeyboardButton[] = [];
  if (canApprove && has('always')) extra.push(btn(m.always, { action: 'w', requestId: id, readBy }));
  if (has('edit')) extra.push(btn(m.edit, { action: 'e', requestId: id }));
  if (canApprove && has('conditional')) extra.push(btn(m.conditional, { action: 'c', requestId: id, readBy }));
  if (extra.length) rows.push(extra);
  return { inline_keyboard: rows };
}

/** A keyboard of buttons, `perRow` to a row. */
export function grid(buttons: InlineKeyboardButton[], perRow: number): InlineKeyboardMarkup {
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < buttons.length; i += perRow) rows.push(buttons.slice(i, i + perRow));
  return { inline_keyboard: rows };
}

export { btn as button };
