// Where a channel sends the insights digest (src/insights/digest.ts): the configured target when it
// is one of the channel's own destinations — its defaults (chats, topics, a default channel) or a
// project's routes to it — else its first default. Never an address the server does not know: an
// unknown or missing one is a permanent delivery failure that says which setting to fix.
import type { Config } from '../config/schema.js';
import { DeliveryError } from '../delivery/delivery-error.js';

export function digestTarget(channel: string, target: string | null, defaults: readonly string[], config: Pick<Config, 'projects'>, setting: string): string {
  const known = new Set([...defaults, ...config.projects.flatMap((p) => (p.routes ?? []).filter((r) => r.channel === channel).map((r) => r.target))]);
  const to = target ?? defaults[0] ?? null;
  if (to === null || !known.has(to)) throw new DeliveryError(`${channel}: the digest destination ${JSON.stringify(to)} is not one of ${setting} or a project's ${channel} routes`, { permanent: true });
  return to;
}
