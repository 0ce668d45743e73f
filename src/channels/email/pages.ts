// Server-rendered confirmation and result pages for email links. No script at all (a scanner that
// runs scripts finds nothing to click), everything escaped (text with invisible characters written
// out, attribute values as they are), one inline stylesheet. The request is shown as in the mail:
// the action as it will run first, then the agent's description, then why the policy asks.
import type { ApprovalRequest, ConditionField } from '../../core/types.js';
import { actionLabel, optionKey } from './actions.js';
import { STEP_UP_NOTE } from '../offer.js';
import { showInvisible } from '../../text/invisible.js';
import { escapeAttr as a, escapeHtml as e } from './escape.js';
import { factRows, requestBlocks, type Block } from './render.js';

const STYLE = `body{font-family:system-ui,sans-serif;color:#18181b;max-width:760px;margin:24px auto;padding:0 16px}
pre{white-space:pre-wrap;word-break:break-word;background:#f4f4f5;padding:10px;border-radius:4px;font-size:13px}pre.code{unicode-bidi:bidi-override;direction:ltr;text-align:left}
td{padding:2px 12px 2px 0;vertical-align:top}td.k{color:#52525b}
label{display:block;margin:12px 0 4px;font-weight:600}input,select,textarea{font:inherit;padding:6px;width:100%;box-sizing:border-box}
input[type=checkbox]{width:auto}button{font:inherit;padding:10px 18px;border:0;border-radius:4px;color:#fff;background:#15803d;cursor:pointer;margin-top:16px}
button.deny{background:#b91c1c}.note{color:#52525b;font-size:14px}.error{color:#b91c1c;font-weight:600}.picked{font-weight:700}`;

export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex,nofollow"><title>${a(showInvisible(title))}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

export function resultPage(heading: string, message: string, detail?: string): string {
  return page(heading, `<h1>${e(heading)}</h1><p>${e(message)}</p>${detail ? `<p class="note">${e(detail)}</p>` : ''}`);
}

function conditionInput(f: ConditionField, value: unknown): string {
  const name = `c.${f.name}`;
  const req = f.required ? ' required' : '';
  const label = `<label for="${a(name)}">${e(f.label ?? f.name)}${f.required ? ' *' : ''}</label>${f.description ? `<div class="note">${e(f.description)}</div>` : ''}`;
  const v = value === undefined || value === null ? '' : String(value);
  switch (f.type) {
    case 'number':
      return `${label}<input id="${a(name)}" name="${a(name)}" type="number" step="any" value="${a(v)}"${req}>`;
    case 'boolean':
    case 'select': {
      const opts = f.type === 'boolean' ? ['true', 'false'] : (f.options ?? []);
      return `${label}<select id="${a(name)}" name="${a(name)}"${req}><option value=""></option>${opts.map((o) => `<option value="${a(o)}"${o === v ? ' selected' : ''}>${e(f.type === 'boolean' ? (o === 'true' ? 'yes' : 'no') : o)}</option>`).join('')}</select>`;
    }
    default:
      return `${label}<input id="${a(name)}" name="${a(name)}" type="text" value="${a(v)}"${req}>`;
  }
}

export interface ConfirmPageInput {
  request: ApprovalRequest;
  action: string;
  approver: string;
  /** The form posts to this (relative) URL: the link itself. */
  formAction: string;
  csrf: string;
  error?: string;
  /** Values to keep when the page is shown again after an error. */
  values?: Record<string, string>;
  /** Approving needs the approver's second-factor code: the form asks for it (never kept across a retry). */
  stepUp?: boolean;
}

export function confirmPage(p: ConfirmPageInput): string {
  const r = p.request;
  const label = actionLabel(p.action, r);
  const key = optionKey(p.action);
  const { lead, more } = requestBlocks(r);
  const block = (b: Block) => `<h2>${e(b.title)}</h2><pre${b.code ? ' class="code"' : ''}>${e(b.body)}</pre>`;
  const v = p.values ?? {};
  const facts = factRows(r)
    .map(([k, val]) => `<tr><td class="k">${e(k)}</td><td>${e(val)}</td></tr>`)
    .join('');
  const options = r.question
    ? `<h2>Options</h2><ul>${r.question.options.map((o) => `<li${o.key === key ? ' class="picked"' : ''}>${e(o.key)} — ${e(o.label)}${o.description ? ` <span class="note">${e(o.description)}</span>` : ''}</li>`).join('')}</ul>`
    : '';

  const fields: string[] = [];
  if (p.action === 'conditional') for (const f of r.conditions_schema ?? []) fields.push(conditionInput(f, v[`c.${f.name}`]));
  if (p.action === 'answer' && r.question) {
    if (r.question.multi_select) {
      fields.push('<label>Options</label>');
      for (const o of r.question.options) fields.push(`<div><input type="checkbox" id="o-${a(o.key)}" name="option" value="${a(o.key)}"> <span>${e(o.key)} — ${e(o.label)}</span></div>`);
    }
    if (r.question.allow_free_text) fields.push(`<label for="answer">Your answer</label><textarea id="answer" name="answer" rows="5"${r.question.multi_select ? '' : ' required'}>${a(v.answer ?? '')}</textarea>`);
  }
  if (p.stepUp) {
    fields.push(`<p class="note">${e(STEP_UP_NOTE)}</p><label for="code">Code from your authenticator app</label><input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="64" required>`);
  }
  const commentLabel = p.action === 'deny' ? 'Reason (optional, the agent reads it)' : 'Note to the agent (optional)';
  fields.push(`<label for="comment">${e(commentLabel)}</label><textarea id="comment" name="comment" rows="3">${a(v.comment ?? '')}</textarea>`);

  const body = [
    `<h1>${e(label)}?</h1>`,
    `<p class="note">You are deciding as <strong>${e(p.approver)}</strong>. Nothing has been decided yet: press the button below to decide, or close this page.</p>`,
    p.action === 'session' || p.action === 'always'
      ? `<p class="note">${e(`This also lets ${r.agent} repeat exactly this action without asking ${p.action === 'session' ? 'for the rest of session ' + (r.session_id ?? '') : 'from now on'}${r.project ? ` in project ${r.project}` : ''}.`)}</p>`
      : '',
    p.error ? `<p class="error">${e(p.error)}</p>` : '',
    `<h2>${e(r.title)}</h2>`,
    ...lead.map(block),
    `<table>${facts}</table>`,
    ...more.map(block),
    options,
    `<form method="post" action="${a(p.formAction)}">`,
    `<input type="hidden" name="csrf" value="${a(p.csrf)}">`,
    ...fields,
    `<button type="submit"${p.action === 'deny' ? ' class="deny"' : ''}>${e(label)}</button>`,
    '</form>',
  ].join('\n');
  return page(`${label}: ${r.title}`, body);
}
