// The Telegram channel: approve, deny, grant, edit and answer from a phone. Built on grammY.
//   plan   — which chats see a request (server routing, never the agent's choice), and an update
//            of every message once it is settled; written by the gate with the state change.
//   send   — the outbox worker's sender (outbound.ts), retried with backoff.
//   start  — checks the token (getMe), then long-polls (polling mode) while this instance leads.
//   routes — webhook and its set-up (routes.ts).
import { digestText } from '../../insights/digest.js';
import { DeliveryError } from '../../delivery/delivery-error.js';
import { escapeHtml } from './escape.js';
import { chatArg } from './deps.js';
import type { Update } from 'grammy/types';
import { newId } from '../../core/ids.js';
import type { ApprovalRequest, RequestEvent } from '../../core/types.js';
import type { OutboxInput } from '../../store/store.js';
import type { ApproverIdentity, Channel, ChannelContext, ChannelFactory } from '../channel.js';
import { digestTarget } from '../digest-target.js';
import { routeTargets } from '../routing.js';
import { createBot, startupProblem, toDeliveryError, type ApiTransformer } from './api.js';
import { inboundTracker } from '../health.js';
import { parseTelegramSettings, type TelegramSettings } from './config.js';
import { Conversations } from './conversation.js';
import { CHANNEL, type TelegramDeps } from './deps.js';
import { installHandlers } from './inbound.js';
import { createOutbound } from './outbound.js';
import { createPoller } from './polling.js';
import { telegramRoutes } from './routes.js';
import { contextOfAgent } from '../../config/contexts.js';

export interface TelegramChannelOptions {
  /** grammY API transformers, outermost last (tests record calls and stand in for methods an emulator lacks). */
  transformers?: ApiTransformer[];
}

/**
 * The chats that see a request (../routing.ts): the chat the agent hinted if it is one of the
 * project's telegram routes; else those routes; else the default chats; plus each routed approver's
 * private chat (approver_chats: always, or fallback when nothing else covers the request).
 */
export function chatsFor(request: ApprovalRequest, settings: TelegramSettings, ctx: Pick<ChannelContext, 'config' | 'approversFor'>): string[] {
  const of = (a: ApproverIdentity) => (a.telegram_user_id === undefined ? undefined : String(a.telegram_user_id));
  return routeTargets(request, CHANNEL, { defaults: settings.chats, direct: { when: settings.approver_chats, of } }, ctx);
}

/** Outbox items for an event. Pure: the gate calls it inside its transaction. */
export function planTelegram(event: RequestEvent, settings: TelegramSettings, ctx: Pick<ChannelContext, 'config' | 'approversFor'>, now: number): OutboxInput[] {
  const { request } = event;
  const item = (target: string, payload: Record<string, unknown>): OutboxInput => ({
    id: newId('dlv', now),
    kind: CHANNEL,
    target,
    request_id: request.id,
    payload,
    created_at: now,
    next_attempt_at: now,
  });
  if (event.type === 'request.created') {
    if (request.status !== 'pending') return [];
    return chatsFor(request, settings, ctx).map((chat) => item(chat, { op: 'announce', chat_id: chat, reason: 'routed' }));
  }
  // Decided by policy as it was filed: it was never announced, so there is nothing to edit.
  const d = request.decision;
  if (d && d.decided_by_kind === 'policy' && d.decided_at === request.created_at) return [];
  return [item('messages', { op: 'update' })];
}

export function createTelegramChannelFactory(options: TelegramChannelOptions = {}): ChannelFactory {
  return (ctx) => {
    const settings = parseTelegramSettings(ctx.config);
    if (!settings) return null;
    const bot = createBot(settings, options.transformers);
    const deps: TelegramDeps = { ctx, settings, bot, conv: new Conversations(ctx.store), inbound: inboundTracker(ctx.clock), chatsFor: (r) => chatsFor(r, settings, ctx) };
    const outbound = createOutbound(deps);
    installHandlers(deps, bot);

    // getMe, once: handleUpdate needs it, and it is where a wrong token shows.
    let initialising: Promise<number | null> | null = null;
    const ready = async (): Promise<number | null> => {
      if (bot.isInited()) return bot.botInfo.id;
      initialising ??= bot.init().then(
        () => bot.botInfo.id,
        (err: unknown) => {
          initialising = null;
          const problem = startupProblem(err, settings.api_root);
          ctx.logger.error(`telegram: ${problem.message}`);
          return null;
        },
      );
      return initialising;
    };

    /** Handles one update; false when the bot is not initialised yet (so a webhook asks Telegram to retry). */
    const handle = async (update: Update): Promise<boolean> => {
      if ((await ready()) === null) return false;
      if (settings.mode === 'webhook') deps.inbound.ok();
      try {
        await bot.handleUpdate(update);
      } catch (err) {
        ctx.logger.error('telegram: an update could not be handled', { update_id: update.update_id, err });
      }
      return true;
    };
    const poller = createPoller(deps, handle, ready);

    const channel: Channel = {
      name: CHANNEL,
      plan: (event) => planTelegram(event, settings, ctx, ctx.clock.now()),
      destinations: (request) => chatsFor(request, settings, ctx),
      send: (item) => outbound.send(item),
      // The digest goes to a configured chat only (target, else the first of channels.telegram.chats).
      async sendDigest(digest, target) {
        const chat = digestTarget(CHANNEL, target, settings.chats.map(String), ctx.config, 'channels.telegram.chats');
        const { title, lines } = digestText(digest);
        const html = [`<b>${escapeHtml(title)}</b>`, '', ...lines.map(escapeHtml)].join('\n');
        await bot.api.sendMessage(chatArg(chat), html, { parse_mode: 'HTML', link_preview_options: { is_disabled: true } }).catch((err: unknown) => Promise.reject(toDeliveryError(err, `sendMessage (digest) to chat ${chat}`)));
      },
      routes: () => telegramRoutes(deps, handle),
      async start() {
        try {
          await bot.init();
        } catch (err) {
          const problem = startupProblem(err, settings.api_root);
          if (problem.fatal) throw new Error(`Telegram channel: ${problem.message}`, { cause: err });
          ctx.logger.error(`telegram: ${problem.message}`);
        }
        if (bot.isInited()) ctx.logger.info('telegram: connected', { bot: bot.botInfo.username, mode: settings.mode });
        if (settings.mode === 'polling') {
          // Telegram allows one getUpdates caller per bot: on several instances only the leader polls.
          ctx.leader.register({
            name: 'telegram long polling',
            async start() {
              // Polling and a webhook exclude each other; grammY's own start() does the same.
              if (bot.isInited()) await bot.api.deleteWebhook().catch((err: unknown) => ctx.logger.warn('telegram: deleteWebhook failed before polling', { err }));
              poller.start();
            },
            stop: () => poller.stop(),
          });
        }
      },
      async stop() {
        deps.detachSessions?.();
        await poller.stop();
      },
      health: () => ({ inbound: deps.inbound.snapshot(), detail: { mode: settings.mode, bot: bot.isInited() ? bot.botInfo.username : null, chats: settings.chats.length } }),
    };
    return channel;
  };
}

/** The Telegram channel as configured under `channels.telegram` (null when that section is absent). */
export const telegramChannelFactory: ChannelFactory = createTelegramChannelFactory();
