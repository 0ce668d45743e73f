// When the digest goes out, and how: at insights.digest.hour_utc every day (or on the weekday),
// on the leader instance only; each period is claimed once in the store (swapMeta), so a leader
// handover or a restart never sends it twice; the digest is queued as one outbox item of kind
// `digest` and the outbox worker hands it to the chosen channel's `sendDigest` (retried with
// backoff like every send). No timer polls the database: one timeout per period. The digest leaves
// the server like a card does: secrets in its titles and rules are masked on the way out.
import type { Channel } from '../channels/channel.js';
import type { Config } from '../config/schema.js';
import { newId, type Clock } from '../core/ids.js';
import { DeliveryError } from '../delivery/delivery-error.js';
import type { Sender } from '../delivery/index.js';
import type { Logger } from '../log.js';
import { StartupError } from '../startup-error.js';
import type { Store } from '../store/store.js';
import type { SecretMasker } from '../secrets/masker.js';
import { DIGEST_KIND, digestFor, maskDigest, parseDigest } from './digest.js';
import type { InsightsService } from './service.js';

const DAY = 86_400_000;
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
type DigestSettings = Config['insights']['digest'];

/** The first send time strictly after `now`. */
export function nextDigestAt(now: number, s: DigestSettings): number {
  const today = Math.floor(now / DAY) * DAY + s.hour_utc * 3_600_000;
  let at = today > now ? today : today + DAY;
  if (s.schedule === 'weekly') {
    const want = WEEKDAYS.indexOf(s.weekday);
    while (new Date(at).getUTCDay() !== want) at += DAY;
  }
  return at;
}

/** Refuses a digest that names no channel, or one that is not configured or cannot send digests. */
export function checkDigestChannel(config: Config, channels: readonly Channel[]): void {
  const s = config.insights.digest;
  if (s.schedule === 'off') return;
  const names = channels.filter((c) => c.sendDigest).map((c) => c.name);
  if (!s.channel) throw new StartupError(`insights.digest.schedule is ${s.schedule} but insights.digest.channel is not set: name the channel it goes to (${names.join(', ') || 'configure one first'}).`);
  if (!names.includes(s.channel)) {
    throw new StartupError(`insights.digest.channel is "${s.channel}", which is not a configured channel that sends digests (configured: ${names.join(', ') || 'none'}). Configure channels.${s.channel}, or pick one of those.`);
  }
}

/** The outbox sender for `digest` items: the chosen channel's sendDigest. */
/** The outbox's sender for digests: the chosen channel's sendDigest, with every secret in a title or a rule masked (src/secrets/). */
export function digestSender(channels: () => readonly Channel[], secrets: SecretMasker): Sender {
  return async (item) => {
    const parsed = parseDigest(item.payload);
    if (!parsed) throw new DeliveryError('not a digest payload', { permanent: true });
    const channel = channels().find((c) => c.name === parsed.channel);
    if (!channel?.sendDigest) throw new DeliveryError(`channel ${parsed.channel} is not configured here or cannot send digests`, { permanent: true });
    await channel.sendDigest(secrets.enabled ? maskDigest(parsed.digest, (text) => secrets.scanner.mask(text).text) : parsed.digest, parsed.target);
  };
}

export function createDigestScheduler(deps: { config: Config; store: Store; insights: InsightsService; clock: Clock; logger: Logger; publicUrl: () => string; nudge: () => void }) {
  const s = deps.config.insights.digest;
  let timer: ReturnType<typeof setTimeout> | null = null;

  /** Queues the digest of the period ending `dueAt`, unless another instance (or an earlier run) did. */
  async function runOnce(dueAt: number): Promise<boolean> {
    if (s.schedule === 'off' || !s.channel) return false;
    const claimed = await deps.store.swapMeta(`digest:${s.schedule}:${dueAt}`, null, 'queued', { expires_at: dueAt + 35 * DAY, now: deps.clock.now() });
    if (!claimed) return false;
    const report = await deps.insights.report(null, { days: s.schedule === 'daily' ? 1 : 7 });
    const digest = digestFor(report, s.schedule, deps.publicUrl());
    const now = deps.clock.now();
    await deps.store.enqueueOutbox([{ id: newId('dlv', now), kind: DIGEST_KIND, target: `${s.channel}:${s.target ?? 'default'}`, request_id: null, payload: { channel: s.channel, target: s.target, digest }, created_at: now, next_attempt_at: now }]);
    deps.nudge();
    deps.logger.info('digest queued', { period: s.schedule, channel: s.channel });
    return true;
  }

  function arm(): void {
    const at = nextDigestAt(deps.clock.now(), s);
    timer = setTimeout(() => {
      void runOnce(at)
        .catch((err: unknown) => deps.logger.error('the digest could not be queued', { err }))
        .finally(() => timer !== null && arm());
    }, Math.min(2 ** 31 - 1, Math.max(0, at - deps.clock.now())));
    timer.unref?.();
  }

  return {
    runOnce,
    start(): void {
      if (s.schedule !== 'off' && timer === null) arm();
    },
    stop(): void {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
