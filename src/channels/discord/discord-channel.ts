// The Discord channel: request cards in Discord channels, decided with their buttons, select menus
// and forms. A renderer (render.ts, modals.ts, over the channel-neutral card and offer) plus a
// transport (a small REST client, api.ts) plus one inbound route (interactions.ts).
//   plan   — which Discord channels see a request (server routing: the project's discord routes,
//            else channels.discord.channel_id), and one update of every card once it is settled.
//   send   — posts a card (once: Discord's enforce_nonce makes a retried post return the first
//            message), or edits every card of a settled request; 429 waits retry_after, 5xx and the
//            network are retried by the outbox, other refusals go dead with what to fix.
//   start  — GET /users/@me: a wrong token stops the server with what to do; a default channel the
//            bot cannot see is reported.
//   routes — POST /v1/discord/interactions (signed by Discord, Ed25519).
//   sendDigest — the insights digest to a channel (digest.ts), posted once per period (its nonce).
// See docs/channels/discord.md.
import { createHash } from 'node:crypto';
import { newId } from '../../core/ids.js';
import type { ApprovalRequest, RequestEvent } from '../../core/types.js';
import { DeliveryError } from '../../delivery/delivery-error.js';
import type { OutboxInput, OutboxItem } from '../../store/store.js';
import type { Channel, ChannelContext, ChannelFactory } from '../channel.js';
import { editAll } from '../edit-all.js';
import { digestTarget } from '../digest-target.js';
import { inboundTracker } from '../health.js';
import { digestMessage } from './digest.js';
import { routeTargets } from '../routing.js';
import { createDiscordApi, DiscordApiError, isGone, toDeliveryError, type DiscordApi } from './api.js';
import { DISCORD, parseDiscordSettings, type DiscordSettings } from './config.js';
import { INTERACTIONS_PATH, interactionRoutes } from './interactions.js';
import { renderCard } from './render.js';

/** The permissions the bot needs in a channel: View Channel (1024) + Send Messages (2048) + Embed Links (16384). */
export const BOT_PERMISSIONS = 1024 + 2048 + 16384;

export interface DiscordChannelOptions {
  /** The fetch to call Discord with (tests may hand in another). */
  fetch?: typeof fetch;
}

/**
 * The Discord channels that see a request (../routing.ts): the one the agent hinted if it is one of
 * the project's discord routes; else the project's discord routes; else the default channel.
 */
export function channelsFor(request: ApprovalRequest, settings: DiscordSettings, ctx: Pick<ChannelContext, 'config' | 'approversFor'>): string[] {
  return routeTargets(request, DISCORD, { defaults: settings.channel_id ? [settings.channel_id] : [] }, ctx);
}

type Payload = { op: 'announce'; channel_id: string } | { op: 'update' };

const parsePayload = (p: Record<string, unknown>): Payload | null =>
  p.op === 'announce' && typeof p.channel_id === 'string' ? { op: 'announce', channel_id: p.channel_id } : p.op === 'update' ? { op: 'update' } : null;

/** Discord's nonce (at most 25 characters) for one outbox item: a retried post returns the message the first one made. */
const nonceOf = (itemId: string): string => createHash('sha256').update(itemId).digest('base64url').slice(0, 25);

export function createDiscordChannelFactory(options: DiscordChannelOptions = {}): ChannelFactory {
  return (ctx) => {
    const settings = parseDiscordSettings(ctx.config);
    if (!settings) return null;
    return createDiscordChannel(ctx, settings, options);
  };
}

export function createDiscordChannel(ctx: ChannelContext, settings: DiscordSettings, options: DiscordChannelOptions = {}): Channel {
  const { store, clock, logger } = ctx;
  const api: DiscordApi = createDiscordApi({ apiRoot: settings.api_root, botToken: settings.bot_token, applicationId: settings.application_id, timeoutMs: settings.timeout_ms, fetch: options.fetch });
  const inbound = inboundTracker(clock);
  let bot: string | null = null;

  async function announce(item: OutboxItem, r: ApprovalRequest, channelId: string): Promise<void> {
    if (r.status !== 'pending' || r.expires_at <= clock.now()) return; // settled first: the update says so
    const sent = (await store.listChannelMessages(r.id)).some((m) => m.channel === DISCORD && m.target === channelId);
    if (!sent) {
      const card = renderCard(r, ctx);
      const posted = await api.createMessage(channelId, { ...card.body, nonce: nonceOf(item.id), enforce_nonce: true }).catch((err: unknown) => Promise.reject(toDeliveryError(err)));
      await store.addChannelMessage({ request_id: r.id, channel: DISCORD, target: channelId, message_id: posted.id, created_at: clock.now() });
      ctx.metrics.inc('greenlight_discord_messages_total', { op: 'create' });
    }
    // Settled while we posted? The update item may have run before the card was recorded.
    const now = await store.getRequest(r.id);
    if (now && now.status !== 'pending') await update(now);
  }

  /** Edits every card of a settled request to its outcome, without buttons. */
  async function update(r: ApprovalRequest): Promise<void> {
    if (r.status === 'pending') return;
    const refs = (await store.listChannelMessages(r.id)).filter((m) => m.channel === DISCORD);
    const body = renderCard(r, ctx).body;
    await editAll(
      refs,
      async (ref) => {
        await api.editMessage(ref.target, ref.message_id, body);
        ctx.metrics.inc('greenlight_discord_messages_total', { op: 'edit' });
      },
      {
        skip: isGone,
        toDeliveryError,
        leave: (ref, d) => logger.warn('discord: a card of a settled request cannot be edited; leaving it', { request_id: r.id, channel_id: ref.target, message_id: ref.message_id, error: d.message }),
      },
    );
  }

  const item = (r: ApprovalRequest, at: number, target: string, payload: Payload): OutboxInput => ({ id: newId('dlv', at), kind: DISCORD, target, request_id: r.id, payload, created_at: at, next_attempt_at: at });

  return {
    name: DISCORD,

    plan(event: RequestEvent) {
      const r = event.request;
      if (event.type === 'request.created') {
        if (r.status !== 'pending') return []; // the policy decided: no human was asked
        return channelsFor(r, settings, ctx).map((id) => item(r, event.at, id, { op: 'announce', channel_id: id }));
      }
      if (r.decision?.decided_by_kind === 'policy' && r.decision.decided_at === r.created_at) return [];
      return [item(r, event.at, 'messages', { op: 'update' })];
    },

    destinations: (r: ApprovalRequest) => channelsFor(r, settings, ctx),

    async send(o: OutboxItem) {
      const payload = parsePayload(o.payload);
      if (!payload) throw new DeliveryError(`discord outbox item ${o.id} has an unknown payload`, { permanent: true });
      const r = o.request_id ? await store.getRequest(o.request_id) : null;
      if (!r) throw new DeliveryError(`request ${o.request_id} does not exist any more`, { permanent: true });
      if (payload.op === 'update') return update(r);
      if (!channelsFor(r, settings, ctx).includes(payload.channel_id)) return void logger.info('discord: channel no longer routed for this request; not posting', { request_id: r.id, channel_id: payload.channel_id });
      return announce(o, r, payload.channel_id);
    },

    routes: () => interactionRoutes({ ctx, settings, api, inbound }),

    async sendDigest(digest, target) {
      const to = digestTarget(DISCORD, target, settings.channel_id ? [settings.channel_id] : [], ctx.config, 'channels.discord.channel_id');
      await api.createMessage(to, { ...digestMessage(digest), nonce: nonceOf(`digest ${to} ${digest.period} ${digest.to}`), enforce_nonce: true }).catch((err: unknown) => Promise.reject(toDeliveryError(err)));
    },

    async start() {
      const where = `${ctx.publicUrl.replace(/\/+$/, '')}${INTERACTIONS_PATH}`;
      if (!ctx.config.server.public_url) logger.warn(`discord: server.public_url is not set; Discord must reach ${where} over HTTPS to deliver clicks (docs/channels/discord.md: a tunnel works)`);
      try {
        const me = await api.me();
        if (me.bot !== true) throw new Error('channels.discord.bot_token belongs to a user account, not a bot: use the token from your application\'s Bot page.');
        bot = me.username;
        if (me.id !== settings.application_id) logger.warn(`discord: the bot's id (${me.id}) is not channels.discord.application_id (${settings.application_id}); check that both come from the same application, or every click is refused`);
        logger.info('discord: connected', { bot: me.username, interactions_url: where });
      } catch (err) {
        if (err instanceof DiscordApiError && (err.status === 401 || err.status === 403)) {
          throw new Error(`Discord refused channels.discord.bot_token (${err.status} ${err.description}). Reset the token on your application's Bot page (Developer Portal) and set it again (GREENLIGHT_DISCORD_BOT_TOKEN or GREENLIGHT_DISCORD_BOT_TOKEN_FILE).`, { cause: err });
        }
        if (!(err instanceof DeliveryError)) throw err;
        logger.error(`discord: cannot reach ${settings.api_root} (${err.message}); cards wait in the outbox until it can`);
        return;
      }
      if (settings.channel_id) {
        try {
          await api.channel(settings.channel_id);
        } catch (err) {
          if (err instanceof DiscordApiError) logger.error(`discord: the bot cannot use channels.discord.channel_id ${settings.channel_id} (${err.status} ${err.description}): invite it to that server with permissions ${BOT_PERMISSIONS} (View Channel, Send Messages, Embed Links) and let it see the channel`);
          else logger.warn('discord: could not check channels.discord.channel_id', { err });
        }
      }
    },

    health: () => ({ inbound: inbound.snapshot(), detail: { application_id: settings.application_id, bot, channel_id: settings.channel_id, interactions: INTERACTIONS_PATH } }),
  };
}

/** The Discord channel as configured under `channels.discord` (null when that section is absent). */
export const discordChannelFactory: ChannelFactory = createDiscordChannelFactory();
