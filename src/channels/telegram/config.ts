// `channels.telegram`: the channel validates its own section of the config (the core schema keeps
// `channels` as an open record). Parsed once by the factory, before any listener opens.
import { z } from 'zod';
import { ConfigError } from '../../config/load.js';
import { parseSection } from '../config-section.js';
import type { Config } from '../../config/schema.js';
import { LOCALES } from './i18n.js';

/** A chat id as Telegram names it: a number (negative for groups) or a public `@channelname`. */
const ChatId = z
  .union([z.number().int(), z.string().regex(/^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$/, 'a numeric chat id (e.g. -1001234567890) or @channelname')])
  .transform((v) => String(v));

export const TelegramConfigSchema = z
  .object({
    /** From @BotFather: `123456789:AA...`. */
    bot_token: z.string().regex(/^\d{1,20}:[A-Za-z0-9_-]{20,100}$/, 'a bot token from @BotFather looks like 123456789:AAH…'),
    /** `polling` works behind NAT (run ONE instance); `webhook` needs a public HTTPS URL. */
    mode: z.enum(['polling', 'webhook']).default('polling'),
    /** The Bot API server: Telegram's, a self-hosted telegram-bot-api, or a test emulator. */
    api_root: z
      .string()
      .url()
      .default('https://api.telegram.org')
      .transform((s) => s.replace(/\/+$/, '')),
    /** Chats that see requests of projects without a telegram route. */
    chats: z.array(ChatId).default([]),
    /**
     * Whether each routed approver with a telegram_user_id also gets the request in a private chat:
     * `fallback` only when no route or default chat covers it, `always`, or `never`.
     */
    approver_chats: z.enum(['fallback', 'always', 'never']).default('fallback'),
    locale: z.enum(LOCALES).default('en'),
    /** Per chat (a private chat's id is the user's id): `{"-100123": zh}`. */
    chat_locales: z.record(z.string().regex(/^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$/, 'a chat id'), z.enum(LOCALES)).default({}),
    /** Long-poll timeout passed to getUpdates (seconds). */
    poll_timeout_sec: z.number().int().min(0).max(50).default(30),
    /** Pause after an empty poll (for Bot API servers that do not long-poll, such as emulators). */
    poll_interval_ms: z.number().int().min(0).max(60_000).default(0),
    /** Least time between two edits of a session's streamed output (Telegram allows ~20 messages a minute in a group). */
    session_edit_interval_ms: z.number().int().min(50).max(60_000).default(3000),
    /** At most this many cards for one /pending. */
    pending_limit: z.number().int().min(1).max(50).default(10),
    webhook: z
      .object({
        /** What Telegram calls; default `<server.public_url>/v1/telegram/webhook`. */
        url: z.string().url().nullable().default(null),
        /** Sent by Telegram as X-Telegram-Bot-Api-Secret-Token and checked on every update. */
        secret_token: z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, '16–256 characters of A-Z, a-z, 0-9, _ and -').nullable().default(null),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type TelegramConfig = z.output<typeof TelegramConfigSchema>;

export interface TelegramSettings extends TelegramConfig {
  /** Numeric user ids of everyone who may act (approvers and admins), for the startup check. */
  actorIds: number[];
}

/**
 * The parsed `channels.telegram` section, or null when the channel is off. Throws ConfigError
 * naming the key to fix.
 */
export function parseTelegramSettings(config: Config): TelegramSettings | null {
  const raw = config.channels.telegram;
  if (raw === undefined || raw === null) return null;
  const settings = parseSection(TelegramConfigSchema, raw, 'telegram', 'Telegram');
  const actorIds = [...config.approvers, ...config.admins].flatMap((a) => (a.telegram_user_id === undefined ? [] : [a.telegram_user_id]));
  if (actorIds.length === 0) {
    throw new ConfigError(
      'channels.telegram is set but no approver (or admin) has a telegram_user_id: add one under approvers[] or the bot will refuse every click. Send /start to the bot to learn your user id.',
    );
  }
  const routed = config.projects.some((p) => p.routes.some((r) => r.channel === 'telegram'));
  if (!routed && settings.chats.length === 0 && settings.approver_chats === 'never') {
    throw new ConfigError('channels.telegram has no chats, no project routes to telegram, and approver_chats: never, so no chat would ever see a request. Add a chat id under channels.telegram.chats.');
  }
  if (settings.mode === 'webhook') {
    if (!settings.webhook.secret_token) {
      throw new ConfigError('channels.telegram.mode is webhook but webhook.secret_token is not set: choose a random string of 16+ letters and digits, so forged updates are refused.');
    }
    if (!settings.webhook.url && !config.server.public_url) {
      throw new ConfigError('channels.telegram.mode is webhook but neither channels.telegram.webhook.url nor server.public_url is set: Telegram needs a public HTTPS URL to call.');
    }
  }
  return { ...settings, actorIds };
}

/** The URL Telegram should call in webhook mode. */
export function webhookUrlOf(settings: TelegramSettings, publicUrl: string): string {
  return settings.webhook.url ?? `${publicUrl.replace(/\/+$/, '')}/v1/telegram/webhook`;
}
