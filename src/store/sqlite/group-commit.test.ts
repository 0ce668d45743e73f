import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { verifyAuditChain } from '../../core/audit-chain.js';
import { AUDIT_HEAD_META_KEY, parseAuditHead } from '../adapter-kit.js';
import { NO_EFFECTS, T0, effectsFor, makeAudit, makeDecision, makeGrant, makeKey, makeOutbox, makeRequest } from '../fixtures.js';
import { GroupCommit, SyncFailedError } from './group-commit.js';
import { SqliteStore } from './sqlite-store.js';

/** A sync the test finishes by hand, counting calls and how many ran at once. */
function manualSync() {
  const pending: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  const state = { calls: 0, running: 0, maxRunning: 0 };
  const sync = () =>
    new Promise<void>((resolve, reject) => {
      state.calls++;
      state.running++;
      state.maxRunning = Math.max(state.maxRunning, state.running);
      pending.push({ resolve: () => (state.running--, resolve()), reject: (e) => (state.running--, reject(e)) });
    });
  const next = async () => {
    for (let i = 0; i < 100 && pending.length === 0; i++) await new Promise((r) => setImmediate(r));
    const p = pending.shift();
    assert.ok(p, 'a sync was started');
    return p;
  };
  return { sync, state, next };
}

const turn = () => new Promise((r) => setImmediate(r));

describe('group commit', () => {
  let dir: string;
  let db: Database.Database;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'greenlight-gc-'));
    db = new Database(join(dir, 'gc.db'));
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)');
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const insert = (v: string) => () => db.prepare('INSERT INTO t (v) VALUES (?) RETURNING id').get(v) as { id: number };
  const count = () => (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;

  it('commits concurrent writes in one transaction with one sync, and answers none before that sync', async () => {
    const { sync, state, next } = manualSync();
    const gc = new GroupCommit(db, { sync });
    let answered = 0;
    const writes = Array.from({ length: 30 }, (_, i) => gc.write(insert(`v${i}`)).then((r) => (answered++, r)));
    const first = await next();
    assert.equal(count(), 30, 'all 30 committed before the sync');
    await turn();
    assert.equal(answered, 0, 'nobody is answered while the sync runs');
    first.resolve();
    const ids = (await Promise.all(writes)).map((r) => r.id);
    assert.deepEqual(ids, Array.from({ length: 30 }, (_, i) => i + 1), 'in arrival order');
    assert.equal(state.calls, 1);
  });

  it('rolls a failing write back alone; the writes around it commit', async () => {
    const { sync, next } = manualSync();
    const gc = new GroupCommit(db, { sync });
    const results = Promise.allSettled([gc.write(insert('a')), gc.write(insert('a')), gc.write(() => { insert('b')(); throw new Error('changed my mind'); }), gc.write(insert('c'))]);
    (await next()).resolve();
    const [a, dup, thrown, c] = await results;
    assert.equal(a.status, 'fulfilled');
    assert.equal(dup.status, 'rejected');
    assert.match(String((dup as PromiseRejectedResult).reason), /UNIQUE/);
    assert.equal(thrown.status, 'rejected');
    assert.equal(c.status, 'fulfilled');
    assert.deepEqual(db.prepare('SELECT v FROM t ORDER BY id').pluck().all(), ['a', 'c'], 'b was rolled back with the write that threw');
  });

  it('holds writes that arrive while a sync runs and commits them in one transaction as it ends; a read waits for what it saw', async () => {
    const { sync, state, next } = manualSync();
    let commits = 0;
    const gc = new GroupCommit(db, { sync, beforeCommit: () => commits++ });
    assert.equal(gc.durable('now'), 'now', 'nothing unsynced: a read goes out at once');
    const one = gc.write(insert('one'));
    const firstSync = await next();
    let laterDone = false;
    const later = Promise.all([gc.write(insert('two')), gc.write(insert('three'))]).then(() => (laterDone = true));
    await turn();
    await turn();
    assert.equal(count(), 1, 'the writes that arrived during the sync wait for it');
    let seen: unknown = null;
    const read = Promise.resolve(gc.durable(count())).then((n) => (seen = n));
    firstSync.resolve();
    await one;
    assert.equal(count(), 3, 'they commit as the sync ends');
    assert.equal(commits, 2, 'in one transaction');
    const secondSync = await next();
    assert.equal(state.calls, 2);
    await read;
    assert.equal(seen, 1, 'the read saw only the first batch: the first sync let it go');
    assert.equal(laterDone, false, 'the first sync does not cover them');
    secondSync.resolve();
    await later;
    assert.equal(state.maxRunning, 1, 'never two syncs at once');
  });

  it('does not hold more than a batch: a full queue commits while the sync runs', async () => {
    const { sync, next } = manualSync();
    const gc = new GroupCommit(db, { sync, maxBatch: 4 });
    const first = gc.write(insert('first'));
    const firstSync = await next();
    const rest = Array.from({ length: 4 }, (_, i) => gc.write(insert(`r${i}`)));
    await turn();
    await turn();
    assert.equal(count(), 5, 'a full batch is not held back');
    firstSync.resolve();
    await first;
    (await next()).resolve();
    await Promise.all(rest);
  });

  it('covers every write that arrived during a sync with the next one', async () => {
    const { sync, state, next } = manualSync();
    const gc = new GroupCommit(db, { sync });
    const first = gc.write(insert('first'));
    const firstSync = await next();
    const later: Promise<unknown>[] = [];
    for (let i = 0; i < 5; i++) {
      later.push(gc.write(insert(`later-${i}`)));
      await turn(); // each in a turn of its own
    }
    firstSync.resolve();
    await first;
    (await next()).resolve();
    await Promise.all(later);
    assert.equal(count(), 6);
    assert.equal(state.calls, 2, 'five turns\' writes, one sync');
  });

  it('refuses every later write once a sync failed', async () => {
    const { sync, next } = manualSync();
    const gc = new GroupCommit(db, { sync });
    const write = gc.write(insert('x'));
    (await next()).reject(Object.assign(new Error('EIO'), { code: 'EIO' }));
    await assert.rejects(write, SyncFailedError);
    await assert.rejects(gc.write(insert('y')), /could not be synced to disk \(EIO\)/);
  });
});

describe('sqlite store with group commit', () => {
  let dir: string;
  const opened: SqliteStore[] = [];
  async function open(): Promise<SqliteStore> {
    const store = new SqliteStore({ path: join(dir, 'greenlight.db') });
    await store.migrate();
    opened.push(store);
    return store;
  }
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'greenlight-gc-store-'));
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets exactly one of 20 decisions in one batch win, and chains their audit rows in order', async () => {
    const store = await open();
    const request = makeRequest();
    await store.createRequest(request, NO_EFFECTS);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.settleRequest(request.id, 'approved', makeDecision({ decided_by: `approver-${i}` }), T0 + i, effectsFor(request.id, `decided-${i}`))));
    assert.equal(results.filter((r) => r.ok).length, 1);
    assert.equal(results.findIndex((r) => r.ok), 0, 'the first to arrive wins');
    const audit = await store.listAudit({ limit: 100 });
    assert.deepEqual(audit.map((e) => e.action), ['decided-0']);
    assert.equal(verifyAuditChain(audit, parseAuditHead(await store.getMeta(AUDIT_HEAD_META_KEY))).ok, true);
  });

  it('keeps the audit chain whole when a write in the middle of a batch fails after writing its audit rows', async () => {
    const store = await open();
    const taken = makeOutbox();
    await store.enqueueOutbox([taken]);
    const doomed = makeRequest();
    const writes = await Promise.allSettled([
      store.appendAudit([makeAudit({ action: 'first' })]),
      // Its audit row is written, then its outbox item clashes: the whole write rolls back.
      store.createRequest(doomed, { audit: [makeAudit({ action: 'lost with its request' })], outbox: [{ ...makeOutbox(), id: taken.id }] }),
      store.appendAudit([makeAudit({ action: 'second' }), makeAudit({ action: 'third' })]),
    ]);
    assert.deepEqual(writes.map((w) => w.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.equal(await store.getRequest(doomed.id), null);
    const audit = await store.listAudit({ limit: 100 });
    assert.deepEqual(audit.map((e) => [e.seq, e.action]), [[1, 'first'], [2, 'second'], [3, 'third']]);
    assert.equal(verifyAuditChain(audit, parseAuditHead(await store.getMeta(AUDIT_HEAD_META_KEY))).ok, true);
    assert.deepEqual((await store.listOutbox({ limit: 10 })).map((o) => o.id), [taken.id]);
  });

  it('sees at once a key revoked and a grant added by another process on the same file', async () => {
    const [server, cli] = [await open(), await open()];
    const key = makeKey();
    await cli.insertKey(key, NO_EFFECTS);
    assert.equal((await server.findKeyByHash(key.hash))?.revoked_at, null, 'cached now');
    assert.deepEqual(await server.listGrants({ agent: 'ci-bot', now: T0 }), [], 'cached now');
    await cli.revokeKey(key.id, T0 + 5, NO_EFFECTS);
    const grant = makeGrant({ agent: 'ci-bot' });
    await cli.insertGrant(grant, NO_EFFECTS);
    await turn(); // the next request arrives on a later turn of the event loop
    assert.equal((await server.findKeyByHash(key.hash))?.revoked_at, T0 + 5);
    assert.deepEqual((await server.listGrants({ agent: 'ci-bot', now: T0 })).map((g) => g.id), [grant.id]);
  });

  it('counts a grant use at once: a one-use grant is gone from the next list', async () => {
    const store = await open();
    const grant = makeGrant({ agent: 'ci-bot', max_uses: 1, expires_at: T0 + 1000 });
    await store.insertGrant(grant, NO_EFFECTS);
    assert.equal((await store.listGrants({ agent: 'ci-bot', now: T0 })).length, 1);
    assert.equal((await store.listGrants({ agent: 'ci-bot', now: T0 + 1000 })).length, 0, 'expired by the clock, from the cache too');
    assert.equal(await store.useGrant(grant.id, T0), true);
    assert.equal((await store.listGrants({ agent: 'ci-bot', now: T0 })).length, 0);
  });
});
