// The Slack channel's HTTP mode: where Slack POSTs clicks and submitted modals (Interactivity
// Request URL) and the `/greenlight` command (the slash command's Request URL):
//   POST /v1/slack/interactions   form body `payload=<JSON>`
//   POST /v1/slack/commands       form body of the command's fields
// No API key: every request must carry Slack's v0 signature over its raw body, made with
// channels.slack.signing_secret, with a timestamp within five minutes (signature.ts), and may be
// received once (transport.ts). Only then is the body parsed — bounded in size and depth — and
// handed to inbound.ts. The answer is the acknowledgement; deciding happens after it.
import { Hono } from 'hono';
import { parseJson } from '../../core/bounded-json.js';
import { GreenlightError } from '../../core/errors.js';
import type { AppEnv, Ctx } from '../../http/context.js';
import type { SlackDeps } from './deps.js';
import type { Handled, Inbound } from './inbound.js';
import { checkSignature } from './signature.js';
import { firstSeen, type AfterWork } from './transport.js';

async function verifiedForm(deps: SlackDeps, c: Ctx): Promise<URLSearchParams> {
  const { settings, ctx } = deps;
  if (settings.mode !== 'http' || !settings.signing_secret) {
    throw new GreenlightError('NOT_FOUND', 'The Slack channel runs in Socket Mode on this server (channels.slack.mode: socket), so it takes nothing over HTTP. Set mode: http and signing_secret to use these URLs.');
  }
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/x-www-form-urlencoded\b/i.test(type)) throw new GreenlightError('UNSUPPORTED_MEDIA_TYPE', 'Slack sends application/x-www-form-urlencoded; so must anything that calls this endpoint.');
  const body = await c.req.text();
  const check = checkSignature(settings.signing_secret, { signature: c.req.header('x-slack-signature'), timestamp: c.req.header('x-slack-request-timestamp') }, body, ctx.clock.now());
  if (!check.ok) {
    ctx.metrics.inc('greenlight_slack_refused_total', { reason: `signature_${check.reason}` });
    if (check.reason === 'forged' || check.reason === 'stale') deps.inbound.failed(`refused a request with a ${check.reason} signature (a wrong channels.slack.signing_secret refuses every click)`);
    throw new GreenlightError('SIGNATURE_INVALID', check.message);
  }
  if (!(await firstSeen(ctx.store, c.req.header('x-slack-signature')!, ctx.clock.now()))) {
    ctx.metrics.inc('greenlight_slack_refused_total', { reason: 'replayed' });
    throw new GreenlightError('REPLAYED', 'This signed Slack request was already received; a request counts once.');
  }
  return new URLSearchParams(body);
}

const answer = (c: Ctx, handled: Handled, after: AfterWork): Response => {
  after.schedule(handled);
  return handled.ack ? c.json(handled.ack) : c.body(null, 200);
};

export function slackRoutes(deps: SlackDeps, inbound: Inbound, after: AfterWork): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/v1/slack/interactions', async (c) => {
    const form = await verifiedForm(deps, c);
    const payload = form.get('payload');
    if (payload === null || [...form.keys()].length !== 1) throw new GreenlightError('VALIDATION_FAILED', 'An interaction is a form with one field, payload=<JSON>, as Slack sends it.');
    return answer(c, await inbound.interaction(parseJson(payload, 'The Slack payload')), after);
  });

  app.post('/v1/slack/commands', async (c) => {
    const form = await verifiedForm(deps, c);
    const fields: Record<string, string> = {};
    for (const [k, v] of form) fields[k] = v;
    return answer(c, await inbound.command(fields), after);
  });

  return app;
}
