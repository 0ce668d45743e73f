// An inbound mail (raw MIME, from IMAP or a provider's webhook) → at most one decision. A reply
// counts only if it was sent to the per-request, per-approver reply address (whose secret only that
// approver's mail carried) AND comes From that approver's configured address. Anything else is
// ignored or refused, and refusals are audited.
import PostalMime, { type Address, type Email } from 'postal-mime';
import { GreenlightError } from '../../core/errors.js';
import type { ChannelContext } from '../channel.js';
import type { EmailConfig } from './config.js';
import { verifyReplyToken } from './links.js';
import { htmlToText, parseReply, stripQuoted } from './reply-parse.js';

export type InboundResult =
  | { result: 'decided'; request_id: string; approver: string; status: string }
  | { result: 'already_decided'; request_id: string; status: string; decided_by: string | null; via: string | null }
  | { result: 'ignored'; reason: string; request_id?: string }
  | { result: 'refused'; reason: string; request_id?: string }
  | { result: 'unrecognized'; reason: string; request_id: string };

export interface InboundDeps {
  ctx: ChannelContext;
  cfg: EmailConfig;
  secret: () => Promise<string>;
  /** `via` of the decisions (the channel name). */
  via: string;
}

const MAX_RAW = 10 * 1024 * 1024;
const SYSTEM = { kind: 'system' as const, name: 'email' };

const mailboxes = (list: Address[] | Address | undefined): string[] =>
  (Array.isArray(list) ? list : list ? [list] : []).flatMap((a) => (a.group ? a.group.map((m) => m.address) : [a.address])).filter(Boolean);

const header = (mail: Email, key: string): string | undefined => mail.headers.find((h) => h.key === key)?.value;

/** Out-of-office and other machine mail must never become an answer. */
function automatic(mail: Email): string | null {
  const auto = header(mail, 'auto-submitted');
  if (auto && auto.trim().toLowerCase() !== 'no') return `Auto-Submitted: ${auto.slice(0, 40)}`;
  const precedence = header(mail, 'precedence')?.trim().toLowerCase();
  if (precedence && ['bulk', 'junk', 'list', 'auto_reply'].includes(precedence)) return `Precedence: ${precedence}`;
  if (mail.headers.some((h) => h.key === 'x-autoreply' || h.key === 'x-autorespond')) return 'auto-reply header';
  return null;
}

/** The reply tokens in the addresses a mail was sent to (`<local>+<token>@<domain>`). */
function replyTokens(mail: Email, cfg: EmailConfig): string[] {
  const addrs = [...mailboxes(mail.to), ...mailboxes(mail.cc), ...(mail.deliveredTo ? [mail.deliveredTo] : [])];
  for (const key of ['x-original-to', 'envelope-to', 'x-forwarded-to']) {
    for (const h of mail.headers.filter((x) => x.key === key)) addrs.push(...h.value.split(',').map((s) => s.trim().replace(/^<|>$/g, '')));
  }
  const prefix = `${cfg.replyLocal}+`.toLowerCase();
  const domain = `@${cfg.replyDomain}`.toLowerCase();
  const tokens = new Set<string>();
  for (const a of addrs) {
    const l = a.toLowerCase();
    if (l.startsWith(prefix) && l.endsWith(domain)) tokens.add(l.slice(prefix.length, l.length - domain.length));
  }
  return [...tokens];
}

export async function handleInbound(raw: string | Uint8Array, deps: InboundDeps): Promise<InboundResult> {
  const { ctx, cfg } = deps;
  if (raw.length > MAX_RAW) return { result: 'ignored', reason: 'message too large' };
  let mail: Email;
  try {
    mail = await PostalMime.parse(raw, { maxNestingDepth: 50, maxRfc822NestingDepth: 0 });
  } catch (err) {
    return { result: 'ignored', reason: `not a MIME message: ${(err as Error).message.slice(0, 100)}` };
  }
  const machine = automatic(mail);
  if (machine) return { result: 'ignored', reason: `automatic mail (${machine})` };

  const tokens = replyTokens(mail, cfg);
  if (tokens.length === 0) return { result: 'ignored', reason: 'not sent to a Greenlight reply address' };
  const secret = await deps.secret();
  const names = ctx.config.approvers.map((a) => a.name);
  const match = tokens.map((t) => verifyReplyToken(secret, t, names)).find((m) => m !== null) ?? null;
  const fromList = mailboxes(mail.from);
  const from = fromList.length === 1 ? fromList[0] : null;
  const refuse = async (reason: string, requestId?: string, detail: Record<string, unknown> = {}): Promise<InboundResult> => {
    await ctx.gate.record(SYSTEM, 'email.reply_refused', { reason, from: from ?? fromList.join(', ').slice(0, 200), message_id: mail.messageId ?? null, ...detail }, deps.via, requestId ?? null);
    ctx.metrics.inc('greenlight_email_replies_total', { result: 'refused' });
    return { result: 'refused', reason, ...(requestId ? { request_id: requestId } : {}) };
  };
  if (!match) return refuse('The reply address carries no valid token for this server (forged or from another server).');

  const request = await ctx.store.getRequest(match.requestId);
  if (!request) return { result: 'ignored', reason: 'request not found', request_id: match.requestId };
  const approver = ctx.approversFor(request).find((a) => a.name === match.approver);
  if (!approver?.email) return refuse(`Approver ${match.approver} no longer decides this request by email.`, request.id, { approver: match.approver });
  if (!from || from.toLowerCase() !== approver.email.toLowerCase()) {
    return refuse(`From ${from ?? '(none or several)'} is not the address of approver ${approver.name}; the reply address belongs to them.`, request.id, { approver: approver.name });
  }
  const principal = ctx.principalFor({ name: approver.name });
  if (!principal) return refuse(`${approver.name} is not an approver on this server.`, request.id);

  if (request.status !== 'pending') return alreadyDecided(request.id, request.status, request.decision?.decided_by ?? null, request.decision?.via ?? null);
  // Past its deadline but not yet swept: it is expired, whatever the reply says.
  if (request.expires_at <= ctx.clock.now()) return alreadyDecided(request.id, 'expired', 'timeout', 'timeout');

  const text = stripQuoted(mail.text?.trim() ? mail.text : htmlToText(mail.html ?? ''));
  const parsed = parseReply(text, request, ctx.secrets.shown(request));
  if (!parsed.ok) {
    await ctx.gate.record({ kind: 'approver', name: approver.name }, 'email.reply_unrecognized', { reason: parsed.reason, message_id: mail.messageId ?? null }, deps.via, request.id);
    ctx.metrics.inc('greenlight_email_replies_total', { result: 'unrecognized' });
    return { result: 'unrecognized', reason: parsed.reason, request_id: request.id };
  }
  try {
    const decided = await ctx.gate.decide(principal, request.id, parsed.input, deps.via);
    ctx.metrics.inc('greenlight_email_replies_total', { result: 'decided' });
    return { result: 'decided', request_id: decided.id, approver: approver.name, status: decided.status };
  } catch (err) {
    if (err instanceof GreenlightError && err.code === 'ALREADY_DECIDED') {
      const d = err.details ?? {};
      return alreadyDecided(request.id, String(d.status ?? ''), (d.decided_by as string | null) ?? null, (d.via as string | null) ?? null);
    }
    if (err instanceof GreenlightError && err.status < 500) return refuse(err.message, request.id, { code: err.code });
    throw err;
  }
}

function alreadyDecided(id: string, status: string, decided_by: string | null, via: string | null): InboundResult {
  return { result: 'already_decided', request_id: id, status, decided_by, via };
}
