// ok2run's wire shapes (Narcooo/ok2run, src/agent_approval_gate/{schemas,main,service,decision}.py)
// and how they map onto Greenlight requests and decisions. Pure functions; no I/O.
import { stripQuoted } from '../../channels/email/reply-parse.js';
import type { CreateRequestInput, DecideInput } from '../../core/request-input.js';
import type { ApprovalRequest, Decision, Status } from '../../core/types.js';
import { CompatHttpError, FieldReader, type Issue } from './compat-errors.js';

export type Ok2runStatus = 'pending' | 'approved' | 'denied' | 'expired';

/** ok2run's decision object. Codes are strings "1".."6", as ok2run stores and sends them. */
export interface Ok2runDecision {
  code: '1' | '2' | '3' | '4' | '5' | '6';
  note: string | null;
  override: string | null;
}

/** ok2run's default `expires_in_sec` (schemas.py), used when the caller gives none. */
export const OK2RUN_DEFAULT_EXPIRES_SEC = 600;

/**
 * Reads ok2run's `target` object into the one string Greenlight routes by. ok2run wants
 * `{tg_chat_id}` for telegram and `{email_to}` for email; empty or absent means "no target" and
 * the server's routing decides (ok2run would refuse it with 422).
 */
function targetOf(channel: string | null, raw: unknown, issues: Issue[]): string | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    issues.push({ loc: ['body', 'target'], msg: 'Input should be a valid dictionary', type: 'dict_type' });
    return null;
  }
  const t = raw as Record<string, unknown>;
  const keys = channel === 'telegram' ? ['tg_chat_id'] : channel === 'email' ? ['email_to'] : ['tg_chat_id', 'email_to', 'target'];
  for (const k of keys) {
    const v = t[k];
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
  }
  return null;
}

/** ok2run's `POST /v1/approvals` body → Greenlight's create input. Throws 422 like FastAPI. */
export function ok2runCreateToNative(body: Record<string, unknown>): CreateRequestInput {
  const f = new FieldReader(body);
  const session_id = f.str('session_id', { required: true });
  const action_type = f.str('action_type', { required: true });
  const title = f.str('title', { required: true });
  const preview = f.str('preview', { required: true });
  // ok2run allows telegram|email only; Greenlight treats the channel as a hint among its own.
  const channel = f.str('channel', { max: 40 }) || null;
  const expires = f.int('expires_in_sec', { min: 1 });
  const options = f.strList('options', { maxItems: 26 });
  const target = targetOf(channel, body.target, f.issues);
  // Extension: ok2run has no projects; an agent bound to several may name one.
  const project = f.str('project', { max: 100 }) || null;
  f.done();
  return {
    title: title!,
    action_type: action_type!,
    preview: preview!,
    session_id: session_id || null,
    expires_in_sec: expires ?? OK2RUN_DEFAULT_EXPIRES_SEC,
    channel,
    target,
    ...(project ? { project } : {}),
    // ok2run's questions always offer a custom reply next to the options.
    ...(options && options.length ? { question: { options, allow_free_text: true } } : {}),
  };
}

export function ok2runStatus(status: Status): Ok2runStatus {
  switch (status) {
    case 'pending':
      return 'pending';
    case 'approved':
    case 'conditional':
    case 'answered':
      return 'approved';
    case 'denied':
    case 'cancelled':
      return 'denied';
    case 'expired':
      return 'expired';
  }
}

/** The edited action as ok2run's one `override` string (its hook runs it as the Bash command). */
export function overrideOf(updated: unknown): string | null {
  if (updated === null || updated === undefined) return null;
  if (typeof updated === 'string') return updated;
  if (typeof updated === 'object' && typeof (updated as { command?: unknown }).command === 'string') return (updated as { command: string }).command;
  return JSON.stringify(updated);
}

function answerText(d: Decision): string | null {
  if (d.answer === null || d.answer === undefined) return null;
  return Array.isArray(d.answer) ? d.answer.join(',') : d.answer;
}

function conditionsNote(d: Decision): string {
  const cond = `conditions: ${JSON.stringify(d.conditions ?? {})}`;
  return d.comment ? `${d.comment}\n${cond}` : cond;
}

/**
 * Our decision in ok2run's codes: 5 when the approver edited the action (it must never be lost),
 * 4 for answers, conditions and a human's note on a one-off approval, 6 / 2 for always / session
 * scope, 3 for any denial, 1 otherwise. Expired requests carry no decision, as in ok2run.
 */
export function ok2runDecision(r: ApprovalRequest): Ok2runDecision | null {
  if (r.status === 'pending' || r.status === 'expired') return null;
  if (r.status === 'cancelled') return { code: '3', note: 'cancelled', override: null };
  const d = r.decision;
  if (!d) return { code: r.status === 'denied' ? '3' : '1', note: null, override: null };
  if (r.status === 'denied') return { code: '3', note: d.comment, override: null };
  const override = overrideOf(d.updated_input);
  if (override !== null) return { code: '5', note: d.comment, override };
  if (r.status === 'answered') return { code: '4', note: answerText(d) ?? d.comment, override: null };
  if (r.status === 'conditional') return { code: '4', note: conditionsNote(d), override: null };
  const note = answerText(d) ?? d.comment;
  if (d.scope === 'always') return { code: '6', note, override: null };
  if (d.scope === 'session') return { code: '2', note, override: null };
  const human = d.decided_by_kind !== 'policy' && d.decided_by_kind !== 'system';
  if (human && note) return { code: '4', note, override: null };
  return { code: '1', note, override: null };
}

/**
 * Whether ok2run would call this "auto": decided by the policy *and approved*. ok2run only ever
 * auto-approved, and its Claude Code hook allows on `auto` without reading `status`; a policy
 * denial therefore reports `auto: false` so that hook goes on to read the denial (fail closed).
 */
export const isAuto = (r: ApprovalRequest): boolean => r.decision?.decided_by_kind === 'policy' && ok2runStatus(r.status) === 'approved';

export const epochSec = (ms: number): number => Math.floor(ms / 1000);

/** A request past its deadline reads as expired even before the expiry sweep settles it. */
export function effective(r: ApprovalRequest, now: number): ApprovalRequest {
  return r.status === 'pending' && r.expires_at <= now ? { ...r, status: 'expired' } : r;
}

/** `POST /v1/approvals` response. ok2run leaves `expires_at` null when auto, `decision` null while pending. */
export function ok2runCreateView(r: ApprovalRequest) {
  const auto = isAuto(r);
  return {
    approval_id: r.id,
    status: ok2runStatus(r.status),
    auto,
    expires_at: auto ? null : epochSec(r.expires_at),
    decision: ok2runDecision(r),
  };
}

/** `GET /v1/approvals/{id}` response. While pending ok2run sends only status and expires_at. */
export function ok2runStatusView(r: ApprovalRequest) {
  const status = ok2runStatus(r.status);
  if (status === 'pending') return { status, expires_at: epochSec(r.expires_at), decision: null, session_id: null, action_type: null };
  return { status, expires_at: epochSec(r.expires_at), decision: ok2runDecision(r), session_id: r.session_id, action_type: r.action_type };
}

// --- the human side: ok2run's one-reply menu, as its email ingestion endpoint reads it ---

const ID_PATTERN = /\breq_[0-9a-z]{26}\b/;

/** The request id in an email subject or body (ok2run looks for `[appr_...]`; ours are `req_...`). */
export function extractRequestId(...texts: (string | null | undefined)[]): string | null {
  for (const t of texts) {
    const m = t ? ID_PATTERN.exec(t) : null;
    if (m) return m[0];
  }
  return null;
}


/** The new text of an email reply: everything above the quoted message or the signature. */
export function replyText(body: string): string {
  return stripQuoted(body).trim();
}

const menuError = (msg: string) => new CompatHttpError(422, 'VALIDATION_FAILED', `The reply is not a menu choice: ${msg}. Reply with 1–6, e.g. "1" or "4 add logging first".`, { detail: msg });

/**
 * ok2run's menu reply (`1`..`6`, then text for 4 and 5) as a Greenlight decision on `request`.
 * 1 once · 2 session · 3 deny · 4 note, or the answer to a question · 5 edited action · 6 always.
 */
export function menuReplyToDecision(text: string, request: ApprovalRequest): DecideInput {
  const stripped = text.trim();
  if (!stripped) throw menuError('empty reply');
  const code = stripped.split(/\s+/, 1)[0];
  const payload = stripped.slice(code.length).trim();
  if (!['1', '2', '3', '4', '5', '6'].includes(code)) throw menuError('invalid code');
  if ((code === '4' || code === '5') && !payload) throw menuError('payload required');
  switch (code) {
    case '1':
      return { outcome: 'approved', scope: 'once' };
    case '2':
      return { outcome: 'approved', scope: 'session' };
    case '3':
      return { outcome: 'denied', comment: payload || null };
    case '4':
      return request.question ? { outcome: 'answered', answer: payload } : { outcome: 'approved', comment: payload };
    case '5': {
      const input = request.input;
      const edited = input && typeof input === 'object' && typeof (input as { command?: unknown }).command === 'string' ? { ...(input as object), command: payload } : payload;
      return { outcome: 'approved', updated_input: edited };
    }
    default:
      return { outcome: 'approved', scope: 'always' };
  }
}
