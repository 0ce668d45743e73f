// What the parts of the Telegram channel share: the channel context, the parsed settings, the bot,
// conversation state, and a few helpers every part needs.
import type { Bot, Context } from 'grammy';
import type { ApprovalRequest } from '../../core/types.js';
import type { ChannelContext } from '../channel.js';
import type { InboundTracker } from '../health.js';
import type { TelegramSettings } from './config.js';
import type { Conversations } from './conversation.js';
import { messagesFor, type Messages } from './i18n.js';

export const CHANNEL = 'telegram';

/** Kinds of messages the channel remembers per request (ChannelMessageRef.channel). */
export const REF = {
  card: 'telegram',
  document: 'telegram:document',
  /** A force-reply prompt (no inline keyboard). */
  prompt: 'telegram:prompt',
  /** A walk-through step or confirmation with an inline keyboard. */
  step: 'telegram:step',
} as const;

export interface TelegramDeps {
  ctx: ChannelContext;
  settings: TelegramSettings;
  bot: Bot;
  conv: Conversations;
  /** The chats the server's routing announces a request in (telegram-channel.ts chatsFor). */
  chatsFor?: (request: ApprovalRequest) => string[];
  /** A plain message that is no answer to a prompt: a prompt to the chat's session (false: not one). */
  sessionText?: (c: Context) => Promise<boolean>;
  /** Stops streaming session output (set when sessions are wired). */
  detachSessions?: () => void;
  /** Whether updates reach the bot (polls succeed, webhook calls arrive), for the channel's health. */
  inbound: InboundTracker;
}

/** The Bot API takes numeric chat ids as numbers and public channels as @names. */
export const chatArg = (chat: string): number | string => (/^-?\d+$/.test(chat) ? Number(chat) : chat);

export const messagesOf = (deps: TelegramDeps, chat: string): Messages => messagesFor(deps.settings.chat_locales[chat] ?? deps.settings.locale);

/** Remembers a message about a request so it is edited once the request is settled. */
export function remember(deps: TelegramDeps, requestId: string, kind: (typeof REF)[keyof typeof REF], chat: string, messageId: number): Promise<void> {
  return deps.ctx.store.addChannelMessage({ request_id: requestId, channel: kind, target: chat, message_id: String(messageId), created_at: deps.ctx.clock.now() });
}

/** Writes an audit row for someone who tried to act without the right (never thrown into the caller). */
export async function auditRefusal(deps: TelegramDeps, who: { id: number; username?: string }, chat: string, what: string, reason: string, requestId: string | null): Promise<void> {
  try {
    await deps.ctx.gate.record(
      { kind: 'system', name: 'telegram' },
      'telegram.unauthorized',
      { telegram_user_id: who.id, username: who.username ?? null, chat_id: chat, action: what, reason },
      CHANNEL,
      requestId,
    );
  } catch (err) {
    deps.ctx.logger.error('telegram: could not write the audit entry for a refused action', { err });
  }
  deps.ctx.metrics.inc('greenlight_telegram_refused_total', { reason });
}
