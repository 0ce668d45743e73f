// `channels.discord`: the Discord channel's own section of the config, validated by the channel
// before any listener opens. Every problem is named with the key to change. The bot token is a
// secret: GREENLIGHT_DISCORD_BOT_TOKEN (or GREENLIGHT_DISCORD_BOT_TOKEN_FILE) sets it outside the
// file (src/config/settings.ts).
import { z } from 'zod';
import { ConfigError } from '../../config/load.js';
import { parseSection, serviceUrl } from '../config-section.js';
import type { Config } from '../../config/schema.js';
import { stepTargetsOn } from '../../workflows/config-schema.js';

export const DISCORD = 'discord';

/** A Discord id (a snowflake): 17–20 digits, written as a string (YAML numbers lose digits past 2^53). */
export const SNOWFLAKE = /^\d{17,20}$/;

const quoted = 'a Discord id written in quotes, e.g. "123456789012345678" (YAML numbers lose the last digits)';
const Snowflake = z.string({ error: quoted }).regex(SNOWFLAKE, quoted);

/** A bot token is three base64url parts joined by dots; "Bot " is Greenlight's to add. */
const BotToken = z
  .string()
  .refine((t) => !/^bot\s/i.test(t), 'give the token alone: Greenlight adds "Bot " itself')
  .refine((t) => /^[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{16,}$/.test(t), 'a bot token from the Bot page of your application looks like MTk4Nj….Cl2FMQ.ZnCjm1X… (three parts joined by dots)');

export const DiscordConfigSchema = z
  .object({
    /** The application's id (General Information → Application ID). */
    application_id: Snowflake,
    /** The application's public key (General Information → Public Key): checks every interaction's Ed25519 signature. */
    public_key: z.string().regex(/^[0-9a-f]{64}$/i, 'the application\'s public key is 64 hex characters (General Information → Public Key)').transform((s) => s.toLowerCase()),
    /** The bot's token (Bot → Reset Token). Prefer GREENLIGHT_DISCORD_BOT_TOKEN_FILE. */
    bot_token: BotToken,
    /** The Discord channel that sees requests of projects without a discord route. */
    channel_id: Snowflake.nullable().default(null),
    /** Discord's REST API (a test points it at a loopback fake). */
    api_root: serviceUrl('https://discord.com/api/v10'),
    /** How long one REST call may take. */
    timeout_ms: z.number().int().min(500).max(120_000).default(10_000),
    /**
     * How long a click may be worked on before Discord is told "working on it" (Discord waits 3 s
     * for an answer); the result then replaces that answer. 0: always answer at once.
     */
    ack_after_ms: z.number().int().min(0).max(2500).default(2000),
  })
  .strict();

export type DiscordConfigInput = z.input<typeof DiscordConfigSchema>;
export type DiscordSettings = z.output<typeof DiscordConfigSchema>;

/** The parsed `channels.discord`, or null when the section is absent. Throws ConfigError saying what to fix. */
export function parseDiscordSettings(config: Pick<Config, 'channels' | 'approvers' | 'projects'> & Partial<Pick<Config, 'workflows'>>): DiscordSettings | null {
  const raw = config.channels[DISCORD];
  if (raw === undefined || raw === null) return null;
  const s = parseSection(DiscordConfigSchema, raw, DISCORD, 'Discord');
  const problems: string[] = [];
  const deciders = config.approvers.filter((a) => a.discord_user_id !== undefined);
  for (const a of deciders) {
    if (!SNOWFLAKE.test(a.discord_user_id!)) problems.push(`approvers[${a.name}].discord_user_id: "${a.discord_user_id!.slice(0, 40)}" is not ${quoted}.`);
  }
  if (deciders.length === 0) problems.push('no approver has a discord_user_id, so every click would be refused: add one under approvers[] (Discord: User Settings → Advanced → Developer Mode, then right-click your name → Copy User ID).');
  for (const p of config.projects) {
    p.routes.forEach((r, i) => {
      if (r.channel === DISCORD && !SNOWFLAKE.test(r.target)) problems.push(`projects[${p.name}].routes[${i}].target: "${r.target.slice(0, 80)}" is not a Discord channel id (17–20 digits, in quotes).`);
    });
  }
  for (const t of stepTargetsOn(config.workflows ?? [], DISCORD)) {
    if (!SNOWFLAKE.test(t.target)) problems.push(`${t.where}: "discord:${t.target.slice(0, 80)}" is not a Discord channel id (17–20 digits, in quotes).`);
  }
  const routed = config.projects.some((p) => p.routes.some((r) => r.channel === DISCORD));
  if (!routed && s.channel_id === null) problems.push('no channel_id and no project routes to discord, so no request would ever be posted: set channels.discord.channel_id (right-click the channel → Copy Channel ID).');
  if (problems.length) throw new ConfigError(`The Discord channel is not configured correctly:\n${problems.map((p) => `  - channels.discord: ${p}`).join('\n')}`);
  return s;
}
