// POST /v1/discord/interactions: the Interactions Endpoint URL Discord calls when someone presses a
// card's button, picks from its select menu or submits one of its forms. In order:
//   1. the body is at most 128 KiB, its Ed25519 signature verifies with the application's public
//      key, and its timestamp is within five minutes (./verify.ts) — else 401, nothing read;
//   2. it parses as bounded JSON, for this application — else 400;
//   3. PING is answered with PONG; every other interaction id is claimed once in the store (a
//      compare-and-set shared by every instance), so a replayed body decides nothing (409);
//   4. the presser is an approver by discord_user_id who decides this request — anyone else gets
//      an ephemeral "not yours" and an audit entry;
//   5. the custom_id names a choice the card offered (./custom-id.ts, ./render.ts): a choice that
//      needs input opens a modal (./modals.ts); a tap, a pick or a submitted form decides through
//      gate.decide with via "discord", and the card is replaced by the outcome at once (the outbox
//      edits every other message of the request).
// Discord waits three seconds for an answer: when deciding takes longer than
// channels.discord.ack_after_ms, it is told "working on it" (an ephemeral deferred answer) and the
// result replaces that answer when it is ready.
import { Hono } from 'hono';
import { parseJson } from '../../core/bounded-json.js';
import { GreenlightError, isGreenlightError } from '../../core/errors.js';
import type { ApprovalRequest, Principal } from '../../core/types.js';
import type { AppEnv } from '../../http/context.js';
import type { ChannelContext } from '../channel.js';
import type { InboundTracker } from '../health.js';
import { decisionFor, findChoice, offerFor, type Choice, type Given } from '../offer.js';
import { describeOutcome, requestUrl } from '../card.js';
import type { DiscordApi } from './api.js';
import { DISCORD, SNOWFLAKE, type DiscordSettings } from './config.js';
import { decodeCustomId, type CustomId } from './custom-id.js';
import { givenFrom, modalFor, submittedValues } from './modals.js';
import { NO_MENTIONS, renderCard, type MessageBody } from './render.js';
import { FILER_NOTE } from '../offer.js';
import { refusalFor } from '../who-decides.js';
import { voteCountedText } from '../workflow-view.js';
import { codeBlocker } from '../step-up.js';
import { checkSignature, MAX_SKEW_SEC, publicKeyFromHex } from './verify.js';

export const INTERACTIONS_PATH = '/v1/discord/interactions';
/** Far more than any interaction Discord sends (a component click carries its message: ≤ 6,000 characters of embeds and the components). */
export const MAX_INTERACTION_BYTES = 128 * 1024;

const TYPE = { ping: 1, command: 2, component: 3, autocomplete: 4, modal: 5 } as const;
const EPHEMERAL = 64;
const SYSTEM = { kind: 'system' as const, name: DISCORD };

export interface InteractionDeps {
  ctx: ChannelContext;
  settings: DiscordSettings;
  api: DiscordApi;
  inbound: InboundTracker;
}

interface Interaction {
  id: string;
  type: number;
  token: string;
  data: Record<string, unknown>;
  user: { id: string; username: string } | null;
  channelId: string | null;
  /** The message the component was on (null: none). */
  messageId: string | null;
}

/** What a handled interaction says back: text for the presser alone, or the card replaced. */
type Outcome = { text: string; card?: MessageBody };

const say = (text: string): Outcome => ({ text });

/** "Already approved by alice via telegram." */
const settledText = (r: ApprovalRequest): string => `Already ${r.status === 'pending' ? 'expired' : describeOutcome(r)}.`;

/** The interaction's fields we use, checked; null when it is not shaped like one. */
function readInteraction(body: unknown): { interaction: Interaction; applicationId: string } | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const b = body as Record<string, any>;
  if (typeof b.id !== 'string' || !SNOWFLAKE.test(b.id) || !Number.isInteger(b.type) || typeof b.application_id !== 'string') return null;
  if (b.type !== TYPE.ping && (typeof b.token !== 'string' || b.token.length === 0 || b.token.length > 500)) return null;
  const who = b.member?.user ?? b.user ?? null;
  const user = who && typeof who.id === 'string' && SNOWFLAKE.test(who.id) ? { id: who.id as string, username: typeof who.username === 'string' ? who.username.slice(0, 100) : '' } : null;
  const data = typeof b.data === 'object' && b.data !== null && !Array.isArray(b.data) ? (b.data as Record<string, unknown>) : {};
  const messageId = typeof b.message?.id === 'string' && SNOWFLAKE.test(b.message.id) ? (b.message.id as string) : null;
  const channelId = typeof b.channel_id === 'string' && SNOWFLAKE.test(b.channel_id) ? b.channel_id : null;
  return { interaction: { id: b.id, type: b.type, token: typeof b.token === 'string' ? b.token : '', data, user, channelId, messageId }, applicationId: b.application_id };
}

export function interactionRoutes(deps: InteractionDeps): Hono<AppEnv> {
  const { ctx, settings, inbound } = deps;
  const key = publicKeyFromHex(settings.public_key);
  const app = new Hono<AppEnv>();

  const refuseSigned = (reason: string, message: string): never => {
    ctx.metrics.inc('greenlight_discord_refused_total', { reason });
    if (reason === 'forged' || reason === 'stale') inbound.failed(`refused a request with a ${reason} signature (a wrong channels.discord.public_key refuses every click)`);
    throw new GreenlightError('SIGNATURE_INVALID', message);
  };

  app.post(INTERACTIONS_PATH, async (c) => {
    const raw = await c.req.text();
    if (Buffer.byteLength(raw, 'utf8') > MAX_INTERACTION_BYTES) throw new GreenlightError('PAYLOAD_TOO_LARGE', `An interaction from Discord is at most a few KiB; this body has ${raw.length} characters (limit ${MAX_INTERACTION_BYTES} bytes).`);
    const checked = checkSignature(key, c.req.header('x-signature-ed25519'), c.req.header('x-signature-timestamp'), raw, ctx.clock.now());
    if (!checked.ok) {
      const why = {
        missing: 'X-Signature-Ed25519 and X-Signature-Timestamp are required: only Discord calls this endpoint.',
        malformed: 'X-Signature-Ed25519 must be 128 hex characters and X-Signature-Timestamp Unix seconds.',
        forged: 'The Ed25519 signature does not verify with channels.discord.public_key: not sent by Discord for this application.',
        stale: `The signature's timestamp is more than ${MAX_SKEW_SEC} s away from this server's clock: a replayed request (or a clock that is off).`,
      }[checked.reason];
      refuseSigned(checked.reason, why);
    }
    const read = readInteraction(parseJson(raw, 'The interaction'));
    if (!read) throw new GreenlightError('VALIDATION_FAILED', 'Not a Discord interaction: it needs a snowflake id, an integer type, an application_id and a token.');
    if (read.applicationId !== settings.application_id) throw new GreenlightError('VALIDATION_FAILED', `This interaction is for application ${read.applicationId.slice(0, 20)}, not channels.discord.application_id.`);
    const i = read.interaction;
    if (i.type === TYPE.ping) {
      inbound.ok('ping');
      return c.json({ type: 1 });
    }
    // Once per interaction id, on every instance: a replayed body finds it claimed.
    const fresh = await ctx.store.swapMeta(`${DISCORD}:interaction:${i.id}`, null, String(checked.ok && checked.at), { expires_at: ctx.clock.now() + 2 * MAX_SKEW_SEC * 1000 });
    if (!fresh) {
      ctx.metrics.inc('greenlight_discord_refused_total', { reason: 'replayed' });
      await audit(ctx, 'discord.interaction_refused', { reason: 'replayed', interaction_id: i.id, discord_user_id: i.user?.id ?? null }, null);
      throw new GreenlightError('REPLAYED', `Interaction ${i.id} was handled already; each is handled once.`);
    }
    inbound.ok();
    return c.json(await respond(deps, i));
  });
  return app;
}

async function audit(ctx: ChannelContext, action: string, detail: Record<string, unknown>, requestId: string | null): Promise<void> {
  await ctx.gate.record(SYSTEM, action, detail, DISCORD, requestId).catch((err) => ctx.logger.error('discord: could not write an audit entry', { err }));
}

const ephemeral = (text: string) => ({ type: 4, data: { content: text.slice(0, 2000), flags: EPHEMERAL, allowed_mentions: NO_MENTIONS } });

/** The answer Discord gets: a modal, a message for the presser alone, or the card replaced. */
async function respond(deps: InteractionDeps, i: Interaction): Promise<Record<string, unknown>> {
  const { ctx } = deps;
  if (i.type === TYPE.command) return ephemeral('Greenlight has no commands; decide with the buttons on its cards.');
  if (i.type === TYPE.autocomplete) return { type: 8, data: { choices: [] } };
  if (i.type !== TYPE.component && i.type !== TYPE.modal) throw new GreenlightError('VALIDATION_FAILED', `Interaction type ${i.type} is not one Greenlight handles.`);
  const cid = decodeCustomId(i.data.custom_id);
  if (!cid || (i.type === TYPE.modal) !== (cid.surface === 'm')) return ephemeral('This control is not one of Greenlight\'s (or comes from an older version of it): nothing was decided.');
  const request = await ctx.store.getRequest(cid.requestId);
  if (!request) return ephemeral(`Request ${cid.requestId} does not exist on this server.`);
  const who = await presser(deps, i, request, cid);
  if ('refusal' in who) return ephemeral(who.refusal);
  if (request.status !== 'pending' || request.expires_at <= ctx.clock.now()) return ephemeral(settledText(request));

  // What the approver saw: the masked copy (src/secrets/); the decision is made on the stored request.
  const shown = ctx.secrets.shown(request);
  const card = renderCard(shown, ctx);
  const values = Array.isArray(i.data.values) ? i.data.values.filter((v): v is string => typeof v === 'string').slice(0, 26) : [];
  const choiceId = cid.surface === 's' && cid.choice === 'option' ? `option:${values[0] ?? ''}` : cid.choice;
  const offer = offerFor(shown, { truncated: card.truncated });
  const choice = card.shown.has(choiceId) ? findChoice(offer, choiceId) : null;
  if (!choice) return ephemeral(`This request does not offer that here (any more). Open it on the dashboard: ${cardUrl(ctx, request)}`);

  if (cid.surface === 'b' && choice.input !== null) {
    const blocked = choice.input.kind === 'code' ? await codeBlocker(ctx, who.principal) : null;
    if (blocked) return ephemeral(blocked);
    const m = modalFor(shown, choice, cardUrl(ctx, request));
    return 'modal' in m ? { type: 9, data: m.modal } : ephemeral(m.refusal);
  }
  let given: Given = {};
  if (cid.surface === 's' && choice.kind === 'select') {
    const known = new Set(request.question?.options.map((o) => o.key));
    if (!values.length || values.some((v) => !known.has(v))) return ephemeral('Pick options of this question: nothing was decided.');
    given = { selected: values };
  } else if (cid.surface === 'm') {
    const g = givenFrom(choice, submittedValues(i.data.components));
    if ('error' in g) return ephemeral(`${g.error} Nothing was decided; press the button again.`);
    given = g.given;
  }
  return withDeadline(deps, i, decide(deps, i, request, who.principal, choice, given));
}

/** The approver who pressed, or why they may not decide this request (audited). */
async function presser(deps: InteractionDeps, i: Interaction, request: ApprovalRequest, cid: CustomId): Promise<{ principal: Principal } | { refusal: string }> {
  const { ctx } = deps;
  const principal = i.user ? ctx.principalFor({ discord_user_id: i.user.id }) : null;
  const reason = refusalFor(ctx, principal, request);
  if (reason === null) return { principal: principal as Principal }; // no principal is always a refusal
  ctx.metrics.inc('greenlight_discord_refused_total', { reason });
  await audit(ctx, 'discord.unauthorized', { discord_user_id: i.user?.id ?? null, username: i.user?.username ?? null, channel_id: i.channelId, action: cid.choice, reason }, request.id);
  if (reason === 'filer') return { refusal: FILER_NOTE };
  return { refusal: principal === null ? 'Only approvers can decide Greenlight requests, and this Discord account is not one (an approver\'s discord_user_id in the server config). Nothing was decided.' : 'This request is not routed to you: another approver decides it. Nothing was decided.' };
}

const cardUrl = (ctx: ChannelContext, r: ApprovalRequest) => requestUrl(ctx.publicUrl, r.id);

async function decide(deps: InteractionDeps, i: Interaction, request: ApprovalRequest, principal: Principal, choice: Choice, given: Given): Promise<Outcome> {
  const { ctx } = deps;
  const d = decisionFor(request, choice, given);
  if (!d.ok) return say(`${d.error} Nothing was decided.`);
  try {
    const decided = await ctx.gate.decide(principal, request.id, d.input, DISCORD);
    ctx.metrics.inc('greenlight_discord_decisions_total', { outcome: decided.status });
    // A vote that leaves a workflow pending: every card is refreshed through the outbox; the voter hears it counted.
    const counted = voteCountedText(decided);
    if (counted) return say(counted);
    const outcome = describeOutcome(decided);
    const text = `${decided.status === 'denied' ? '🚫' : '✅'} ${outcome.charAt(0).toUpperCase()}${outcome.slice(1)}.`;
    return i.messageId ? { text, card: renderCard(decided, ctx).body } : say(text);
  } catch (err) {
    if (!isGreenlightError(err) || err.status >= 500) throw err;
    if (err.code === 'ALREADY_VOTED') return say(`${err.message} Your vote was not counted again.`);
    if (err.code === 'ALREADY_DECIDED') {
      const now = await ctx.store.getRequest(request.id);
      return say(now ? settledText(now) : err.message);
    }
    if (err.code === 'NOT_ROUTED_TO_YOU' || err.code === 'FILER_CANNOT_DECIDE' || err.code === 'FORBIDDEN') {
      await audit(ctx, 'discord.unauthorized', { discord_user_id: i.user?.id ?? null, channel_id: i.channelId, action: choice.id, reason: err.code }, request.id);
    }
    return say(`${err.message} Nothing was decided.`);
  }
}

/**
 * The answer within Discord's three seconds: the outcome when it is ready in time, else "working
 * on it" (ephemeral, deferred) and the outcome written over it once it is.
 */
async function withDeadline(deps: InteractionDeps, i: Interaction, work: Promise<Outcome>): Promise<Record<string, unknown>> {
  const { ctx, api, settings } = deps;
  const answer = (o: Outcome) => (o.card ? { type: 7, data: o.card } : ephemeral(o.text));
  if (settings.ack_after_ms > 0) {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), settings.ack_after_ms)));
    const first = await Promise.race([work, late]);
    clearTimeout(timer);
    if (first) return answer(first);
  }
  void work
    .then((o) => api.editOriginal(i.token, { content: o.text.slice(0, 2000), allowed_mentions: NO_MENTIONS }))
    .catch((err: unknown) => ctx.logger.warn('discord: could not finish a deferred answer (the decision itself stands or failed as logged)', { err, interaction_id: i.id }));
  return { type: 5, data: { flags: EPHEMERAL } };
}
