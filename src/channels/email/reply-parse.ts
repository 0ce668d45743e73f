// An approver's reply, as text: cut away quoted history and signatures, then read ok2run's menu
// (1 approve · 2 session · 3 deny [reason] · 4 note/answer · 5 edited action · 6 always), the
// words for them, an option letter, or free text as the answer to a question.
import type { DecideInput } from '../../core/request-input.js';
import type { ApprovalRequest } from '../../core/types.js';
import { REPLY_CANNOT_STEP_UP, decisionFor, isOffered, mailTruncates, type EmailAction } from './actions.js';
import { needsStepUp } from '../../core/step-up.js';
import { editedAction } from '../offer.js';

/** "On Tue, 6 Jan 2026 at 10:00, Greenlight <a@b> wrote:", "Am …, schrieb Greenlight <a@b>:" and other languages. */
const ATTRIBUTION = /^(on|am|le|el|il|op|em|den|på)\b.*\b(wrote|writes|schrieb|a écrit|escribió|ha scritto|schreef|escreveu|skrev)\b.*:\s*$/i;
const ATTRIBUTION_START = /^(on|am|le|el|il|op|em|den|på)\s/i;
const HEADER_LINE = /^\*?(from|von|de|van|da|från|sent|gesendet|envoyé|date|datum|to|an|à|subject|betreff|objet|cc)\s*:\*?\s/i;

function endsReply(lines: string[], i: number): boolean {
  const line = lines[i];
  const t = line.trim();
  if (t.startsWith('>')) return true;
  // RFC 3676 signature separator "-- ", and the bare variants people type.
  if (line === '-- ' || t === '--' || t === '__') return true;
  if (/^-{2,}\s*(original message|forwarded message|ursprüngliche nachricht|message d'origine|mensaje original)\s*-{2,}/i.test(t)) return true;
  if (/^_{10,}$/.test(t)) return true; // Outlook's rule above the quoted header block
  if (/^(sent from my |sent from (outlook|mail) for |get outlook for )/i.test(t)) return true;
  if (ATTRIBUTION.test(t)) return true;
  // Gmail wraps a long attribution over two or three lines.
  if (ATTRIBUTION_START.test(t)) {
    for (let n = 2; n <= 3; n++) {
      const joined = lines.slice(i, i + n).map((l) => l.trim()).join(' ');
      if (ATTRIBUTION.test(joined)) return true;
    }
  }
  // An Outlook header block: "From: ..." followed by "Sent:"/"Date:"/"To:" lines.
  if (HEADER_LINE.test(t) && /^\*?(from|von|de|van|da|från)\b/i.test(t)) {
    const next = lines.slice(i + 1, i + 4).filter((l) => l.trim() !== '');
    if (next.some((l) => HEADER_LINE.test(l.trim())) || t.includes('@')) return true;
  }
  return false;
}

/** The new text of a reply: everything above the quoted message or the signature. */
export function stripQuoted(body: string): string {
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (endsReply(lines, i)) break;
    kept.push(lines[i]);
  }
  return kept.join('\n').trim();
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/** A reply that came as HTML only: drop the quoted part (blockquote, Gmail/Outlook markers), then the tags. */
export function htmlToText(html: string): string {
  let h = html.replace(/<(style|script|head)\b[\s\S]*?<\/\1\s*>/gi, '');
  const cut = h.search(/<blockquote\b|class=["']?gmail_quote|id=["']?(divRplyFwdMsg|appendonsend)|<hr\b/i);
  if (cut >= 0) h = h.slice(0, h.lastIndexOf('<', cut) >= 0 ? h.lastIndexOf('<', cut) : cut);
  return h
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr|h[1-6])\s*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+[0-9]*);/gi, (m, e: string) => {
      const lower = e.toLowerCase();
      if (lower.startsWith('#x')) return safeChar(parseInt(lower.slice(2), 16));
      if (lower.startsWith('#')) return safeChar(parseInt(lower.slice(1), 10));
      return ENTITIES[lower] ?? m;
    })
    .replace(/[ \t]+\n/g, '\n');
}

const safeChar = (n: number) => (Number.isFinite(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : '');

export type ReplyParse = { ok: true; action: EmailAction | 'edit'; input: DecideInput } | { ok: false; reason: string };

const WORDS: Record<string, '1' | '2' | '3' | '4' | '5' | '6'> = {
  '1': '1', approve: '1', approved: '1',
  '2': '2', session: '2',
  '3': '3', deny: '3', denied: '3', reject: '3',
  '4': '4',
  '5': '5',
  '6': '6', always: '6',
};

/**
 * The decision a reply asks for on `request`, checked against what the mail offered. Option keys
 * win over menu codes when a question uses them ("1" can be an option); a question that takes free
 * text takes anything else as the answer.
 */
/** `shown`: the request as the mail showed it (secrets masked); decisions are made from `request`. */
export function parseReply(text: string, request: ApprovalRequest, shown: ApprovalRequest = request): ReplyParse {
  const body = text.trim();
  if (!body) return { ok: false, reason: 'The reply is empty (above the quoted mail).' };
  const q = request.question;
  const firstLine = body.split('\n', 1)[0].trim();

  if (q) {
    const keys = new Map(q.options.map((o) => [o.key.toUpperCase(), o.key]));
    const parts = firstLine.split(/[\s,;]+/).filter(Boolean).map((p) => p.replace(/[.):]+$/, '').toUpperCase());
    const picked = parts.map((p) => keys.get(p));
    const rest = body.slice(firstLine.length).trim();
    if (parts.length > 0 && picked.every((k) => k !== undefined)) {
      const unique = [...new Set(picked as string[])];
      if (unique.length > 1 && !q.multi_select) return { ok: false, reason: 'This question takes one option only.' };
      return { ok: true, action: unique.length === 1 ? `option:${unique[0]}` : 'answer', input: { outcome: 'answered', answer: q.multi_select ? unique : unique[0], comment: rest || null } };
    }
  }

  const word = /^(\S+)/.exec(body)![1];
  const code = WORDS[word.replace(/[.):!,]+$/, '').toLowerCase()];
  const payload = body.slice(word.length).replace(/^[\s:,.;-]+/, '').trim();
  const truncated = mailTruncates(shown);
  const offer = (action: EmailAction, input: DecideInput): ReplyParse => {
    if (!isOffered(request, action)) return { ok: false, reason: `"${word}" is not one of the choices for this request.` };
    if (truncated && action !== 'deny') return { ok: false, reason: 'The mail could not show the whole action, so a reply cannot approve it: open a link in the mail to see all of it.' };
    return { ok: true, action, input };
  };
  const menu = (action: 'approve' | 'session' | 'always' | 'deny'): ReplyParse => {
    const d = decisionFor(request, action, { comment: payload });
    if (!d.ok && d.error === REPLY_CANNOT_STEP_UP) return { ok: false, reason: d.error };
    return d.ok ? offer(action, d.input) : { ok: false, reason: `"${word}" is not one of the choices for this request.` };
  };
  switch (code) {
    case '1':
      return menu('approve');
    case '2':
      return menu('session');
    case '3':
      return menu('deny');
    case '6':
      return menu('always');
    case '4':
      if (!payload) return { ok: false, reason: '4 needs text after it: "4 <your note or answer>".' };
      return q ? offer('answer', { outcome: 'answered', answer: payload }) : menu('approve');
    case '5': {
      if (!payload) return { ok: false, reason: '5 needs the edited action after it: "5 <command>".' };
      if (q) return { ok: false, reason: 'A question cannot be answered with an edited action.' };
      if (needsStepUp(request)) return { ok: false, reason: REPLY_CANNOT_STEP_UP };
      const edited = editedAction(request, payload);
      if ('error' in edited) return { ok: false, reason: edited.error };
      const r = offer('approve', { outcome: 'approved', scope: 'once', updated_input: edited.value });
      return r.ok ? { ...r, action: 'edit' } : r;
    }
  }
  if (q?.allow_free_text) return { ok: true, action: 'answer', input: { outcome: 'answered', answer: body } };
  return { ok: false, reason: `"${word.slice(0, 40)}" is not a choice. Reply with 1 (approve), 3 <reason> (deny), or use a link in the mail.` };
}
