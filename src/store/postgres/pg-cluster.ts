// The cluster for several instances on one PostgreSQL database: events over LISTEN/NOTIFY
// (pg-events.ts), leadership by advisory lock (pg-leader.ts), rate-limit buckets in a table
// (pg-limits.ts), and readiness from the migrations table.
import type { Cluster } from '../../cluster/cluster.js';
import type { Logger } from '../../log.js';
import { createPgEventBus } from './pg-events.js';
import { createPgLeadership } from './pg-leader.js';
import { createPgTokenBuckets } from './pg-limits.js';
import type { PostgresStore } from './pg-store.js';
import { postgresProblem } from '../../startup-error.js';

/** Needs the store open (migrated): the limits share its pool. */
export function createPostgresCluster(deps: { store: PostgresStore; url: string; logger: Logger }): Cluster {
  const { store, url, logger } = deps;
  const instanceId = store.instanceId;
  const events = createPgEventBus({ url, store, instanceId, logger });
  const leader = createPgLeadership({ url, logger, instanceId });
  return {
    events,
    leader,
    limits: createPgTokenBuckets(store.pool),
    onRemoteOutbox: (listener) => events.onRemoteOutbox(listener),
    async start() {
      // The pool connected a moment ago; a failure here is still one line saying what to change.
      await events.start().catch((err: unknown) => {
        throw postgresProblem(url, err);
      });
      leader.start();
    },
    async close() {
      await leader.close();
      await events.close();
    },
    async readiness() {
      try {
        const status = await store.migrationStatus();
        return { store: true, migrations: status.pending.length === 0 && !status.ahead, events: events.connected() };
      } catch {
        return { store: false, migrations: false, events: events.connected() };
      }
    },
  };
}
