// The Slack Web API as the channel uses it: the few methods it calls, over @slack/web-api's
// WebClient (fetch, no retries of its own: the durable outbox retries), and what a failure means —
// Slack's `ok: false` errors split into the ones retrying cannot fix (a wrong token, a channel the
// app is not in, blocks Slack refuses) and the ones it can (rate limits with their Retry-After,
// Slack's own 5xx, a network that is down).
import { ErrorCode, LogLevel as SlackLogLevel, WebClient, type Logger as SlackLogger } from '@slack/web-api';
import { DeliveryError } from '../../delivery/delivery-error.js';
import type { Logger } from '../../log.js';
import type { Block } from './blocks.js';
import type { SlackSettings } from './config.js';

export interface SlackIdentity {
  team: string;
  team_id: string;
  user: string;
  user_id: string;
}

export interface SlackApi {
  authTest(): Promise<SlackIdentity>;
  postMessage(args: { channel: string; text: string; blocks: Block[] }): Promise<{ channel: string; ts: string }>;
  update(args: { channel: string; ts: string; text: string; blocks: Block[] }): Promise<void>;
  postEphemeral(args: { channel: string; user: string; text: string }): Promise<void>;
  openView(triggerId: string, view: Block): Promise<void>;
  /** Attaches a text file in the thread of a message. */
  uploadText(args: { channel: string; thread_ts: string; filename: string; title: string; content: string; comment: string }): Promise<void>;
}

/** Slack's `error` strings that a retry can fix; any other `ok: false` is permanent. */
const TRANSIENT = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'team_added_to_org', 'timeout']);

/** What to tell the operator for Slack's common refusals. */
const HINTS: Record<string, string> = {
  invalid_auth: 'channels.slack.bot_token is not valid (revoked, or from another app); copy the Bot User OAuth Token (xoxb-…) again',
  not_authed: 'no bot token was sent; set channels.slack.bot_token',
  account_inactive: 'the bot token belongs to a deleted app or user; reinstall the app and copy its new xoxb- token',
  token_revoked: 'the bot token was revoked; reinstall the app and copy its new xoxb- token',
  missing_scope: 'the app lacks a scope; reinstall it from the manifest `greenlight slack manifest` prints',
  channel_not_found: 'the channel id is wrong, or the app cannot see that channel; check channels.slack.channel and the projects\' slack routes',
  not_in_channel: 'the app is not a member of the channel; invite it there (/invite @Greenlight)',
  is_archived: 'the channel is archived; unarchive it or route elsewhere',
  invalid_blocks: 'Slack refused the card\'s blocks (a bug in Greenlight: please report it with the request id)',
  msg_too_long: 'Slack refused the message as too long (a bug in Greenlight: please report it)',
};

/** A Web API failure as the outbox understands it. */
export function toDeliveryError(err: unknown, what: string): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = err as { code?: string; data?: { error?: string }; retryAfter?: number; statusCode?: number; original?: Error; message?: string };
  switch (e?.code) {
    case ErrorCode.PlatformError: {
      const code = String(e.data?.error ?? 'unknown_error');
      const hint = HINTS[code] ? ` (${HINTS[code]})` : '';
      return new DeliveryError(`Slack refused ${what}: ${code}${hint}`, { permanent: !TRANSIENT.has(code), cause: err });
    }
    case ErrorCode.RateLimitedError:
      return new DeliveryError(`Slack rate-limited ${what}; retrying after ${e.retryAfter ?? '?'} s`, { retryAfterMs: (e.retryAfter ?? 1) * 1000, status: 429, cause: err });
    case ErrorCode.HTTPError: {
      const status = e.statusCode ?? 0;
      return new DeliveryError(`Slack answered HTTP ${status} to ${what}`, { permanent: status < 500 && status !== 408, status, cause: err });
    }
    case ErrorCode.RequestError:
      return new DeliveryError(`Slack cannot be reached for ${what}: ${e.original?.message ?? e.message}`, { cause: err });
    default:
      return new DeliveryError(`${what} failed: ${e?.message ?? String(err)}`, { cause: err });
  }
}

/** @slack/web-api's logger, writing into ours at debug level (its info lines are routine). */
export function slackLogger(logger: Logger, name = 'slack'): SlackLogger {
  let level = SlackLogLevel.INFO;
  const fields = (msgs: unknown[]) => ({ detail: msgs.map((m) => (m instanceof Error ? m.message : String(m))).join(' ').slice(0, 1000) });
  return {
    debug: () => {},
    info: (...m: unknown[]) => logger.debug(`${name}: sdk`, fields(m)),
    warn: (...m: unknown[]) => logger.debug(`${name}: sdk warning`, fields(m)),
    error: (...m: unknown[]) => logger.debug(`${name}: sdk error`, fields(m)),
    setLevel: (l: SlackLogLevel) => void (level = l),
    getLevel: () => level,
    setName: () => {},
  };
}

export function createSlackApi(settings: SlackSettings, logger: Logger, options: { fetch?: typeof fetch } = {}): SlackApi {
  const client = new WebClient(settings.bot_token, {
    slackApiUrl: `${settings.api_url}/`,
    logger: slackLogger(logger),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: settings.timeout_ms,
    allowAbsoluteUrls: false,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const call = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      throw toDeliveryError(err, what);
    }
  };
  return {
    async authTest() {
      const r = await call('auth.test', () => client.auth.test());
      return { team: String(r.team ?? ''), team_id: String(r.team_id ?? ''), user: String(r.user ?? ''), user_id: String(r.user_id ?? '') };
    },
    async postMessage({ channel, text, blocks }) {
      const r = await call(`chat.postMessage to ${channel}`, () => client.chat.postMessage({ channel, text, blocks: blocks as never, unfurl_links: false, unfurl_media: false, link_names: false, mrkdwn: true }));
      if (typeof r.ts !== 'string' || typeof r.channel !== 'string') throw new DeliveryError(`chat.postMessage to ${channel} answered without channel and ts`);
      return { channel: r.channel, ts: r.ts };
    },
    async update({ channel, ts, text, blocks }) {
      await call(`chat.update of ${channel}/${ts}`, () => client.chat.update({ channel, ts, text, blocks: blocks as never, link_names: false }));
    },
    async postEphemeral({ channel, user, text }) {
      await call(`chat.postEphemeral to ${user} in ${channel}`, () => client.chat.postEphemeral({ channel, user, text, link_names: false }));
    },
    async openView(triggerId, view) {
      await call('views.open', () => client.views.open({ trigger_id: triggerId, view: view as never }));
    },
    async uploadText({ channel, thread_ts, filename, title, content, comment }) {
      await call(`files upload to ${channel}`, () => client.filesUploadV2({ channel_id: channel, thread_ts, file: Buffer.from(content, 'utf8'), filename, title, initial_comment: comment }));
    },
  };
}
