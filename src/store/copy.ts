// Copies everything one store holds into another, empty one: requests, channel message refs, the
// audit chain (with its own seq and hashes), outbox items in their state, keys, grants, meta, and
// agent sessions with their transcripts.
// `greenlight db copy` moves a single-box SQLite install to PostgreSQL with it (or back).

import { ROW_KINDS, type RowKind, type Store } from './store.js';

export type CopyCounts = Record<RowKind, number>;

const PAGE = 1000;

/** Kinds that already hold rows in `store` (a copy goes only into an empty database). */
export async function nonEmptyKinds(store: Store): Promise<RowKind[]> {
  const found: RowKind[] = [];
  for (const kind of ROW_KINDS) if ((await store.exportRows(kind, null, 1)).rows.length > 0) found.push(kind);
  return found;
}

/** Copies every row, kind by kind, a page per transaction; calls `progress` after each page. */
export async function copyStore(from: Store, to: Store, progress: (kind: RowKind, copied: number) => void = () => {}): Promise<CopyCounts> {
  const counts = Object.fromEntries(ROW_KINDS.map((k) => [k, 0])) as CopyCounts;
  for (const kind of ROW_KINDS) {
    let after: string | null = null;
    do {
      const page: Awaited<ReturnType<Store['exportRows']>> = await from.exportRows(kind, after, PAGE);
      if (page.rows.length > 0) await to.importRows(kind, page.rows as never);
      counts[kind] += page.rows.length;
      progress(kind, counts[kind]);
      after = page.next;
    } while (after !== null);
  }
  return counts;
}
