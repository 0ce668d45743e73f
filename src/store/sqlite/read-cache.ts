// What the SQLite store keeps in memory between requests: keys by hash (every authenticated
// request looks one up) and grant lists by scope (every filed request's policy reads one).
// Both change rarely and are read on every request.
//
// Staying right: the store's own writes to keys or grants clear the cache in the transaction that
// makes them (group-commit.ts), so a read after the write's acknowledgement reads the table again;
// a read that was under way meanwhile is not remembered (the generation moved).
// Writes by another process on the same file (`greenlight keys revoke`, `greenlight grants add`
// while the server runs) move SQLite's `PRAGMA data_version`; it is read at most once per turn of
// the event loop, before the first cached answer of that turn, so a request that arrives after
// such a write has committed never gets an answer from before it.
import type Database from 'better-sqlite3';
import type { Grant, KeyRecord } from '../store.js';

/** Enough for every key and every live session's grants; past it the cache starts over. */
const MAX_ENTRIES = 2000;

export class ReadCache {
  readonly #dataVersion: Database.Statement;
  #version: unknown = null;
  #checkedThisTurn = false;
  /** Moves whenever anything cached is dropped: a read made before may not be remembered after. */
  #generation = 0;
  readonly #keys = new Map<string, KeyRecord>();
  readonly #grants = new Map<string, Grant[]>();

  constructor(db: Database.Database) {
    this.#dataVersion = db.prepare('PRAGMA data_version').pluck();
  }

  /** A key by its hash, as last read (a copy), or undefined when not cached. */
  key(hash: string): KeyRecord | undefined {
    this.#checkOthers();
    const k = this.#keys.get(hash);
    return k && { ...k, projects: [...k.projects] };
  }

  get generation(): number {
    return this.#generation;
  }

  /** Remembers a key read at `generation`, unless something changed since. */
  rememberKey(key: KeyRecord, generation: number): void {
    if (generation !== this.#generation) return;
    if (this.#keys.size >= MAX_ENTRIES) this.#keys.clear();
    this.#keys.set(key.hash, { ...key, projects: [...key.projects] });
  }

  grants(scope: string): Grant[] | undefined {
    this.#checkOthers();
    return this.#grants.get(scope)?.map((g) => ({ ...g }));
  }

  rememberGrants(scope: string, grants: Grant[], generation: number): void {
    if (generation !== this.#generation) return;
    if (this.#grants.size >= MAX_ENTRIES) this.#grants.clear();
    this.#grants.set(scope, grants.map((g) => ({ ...g })));
  }

  /** Call inside any write that changes keys. */
  keysChanged(): void {
    this.#generation++;
    this.#keys.clear();
  }

  /** Call inside any write that changes grants (insert, revoke, a use). */
  grantsChanged(): void {
    this.#generation++;
    this.#grants.clear();
  }

  /** Another connection committed since the last look: everything cached may be stale. */
  #checkOthers(): void {
    if (this.#checkedThisTurn) return;
    this.#checkedThisTurn = true;
    setImmediate(() => (this.#checkedThisTurn = false));
    const version = this.#dataVersion.get();
    if (version !== this.#version) {
      this.#version = version;
      this.#generation++;
      this.#keys.clear();
      this.#grants.clear();
    }
  }
}
