// Keeps the trigram search index (request_search) filled, lazily and in batches.
//
// Why lazy: FTS5 writes a new segment on every commit, so indexing each request as it is created
// would add ~200 µs to every createRequest. Indexing a batch of rows in one statement costs ~8 µs a
// row. Searches are rare next to writes, so the first text search after new requests arrive
// indexes them, in short transactions that never hold the write lock for long. Rows past
// `indexed_upto` (requests.pk, which AUTOINCREMENT never reuses) are scanned by the query instead,
// so results are always complete.

import type Database from 'better-sqlite3';

/** Rows indexed per write transaction: ~15 ms of holding the write lock. */
export const SEARCH_BATCH_ROWS = 2000;

/** Rows a single search may index before it gives up and scans the rest (~0.4 s at most). */
export const SEARCH_CATCH_UP_ROWS = 50_000;

export class SearchIndex {
  readonly #db: Database.Database;
  readonly #indexedUpto: Database.Statement;
  readonly #lastPk: Database.Statement;
  readonly #batchEnd: Database.Statement;
  readonly #indexRange: Database.Statement;
  readonly #setIndexedUpto: Database.Statement;
  readonly #indexBatch: (limit: number) => number;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#indexedUpto = db.prepare('SELECT indexed_upto AS pk FROM search_index WHERE id = 1');
    this.#lastPk = db.prepare('SELECT max(pk) AS pk FROM requests');
    this.#batchEnd = db.prepare('SELECT max(pk) AS pk FROM (SELECT pk FROM requests WHERE pk > ? ORDER BY pk LIMIT ?)');
    this.#indexRange = db.prepare('INSERT INTO request_search (rowid, search_text) SELECT pk, search_text FROM requests WHERE pk > ? AND pk <= ?');
    this.#setIndexedUpto = db.prepare('UPDATE search_index SET indexed_upto = ? WHERE id = 1');
    this.#indexBatch = db.transaction((limit: number): number => {
      const from = this.#pk(this.#indexedUpto);
      const to = (this.#batchEnd.get(from, limit) as { pk: number | null }).pk;
      if (to === null) return 0;
      this.#indexRange.run(from, to);
      this.#setIndexedUpto.run(to);
      return to - from;
    }).immediate;
  }

  /** Whether requests were added since the index was last brought up to date. */
  isBehind(): boolean {
    return this.#pk(this.#lastPk) > this.#pk(this.#indexedUpto);
  }

  /** Indexes up to `maxRows` new requests, a batch per transaction. Call outside a transaction. */
  catchUp(maxRows = SEARCH_CATCH_UP_ROWS, batchRows = SEARCH_BATCH_ROWS): void {
    if (this.#db.inTransaction) throw new Error('SearchIndex.catchUp must run outside a transaction');
    let budget = maxRows;
    try {
      while (budget > 0 && this.isBehind()) {
        const indexed = this.#indexBatch(Math.min(batchRows, budget));
        if (indexed === 0) break;
        budget -= indexed;
      }
    } catch (err) {
      // Another process holds the write lock: searching still works, it scans the new rows.
      if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
    }
  }

  #pk(statement: Database.Statement): number {
    return (statement.get() as { pk: number | null } | undefined)?.pk ?? 0;
  }
}
