// The mails: an announcement with signed action links and the reply menu, and an update (decided
// elsewhere, expired, cancelled) sent as a reply in the same thread. HTML and plain text carry the
// same facts in the same order: the action as it will run (../action.ts) first, then the agent's
// own description, labelled, then why the policy asks, then the rest. Every piece of agent text is
// escaped with escapeHtml (which writes out invisible characters), the text part goes through
// showInvisible, headers through headerText.
import type { ApprovalRequest } from '../../core/types.js';
import { showInvisible } from '../../text/invisible.js';
import { actionAsItRuns } from '../action.js';
import { describeOutcome, factRows, fmtTime, whyText } from '../card.js';

export { describeOutcome, factRows, fmtTime, whyText };
import { STEP_UP_NOTE, offerFor } from '../offer.js';
import { actionLabel, MAIL_TEXT_LIMIT, optionKey, type EmailAction } from './actions.js';
import { clip, escapeAttr, escapeHtml, headerText } from './escape.js';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export function announceSubject(r: ApprovalRequest): string {
  const urgent = r.priority === 'high' || r.priority === 'critical' ? `[${r.priority.toUpperCase()}] ` : '';
  const verb = r.question ? 'Question' : 'Approve?';
  return `[Greenlight] ${urgent}${verb} ${headerText(r.title, 120)} (${r.id})`;
}

function outcomeDetails(r: ApprovalRequest): [string, string][] {
  const d = r.decision;
  if (!d) return [];
  const rows: [string, string][] = [];
  if (d.answer !== null) rows.push(['Answer', Array.isArray(d.answer) ? d.answer.join(', ') : d.answer]);
  if (d.conditions) for (const [k, v] of Object.entries(d.conditions)) rows.push([`Condition ${k}`, String(v)]);
  if (d.comment) rows.push(['Comment', d.comment]);
  return rows;
}

export interface Block {
  title: string;
  body: string;
  note?: string;
  /** The action itself: shown strictly left to right, so no bidi rule can reorder it. */
  code?: boolean;
}

/**
 * The blocks of a request in the order every channel shows them: the action as it will run, the
 * input fields it leaves out, the agent's own description, why the policy asks — then (`more`)
 * the whole input and the context.
 */
export function requestBlocks(r: ApprovalRequest, limit = Number.MAX_SAFE_INTEGER): { lead: Block[]; more: Block[] } {
  const a = actionAsItRuns(r);
  const cut = (title: string, text: string, code = false): Block => {
    const c = clip(text, limit);
    return { title, body: c.text, code, note: c.truncated ? `Truncated: this mail shows ${c.text.length} of ${c.total} characters. The confirmation page behind each link shows all of it; a reply cannot approve it.` : undefined };
  };
  const lead: Block[] = [];
  if (a.text) lead.push(cut(`The action: ${a.tool} (${a.what})`, a.text, true));
  else lead.push({ title: `The action: ${a.tool}`, body: 'The agent sent no preview and no input: only the title above.' });
  if (a.extras.length) lead.push({ title: 'Also in the input', body: a.extras.map((e) => `${e.name} = ${e.value}`).join('\n'), code: true });
  if (a.description !== null) lead.push(cut('Agent’s description (the agent’s own words, not checked against the action)', a.description));
  const why = whyText(r);
  if (why) lead.push({ title: 'Why you are asked', body: why });
  const more: Block[] = [];
  if (a.inputJson) more.push(cut('Full input (JSON)', a.inputJson, true));
  if (r.context) more.push(cut('Context', r.context));
  return { lead, more };
}

function questionLines(r: ApprovalRequest): string[] {
  const q = r.question;
  if (!q) return [];
  const lines = q.options.map((o) => `${o.key}  ${o.label}${o.description ? ` — ${o.description}` : ''}`);
  if (q.multi_select) lines.push('(several options may be chosen)');
  if (q.allow_free_text) lines.push('(a free-text answer is welcome)');
  return lines;
}

function conditionLines(r: ApprovalRequest): string[] {
  return (r.conditions_schema ?? []).map((f) => `${f.label ?? f.name} (${f.type}${f.required ? ', required' : ''}${f.options ? `: ${f.options.join(' / ')}` : ''})`);
}

/** The reply menu for the actions offered (ok2run's codes and words). */
export function replyMenu(r: ApprovalRequest, actions: EmailAction[], truncated: boolean): string[] {
  const lines: string[] = [];
  const has = (a: string) => actions.includes(a as EmailAction);
  // A reply cannot carry the second factor a step-up approval needs: approving is the link's page.
  if (!truncated && !offerFor(r).stepUp) {
    if (has('approve')) lines.push('1 or approve — approve once');
    if (has('session')) lines.push('2 or session — approve for this session');
    if (has('always')) lines.push('6 or always — always approve this');
  }
  if (has('deny')) lines.push('3 <reason> or deny <reason> — deny');
  const keys = actions.map(optionKey).filter((k): k is string => k !== null);
  if (keys.length) lines.push(`${keys.join(', ')} — pick that option${r.question?.multi_select ? ' (several: "A, C")' : ''}`);
  if (r.question?.allow_free_text) lines.push('any other text — your answer');
  return lines;
}

export interface AnnounceInput {
  request: ApprovalRequest;
  approver: string;
  actions: EmailAction[];
  /** action → signed confirmation-page URL */
  links: Map<EmailAction, string>;
  truncated: boolean;
}

export function renderAnnouncement(input: AnnounceInput): RenderedMail {
  const { request: r, actions, links, truncated } = input;
  const subject = announceSubject(r);
  const facts = factRows(r);
  const { lead, more } = requestBlocks(r, MAIL_TEXT_LIMIT);
  const qs = questionLines(r);
  const conds = conditionLines(r);
  const menu = replyMenu(r, actions, truncated);
  const intro = r.question ? `${r.agent} asks you a question:` : `${r.agent} asks for approval:`;
  const stepUp = offerFor(r).stepUp ? `🔐 ${STEP_UP_NOTE} The Approve link's page asks for it.` : null;
  const confirmNote = 'Each link opens a confirmation page showing the full action; nothing is decided until you press the button there.';

  const textBlock = (b: Block) => ['', `--- ${b.title} ---`, b.body, ...(b.note ? [`[${b.note}]`] : [])];
  const text = showInvisible([
    intro,
    r.title,
    ...lead.flatMap(textBlock),
    '',
    ...facts.map(([k, v]) => `${`${k}:`.padEnd(12)}${v}`),
    ...more.flatMap(textBlock),
    ...(qs.length ? ['', 'Options:', ...qs.map((l) => `  ${l}`)] : []),
    ...(conds.length ? ['', 'Conditions you can set (Approve with conditions):', ...conds.map((l) => `  ${l}`)] : []),
    '',
    ...(stepUp ? [stepUp] : []),
    `Decide (${confirmNote})`,
    ...actions.map((a) => `  ${actionLabel(a, r)}: ${links.get(a)}`),
    ...(menu.length ? ['', 'Or reply to this mail with one of:', ...menu.map((l) => `  ${l}`)] : []),
    '',
    `You get this because you approve requests${r.project ? ` of project ${r.project}` : ''} on Greenlight, as ${input.approver}.`,
  ].join('\n'));

  const td = 'padding:2px 12px 2px 0;vertical-align:top';
  const pre = 'white-space:pre-wrap;word-break:break-word;background:#f4f4f5;padding:8px;border-radius:4px;font-size:13px';
  const htmlBlock = (b: Block) =>
    `<h3 style="margin:16px 0 4px;font-size:15px">${escapeHtml(b.title)}</h3><pre style="${pre}${b.code ? ';unicode-bidi:bidi-override;direction:ltr;text-align:left' : ''}">${escapeHtml(b.body)}</pre>${b.note ? `<p style="color:#b45309"><strong>${escapeHtml(b.note)}</strong></p>` : ''}`;
  const btn = (a: EmailAction) => {
    const color = a === 'deny' ? '#b91c1c' : a === 'approve' || a.startsWith('option:') ? '#15803d' : '#1d4ed8';
    return `<a href="${escapeAttr(links.get(a))}" style="display:inline-block;margin:4px 6px 4px 0;padding:8px 14px;border-radius:4px;background:${color};color:#fff;text-decoration:none">${escapeHtml(actionLabel(a, r))}</a>`;
  };
  const html = [
    '<!doctype html><html><head><meta charset="utf-8"><title>' + escapeAttr(headerText(r.title, 120)) + '</title></head>',
    '<body style="font-family:system-ui,sans-serif;color:#18181b;max-width:720px">',
    `<p>${escapeHtml(intro)}</p>`,
    `<h2 style="margin:4px 0 12px">${escapeHtml(r.title)}</h2>`,
    ...lead.map(htmlBlock),
    `<table style="border-collapse:collapse;font-size:14px;margin-top:12px">${facts.map(([k, v]) => `<tr><td style="${td};color:#52525b">${escapeHtml(k)}</td><td style="${td}">${escapeHtml(v)}</td></tr>`).join('')}</table>`,
    ...more.map(htmlBlock),
    qs.length ? `<h3 style="font-size:15px">Options</h3><ul>${qs.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>` : '',
    conds.length ? `<h3 style="font-size:15px">Conditions you can set</h3><ul>${conds.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>` : '',
    stepUp ? `<p style="margin-top:20px"><strong>${escapeHtml(stepUp)}</strong></p>` : '',
    `<p style="margin-top:20px">${actions.map(btn).join('')}</p>`,
    `<p style="color:#52525b;font-size:13px">${escapeHtml(confirmNote)}</p>`,
    menu.length ? `<p style="color:#52525b;font-size:13px">Or reply to this mail with one of:</p><ul style="color:#52525b;font-size:13px">${menu.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>` : '',
    `<p style="color:#a1a1aa;font-size:12px">${escapeHtml(`You get this because you approve requests${r.project ? ` of project ${r.project}` : ''} on Greenlight, as ${input.approver}.`)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

/** The thread's last word: what happened to the request, and that its links are dead now. */
export function renderUpdate(r: ApprovalRequest): RenderedMail {
  const outcome = describeOutcome(r);
  const details = outcomeDetails(r);
  const after = 'The links in the earlier mail no longer decide anything.';
  const text = showInvisible([`Request ${r.id} was ${outcome}${r.decision ? ` at ${fmtTime(r.decision.decided_at)}` : ''}.`, '', `Title: ${r.title}`, ...details.map(([k, v]) => `${k}: ${v}`), '', after].join('\n'));
  const html = [
    '<!doctype html><html><head><meta charset="utf-8"></head><body style="font-family:system-ui,sans-serif;color:#18181b;max-width:720px">',
    `<p><strong>${escapeHtml(`Request ${r.id} was ${outcome}`)}</strong>${r.decision ? escapeHtml(` at ${fmtTime(r.decision.decided_at)}`) : ''}.</p>`,
    `<p>${escapeHtml(r.title)}</p>`,
    details.length ? `<table>${details.map(([k, v]) => `<tr><td style="padding-right:12px;color:#52525b">${escapeHtml(k)}</td><td style="white-space:pre-wrap">${escapeHtml(v)}</td></tr>`).join('')}</table>` : '',
    `<p style="color:#52525b;font-size:13px">${escapeHtml(after)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject: `Re: ${announceSubject(r)}`, text, html };
}
