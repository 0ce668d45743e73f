// The cluster port: what instances of one gate share beyond the store. A cluster gives
//   - events: this instance's and every other instance's (a decision made on A wakes waiters on B);
//   - leader: work that must run on one instance at a time (Telegram long polling, IMAP polling,
//     the expiry sweeper, ...) registers here and runs only while this instance leads;
//   - limits: token buckets shared by every instance (per-key rate limits, sign-in failures);
//   - a hint when another instance wrote outbox items, so this one's worker re-arms;
//   - who is running (work that stays on one instance, such as an agent session's turn, records
//     the instance's id; the others ask whether it still runs) and small signals to the others.
// One instance (SQLite, memory): createLocalCluster — an emitter, always the leader, buckets in
// memory. Several (Postgres): createPostgresCluster (store/postgres/pg-cluster.ts). Neither polls.
import { randomBytes } from 'node:crypto';
import { createLocalEventBus, type EventBus } from '../core/events.js';
import type { Logger } from '../log.js';
import { createTokenBuckets, type TokenBuckets } from './token-buckets.js';

/** Work that must run on one instance at a time. start() runs when this instance becomes the leader, stop() when it stops being one (or shuts down). */
export interface SingletonTask {
  name: string;
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
}

export interface Leadership {
  /** Adds a task; it starts at once if this instance leads already. */
  register(task: SingletonTask): void;
  isLeader(): boolean;
}

export interface Readiness {
  /** The store answers. */
  store: boolean;
  /** Every migration this version knows is applied (and none newer). */
  migrations: boolean;
  /** Cross-instance machinery (the LISTEN connection) is up. */
  events: boolean;
}

/** A small message to the other instances: a topic and ids, never rows (they read those from the store). */
export type SignalPayload = Record<string, string | number | boolean | null>;

export interface Cluster {
  readonly events: EventBus;
  readonly leader: Leadership;
  readonly limits: TokenBuckets;
  /** Names this instance while it runs (a new one on every start). */
  readonly instanceId: string;
  /** No other instance writes this store (SQLite, memory): what this one wrote is what is stored. */
  readonly alone: boolean;
  /** Which of `ids` name instances running now; this one always is. */
  alive(ids: readonly string[]): Promise<Set<string>>;
  /** Tells every other instance (not this one) `payload` under `topic`; at most about 4 KB. */
  signal(topic: string, payload: SignalPayload): Promise<void>;
  /** Signals other instances sent. Returns the unsubscribe function. */
  onSignal(topic: string, listener: (payload: SignalPayload) => void): () => void;
  /** Called when another instance wrote outbox items. Returns the unsubscribe function. */
  onRemoteOutbox(listener: () => void): () => void;
  /** Connects (LISTEN, leader election) and starts leader work. */
  start(): Promise<void>;
  /** Stops leader work and hands leadership on. */
  close(): Promise<void>;
  readiness(): Promise<Readiness>;
}

/** One instance: always the leader, the only one alive, nobody to signal; readiness is whether the store answers. */
export function createLocalCluster(deps: { logger: Logger; ping: () => Promise<unknown> }): Cluster {
  const events = createLocalEventBus((err) => deps.logger.error('event listener failed', { err }));
  const leader = createLocalLeadership(deps.logger);
  return {
    events,
    leader,
    limits: createTokenBuckets(),
    ...soleInstance(),
    onRemoteOutbox: () => () => {},
    start: () => leader.lead(),
    close: () => leader.resign(),
    async readiness() {
      const store = await deps.ping().then(
        () => true,
        () => false,
      );
      return { store, migrations: store, events: true };
    },
  };
}

export type InstanceParts = Pick<Cluster, 'instanceId' | 'alone' | 'alive' | 'signal' | 'onSignal'>;

/** An instance on its own: the only one that runs, with nobody to signal. */
export function soleInstance(): InstanceParts {
  const instanceId = randomBytes(6).toString('hex');
  return {
    instanceId,
    alone: true,
    alive: async (ids) => new Set(ids.filter((id) => id === instanceId)),
    signal: async () => {},
    onSignal: () => () => {},
  };
}

/** Leadership for code run without a cluster (unit tests of a channel): every task starts when registered. */
export function alwaysLeader(logger: Logger): Leadership {
  const leadership = createLocalLeadership(logger);
  void leadership.lead();
  return leadership;
}

/**
 * Runs registered tasks while leading. Shared by both clusters: the local one leads from start
 * to close; the Postgres one while it holds the leader lock.
 */
export function createLocalLeadership(logger: Logger) {
  const tasks: SingletonTask[] = [];
  let leading = false;
  const startTask = async (task: SingletonTask) => {
    try {
      await task.start();
    } catch (err) {
      logger.error(`leader task "${task.name}" failed to start`, { err });
    }
  };
  return {
    register(task: SingletonTask) {
      tasks.push(task);
      if (leading) void startTask(task);
    },
    isLeader: () => leading,
    async lead() {
      if (leading) return;
      leading = true;
      for (const task of tasks) await startTask(task);
    },
    async resign() {
      if (!leading) return;
      leading = false;
      for (const task of [...tasks].reverse()) {
        try {
          await task.stop();
        } catch (err) {
          logger.warn(`leader task "${task.name}" failed to stop`, { err });
        }
      }
    },
  };
}
