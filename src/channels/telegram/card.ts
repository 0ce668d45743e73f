// The request card: one Telegram HTML message per request and chat, every piece of agent text
// escaped, within Telegram's 4096-character limit. It leads with the action as it will run (the
// shared derivation in ../action.ts), then the agent's own description, labelled, then why the
// policy asks. What does not fit is cut visibly and the card says so; the channel then attaches the
// full text as a file and holds back one-tap approval. It is given the request with its secrets
// masked (ctx.secrets.shown), never the stored one.
import type { ApprovalRequest } from '../../core/types.js';
import { actionAsItRuns } from '../action.js';
import { fmtTime } from '../card.js';
import { maskOf } from '../../secrets/mask-request.js';
import { progressLines } from '../workflow-view.js';
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


/** Spends a budget on sections (in the order they are clipped, not shown), remembering what had to be cut. */
class Layout {
  cut = false;
  shown = 0;
  total = 0;
  constructor(private remaining: number) {}

  /** Counts a finished section against the budget; returns it. */
  take(html: string): string {
    if (html) this.remaining -= html.length + 1;
    return html;
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
  const action = actionAsItRuns(request);
  const footerWith = (rel: string) => (pending ? `⏳ ${escapeHtml(m.expires(fmtTime(request.expires_at), rel))} · <code>${escapeHtml(request.id)}</code>` : `<code>${escapeHtml(request.id)}</code>`);
  const footer = footerWith(m.inTime(request.expires_at - now));
  // Budget for the longest relative time, so whether a card is cut never depends on the clock.
  const footerMax = Math.max(...REL_SAMPLES.map((ms) => footerWith(m.inTime(ms)).length), footer.length);
  const noteMax = Math.max(m.truncated(99_999, 999_999).length, m.shortened(99_999, 999_999).length) + 2;
  const actionMin = Math.min(PREVIEW_MIN, escapeHtml(action.text).length) + 12;
  const reserve = footerMax + noteMax + actionMin + 8;
  const L = new Layout(limit);
  // Everything but the action's text is clipped first, each within its cap; the action's text then
  // gets the rest. Shown in this order: title, outcome, the action, the agent's description, why.
  const title = L.take(`${request.priority === 'high' || request.priority === 'critical' ? m.priority[request.priority].split(' ')[0] + ' ' : ''}<b>${L.clip(request.title, 400, reserve)}</b>`);
  const outcome = pending ? [] : outcomeBlock(request, m, L, reserve);
  const head = L.take(`▶️ <b>${escapeHtml(m.action)}</b>: <code>${L.clip(action.tool, 100, reserve)}</code>${action.text ? ` · ${escapeHtml(m.actionWhat[action.body.kind])}` : ''}`);
  const extras = action.extras.length ? L.take(`${escapeHtml(m.alsoInInput)}: ${L.clip(action.extras.map((e) => `${e.name} = ${e.value}`).join('; '), 400, reserve)}`) : '';
  const description = action.description !== null ? L.take(`💬 <i>${escapeHtml(m.agentDescription)}</i>: ${L.clip(action.description, 600, reserve)}`) : '';
  const why: string[] = [];
  if (request.policy && request.policy.verdict === 'ask') {
    const rule = request.policy.rule ? ` (<code>${L.clip(request.policy.rule, 200, reserve)}</code>)` : '';
    why.push(L.take(`🛡 ${m.policy}: ${L.clip(request.policy.reason, 1200, reserve)}${rule}`));
  }
  if (request.policy?.dangerous) why.push(L.take(escapeHtml(m.dangerous)));
  if (pending && request.policy?.step_up && !request.question) why.push(L.take(escapeHtml(m.stepUpNote)));

  const facts: string[] = [];
  const meta: string[] = [`${m.agent}: <code>${L.clip(request.agent, 100, reserve)}</code>`];
  if (request.project) meta.push(`${m.project}: <code>${L.clip(request.project, 100, reserve)}</code>`);
  facts.push(L.take(meta.join(' · ')));
  if (request.cwd) facts.push(L.take(`${m.dir}: <code>${L.clip(request.cwd, 200, reserve, 'end')}</code>`));
  if (request.host) facts.push(L.take(`${m.host}: <code>${L.clip(request.host, 253, reserve)}</code>`));
  if (request.session_id) facts.push(L.take(`${m.session}: <code>${L.clip(request.session_id, 60, reserve)}</code>`));
  if (request.requester) facts.push(L.take(`${m.requester}: ${L.clip(request.requester, 300, reserve)}`));
  if (request.priority !== 'normal') facts.push(L.take(escapeHtml(m.priority[request.priority])));
  if (request.context) facts.push(L.take(`${m.context}: ${L.clip(request.context, 800, reserve)}`));

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
    facts.push(L.take(lines.join('\n')));
  }
  if (request.conditions_schema?.length && pending) {
    const fields = request.conditions_schema.map((f) => `${f.label ?? f.name} (${f.type}${f.required ? ', required' : ''})`).join(', ');
    facts.push(L.take(`🧩 ${m.conditionsAsked}: ${L.clip(fields, 400, reserve)}`));
  }

  // Quorum and ladder: "1 of 2 approvals — alice approved", "Step 2 of 3: asked …".
  for (const line of progressLines(request)) facts.push(L.take(`👥 ${L.clip(line, 600, reserve)}`));

  const text = action.text ? L.take(`<pre>${L.clip(action.text, Number.MAX_SAFE_INTEGER, footerMax + noteMax + 14)}</pre>`) : '';
  const note = L.cut ? `<i>${escapeHtml(pending ? m.truncated(L.shown, L.total) : m.shortened(L.shown, L.total))}</i>` : '';
  const lines = [title, ...outcome, head, text, extras, description, ...why, ...facts, note, footer].filter(Boolean);
  // A masked secret that could hide the action's structure is held back like a cut.
  return { html: lines.join('\n'), truncated: L.cut || maskOf(request)?.holdOneTap === true };
}

function outcomeBlock(request: ApprovalRequest, m: Messages, L: Layout, reserve: number): string[] {
  const d = request.decision;
  const edited = d !== null && d.updated_input !== null && d.updated_input !== undefined;
  const who = d ? m.byWho(d.decided_by, d.via) : request.status === 'cancelled' ? m.byWho(request.agent, 'agent') : '';
  const out = [L.take(`<b>${escapeHtml(m.headline(request.status, d?.scope ?? null, edited))}</b> ${L.clip(who, 200, reserve)}`)];
  if (!d) return out;
  if (d.comment) out.push(L.take(`${m.comment}: ${L.clip(d.comment, 600, reserve)}`));
  if (d.answer !== null) out.push(L.take(`${m.answer}: <b>${L.clip(Array.isArray(d.answer) ? d.answer.join(', ') : d.answer, 600, reserve)}</b>`));
  if (d.conditions && Object.keys(d.conditions).length) {
    out.push(L.take(`${m.conditions}: ${L.clip(Object.entries(d.conditions).map(([k, v]) => `${k} = ${String(v)}`).join('; '), 600, reserve)}`));
  }
  if (edited) {
    const text = typeof d.updated_input === 'string' ? d.updated_input : editedCommand(request, d.updated_input) ?? JSON.stringify(d.updated_input, null, 2);
    out.push(L.take(`${m.editedInput}:\n<pre>${L.clip(text, 800, reserve)}</pre>`));
  }
  return out;
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

/** The whole request as plain text (shared with every channel that attaches it). */
export { fullText } from '../card.js';
