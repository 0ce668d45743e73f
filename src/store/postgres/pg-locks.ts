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
