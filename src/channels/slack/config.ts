// `channels.slack`: the Slack channel's own section of the config, validated by the channel before
// any listener opens. The three secrets may also come from GREENLIGHT_SLACK_BOT_TOKEN,
// GREENLIGHT_SLACK_SIGNING_SECRET and GREENLIGHT_SLACK_APP_TOKEN (or their *_FILE forms; see
// src/config/settings.ts). Every problem is named with the key to change.
import { z } from 'zod';
import { ConfigError } from '../../config/load.js';
import { parseSection, serviceUrl } from '../config-section.js';
import type { Config } from '../../config/schema.js';
import { stepTargetsOn } from '../../workflows/config-schema.js';

/** A conversation id as Slack writes it: public (C…), private (G…) or direct (D…) channel. */
export const CONVERSATION_ID = /^[CGD][A-Z0-9]{2,30}$/;
/** A Slack user id (U… or, on Enterprise Grid, W…). */
export const USER_ID = /^[UW][A-Z0-9]{2,30}$/;

export const SlackConfigSchema = z
  .object({
    /**
     * `socket`: Socket Mode, a websocket Greenlight opens to Slack (works behind NAT; needs app_token;
     * one instance holds it, the cluster's leader). `http`: Slack POSTs to /v1/slack/interactions and
     * /v1/slack/commands (needs a public HTTPS URL and signing_secret).
     */
    mode: z.enum(['socket', 'http']).default('socket'),
    /** The bot token from "OAuth & Permissions": xoxb-… */
    bot_token: z.string().regex(/^xoxb-[A-Za-z0-9-]{10,250}$/, 'a bot token from the app\'s "OAuth & Permissions" page looks like xoxb-…'),
    /** "Basic Information" → Signing Secret; checks every HTTP request Slack sends (http mode). */
    signing_secret: z.string().regex(/^[A-Za-z0-9]{16,128}$/, 'the Signing Secret from the app\'s "Basic Information" page (32 letters and digits)').nullable().default(null),
    /** An app-level token with connections:write ("Basic Information" → App-Level Tokens): xapp-… (socket mode). */
    app_token: z.string().regex(/^xapp-[A-Za-z0-9-]{10,250}$/, 'an app-level token looks like xapp-…; make one with the connections:write scope').nullable().default(null),
    /** The channel requests go to when their project names no slack route (a conversation id, C…). */
    channel: z.string().regex(CONVERSATION_ID, 'a channel id such as C0123ABCD (channel details → About, at the bottom)').nullable().default(null),
    /**
     * Whether each routed approver with a slack_user_id also gets the request as a direct message
     * from the app: `fallback` only when no route or default channel covers it, `always`, `never`.
     */
    approver_dms: z.enum(['fallback', 'always', 'never']).default('fallback'),
    /** The Web API: Slack's, or a test double. */
    api_url: serviceUrl('https://slack.com/api'),
    /** At most this many requests in one `/greenlight pending` answer. */
    pending_limit: z.number().int().min(1).max(20).default(10),
    /** How long one Web API call may take. */
    timeout_ms: z.number().int().min(500).max(120_000).default(10_000),
  })
  .strict();

export type SlackConfigInput = z.input<typeof SlackConfigSchema>;
export type SlackSettings = z.output<typeof SlackConfigSchema>;

/** The parsed `channels.slack`, or null when the section is absent. Throws ConfigError saying what to fix. */
export function parseSlackSettings(config: Pick<Config, 'channels' | 'approvers' | 'admins' | 'projects'> & Partial<Pick<Config, 'workflows'>>): SlackSettings | null {
  const raw = config.channels.slack;
  if (raw === undefined || raw === null) return null;
  const s = parseSection(SlackConfigSchema, raw, 'slack', 'Slack');
  const problems: string[] = [];
  if (s.mode === 'socket' && !s.app_token) problems.push('mode is socket but app_token is not set: make an app-level token with the connections:write scope ("Basic Information" → App-Level Tokens), or use mode: http with signing_secret.');
  if (s.mode === 'http' && !s.signing_secret) problems.push('mode is http but signing_secret is not set: copy it from the app\'s "Basic Information" page, so forged requests are refused.');
  const ids = config.approvers.flatMap((a) => (a.slack_user_id === undefined ? [] : [a.slack_user_id]));
  if (ids.length === 0) problems.push('no approver has a slack_user_id, so every click would be refused: add one under approvers[] (a Slack profile → ⋮ → Copy member ID).');
  config.approvers.forEach((a) => {
    if (a.slack_user_id !== undefined && !USER_ID.test(a.slack_user_id)) problems.push(`approvers[${a.name}].slack_user_id: "${a.slack_user_id.slice(0, 40)}" is not a Slack member id (U… or W…).`);
  });
  if (new Set(ids).size !== ids.length) problems.push('two approvers share a slack_user_id; each Slack member decides as one approver.');
  for (const p of config.projects) {
    p.routes.forEach((r, i) => {
      if (r.channel === 'slack' && !CONVERSATION_ID.test(r.target)) problems.push(`projects[${p.name}].routes[${i}].target: "${r.target.slice(0, 80)}" is not a Slack channel id (C…, G… or D…).`);
    });
  }
  for (const t of stepTargetsOn(config.workflows ?? [], 'slack')) {
    if (!CONVERSATION_ID.test(t.target) && !USER_ID.test(t.target)) problems.push(`${t.where}: "slack:${t.target.slice(0, 80)}" is not a Slack channel id (C…, G…, D…) or member id (U…, W…).`);
  }
  const routed = config.projects.some((p) => p.routes.some((r) => r.channel === 'slack'));
  if (!routed && !s.channel && s.approver_dms === 'never') problems.push('no channel, no project routes to slack, and approver_dms: never, so no request would ever reach Slack: set channels.slack.channel.');
  if (problems.length) throw new ConfigError(`The Slack channel is not configured correctly:\n${problems.map((p) => `  - channels.slack: ${p}`).join('\n')}`);
  return s;
}
