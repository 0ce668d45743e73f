// The Postgres advisory locks Greenlight takes, in one place so they never collide. Each is the
// two-key form (namespace, lock): the namespace keeps them apart from any other application's
// locks in the same database.

/** 0x474c = "GL". */
export const ADVISORY_NAMESPACE = 0x474c;

export const LOCK = {
  /** Held while migrating: instances starting together migrate once. */
  migrations: 1,
  /** Held for a transaction that appends to the audit chain, so the chain has one order. */
  audit: 2,
  /** Held by the leader's session for as long as it leads (pg-leader.ts). */
  leader: 3,
} as const;

/**
 * 0x474d: each instance holds (INSTANCE_NAMESPACE, instanceKey(its id)) on its LISTEN connection
 * for as long as it runs, so others can tell from pg_locks whether it still does.
 */
export const INSTANCE_NAMESPACE = 0x474d;

/** An instance id as a signed 32-bit lock key (FNV-1a); pg_locks shows it as the unsigned `key >>> 0`. */
export function instanceKey(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h | 0;
}
