// How `greenlight init --channels telegram` sets the Telegram channel up (see ../setup.ts): the
// bot's token, the chat cards go to (or the approver's private chat), and the approver's own
// Telegram user id. Cheap to import: only the channel's config schema, never grammY.
import type { ChannelSetup } from '../setup.js';
import { TelegramConfigSchema } from './config.js';

export const telegramSetup: ChannelSetup = {
  channel: 'telegram',
  summary: 'cards with buttons in a Telegram chat (long polling: works behind NAT)',
  questions: [
    { key: 'bot_token', prompt: 'Bot token from @BotFather (/newbot)', check: (a) => (TelegramConfigSchema.shape.bot_token.safeParse(a).success ? null : 'a bot token looks like 123456789:AAH…') },
    { key: 'telegram_user_id', prompt: 'Your numeric Telegram user id (your taps decide; @userinfobot tells it)', check: (a) => (/^\d{1,20}$/.test(a) && Number.isSafeInteger(Number(a)) ? null : 'digits only, e.g. 123456789') },
    { key: 'chat', prompt: 'Group chat id for the cards (e.g. -1001234567890), or empty for your private chat with the bot', optional: true, check: (a) => (/^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$/.test(a) ? null : 'a numeric chat id or @channelname') },
  ],
  section(a) {
    return { section: { bot_token: a.bot_token, ...(a.chat ? { chats: [a.chat] } : {}) }, approver: { telegram_user_id: Number(a.telegram_user_id) } };
  },
  schema: TelegramConfigSchema,
  next: 'Send /start to your bot (and add it to the group, if you named one); docs/channels/telegram.md.',
};
