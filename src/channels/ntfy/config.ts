// `channels.ntfy`: the ntfy channel's own section of the config, validated by the channel before
// any listener opens. Every problem is named with the key to change.
import { z } from 'zod';
import { ConfigError } from '../../config/load.js';
import { parseSection, serviceUrl } from '../config-section.js';
import type { Config } from '../../config/schema.js';

/** ntfy's own rule for topic names. */
export const TOPIC = /^[-_A-Za-z0-9]{1,64}$/;

const Topic = z.string().regex(TOPIC, 'a topic is 1–64 letters, digits, - and _ (ntfy\'s rule); pick one nobody can guess');

export const NtfyTopicSchema = z
  .object({
    topic: Topic,
    /**
     * The approver whose phone subscribes to this topic: its Approve / Deny buttons decide as them.
     * null: a shared topic, whose notifications only open the dashboard.
     */
    approver: z.string().min(1).max(100).nullable().default(null),
  })
  .strict();

export const NtfyConfigSchema = z
  .object({
    /** The ntfy server: https://ntfy.sh or your own. */
    server_url: serviceUrl('https://ntfy.sh'),
    /** An ntfy access token (tk_…), sent as Authorization: Bearer. */
    access_token: z.string().min(1).max(200).nullable().default(null),
    /** Or a user and password, sent as Basic auth. */
    username: z.string().min(1).max(200).nullable().default(null),
    password: z.string().min(1).max(500).nullable().default(null),
    /** Topics requests go to when their project names no ntfy route. */
    topics: z.array(NtfyTopicSchema).default([]),
    /** Signs the tokens behind the buttons. Generated once and kept in the store when unset. */
    action_secret: z.string().min(32, 'channels.ntfy.action_secret must be at least 32 characters').nullable().default(null),
    /** Longest a button's token stays valid; a token never outlives its request. */
    action_ttl_sec: z.number().int().min(60).max(7 * 24 * 3600).default(3600),
    /** How long one publish may take. */
    timeout_ms: z.number().int().min(500).max(120_000).default(10_000),
  })
  .strict();

export type NtfyConfigInput = z.input<typeof NtfyConfigSchema>;
export type NtfySettings = z.output<typeof NtfyConfigSchema>;

/** The parsed `channels.ntfy`, or null when the section is absent. Throws ConfigError saying what to fix. */
export function parseNtfySettings(config: Pick<Config, 'channels' | 'approvers' | 'admins' | 'projects' | 'server'>): NtfySettings | null {
  const raw = config.channels.ntfy;
  if (raw === undefined || raw === null) return null;
  const s = parseSection(NtfyConfigSchema, raw, 'ntfy', 'ntfy');
  const problems: string[] = [];
  if (s.access_token && (s.username || s.password)) problems.push('give either access_token or username and password, not both.');
  if (Boolean(s.username) !== Boolean(s.password)) problems.push('username and password go together: set both, or neither.');
  const names = new Set(config.approvers.map((a) => a.name));
  const seen = new Set<string>();
  s.topics.forEach((t, i) => {
    if (seen.has(t.topic)) problems.push(`topics[${i}]: topic ${t.topic} is listed twice.`);
    seen.add(t.topic);
    if (t.approver !== null && !names.has(t.approver)) problems.push(`topics[${i}].approver: "${t.approver}" is not a configured approver; name one under approvers[], or set approver: null for a shared topic (Open only).`);
  });
  for (const p of config.projects) {
    p.routes.forEach((r, i) => {
      if (r.channel === 'ntfy' && !TOPIC.test(r.target)) problems.push(`projects[${p.name}].routes[${i}].target: "${r.target.slice(0, 80)}" is not an ntfy topic (1–64 letters, digits, - and _).`);
    });
  }
  const routed = config.projects.some((p) => p.routes.some((r) => r.channel === 'ntfy'));
  if (!routed && s.topics.length === 0) problems.push('no topics and no project routes to ntfy, so no notification would ever be sent: add a topic under channels.ntfy.topics.');
  if (problems.length) throw new ConfigError(`The ntfy channel is not configured correctly:\n${problems.map((p) => `  - channels.ntfy: ${p}`).join('\n')}`);
  return s;
}

/** The Authorization header for the ntfy server, if any. */
export function authHeader(s: Pick<NtfySettings, 'access_token' | 'username' | 'password'>): Record<string, string> {
  if (s.access_token) return { Authorization: `Bearer ${s.access_token}` };
  if (s.username && s.password) return { Authorization: `Basic ${Buffer.from(`${s.username}:${s.password}`).toString('base64')}` };
  return {};
}
