// Which instance runs a session's turn. A turn runs on the instance that started it (its Claude
// Code process is a child of that instance). Before a turn starts, the instance takes the
// session's lease: a meta entry holding its instance id, taken by compare-and-set, so two
// instances prompted for one session at the same moment start one turn, not two. The lease ends
// with the turn; one whose holder no longer runs (a crash) is taken over, and every lease expires
// a while after the longest turn could have ended.
import type { Cluster } from '../cluster/cluster.js';
import type { Clock } from '../core/ids.js';
import type { Store } from '../store/store.js';

/** After the longest turn (sessions.max_turn_sec), how long an interrupted turn may take to wind down. */
const WIND_DOWN_MS = 5 * 60_000;

export type TurnLeases = ReturnType<typeof createTurnLeases>;

export function createTurnLeases(deps: { store: Store; cluster: Pick<Cluster, 'instanceId' | 'alive'>; clock: Clock; maxTurnSec: number }) {
  const { store, cluster, clock } = deps;
  const self = cluster.instanceId;
  const key = (sessionId: string) => `sessions:turn:${sessionId}`;
  const runs = async (instance: string) => instance === self || (await cluster.alive([instance])).has(instance);

  return {
    self,

    /** Takes the lease for this instance; false while a running instance holds it (its own included: the caller checks its own turns first). */
    async claim(sessionId: string): Promise<boolean> {
      const now = clock.now();
      const options = { now, expires_at: now + deps.maxTurnSec * 1000 + WIND_DOWN_MS };
      if (await store.swapMeta(key(sessionId), null, self, options)) return true;
      const holder = await store.getMeta(key(sessionId), now);
      if (holder === null) return store.swapMeta(key(sessionId), null, self, options);
      if (holder !== self && (await runs(holder))) return false;
      return store.swapMeta(key(sessionId), holder, self, options);
    },

    async release(sessionId: string): Promise<void> {
      await store.swapMeta(key(sessionId), self, null);
    },

    /** The instance running the session's turn now, if one does. */
    async holder(sessionId: string): Promise<string | null> {
      const holder = await store.getMeta(key(sessionId), clock.now());
      return holder !== null && (await runs(holder)) ? holder : null;
    },
  };
}
