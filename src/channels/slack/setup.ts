// How `greenlight init --channels slack` sets the Slack channel up (see ../setup.ts): the connection
// mode, the bot token, the app-level token (Socket Mode) or the signing secret (http mode), the
// channel cards go to (or none: the app's direct messages), and the approver's own Slack member id.
// Cheap to import: only the channel's config schema, never the Slack SDK.
import type { ChannelSetup } from '../setup.js';
import { CONVERSATION_ID, SlackConfigSchema, USER_ID } from './config.js';

const fits = (key: 'bot_token' | 'app_token' | 'signing_secret', answer: string): boolean => SlackConfigSchema.shape[key].safeParse(answer).success;

export const slackSetup: ChannelSetup = {
  channel: 'slack',
  summary: 'cards with buttons and forms in Slack (Socket Mode: works behind NAT)',
  questions: [
    { key: 'mode', prompt: 'How Slack reaches Greenlight: socket (no public URL needed) or http (a public HTTPS URL)', default: 'socket', check: (a) => (a === 'socket' || a === 'http' ? null : 'socket or http') },
    { key: 'bot_token', prompt: 'Bot User OAuth Token (the app\'s "OAuth & Permissions" page, xoxb-…)', check: (a) => (fits('bot_token', a) ? null : 'a bot token looks like xoxb-…') },
    { key: 'app_token', prompt: 'App-level token with connections:write ("Basic Information" → App-Level Tokens, xapp-…)', when: (a) => a.mode === 'socket', check: (a) => (fits('app_token', a) ? null : 'an app-level token looks like xapp-…') },
    { key: 'signing_secret', prompt: 'Signing Secret ("Basic Information" → App Credentials)', when: (a) => a.mode === 'http', check: (a) => (fits('signing_secret', a) ? null : '32 letters and digits') },
    { key: 'channel', prompt: 'Channel ID for the cards (channel details → About, at the bottom), or empty for direct messages from the app', optional: true, check: (a) => (CONVERSATION_ID.test(a) ? null : 'a channel id such as C0123ABCD') },
    { key: 'slack_user_id', prompt: 'Your own Slack member ID (your profile → ⋮ → Copy member ID): your clicks decide', check: (a) => (USER_ID.test(a) ? null : 'a member id such as U0123ABCD') },
  ],
  section(a) {
    const secret = a.mode === 'http' ? { signing_secret: a.signing_secret } : { app_token: a.app_token };
    return { section: { mode: a.mode, bot_token: a.bot_token, ...secret, ...(a.channel ? { channel: a.channel } : {}) }, approver: { slack_user_id: a.slack_user_id } };
  },
  schema: SlackConfigSchema,
  next: 'Invite the app to the channel (/invite @Greenlight); in http mode set server.public_url and use `greenlight slack manifest --mode http` for the request URLs (docs/channels/slack.md).',
};
