// What `greenlight db status` reports for any store with numbered migrations (SQLite, Postgres).

export interface MigrationStatus {
  /** Versions recorded in the database, oldest first. */
  applied: { version: number; name: string; applied_at: number }[];
  /** Migrations this Greenlight knows that the database does not have yet. */
  pending: { version: number; name: string }[];
  /** The database is newer than this Greenlight. */
  ahead: boolean;
}

/** A store whose schema is versioned by numbered migrations. */
export interface Migrated {
  /** Applied and pending migrations, without applying any. */
  migrationStatus(): Promise<MigrationStatus>;
}

export function statusOf(applied: MigrationStatus['applied'], known: readonly { version: number; name: string }[]): MigrationStatus {
  const current = applied.at(-1)?.version ?? 0;
  // By set, not by the highest number: versions are reserved per branch, so a database may have 7
  // before 5 lands; 5 is still pending then.
  const done = new Set(applied.map((a) => a.version));
  return { applied, pending: known.filter((m) => !done.has(m.version)).map((m) => ({ version: m.version, name: m.name })), ahead: current > (known.at(-1)?.version ?? 0) };
}
