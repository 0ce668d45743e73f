// The `channels.web` config section: dashboard settings. Every key has a default, so the dashboard
// is on with an empty config; `enabled: false` turns it (and cookie sign-in) off.
import { z } from 'zod';
import type { Config } from '../config/schema.js';

export const WebConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** How long a dashboard session lasts after sign-in. */
    session_ttl_sec: z.number().int().min(60).max(30 * 24 * 3600).default(12 * 3600),
    /** `auto`: Secure when the request came over HTTPS (or X-Forwarded-Proto: https, or public_url is https). */
    cookie_secure: z.union([z.enum(['auto']), z.boolean()]).default('auto'),
    /** How long a one-time sign-in link (sent over Telegram or email) stays valid. */
    link_ttl_sec: z.number().int().min(30).max(24 * 3600).default(15 * 60),
    /** Failed sign-ins allowed per name (and per client address) in 15 minutes before 429. */
    max_failed_sign_ins: z.number().int().min(1).max(10_000).default(10),
  })
  .strict();

export type WebConfig = z.infer<typeof WebConfigSchema>;

const cache = new WeakMap<object, WebConfig>();

/** The parsed `channels.web` section (throws a readable error when it is malformed). */
export function webConfigOf(config: Pick<Config, 'channels'>): WebConfig {
  const raw = config.channels?.web ?? {};
  if (typeof raw === 'object' && raw !== null) {
    const hit = cache.get(raw);
    if (hit) return hit;
  }
  const parsed = WebConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `channels.web.${i.path.join('.') || '(section)'}: ${i.message}`).join('; ');
    throw new Error(`The dashboard settings are not valid: ${issues}`);
  }
  if (typeof raw === 'object' && raw !== null) cache.set(raw, parsed.data);
  return parsed.data;
}
