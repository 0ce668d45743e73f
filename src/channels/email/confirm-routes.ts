// `/email/a/<token>`: the page behind every action link in a mail. GET and HEAD only show the full
// action and a form — they write nothing, so a mail scanner that fetches links (and runs scripts:
// there are none) decides nothing. The decision is the form's POST, checked against a CSRF token
// bound to the link and a SameSite=Strict cookie, and it uses the link up.
import { progressText } from '../../core/workflow.js';
import { createHash } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { validateConditions } from '../../core/conditions.js';
import { GreenlightError } from '../../core/errors.js';
import type { ApprovalRequest, Principal } from '../../core/types.js';
import type { AppEnv } from '../../http/context.js';
import type { ChannelContext } from '../channel.js';
import { decisionFor, isOffered, type ActionForm } from './actions.js';
import type { EmailConfig } from './config.js';
import { checkCsrf, csrfToken, EMAIL_TOKENS, newNonce, type LinkClaims } from './links.js';
import { checkToken, singleUse } from '../action-token.js';
import { confirmPage, resultPage } from './pages.js';
import { describeOutcome } from './render.js';
import { offerFor } from '../offer.js';
import { codeBlocker } from '../step-up.js';
import type { InboundTracker } from '../health.js';

export interface ConfirmDeps {
  ctx: ChannelContext;
  cfg: EmailConfig;
  secret: () => Promise<string>;
  via: string;
  publicUrl: () => string;
  /** Told when a link decides (the channel's inbound health). */
  inbound?: InboundTracker;
}

type Checked =
  | { ok: true; claims: LinkClaims; request: ApprovalRequest; principal: Principal }
  | { ok: false; status: 400 | 403 | 404 | 409 | 410; heading: string; message: string; detail?: string };

const CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
/** Refusals that decide nothing and leave the link usable: the page is shown again with the reason. */
const VALIDATION_CODES = new Set(['VALIDATION_FAILED', 'CONDITIONS_INVALID', 'ANSWER_INVALID', 'STEP_UP_CODE_MALFORMED', 'STEP_UP_CODE_WRONG', 'STEP_UP_CODE_REPLAYED', 'STEP_UP_LOCKED']);

/** One cookie per link, so two open confirmation pages do not overwrite each other's nonce. */
export const csrfCookieName = (token: string): string => `gl_csrf_${createHash('sha256').update(token).digest('hex').slice(0, 16)}`;

function secureHeaders(c: Context<AppEnv>) {
  c.header('Content-Security-Policy', CSP);
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('X-Frame-Options', 'DENY');
  c.header('X-Robots-Tag', 'noindex, nofollow');
}

export function confirmRoutes(deps: ConfirmDeps): Hono<AppEnv> {
  const { ctx } = deps;
  const app = new Hono<AppEnv>();
  const once = singleUse(ctx.store, 'email');
  const rules = { offers: isOffered, reaches: (a: { email?: string }) => Boolean(a.email) };

  async function check(token: string): Promise<Checked> {
    const checked = await checkToken(ctx, EMAIL_TOKENS, await deps.secret(), token, rules, once);
    if (checked.ok) return checked;
    switch (checked.reason) {
      case 'invalid':
        return { ok: false, status: 400, heading: 'This link is not valid', message: 'It was changed or cut short. Use the link exactly as it came in the mail.' };
      case 'not_found':
        return { ok: false, status: 404, heading: 'Request not found', message: `Request ${checked.requestId} does not exist on this server.` };
      case 'decided':
        return checked.request.status !== 'pending'
          ? { ok: false, status: 409, heading: 'Already decided', message: `This request was already ${describeOutcome(checked.request)}.`, detail: checked.request.title }
          : { ok: false, status: 409, heading: 'Already decided', message: 'This request was already expired by timeout via timeout: nobody answered before the deadline.', detail: checked.request.title };
      case 'expired':
        return { ok: false, status: 410, heading: 'This link has expired', message: 'Links in mails work for a limited time. Decide on another channel or the dashboard.' };
      case 'not_offered':
        return { ok: false, status: 400, heading: 'This link is not valid', message: 'That choice is not offered for this request.' };
      case 'not_yours':
        return { ok: false, status: 403, heading: 'This link is not for you', message: `It was made for ${checked.approver}, who does not decide this request (any more).` };
      case 'used':
        return { ok: false, status: 410, heading: 'This link was already used', message: 'Each link decides once.' };
    }
  }

  const refuse = (c: Context<AppEnv>, r: Extract<Checked, { ok: false }>) => c.html(resultPage(r.heading, r.message, r.detail), r.status);

  async function showForm(c: Context<AppEnv>, token: string, checked: Extract<Checked, { ok: true }>, nonce: string, status: 200 | 400, error?: string, values?: Record<string, string>) {
    const secure = deps.publicUrl().startsWith('https:');
    setCookie(c, csrfCookieName(token), nonce, { httpOnly: true, sameSite: 'Strict', secure, path: '/', maxAge: 3600 });
    const { code: _never, ...kept } = values ?? {};
    // The page is reached by a link from a mailbox, not a dashboard sign-in: secrets stay masked.
    const html = confirmPage({ request: ctx.secrets.shown(checked.request), action: checked.claims.action, approver: checked.claims.approver, formAction: token, csrf: csrfToken(await deps.secret(), token, nonce), error, values: kept, stepUp: needsCode(checked) });
    return c.html(html, status);
  }

  /** The link approves a request that needs step-up: its page asks for the approver's code. */
  const needsCode = (checked: Extract<Checked, { ok: true }>): boolean => checked.claims.action === 'approve' && offerFor(checked.request).stepUp;

  /** An approver without a second factor cannot approve a step-up request: say where to set one up (the link stays unused). */
  async function notEnrolled(checked: Extract<Checked, { ok: true }>): Promise<Extract<Checked, { ok: false }> | null> {
    const blocked = needsCode(checked) ? await codeBlocker(ctx, checked.principal) : null;
    return blocked ? { ok: false, status: 403, heading: 'Set up a second factor first', message: blocked, detail: checked.request.title } : null;
  }

  // GET (and HEAD, which Hono answers with GET's headers and no body): show, never decide.
  app.get('/email/a/:token', async (c) => {
    secureHeaders(c);
    const token = c.req.param('token');
    const checked = await check(token);
    if (!checked.ok) return refuse(c, checked);
    const blocked = await notEnrolled(checked);
    if (blocked) return refuse(c, blocked);
    return showForm(c, token, checked, newNonce(), 200);
  });

  app.post('/email/a/:token', async (c) => {
    secureHeaders(c);
    const token = c.req.param('token');
    // Defence in depth; the CSRF token below is what actually binds the POST to the page.
    const site = c.req.header('sec-fetch-site');
    const origin = c.req.header('origin');
    const ours = [new URL(deps.publicUrl()).origin, new URL(c.req.url).origin];
    if (site === 'cross-site' || (origin && origin !== 'null' && !ours.includes(origin))) {
      return refuse(c, { ok: false, status: 403, heading: 'Refused', message: 'This form must be sent from its own confirmation page. Open the link from the mail again.' });
    }
    const checked = await check(token);
    if (!checked.ok) return refuse(c, checked);
    const blocked = await notEnrolled(checked);
    if (blocked) return refuse(c, blocked);
    const body = await c.req.parseBody({ all: true });
    const field = (k: string): string | undefined => {
      const v = body[k];
      const s = Array.isArray(v) ? v[0] : v;
      return typeof s === 'string' ? s : undefined;
    };
    const cookieNonce = getCookie(c, csrfCookieName(token));
    if (!checkCsrf(await deps.secret(), token, cookieNonce, field('csrf'))) {
      return refuse(c, { ok: false, status: 403, heading: 'This form has expired', message: 'It did not come from the confirmation page in this browser. Open the link from the mail again; nothing was decided.' });
    }

    const { claims, request, principal } = checked;
    const values: Record<string, string> = {};
    const conditions: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(body)) {
      if (typeof v === 'string') values[k] = v;
      if (k.startsWith('c.') && typeof v === 'string' && v !== '') conditions[k.slice(2)] = v;
    }
    const options = ([] as unknown[]).concat(body.option ?? []).filter((x): x is string => typeof x === 'string');
    const form: ActionForm = { comment: field('comment'), answer: field('answer'), options, conditions, ...(needsCode(checked) ? { code: field('code') ?? '' } : {}) };
    const again = (error: string) => showForm(c, token, checked, cookieNonce!, 400, error, values);
    const decision = decisionFor(request, claims.action, form);
    if (!decision.ok) return again(claims.action === 'answer' ? 'Write an answer (or pick an option) first.' : decision.error);
    try {
      if (claims.action === 'conditional') validateConditions(request.conditions_schema, conditions);
    } catch (err) {
      if (err instanceof GreenlightError) return again(err.message);
      throw err;
    }

    const usedUp = (): Response | Promise<Response> => refuse(c, { ok: false, status: 410, heading: 'This link was already used', message: 'Each link decides once.' });
    try {
      const record = { at: ctx.clock.now(), request_id: request.id, approver: claims.approver, action: claims.action };
      const result = await once.spend(claims.nonce, record, () => ctx.gate.decide(principal, request.id, decision.input, deps.via), claims.expiresAt);
      if (!result.spent) return usedUp();
      deps.inbound?.ok('a link decided');
      // A vote on a request that needs more approvals: it stays pending (src/core/workflow.ts).
      if (result.value.status === 'pending' && result.value.workflow) {
        return c.html(resultPage('Vote counted', `${progressText(result.value.workflow)}. The request needs more approvals; the agent keeps waiting.`, result.value.title), 200);
      }
      const outcome = describeOutcome(result.value);
      return c.html(resultPage(`Done: ${outcome.split(' by ')[0]}`, `The request was ${outcome}. The agent has been told.`, result.value.title), 200);
    } catch (err) {
      if (!(err instanceof GreenlightError)) throw err;
      if (err.code === 'ALREADY_DECIDED') {
        const current = await ctx.store.getRequest(request.id);
        return refuse(c, { ok: false, status: 409, heading: 'Already decided', message: current ? `This request was already ${describeOutcome(current)}.` : err.message });
      }
      if (VALIDATION_CODES.has(err.code)) {
        await once.release(claims.nonce); // nothing was decided: the link may be used again
        return again(err.message);
      }
      return refuse(c, { ok: false, status: err.status === 403 ? 403 : err.code === 'ALREADY_VOTED' ? 409 : 400, heading: 'Refused', message: err.message });
    }
  });

  return app;
}
