// How `greenlight init --channels discord` sets the Discord channel up (see ../setup.ts): the
// application's id and public key, the bot's token, the channel cards go to, and the approver's
// own Discord user id. Cheap to import: only the channel's config schema.
import type { ChannelSetup } from '../setup.js';
import { DiscordConfigSchema, SNOWFLAKE } from './config.js';

const id = (a: string) => (SNOWFLAKE.test(a) ? null : '17–20 digits (Developer Mode on, then right-click → Copy ID)');

export const discordSetup: ChannelSetup = {
  channel: 'discord',
  summary: 'cards with buttons and forms in a Discord channel (needs a public HTTPS URL for clicks)',
  questions: [
    { key: 'application_id', prompt: 'Application ID (Developer Portal → your app → General Information)', check: id },
    { key: 'public_key', prompt: 'Public Key (same page: checks that clicks come from Discord)', check: (a) => (/^[0-9a-f]{64}$/i.test(a) ? null : '64 hex characters') },
    { key: 'bot_token', prompt: 'Bot token (Bot → Reset Token; kept in this 0600 file, or move it to GREENLIGHT_DISCORD_BOT_TOKEN_FILE later)', check: (a) => (DiscordConfigSchema.shape.bot_token.safeParse(a).success ? null : 'a bot token is three parts joined by dots, without "Bot "') },
    { key: 'channel_id', prompt: 'Channel ID that gets the cards (right-click the channel → Copy Channel ID)', check: id },
    { key: 'discord_user_id', prompt: 'Your own Discord user ID (right-click your name → Copy User ID): your clicks decide', check: id },
  ],
  section(a) {
    return { section: { application_id: a.application_id, public_key: a.public_key.toLowerCase(), bot_token: a.bot_token, channel_id: a.channel_id }, approver: { discord_user_id: a.discord_user_id } };
  },
  schema: DiscordConfigSchema,
  next: 'Set server.public_url to an HTTPS URL Discord reaches, enter <public_url>/v1/discord/interactions as the Interactions Endpoint URL, and invite the bot with permissions 19456 (docs/channels/discord.md).',
};
