// The request card: one Telegram HTML message per request and chat, every piece of agent text
// escaped, within Telegram's 4096-character limit. What does not fit is cut visibly and the card
// says so; the channel then attaches the full text as a file and holds back one-tap approval.
import type { ApprovalRequest } from '../../core/types.js';
import { clipHtml, escapeHtml, showInvisible } from './escape.js';
import type { Messages } from './i18n.js';

/** Telegram's limit for a message text. We count escaped HTML, which is never shorter than what Telegram counts. */
export const MESSAGE_LIMIT = 4096;

export interface RenderedCard {
  html: string;
  /** Some agent text was left out: attach the full text, and no one-tap approval. */
  truncated: boolean;
}

export interface CardOptions {
  m: Messages;
  now: number;
  limit?: number;
}

/** What the approver approves: the Bash command itself, else the preview, else the input as JSON. */
export function previewOf(request: ApprovalRequest): string {
  const input = request.input as Record<string, unknown> | null;
  if (request.tool === 'Bash' && input && typeof input === 'object' && typeof input.command === 'string') return input.command;
  if (request.preview) return request.preview;
  if (request.input !== null && request.input !== undefined) return JSON.stringify(request.input, null, 2) ?? '';
  return '';
}

export const formatTime = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** Lays sections out in order within a budget, remembering what had to be cut. */
class Layout {
  readonly lines: string[] = [];
  cut = false;
  shown = 0;
  total = 0;
  constructor(private remaining: number) {}

  add(html: string): void {
    if (!html) return;
    this.lines.push(html);
    this.remaining -= html.length + 1;
  }

  /** Escaped text, at most `cap` characters and whatever the budget leaves after `reserve`. */
  clip(text: string, cap: number, reserve: number, keep: 'start' | 'end' = 'start'): string {
    const c = clipHtml(text, Math.max(1, Math.min(cap, this.remaining - reserve)), keep);
    if (c.cut) {
      this.cut = true;
      this.shown += c.shown;
      this.total += text.length;
    }
    return c.html;
  }

  get left(): number {
    return this.remaining;
  }
}

const PREVIEW_MIN = 300;
const REL_SAMPLES = [0, 59_499, 3_569_999, 86_399_999, 9999 * 86_400_000];

export function renderCard(request: ApprovalRequest, opts: CardOptions): RenderedCard {
  const limit = opts.limit ?? MESSAGE_LIMIT;
  // The layout keeps within its budget up to a few characters of labels; tighten until it fits.
  let budget = limit;
  for (;;) {
    const card = layOut(request, opts.m, opts.now, budget);
    if (card.html.length <= limit || budget < 200) return card;
    budget -= card.html.length - limit + 16;
  }
}

function layOut(request: ApprovalRequest, m: Messages, now: number, limit: number): RenderedCard {
  const pending = request.status === 'pending';
  const preview = previewOf(request);
  const footerWith = (rel: string) => (pending ? `⏳ ${escapeHtml(m.expires(formatTime(request.expires_at), rel))} · <code>${escapeHtml(request.id)}</code>` : `<code>${escapeHtml(request.id)}</code>`);
  const footer = footerWith(m.inTime(request.expires_at - now));
  // Budget for the longest relative time, so whether a card is cut never depends on the clock.
  const footerMax = Math.max(...REL_SAMPLES.map((ms) => footerWith(m.inTime(ms)).length), footer.length);
  const noteMax = Math.max(m.truncated(99_999, 999_999).length, m.shortened(99_999, 999_999).length) + 2;
  const previewMin = Math.min(PREVIEW_MIN, escapeHtml(preview).length) + 12;
  const reserve = footerMax + noteMax + previewMin + 8;
  const L = new Layout(limit);

  const title = L.clip(request.title, 400, reserve);
  L.add(`${request.priority === 'high' || request.priority === 'critical' ? m.priority[request.priority].split(' ')[0] + ' ' : ''}<b>${title}</b>`);
  if (!pending) outcomeBlock(request, m, L, reserve);

  const meta: string[] = [`${m.agent}: <code>${L.clip(request.agent, 100, reserve)}</code>`];
  if (request.project) meta.push(`${m.project}: <code>${L.clip(request.project, 100, reserve)}</code>`);
  L.add(meta.join(' · '));
  if (request.cwd) L.add(`${m.dir}: <code>${L.clip(request.cwd, 200, reserve, 'end')}</code>`);
  const tool: string[] = [];
  if (request.tool) tool.push(`${m.tool}: <code>${L.clip(request.tool, 100, reserve)}</code>`);
  if (request.session_id) tool.push(`${m.session}: <code>${L.clip(request.session_id, 60, reserve)}</code>`);
  if (tool.length) L.add(tool.join(' · '));
  if (request.requester) L.add(`${m.requester}: ${L.clip(request.requester, 300, reserve)}`);
  if (request.priority !== 'normal') L.add(escapeHtml(m.priority[request.priority]));
  if (request.policy && request.policy.verdict === 'ask') {
    const rule = request.policy.rule ? ` (<code>${L.clip(request.policy.rule, 200, reserve)}</code>)` : '';
    L.add(`🛡 ${m.policy}: ${L.clip(request.policy.reason, 400, reserve)}${rule}`);
  }
  if (request.policy?.dangerous) L.add(escapeHtml(m.dangerous));
  if (request.context) L.add(`${m.context}: ${L.clip(request.context, 800, reserve)}`);

  if (request.question) {
    const q = request.question;
    const lines = [`❓ <b>${m.question}</b>`];
    let optionBudget = 1500;
    for (const o of q.options) {
      const label = L.clip(o.label + (o.description ? ` — ${o.description}` : ''), Math.max(1, Math.min(200, optionBudget)), reserve);
      optionBudget -= label.length;
      lines.push(`<b>${escapeHtml(o.key)}</b>. ${label}`);
    }
    if (q.multi_select) lines.push(`<i>${m.multiSelect}</i>`);
    if (q.allow_free_text) lines.push(`<i>${m.freeText}</i>`);
    L.add(lines.join('\n'));
  }
  if (request.conditions_schema?.length && pending) {
    const fields = request.conditions_schema.map((f) => `${f.label ?? f.name} (${f.type}${f.required ? ', required' : ''})`).join(', ');
    L.add(`🧩 ${m.conditionsAsked}: ${L.clip(fields, 400, reserve)}`);
  }

  if (preview) L.add(`<pre>${L.clip(preview, Number.MAX_SAFE_INTEGER, footerMax + noteMax + 14)}</pre>`);
  if (L.cut) L.add(`<i>${escapeHtml(pending ? m.truncated(L.shown, L.total) : m.shortened(L.shown, L.total))}</i>`);
  L.add(footer);
  return { html: L.lines.join('\n'), truncated: L.cut };
}

function outcomeBlock(request: ApprovalRequest, m: Messages, L: Layout, reserve: number): void {
  const d = request.decision;
  const edited = d !== null && d.updated_input !== null && d.updated_input !== undefined;
  const who = d ? m.byWho(d.decided_by, d.via) : request.status === 'cancelled' ? m.byWho(request.agent, 'agent') : '';
  L.add(`<b>${escapeHtml(m.headline(request.status, d?.scope ?? null, edited))}</b> ${L.clip(who, 200, reserve)}`);
  if (!d) return;
  if (d.comment) L.add(`${m.comment}: ${L.clip(d.comment, 600, reserve)}`);
  if (d.answer !== null) L.add(`${m.answer}: <b>${L.clip(Array.isArray(d.answer) ? d.answer.join(', ') : d.answer, 600, reserve)}</b>`);
  if (d.conditions && Object.keys(d.conditions).length) {
    L.add(`${m.conditions}: ${L.clip(Object.entries(d.conditions).map(([k, v]) => `${k} = ${String(v)}`).join('; '), 600, reserve)}`);
  }
  if (edited) {
    const text = typeof d.updated_input === 'string' ? d.updated_input : editedCommand(request, d.updated_input) ?? JSON.stringify(d.updated_input, null, 2);
    L.add(`${m.editedInput}:\n<pre>${L.clip(text, 800, reserve)}</pre>`);
  }
}

const editedCommand = (request: ApprovalRequest, input: unknown): string | null =>
  request.tool === 'Bash' && input && typeof input === 'object' && typeof (input as { command?: unknown }).command === 'string' ? (input as { command: string }).command : null;

/** One line naming the outcome, for prompts and the attached file once a request is settled. */
export function outcomeLineHtml(request: ApprovalRequest, m: Messages): string {
  const d = request.decision;
  const edited = d !== null && d.updated_input !== null && d.updated_input !== undefined;
  const who = d ? m.byWho(d.decided_by, d.via) : request.status === 'cancelled' ? m.byWho(request.agent, 'agent') : '';
  return `<b>${escapeHtml(m.headline(request.status, d?.scope ?? null, edited))}</b> ${clipHtml(who, 200).html} · <code>${escapeHtml(request.id)}</code>`;
}

/** The whole request as plain text, for the file attached to a shortened card. */
export function fullText(request: ApprovalRequest): string {
  const lines: string[] = [`Greenlight request ${request.id}`, '', `Title: ${request.title}`, `Status: ${request.status}`, `Agent: ${request.agent}`];
  const opt = (label: string, v: string | null) => v && lines.push(`${label}: ${v}`);
  opt('Project', request.project);
  opt('Dir', request.cwd);
  opt('Tool', request.tool);
  opt('Session', request.session_id);
  opt('Requester', request.requester);
  lines.push(`Priority: ${request.priority}`, `Created: ${new Date(request.created_at).toISOString()}`, `Expires: ${new Date(request.expires_at).toISOString()}`);
  if (request.policy) lines.push(`Policy: ${request.policy.verdict}${request.policy.rule ? ` (${request.policy.rule})` : ''}: ${request.policy.reason}${request.policy.dangerous ? ' [dangerous]' : ''}`);
  if (request.context) lines.push('', 'Context:', request.context);
  if (request.question) {
    lines.push('', `Question (${request.question.multi_select ? 'pick one or more' : 'pick one'}${request.question.allow_free_text ? ', or answer freely' : ''}):`);
    for (const o of request.question.options) lines.push(`  ${o.key}. ${o.label}${o.description ? ` — ${o.description}` : ''}`);
  }
  if (request.conditions_schema?.length) lines.push('', 'Conditions schema:', JSON.stringify(request.conditions_schema, null, 2));
  if (request.preview) lines.push('', 'Preview:', request.preview);
  if (request.input !== null && request.input !== undefined) lines.push('', 'Input (JSON):', JSON.stringify(request.input, null, 2) ?? '');
  if (request.metadata) lines.push('', 'Metadata (JSON):', JSON.stringify(request.metadata, null, 2));
  return showInvisible(lines.join('\n')) + '\n';
}
