// The Slack channel: approve, deny, grant, edit and answer from where a team already talks.
// A renderer (blocks.ts, modals.ts over the channel-neutral card and offer) plus a transport
// (@slack/web-api for what Greenlight sends; Socket Mode or HTTP for what Slack sends back).
//   plan    — which channels and direct messages see a request (server routing), and an edit of
//             every card once it is settled; written by the gate with the state change.
//   send    — posts or edits through the outbox (outbound.ts), retried with backoff.
//   start   — checks the bot token (auth.test) and says exactly what is wrong; in Socket Mode the
//             cluster's leader opens the websocket (socket.ts).
//   routes  — POST /v1/slack/interactions and /v1/slack/commands (http mode; http-routes.ts).
//   sendDigest — the insights digest to a channel (digest.ts), the default one unless configured.
// See docs/channels/slack.md.
import { StartupError } from '../../startup-error.js';
import type { Channel, ChannelFactory } from '../channel.js';
import { digestTarget } from '../digest-target.js';
import { inboundTracker } from '../health.js';
import { digestMessage } from './digest.js';
import { createSlackApi } from './api.js';
import { parseSlackSettings } from './config.js';
import { CHANNEL, type SlackDeps } from './deps.js';
import { slackRoutes } from './http-routes.js';
import { createInbound } from './inbound.js';
import { createOutbound, destinationsFor, planSlack } from './outbound.js';
import { createSocket, type SocketOptions } from './socket.js';
import { createAfterWork } from './transport.js';

export interface SlackChannelOptions {
  /** The fetch the Web API client uses (tests may hand in another). */
  fetch?: typeof fetch;
  socket?: SocketOptions;
}

/** Slack's answers to auth.test that no retry fixes: the server refuses to start on them. */
const FATAL = /invalid_auth|not_authed|account_inactive|token_revoked|token_expired|not_allowed_token_type/;

export function createSlackChannelFactory(options: SlackChannelOptions = {}): ChannelFactory {
  return (ctx) => {
    const settings = parseSlackSettings(ctx.config);
    if (!settings) return null;
    const deps: SlackDeps = { ctx, settings, api: createSlackApi(settings, ctx.logger, { fetch: options.fetch }), inbound: inboundTracker(ctx.clock) };
    const outbound = createOutbound(deps);
    const inbound = createInbound(deps);
    const after = createAfterWork(ctx.logger);
    const socket = settings.mode === 'socket' ? createSocket(deps, inbound, after, options.socket) : null;
    let bot: string | null = null;
    let team: string | null = null;

    const channel: Channel = {
      name: CHANNEL,
      plan: (event) => planSlack(event, settings, ctx),
      destinations: (request) => destinationsFor(request, settings, ctx),
      send: (item) => outbound.send(item),
      routes: () => slackRoutes(deps, inbound, after),
      async sendDigest(digest, target) {
        const to = digestTarget(CHANNEL, target, settings.channel ? [settings.channel] : [], ctx.config, 'channels.slack.channel');
        await deps.api.postMessage({ channel: to, ...digestMessage(digest) });
      },
      async start() {
        try {
          const me = await deps.api.authTest();
          bot = me.user;
          team = me.team;
          ctx.logger.info('slack: connected', { bot: me.user, team: me.team, mode: settings.mode });
        } catch (err) {
          const message = (err as Error).message;
          if (FATAL.test(message)) throw new StartupError(`Slack channel: auth.test refused channels.slack.bot_token (${message}). Copy the Bot User OAuth Token (xoxb-…) from the app's "OAuth & Permissions" page, or GREENLIGHT_SLACK_BOT_TOKEN.`, { cause: err });
          ctx.logger.error(`slack: auth.test failed (${message}); cards wait in the outbox until Slack answers`);
        }
        if (settings.mode === 'http' && !ctx.config.server.public_url) ctx.logger.warn('slack: mode is http but server.public_url is not set: Slack must reach <public_url>/v1/slack/interactions and /v1/slack/commands (docs/channels/slack.md)');
        // Slack spreads Socket Mode envelopes over every open connection: only the leader opens one.
        if (socket) ctx.leader.register({ name: 'slack socket mode', start: () => socket.start(), stop: () => socket.stop() });
      },
      async stop() {
        await socket?.stop();
        await after.drain();
      },
      health: () => ({
        inbound: deps.inbound.snapshot(),
        detail: { mode: settings.mode, bot, team, channel: settings.channel, ...(socket ? { socket_connected: socket.isConnected() } : {}) },
      }),
    };
    return channel;
  };
}

/** The Slack channel as configured under `channels.slack` (null when that section is absent). */
export const slackChannelFactory: ChannelFactory = createSlackChannelFactory();
