// The cluster for several instances on one PostgreSQL database: events over LISTEN/NOTIFY
// (pg-events.ts), leadership by advisory lock (pg-leader.ts), rate-limit buckets in a table
// (pg-limits.ts), readiness from the migrations table, liveness from each instance's advisory
// lock (held on its LISTEN connection), and signals as NOTIFYs on the events channel.
import type { Cluster } from '../../cluster/cluster.js';
import type { Logger } from '../../log.js';
import { createPgEventBus } from './pg-events.js';
import { createPgLeadership } from './pg-leader.js';
import { INSTANCE_NAMESPACE, instanceKey } from './pg-locks.js';
import { EVENTS_CHANNEL, type Notice } from './pg-notice.js';
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
    instanceId,
    alone: false,
    async alive(ids) {
      const others = [...new Set(ids)].filter((id) => id !== instanceId);
      if (others.length === 0) return new Set(ids.filter((id) => id === instanceId));
      const held = await store.pool.query<{ k: string }>(
        "SELECT objid::text AS k FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $1 AND objsubid = 2 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
        [INSTANCE_NAMESPACE],
      );
      const keys = new Set(held.rows.map((r) => Number(r.k)));
      return new Set(ids.filter((id) => id === instanceId || keys.has(instanceKey(id) >>> 0)));
    },
    async signal(topic, payload) {
      const notice: Notice = { s: instanceId, e: 'signal', t: topic, p: payload };
      const text = JSON.stringify(notice);
      if (Buffer.byteLength(text) > 4096) throw new Error(`cluster signal ${topic} is ${Buffer.byteLength(text)} bytes; signals carry ids, at most 4 KB`);
      await store.pool.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, text]);
    },
    onSignal: (topic, listener) => events.onSignal(topic, listener),
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
