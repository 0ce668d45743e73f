// The request card as a Slack Block Kit message: the channel-neutral card (../card.ts) laid out in
// blocks, within Slack's limits (header 150 characters, a section's text 3,000, a field 2,000, at
// most 25 elements in an actions block, 50 blocks in a message). It leads with the action as it
// will run in a code block, then the agent's own description (labelled), why the policy asks, the
// facts, a question's options, and the buttons for what the request offers (../offer.ts). Where
// agent text had to be cut or altered to be shown, the card says so, links to the dashboard, and
// the channel attaches the whole text in the message's thread; no approving choice is offered on
// such a card. Once settled, the same card without buttons, headed by who decided it. Everything
// is drawn from the request with its secrets masked (view.secrets, src/secrets/); a masked value
// that could hide the action's structure holds back approving, as a cut does. Pure.
import type { ApprovalRequest } from '../../core/types.js';
import { cardFor, fmtTime, statusLine, type CardView } from '../card.js';
import { STEP_UP_NOTE, editStart, offerFor, type Choice, type Offer } from '../offer.js';
import { codeBlock, CUT_MARK, escapeMrkdwn, label, plain, type Shown } from './escape.js';

export type Block = Record<string, unknown>;

/** The longest action text a card shows (a section's text is at most 3,000 characters). */
export const MAX_ACTION_CHARS = 3000;
/** The longest text an edit modal can hold (plain_text_input's max_length). */
export const MAX_EDIT_CHARS = 3000;
/** Every action_id Greenlight puts on a card or in a modal starts with this. */
export const ACTION_PREFIX = 'gl:';
/** The dashboard link button (a url button: Slack still reports its click). */
export const OPEN_ACTION = `${ACTION_PREFIX}open`;

export interface SlackCard {
  /** The notification text (mrkdwn: escaped). */
  text: string;
  blocks: Block[];
  /** Agent text was cut or altered, or a hidden secret could change what runs: attach the whole (masked) text, and nothing that approves is offered. */
  truncated: boolean;
}

export const plainText = (text: string) => ({ type: 'plain_text', text, emoji: false });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text, verbatim: true });
const section = (text: string): Block => ({ type: 'section', text: mrkdwn(text) });
const plainSection = (text: string): Block => ({ type: 'section', text: plainText(text) });
const context = (...texts: string[]): Block => ({ type: 'context', elements: texts.map(plainText) });

/**
 * The choices the Slack card offers: all of the offer, less what approves when the card was cut,
 * and less "edit" when the action does not fit in an edit box.
 */
export function slackChoices(request: ApprovalRequest, truncated: boolean): Choice[] {
  const offer: Offer = offerFor(request, { truncated });
  return offer.choices.filter((c) => !(truncated && c.approves) && !(c.kind === 'edit' && editStart(request).length > MAX_EDIT_CHARS));
}

const BUTTON_TEXT: Record<string, string> = {
  approve: 'Approve',
  session: 'Approve for this session',
  always: 'Always allow this',
  conditional: 'Approve with conditions…',
  edit: 'Edit, then approve…',
  deny: 'Deny',
  deny_reason: 'Deny with a reason…',
  select: 'Choose answers…',
  answer: 'Answer in your own words…',
};

export function buttonText(c: Choice): string {
  if (c.input?.kind === 'code') return 'Approve with your code…';
  if (c.kind === 'grant') return label(`Accept all: ${c.grant!.subject}`, 75);
  if (c.kind === 'option') return label(`${c.option!.key}. ${c.option!.label}`, 75);
  return BUTTON_TEXT[c.kind];
}

function button(c: Choice, requestId: string): Block {
  const style = c.kind === 'approve' ? { style: 'primary' } : c.kind === 'deny' ? { style: 'danger' } : {};
  return { type: 'button', action_id: `${ACTION_PREFIX}${c.id}`, value: requestId, text: plainText(buttonText(c)), ...style };
}

/** Buttons in rows of at most 25 (one actions block each). */
function actionRows(elements: Block[], requestId: string): Block[] {
  const rows: Block[] = [];
  for (let i = 0; i < elements.length; i += 25) rows.push({ type: 'actions', block_id: `gl:${requestId}:actions:${i / 25}`, elements: elements.slice(i, i + 25) });
  return rows;
}

/** What the settled decision said, as plain text lines. */
function decisionLines(request: ApprovalRequest): string[] {
  const d = request.decision;
  if (!d) return [];
  const lines: string[] = [];
  if (d.comment) lines.push(`Comment: ${plain(d.comment, 1000).text}`);
  if (d.answer !== null && d.answer !== undefined) lines.push(`Answer: ${plain(Array.isArray(d.answer) ? d.answer.join(', ') : d.answer, 1000).text}`);
  if (d.conditions && Object.keys(d.conditions).length) lines.push(`Conditions: ${plain(Object.entries(d.conditions).map(([k, v]) => `${k} = ${String(v)}`).join('; '), 1000).text}`);
  if (d.updated_input !== null && d.updated_input !== undefined) {
    const edited = typeof d.updated_input === 'string' ? d.updated_input : ((d.updated_input as { command?: unknown }).command as string | undefined) ?? JSON.stringify(d.updated_input);
    lines.push(`Approved as edited: ${plain(typeof edited === 'string' ? edited : JSON.stringify(edited), 1000).text}`);
  }
  return lines;
}

const ICON: Record<string, string> = { approved: '✅', conditional: '✅', answered: '💬', denied: '⛔', expired: '⌛', cancelled: '✖️' };

/** The card for a request (pending: with buttons; settled: headed by the outcome, no buttons). */
export function renderCard(stored: ApprovalRequest, view: CardView): SlackCard {
  const request = view.secrets.shown(stored);
  const card = cardFor(request, view);
  const pending = request.status === 'pending';
  const shown: Shown[] = [];
  const take = (s: Shown) => (shown.push(s), s.text);
  const a = card.action;
  const blocks: Block[] = [];

  blocks.push({ type: 'header', text: plainText(take(plain(`${request.question ? 'Question: ' : ''}${card.title}`, 150))) });
  if (!pending) {
    blocks.push(section(`${ICON[request.status] ?? 'ℹ️'} *${escapeMrkdwn(plain(card.status ?? statusLine(request), 400).text)}*`));
    const lines = decisionLines(request);
    if (lines.length) blocks.push(plainSection(lines.join('\n').slice(0, 3000)));
  }
  const danger = request.policy?.dangerous ? ' · ⚠️ flagged as dangerous' : '';
  blocks.push(context(`▶ The action: ${take(plain(a.tool, 100))}${a.text ? ` · ${a.what}` : ''}${danger}`));
  if (a.text) blocks.push(section(take(codeBlock(a.text, MAX_ACTION_CHARS))));
  if (pending && request.policy?.step_up && !request.question) blocks.push(context(`🔐 ${STEP_UP_NOTE}`));
  if (a.extras.length) blocks.push(context(`Also in the input: ${take(plain(a.extras.map((e) => `${e.name} = ${e.value}`).join('; '), 1500))}`));
  if (card.description !== null) blocks.push(section(`*The agent's description* (its own words, not checked against the action)\n${take(codeBlock(card.description, 1500))}`));
  if (card.why) blocks.push(section(`*Why you are asked*\n${take(codeBlock(card.why, 1500))}`));

  const facts = card.facts.filter(([k]) => !['Action', 'Request', 'Expires'].includes(k));
  blocks.push({ type: 'section', fields: facts.slice(0, 10).map(([k, v]) => plainText(`${k}\n${take(plain(v, 300, k === 'Directory' ? 'end' : 'start'))}`)) });
  if (request.context) blocks.push(context(`Context: ${take(plain(request.context, 1500))}`));

  if (request.question) {
    const q = request.question;
    const options = q.options.map((o) => `${o.key}. ${o.label}${o.description ? ` — ${o.description}` : ''}`).join('\n');
    const how = q.multi_select ? 'Pick one or more (Choose answers…).' : 'Pick one.';
    blocks.push(plainSection(`${take(plain(options, 2600))}\n${how}${q.allow_free_text ? ' Or answer in your own words.' : ''}`));
  }
  if (request.conditions_schema?.length && pending) {
    const fields = request.conditions_schema.map((f) => `${f.label ?? f.name} (${f.type}${f.required ? ', required' : ''})`).join(', ');
    blocks.push(context(`Asks for conditions: ${take(plain(fields, 1000))}`));
  }

  const hidden = card.masked?.holdOneTap === true;
  const truncated = shown.some((s) => s.cut || s.altered) || hidden;
  if (hidden && pending && !shown.some((s) => s.cut || s.altered)) {
    blocks.push(section(`*A hidden secret could change what runs.* Approve it <${encodeURI(card.url)}|on the dashboard>, where the whole action is shown.`));
  } else if (truncated && pending) {
    const altered = shown.some((s) => s.altered);
    const why = altered ? 'Part of it cannot be shown exactly in Slack (a run of backticks is shown as ˋˋˋ)' : `Cut short where it says ${CUT_MARK}`;
    blocks.push(section(`*${why}.* The whole request is attached in the thread and <${encodeURI(card.url)}|on the dashboard>; approve it there, after reading all of it.`));
  }

  if (pending) {
    const buttons = slackChoices(request, truncated).map((c) => button(c, request.id));
    buttons.push({ type: 'button', action_id: OPEN_ACTION, value: request.id, url: card.url, text: plainText('Open on the dashboard') });
    blocks.push(...actionRows(buttons, request.id));
    blocks.push(context(`Expires ${fmtTime(request.expires_at)} · ${request.id}`));
  } else {
    blocks.push(context(request.id));
  }

  const head = pending ? `${request.question ? 'Question' : 'Approve?'} ${request.title}` : `${card.status}: ${request.title}`;
  return { text: escapeMrkdwn(plain(head, 300).text), blocks, truncated };
}
