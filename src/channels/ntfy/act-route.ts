// POST /v1/ntfy/act: where an ntfy notification's Approve / Deny button lands. The phone's ntfy app
// sends `{"token": "…"}`; the token (../action-token.ts) is the whole credential — signed by this
// server, for one request, one approver and one choice, expiring, and spent when it decides. No
// key, no cookie, no GET: a link preview or a scanner that fetches the URL decides nothing.
// Refusals are audited and answered with the error catalogue's codes.
import { Hono } from 'hono';
import { parseJson } from '../../core/bounded-json.js';
import { GreenlightError, isGreenlightError } from '../../core/errors.js';
import type { AppEnv } from '../../http/context.js';
import { checkToken, type SingleUse, type TokenKit } from '../action-token.js';
import type { ChannelContext } from '../channel.js';
import type { InboundTracker } from '../health.js';
import { decisionFor, findChoice, offerFor } from '../offer.js';
import type { NtfySettings } from './config.js';
import { oneTapChoices } from './notification.js';

export interface ActDeps {
  ctx: ChannelContext;
  kit: TokenKit;
  once: SingleUse;
  secret: () => Promise<string>;
  inbound: InboundTracker;
  settings: NtfySettings;
}

/** Far more than `{"token": …}` ever needs; anything bigger is not from a button. */
const MAX_BODY = 4096;
const SYSTEM = { kind: 'system' as const, name: 'ntfy' };

async function tokenOf(req: Request): Promise<string> {
  const type = req.headers.get('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) throw new GreenlightError('UNSUPPORTED_MEDIA_TYPE', 'Send {"token": "…"} as application/json, as the notification\'s button does.');
  const text = await req.text();
  if (text.length > MAX_BODY) throw new GreenlightError('PAYLOAD_TOO_LARGE', `A button sends a few hundred bytes; this body has ${text.length}.`);
  const body = parseJson(text);
  const token = (body as { token?: unknown } | null)?.token;
  if (typeof body !== 'object' || body === null || Array.isArray(body) || typeof token !== 'string' || Object.keys(body).length !== 1) {
    throw new GreenlightError('ACTION_TOKEN_INVALID', 'The body must be exactly {"token": "<the token from the notification>"}.');
  }
  return token;
}

export function actRoutes(deps: ActDeps): Hono<AppEnv> {
  const { ctx, kit, once } = deps;
  const app = new Hono<AppEnv>();
  const rules = {
    // What a button offers is what the notification showed: Approve / Deny where one tap may decide.
    offers: (r: Parameters<typeof oneTapChoices>[0], action: string) => (oneTapChoices(r, ctx) as string[]).includes(action),
    // The approver's topic must still be configured for them.
    reaches: (a: { name: string }) => deps.settings.topics.some((t) => t.approver === a.name),
  };

  app.post('/v1/ntfy/act', async (c) => {
    const refuse = async (code: ConstructorParameters<typeof GreenlightError>[0], message: string, reason: string, requestId: string | null, approver: string | null): Promise<never> => {
      await ctx.gate.record(SYSTEM, 'ntfy.action_refused', { reason, approver }, 'ntfy', requestId).catch((err) => ctx.logger.error('ntfy: could not audit a refused action', { err }));
      ctx.metrics.inc('greenlight_ntfy_actions_total', { result: reason });
      throw new GreenlightError(code, message);
    };
    let token: string;
    try {
      token = await tokenOf(c.req.raw);
    } catch (err) {
      if (isGreenlightError(err)) await refuse(err.code, err.message, 'malformed', null, null);
      throw err;
    }
    const checked = await checkToken(ctx, kit, await deps.secret(), token, rules, once);
    deps.inbound.ok();
    if (!checked.ok) {
      switch (checked.reason) {
        case 'invalid':
          return refuse('ACTION_TOKEN_INVALID', 'This button\'s token is not valid here: it was changed, or made by another server.', 'invalid', null, null);
        case 'not_found':
          return refuse('NOT_FOUND', `Request ${checked.requestId} does not exist on this server.`, 'not_found', null, null);
        case 'decided': {
          const r = checked.request;
          const who = r.decision ? `${r.decision.decided_by} via ${r.decision.via}` : r.status === 'pending' ? 'timeout' : 'the agent';
          return refuse('ALREADY_DECIDED', `Request ${r.id} is already ${r.status === 'pending' ? 'expired' : r.status}, decided by ${who}.`, 'decided', r.id, null);
        }
        case 'expired':
          return refuse('ACTION_TOKEN_EXPIRED', 'This button has expired. Open the request on the dashboard to decide it.', 'expired', checked.request.id, null);
        case 'not_offered':
          return refuse('ACTION_TOKEN_INVALID', 'This request does not offer that choice from a notification; open it on the dashboard.', 'not_offered', checked.request.id, null);
        case 'not_yours':
          return refuse('NOT_ROUTED_TO_YOU', `This button was made for ${checked.approver}, who does not decide this request (any more).`, 'not_yours', checked.request.id, checked.approver);
        case 'used':
          return refuse('ACTION_TOKEN_USED', 'This button was already used: each decides once.', 'used', checked.request.id, null);
      }
    }
    const { claims, request, principal } = checked;
    const choice = findChoice(offerFor(request), claims.action);
    const d = choice ? decisionFor(request, choice) : { ok: false as const, error: 'This request does not offer that choice.' };
    if (!d.ok) return refuse('ACTION_TOKEN_INVALID', d.error, 'not_offered', request.id, claims.approver);
    const result = await once.spend(claims.nonce, { at: ctx.clock.now(), request_id: request.id, approver: claims.approver, action: claims.action }, () => ctx.gate.decide(principal, request.id, d.input, 'ntfy'), claims.expiresAt);
    if (!result.spent) return refuse('ACTION_TOKEN_USED', 'This button was already used: each decides once.', 'used', request.id, claims.approver);
    ctx.metrics.inc('greenlight_ntfy_actions_total', { result: 'decided' });
    return c.json({ result: 'decided', request_id: request.id, status: result.value.status, decided_by: claims.approver });
  });
  return app;
}
