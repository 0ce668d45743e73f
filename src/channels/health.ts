// How each configured channel is doing, for GET /v1/channels and the dashboard's channel page:
// when it last delivered, the last error, its outbox backlog, and whether inbound traffic reaches
// it. The first two are counted here for every channel, around its `send` (so no channel has to);
// the backlog comes from the store's outbox; the rest from the channel's optional `health()`.
// What this instance saw since it started: another instance keeps its own count.
import type { Clock } from '../core/ids.js';
import type { OutboxItem, Store } from '../store/store.js';
import type { Channel, ChannelHealth, InboundHealth } from './channel.js';

export interface ChannelStatus {
  name: string;
  /** `failing`: the last send failed; `degraded`: sends work but inbound fails or the backlog is old; `ok`; `idle`: nothing sent yet. */
  state: 'ok' | 'degraded' | 'failing' | 'idle';
  last_success_at: number | null;
  last_error: { at: number; message: string } | null;
  /** Outbox items waiting (pending) and given up (dead); `capped`: there are at least this many. */
  backlog: { pending: number; dead: number; oldest_pending_at: number | null; capped: boolean };
  inbound: InboundHealth | null;
  detail: NonNullable<ChannelHealth['detail']>;
}

/** Inbound traffic as a channel sees it: call ok() / failed() as it arrives. */
export function inboundTracker(clock: Clock) {
  let last: InboundHealth = { state: 'idle', at: null, detail: null };
  return {
    ok(detail: string | null = null) {
      last = { state: 'ok', at: clock.now(), detail };
    },
    failed(detail: string) {
      last = { state: 'failing', at: clock.now(), detail: detail.slice(0, 300) };
    },
    snapshot: (): InboundHealth => ({ ...last }),
  };
}

export type InboundTracker = ReturnType<typeof inboundTracker>;

/** A pending item this old means the channel is not keeping up. */
const STALE_MS = 5 * 60_000;
const SCAN = 1000;

export function createHealthBook(deps: { store: Pick<Store, 'listOutbox'>; clock: Clock }) {
  const sends = new Map<string, { okAt: number | null; error: { at: number; message: string } | null }>();
  const entry = (name: string) => sends.get(name) ?? (sends.set(name, { okAt: null, error: null }), sends.get(name)!);

  return {
    /** The channel's sender, counted. */
    counted(channel: Channel): (item: OutboxItem) => Promise<void> {
      return async (item) => {
        try {
          await channel.send(item);
          entry(channel.name).okAt = deps.clock.now();
        } catch (err) {
          entry(channel.name).error = { at: deps.clock.now(), message: (err instanceof Error ? err.message : String(err)).slice(0, 500) };
          throw err;
        }
      };
    },

    async report(channels: readonly Channel[]): Promise<ChannelStatus[]> {
      const [pending, dead] = await Promise.all([deps.store.listOutbox({ state: 'pending', limit: SCAN }), deps.store.listOutbox({ state: 'dead', limit: SCAN })]);
      const now = deps.clock.now();
      return channels.map((c) => {
        const mine = pending.filter((i) => i.kind === c.name);
        const oldest = mine.length ? Math.min(...mine.map((i) => i.created_at)) : null;
        const s = sends.get(c.name) ?? { okAt: null, error: null };
        const health = c.health?.() ?? {};
        const inbound = health.inbound ?? null;
        const failing = s.error !== null && (s.okAt === null || s.error.at >= s.okAt);
        const degraded = inbound?.state === 'failing' || (oldest !== null && now - oldest > STALE_MS);
        return {
          name: c.name,
          state: failing ? 'failing' : degraded ? 'degraded' : s.okAt !== null || inbound?.state === 'ok' ? 'ok' : 'idle',
          last_success_at: s.okAt,
          last_error: s.error,
          backlog: { pending: mine.length, dead: dead.filter((i) => i.kind === c.name).length, oldest_pending_at: oldest, capped: pending.length >= SCAN || dead.length >= SCAN },
          inbound,
          detail: health.detail ?? {},
        };
      });
    },
  };
}

export type HealthBook = ReturnType<typeof createHealthBook>;
