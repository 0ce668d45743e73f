// The request card as a Discord message: one embed and the components that decide. Built from the
// channel-neutral card and offer (../card.ts, ../offer.ts), in their order — the action as it will
// run first (in a code block), the agent's own description labelled second, why the policy asks,
// the facts — within Discord's limits (title 256, description 4096, field 1024, 6000 in all). What
// does not fit is cut visibly, the embed's title links to the whole request on the dashboard, and
// the offer is rendered as truncated: no button approves what the approver could not see.
//
// Buttons carry the offer's choice ids (./custom-id.ts); a choice that needs input opens a modal
// (./modals.ts); a question's options are a select menu (several at once for multi-select). Every
// message says `allowed_mentions: {parse: []}`: nothing in it pings anyone. Everything is drawn
// from the request with its secrets masked (view.secrets, src/secrets/); a masked value that could
// hide the action's structure holds back approving here, as a cut does. Pure: no I/O.
import type { ApprovalRequest } from '../../core/types.js';
import { clip } from '../../text/clip.js';
import { cardFor, describeOutcome, type CardView } from '../card.js';
import { STEP_UP_NOTE, oneTap, type Choice, type Offer } from '../offer.js';
import { encodeCustomId } from './custom-id.js';
import { clipPlain, codeBlock, escapeMarkdown } from './escape.js';
import { conditionsFit, editFits } from './modals.js';

export const LIMITS = { title: 256, description: 4096, fieldName: 256, fieldValue: 1024, fields: 25, footer: 2048, total: 6000, buttonLabel: 80, optionLabel: 100, options: 25, rows: 5, perRow: 5 } as const;

export const NO_MENTIONS = { parse: [] as string[] };

export interface EmbedField {
  name: string;
  value: string;
  inline?: boolean;
}

export interface Embed {
  title: string;
  url: string;
  description: string;
  color: number;
  fields: EmbedField[];
  footer?: { text: string };
}

export type Component =
  | { type: 2; style: 1 | 2 | 3 | 4; label: string; custom_id: string }
  | { type: 2; style: 5; label: string; url: string }
  | { type: 3; custom_id: string; placeholder: string; min_values: number; max_values: number; options: { label: string; value: string; description?: string }[] };

export interface ActionRow {
  type: 1;
  components: Component[];
}

export interface MessageBody {
  embeds: Embed[];
  components: ActionRow[];
  allowed_mentions: typeof NO_MENTIONS;
}

export interface DiscordCard {
  body: MessageBody;
  /** Some agent text was cut: nothing that approves is offered here. */
  truncated: boolean;
  /** The choice ids the message offers (buttons, the select menu): what a click may stand for. */
  shown: Set<string>;
}

const COLOR = { pending: 0x5865f2, high: 0xe67e22, danger: 0xed4245, approved: 0x57f287, denied: 0xed4245, settled: 0x95a5a6 } as const;
const STYLE = { primary: 1, secondary: 2, success: 3, danger: 4 } as const;

/** Caps per block (characters as shown); the action gets what is left of the 6,000. */
const CAP = { fact: 120, dir: 200, description: 600, why: 600, context: 400, question: 900, conditions: 300, decision: 400 } as const;

function colorOf(r: ApprovalRequest): number {
  if (r.status === 'approved' || r.status === 'conditional' || r.status === 'answered') return COLOR.approved;
  if (r.status === 'denied') return COLOR.denied;
  if (r.status !== 'pending') return COLOR.settled;
  if (r.policy?.dangerous || r.priority === 'critical') return COLOR.danger;
  return r.priority === 'high' ? COLOR.high : COLOR.pending;
}

interface FieldSpec {
  name: string;
  raw: string;
  cap: number;
  inline?: boolean;
  /** Keep the end when cutting (paths). */
  keepEnd?: boolean;
  /** Our own words (no agent text): shown as written. */
  ours?: boolean;
}

/** The fields of a card, as raw text with the most each may show. */
function fieldSpecs(r: ApprovalRequest, card: ReturnType<typeof cardFor>): FieldSpec[] {
  const specs: FieldSpec[] = [];
  const add = (name: string, raw: string | null | undefined, cap: number, extra: Partial<FieldSpec> = {}) => {
    if (raw !== null && raw !== undefined && raw.trim() !== '') specs.push({ name, raw, cap, ...extra });
  };
  const pending = r.status === 'pending';
  const d = r.decision;
  if (!pending && d) {
    add('Comment', d.comment, CAP.decision);
    if (d.answer !== null) add('Answer', Array.isArray(d.answer) ? d.answer.join(', ') : d.answer, CAP.decision);
    if (d.conditions && Object.keys(d.conditions).length) add('Conditions', Object.entries(d.conditions).map(([k, v]) => `${k} = ${String(v)}`).join('; '), CAP.decision);
    if (d.updated_input !== null && d.updated_input !== undefined) add('Approved as edited', typeof d.updated_input === 'string' ? d.updated_input : JSON.stringify(d.updated_input), CAP.decision);
  }
  add("Agent's description (its own words)", card.description, CAP.description);
  add('Why you are asked', card.why, CAP.why);
  for (const [k, v] of card.facts) {
    if (k === 'Action') continue;
    if (k === 'Directory') add(k, v, CAP.dir, { keepEnd: true });
    else add(k, v, CAP.fact, { inline: true });
  }
  add("Context (the agent's words)", r.context, CAP.context);
  if (r.question) {
    const q = r.question;
    const how = q.options.length > LIMITS.options ? 'More options than Discord can list: answer on the dashboard (title link).' : q.multi_select ? 'Pick one or more below.' : q.options.length ? 'Pick one below.' : '';
    add('Question', q.options.map((o) => `${o.key}. ${o.label}${o.description ? ` — ${o.description}` : ''}`).join('\n'), CAP.question);
    add('How to answer', `${how}${q.allow_free_text ? ' Or answer in your own words.' : ''}`.trim() || 'Answer on the dashboard (title link).', 200, { ours: true });
  }
  if (pending && card.offer.stepUp) add('🔐 Step-up', STEP_UP_NOTE, 200, { ours: true });
  if (pending && r.conditions_schema?.length) {
    add('Conditions asked', r.conditions_schema.map((f) => `${f.label ?? f.name} (${f.type}${f.required ? ', required' : ''})`).join(', '), CAP.conditions);
    if (!conditionsFit(r.conditions_schema)) add('Conditions form', 'More fields than a Discord form holds (5): approve with conditions on the dashboard (title link).', 200, { ours: true });
  }
  return specs.slice(0, LIMITS.fields);
}

/** The card for a request: pending with its components, or settled with the outcome and no buttons. */
export function renderCard(stored: ApprovalRequest, view: CardView): DiscordCard {
  const r = view.secrets.shown(stored);
  const card = cardFor(r, view);
  const specs = fieldSpecs(r, card);
  // Every block within its cap; when the whole would pass 6,000, the caps shrink until it fits.
  let embed: Embed;
  let cut: boolean;
  for (let scale = 1; ; scale *= 0.7) {
    ({ embed, cut } = layOut(r, card, specs, scale));
    if (embedLength(embed) <= LIMITS.total || scale < 0.05) break;
  }
  const hidden = card.masked?.holdOneTap === true && r.status === 'pending';
  if (hidden && !cut) embed.footer = { text: clipPlain('A hidden secret could change what runs: the title opens the request on the dashboard, where approving is offered.', FOOTER_ROOM) };
  const offer: Offer = { ...card.offer, truncated: cut || hidden };
  const { rows, shown } = r.status === 'pending' ? componentsFor(r, offer, card.url) : { rows: [linkRow(card.url)], shown: new Set<string>() };
  return { body: { embeds: [embed], components: rows, allowed_mentions: NO_MENTIONS }, truncated: offer.truncated, shown };
}

/** What Discord counts against the 6,000 characters of a message's embeds. */
export const embedLength = (e: Embed): number => e.title.length + e.description.length + e.fields.reduce((n, f) => n + f.name.length + f.value.length, 0) + (e.footer?.text.length ?? 0);

function layOut(r: ApprovalRequest, card: ReturnType<typeof cardFor>, specs: FieldSpec[], scale: number): { embed: Embed; cut: boolean } {
  const pending = r.status === 'pending';
  let cut = false;
  const md = (raw: string, max: number, keepEnd = false) => {
    const c = clip(raw, Math.max(20, Math.floor(max)), { escape: escapeMarkdown, keep: keepEnd ? 'end' : 'start' });
    cut ||= c.cut;
    return c.text;
  };
  const prefix = pending ? (r.question ? 'Question: ' : 'Approve? ') : '';
  const title = prefix + md(card.title, (LIMITS.title - prefix.length) * Math.max(scale, 0.5));
  const fields = specs.map((f) => ({ name: f.name, value: f.ours ? f.raw : md(f.raw, f.cap * scale, f.keepEnd), ...(f.inline ? { inline: true } : {}) }));
  // The description: the outcome once settled, what runs, then the action's text in what is left of
  // both the description's and the message's limits.
  const a = card.action;
  const head = [...(card.status ? [`**${escapeMarkdown(card.status)}**`] : []), `▶ **${md(a.tool, 100)}**${a.text ? ` · ${a.what}` : ''}`].join('\n');
  const extras = a.extras.length ? `Also in the input: ${md(a.extras.map((e) => `${e.name} = ${e.value}`).join('; '), 300 * scale)}` : '';
  const used = title.length + fields.reduce((n, f) => n + f.name.length + f.value.length, 0) + head.length + extras.length + FOOTER_ROOM;
  const room = Math.min(LIMITS.description - head.length - extras.length - 4, LIMITS.total - used - 4);
  let body = '';
  if (a.text) {
    const c = codeBlock(a.text, Math.max(100, room));
    cut ||= c.cut;
    body = c.text;
  }
  const description = [head, body, extras].filter(Boolean).join('\n');
  const footer = cut
    ? pending
      ? 'Cut short to fit Discord: the title opens all of it on the dashboard. Approving is held back here for what you could not see.'
      : 'Cut short to fit Discord: the title opens all of it on the dashboard.'
    : `${pending ? 'Denied if nobody answers by the expiry.' : describeOutcome(r)} · ${r.id}`;
  return { embed: { title, url: card.url, description, color: colorOf(r), fields, footer: { text: clipPlain(footer, FOOTER_ROOM) } }, cut };
}

const FOOTER_ROOM = 200;

const button = (label: string, style: 1 | 2 | 3 | 4, choice: string, requestId: string): Component => ({ type: 2, style, label: clipPlain(label, LIMITS.buttonLabel), custom_id: encodeCustomId({ surface: 'b', choice, requestId }) });
const linkRow = (url: string): ActionRow => ({ type: 1, components: [{ type: 2, style: 5, label: 'Open on the dashboard', url }] });

const LABEL: Record<string, [string, 1 | 2 | 3 | 4]> = {
  approve: ['Approve', STYLE.success],
  session: ['Approve for this session', STYLE.primary],
  always: ['Always allow this', STYLE.secondary],
  conditional: ['Approve with conditions…', STYLE.primary],
  edit: ['Edit, then approve…', STYLE.secondary],
  deny: ['Deny', STYLE.danger],
  deny_reason: ['Deny with a reason…', STYLE.danger],
  answer: ['Answer in my own words…', STYLE.secondary],
};

/**
 * The components of a pending request: what the offer allows on a surface that shows the card as
 * rendered — one-tap choices, and the choices with inputs this channel collects in a modal or a
 * select menu (never one that approves when the card was cut).
 */
function componentsFor(r: ApprovalRequest, offer: Offer, url: string): { rows: ActionRow[]; shown: Set<string> } {
  const tap = new Set(oneTap(offer).map((c) => c.id));
  const allowed = (c: Choice): boolean => {
    if (offer.truncated && c.approves) return false;
    if (c.input === null) return tap.has(c.id);
    if (c.input.kind === 'conditions') return conditionsFit(c.input.fields);
    if (c.input.kind === 'selection') return c.input.options.length <= LIMITS.options;
    if (c.input.kind === 'edit') return editFits(r);
    return true;
  };
  const choices = offer.choices.filter(allowed);
  const shown = new Set<string>();
  const rows: ActionRow[] = [];
  const id = r.id;
  const push = (components: Component[]) => components.length && rows.push({ type: 1, components });

  if (r.question) {
    const options = choices.filter((c) => c.kind === 'option');
    const select = choices.find((c) => c.kind === 'select');
    const list = select?.input?.kind === 'selection' ? select.input.options : options.map((c) => c.option!);
    if (list.length && list.length <= LIMITS.options) {
      const multi = select !== undefined;
      push([
        {
          type: 3,
          custom_id: encodeCustomId({ surface: 's', choice: multi ? 'select' : 'option', requestId: id }),
          placeholder: multi ? 'Pick one or more answers' : 'Pick an answer',
          min_values: 1,
          max_values: multi ? list.length : 1,
          options: list.map((o) => ({ label: clipPlain(`${o.key}. ${o.label}`, LIMITS.optionLabel), value: o.key, ...(o.description ? { description: clipPlain(o.description, 100) } : {}) })),
        },
      ]);
      if (multi) shown.add('select');
      else for (const c of options) shown.add(c.id);
    }
  } else {
    const first = choices.filter((c) => ['approve', 'session', 'always', 'conditional', 'edit'].includes(c.kind));
    push(first.map((c) => button(c.input?.kind === 'code' ? 'Approve with your code…' : LABEL[c.kind][0], LABEL[c.kind][1], c.id, id)));
    const grants = choices.filter((c) => c.grant);
    push(grants.slice(0, LIMITS.perRow).map((c) => button(`Accept all ${c.grant!.subject}`, STYLE.secondary, c.id, id)));
    for (const c of [...first, ...grants.slice(0, LIMITS.perRow)]) shown.add(c.id);
  }
  const last = choices.filter((c) => c.kind === 'answer' || c.kind === 'deny' || c.kind === 'deny_reason');
  for (const c of last) shown.add(c.id);
  rows.push({ type: 1, components: [...last.map((c) => button(LABEL[c.kind][0], LABEL[c.kind][1], c.id, id)), linkRow(url).components[0]] });
  return { rows, shown };
}
