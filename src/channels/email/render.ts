// The mails: an announcement with signed action links and the reply menu, and an update (decided
// elsewhere, expired, cancelled) sent as a reply in the same thread. HTML and plain text carry the
// same facts; every piece of agent text is escaped with escapeHtml, headers go through headerText.
import type { ApprovalRequest } from '../../core/types.js';
import { actionLabel, inputText, MAIL_TEXT_LIMIT, optionKey, type EmailAction } from './actions.js';
import { clip, escapeHtml, headerText } from './escape.js';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export const fmtTime = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export function announceSubject(r: ApprovalRequest): string {
  const urgent = r.priority === 'high' || r.priority === 'critical' ? `[${r.priority.toUpperCase()}] ` : '';
  const verb = r.question ? 'Question' : 'Approve?';
  return `[Greenlight] ${urgent}${verb} ${headerText(r.title, 120)} (${r.id})`;
}

/** "approved by alice via email" — the outcome of a settled request, as every page and mail says it. */
export function describeOutcome(r: ApprovalRequest): string {
  const d = r.decision;
  if (r.status === 'cancelled') return 'cancelled by the agent';
  if (!d) return r.status;
  const scope = r.status === 'approved' && d.scope !== 'once' ? ` (${d.scope})` : '';
  const what = r.status === 'conditional' ? 'approved with conditions' : `${r.status}${scope}`;
  return `${what} by ${d.decided_by} via ${d.via}`;
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

/** The facts of a request as label/value rows (values are raw text; callers escape). */
export function factRows(r: ApprovalRequest): [string, string][] {
  const rows: [string, string][] = [['Action', r.tool ? `${r.action_type} (${r.tool})` : r.action_type], ['Agent', r.requester ? `${r.agent} (for ${r.requester})` : r.agent]];
  if (r.project) rows.push(['Project', r.project]);
  if (r.cwd) rows.push(['Directory', r.cwd]);
  if (r.session_id) rows.push(['Session', r.session_id]);
  rows.push(['Priority', r.priority]);
  if (r.policy?.dangerous) rows.push(['Warning', 'flagged as dangerous by the policy']);
  rows.push(['Expires', fmtTime(r.expires_at)], ['Request', r.id]);
  return rows;
}

interface Block {
  title: string;
  body: string;
  note?: string;
}

function blocks(r: ApprovalRequest, limit: number): Block[] {
  const out: Block[] = [];
  const cut = (title: string, text: string) => {
    const c = clip(text, limit);
    out.push({ title, body: c.text, note: c.truncated ? `Truncated: this mail shows ${c.text.length} of ${c.total} characters. The confirmation page behind each link shows all of it; a reply cannot approve it.` : undefined });
  };
  if (r.preview) cut('Preview', r.preview);
  const input = inputText(r);
  if (input) cut('Input', input);
  if (r.context) cut('Context', r.context);
  return out;
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
  if (!truncated) {
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
  const bl = blocks(r, MAIL_TEXT_LIMIT);
  const qs = questionLines(r);
  const conds = conditionLines(r);
  const menu = replyMenu(r, actions, truncated);
  const intro = r.question ? `${r.agent} asks you a question:` : `${r.agent} asks for approval:`;
  const confirmNote = 'Each link opens a confirmation page showing the full action; nothing is decided until you press the button there.';

  const text = [
    intro,
    r.title,
    '',
    ...facts.map(([k, v]) => `${`${k}:`.padEnd(11)}${v}`),
    ...bl.flatMap((b) => ['', `--- ${b.title} ---`, b.body, ...(b.note ? [`[${b.note}]`] : [])]),
    ...(qs.length ? ['', 'Options:', ...qs.map((l) => `  ${l}`)] : []),
    ...(conds.length ? ['', 'Conditions you can set (Approve with conditions):', ...conds.map((l) => `  ${l}`)] : []),
    '',
    `Decide (${confirmNote})`,
    ...actions.map((a) => `  ${actionLabel(a, r)}: ${links.get(a)}`),
    ...(menu.length ? ['', 'Or reply to this mail with one of:', ...menu.map((l) => `  ${l}`)] : []),
    '',
    `You get this because you approve requests${r.project ? ` of project ${r.project}` : ''} on Greenlight, as ${input.approver}.`,
  ].join('\n');

  const td = 'padding:2px 12px 2px 0;vertical-align:top';
  const pre = 'white-space:pre-wrap;word-break:break-word;background:#f4f4f5;padding:8px;border-radius:4px;font-size:13px';
  const btn = (a: EmailAction) => {
    const color = a === 'deny' ? '#b91c1c' : a === 'approve' || a.startsWith('option:') ? '#15803d' : '#1d4ed8';
    return `<a href="${escapeHtml(links.get(a))}" style="display:inline-block;margin:4px 6px 4px 0;padding:8px 14px;border-radius:4px;background:${color};color:#fff;text-decoration:none">${escapeHtml(actionLabel(a, r))}</a>`;
  };
  const html = [
    '<!doctype html><html><head><meta charset="utf-8"><title>' + escapeHtml(headerText(r.title, 120)) + '</title></head>',
    '<body style="font-family:system-ui,sans-serif;color:#18181b;max-width:720px">',
    `<p>${escapeHtml(intro)}</p>`,
    `<h2 style="margin:4px 0 12px">${escapeHtml(r.title)}</h2>`,
    `<table style="border-collapse:collapse;font-size:14px">${facts.map(([k, v]) => `<tr><td style="${td};color:#52525b">${escapeHtml(k)}</td><td style="${td}">${escapeHtml(v)}</td></tr>`).join('')}</table>`,
    ...bl.map((b) => `<h3 style="margin:16px 0 4px;font-size:15px">${escapeHtml(b.title)}</h3><pre style="${pre}">${escapeHtml(b.body)}</pre>${b.note ? `<p style="color:#b45309"><strong>${escapeHtml(b.note)}</strong></p>` : ''}`),
    qs.length ? `<h3 style="font-size:15px">Options</h3><ul>${qs.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>` : '',
    conds.length ? `<h3 style="font-size:15px">Conditions you can set</h3><ul>${conds.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>` : '',
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
  const text = [`Request ${r.id} was ${outcome}${r.decision ? ` at ${fmtTime(r.decision.decided_at)}` : ''}.`, '', `Title: ${r.title}`, ...details.map(([k, v]) => `${k}: ${v}`), '', after].join('\n');
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
