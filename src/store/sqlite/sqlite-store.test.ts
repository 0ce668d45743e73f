import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { verifyAuditChain } from '../../core/audit-chain.js';
import { AUDIT_HEAD_META_KEY, parseAuditHead } from '../adapter-kit.js';
import { storeContract } from '../contract.js';
import type { Store } from '../store.js';
import { NO_EFFECTS, T0, effectsFor, makeAudit, makeDecision, makeGrant, makeKey, makeOutbox, makeRequest } from '../fixtures.js';
import { MIGRATIONS } from './migrations.js';
import { pageQuery } from './sqlite-request-query.js';
import { SearchIndex } from './sqlite-search-index.js';
import { SqliteStore } from './sqlite-store.js';

const dirs = new WeakMap<Store, string>();

function freshDir(): string {
  return mkdtempSync(join(tmpdir(), 'greenlight-sqlite-'));
}

storeContract(
  'sqlite',
  async () => {
    const dir = freshDir();
    const store = new SqliteStore({ path: join(dir, 'greenlight.db') });
    dirs.set(store, dir);
    return store;
  },
  async (store) => {
    await store.close();
    rmSync(dirs.get(store)!, { recursive: true, force: true });
  },
);

describe('sqlite store on a real file', () => {
  let dir: string;
  let path: string;
  const opened: SqliteStore[] = [];

  async function open(): Promise<SqliteStore> {
    const store = new SqliteStore({ path });
    await store.migrate();
    opened.push(store);
    return store;
  }

  /** A second, raw connection: what someone with the file and a SQL shell can do. */
  function raw(): Database.Database {
    return new Database(path);
  }

  async function auditState(store: Store) {
    const entries = await store.listAudit({ limit: 1_000_000 });
    return verifyAuditChain(entries, parseAuditHead(await store.getMeta(AUDIT_HEAD_META_KEY)));
  }

  beforeEach(() => {
    dir = freshDir();
    path = join(dir, 'greenlight.db');
  });

  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies each migration once, however often it is opened and migrated', async () => {
    const first = await open();
    await first.migrate();
    await first.close();
    const second = await open();
    await second.migrate();
    const db = raw();
    try {
      const rows = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
      assert.deepEqual(rows, MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    } finally {
      db.close();
    }
  });

  it('refuses a database from a newer version of Greenlight', async () => {
    await (await open()).close();
    const db = raw();
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)").run();
    db.close();
    await assert.rejects(new SqliteStore({ path }).migrate(), /newer than this Greenlight knows/);
  });

  it('keeps everything across close and reopen', async () => {
    const store = await open();
    const request = makeRequest({ tags: ['t'], metadata: { a: 1 } });
    await store.createRequest(request, effectsFor(request.id, 'request.created'));
    const key = makeKey();
    await store.insertKey(key, NO_EFFECTS);
    const grant = makeGrant();
    await store.insertGrant(grant, NO_EFFECTS);
    await store.setMeta('first_run', 'done');
    await store.addChannelMessage({ request_id: request.id, channel: 'telegram', target: '1', message_id: '2', created_at: T0 });
    await store.close();

    const again = await open();
    assert.deepEqual(await again.getRequest(request.id), request);
    assert.deepEqual(await again.findKeyByHash(key.hash), key);
    assert.deepEqual(await again.getGrant(grant.id), grant);
    assert.equal(await again.getMeta('first_run'), 'done');
    assert.equal((await again.listChannelMessages(request.id)).length, 1);
    assert.equal((await again.listOutbox({ limit: 10 })).length, 1);
    assert.deepEqual(idsOfPage(await again.listRequests({ order: 'newest', limit: 10, tag: 't', text: 'NPM' })), [request.id]);
    await again.appendAudit([makeAudit({ action: 'after.reopen' })]);
    assert.equal((await auditState(again)).ok, true);
  });

  it('runs in WAL mode', async () => {
    await open();
    const db = raw();
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    } finally {
      db.close();
    }
  });

  it('works on a private in-memory database', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    await store.migrate();
    const request = makeRequest();
    await store.createRequest(request, NO_EFFECTS);
    assert.deepEqual(await store.getRequest(request.id), request);
    await store.close();
  });

  it('says to call migrate() when used before it', async () => {
    await assert.rejects(new SqliteStore({ path }).getRequest('req_x'), /call migrate\(\) first/);
  });

  it('refuses to update or delete audit rows', async () => {
    const store = await open();
    await store.appendAudit([makeAudit(), makeAudit()]);
    const db = raw();
    try {
      assert.throws(() => db.prepare("UPDATE audit SET actor_name = 'mallory' WHERE seq = 1").run(), /append-only/);
      assert.throws(() => db.prepare('DELETE FROM audit WHERE seq = 2').run(), /append-only/);
    } finally {
      db.close();
    }
    assert.equal((await auditState(store)).ok, true);
  });

  describe('when someone edits the file by hand (triggers dropped)', () => {
    async function tamper(sql: string): Promise<SqliteStore> {
      const store = await open();
      await store.appendAudit(Array.from({ length: 5 }, (_, i) => makeAudit({ action: `a${i + 1}` })));
      assert.equal((await auditState(store)).ok, true);
      const db = raw();
      try {
        db.exec('DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;');
        db.exec(sql);
      } finally {
        db.close();
      }
      return store;
    }

    it('reports an edited row', async () => {
      const store = await tamper("UPDATE audit SET actor_name = 'mallory' WHERE seq = 3");
      const result = await auditState(store);
      assert.equal(result.ok, false);
      assert.equal(result.bad_seq, 3);
      assert.match(result.problem!, /edited/);
    });

    it('reports a deleted row', async () => {
      const store = await tamper('DELETE FROM audit WHERE seq = 2');
      const result = await auditState(store);
      assert.equal(result.bad_seq, 2);
      assert.match(result.problem!, /missing/);
    });

    it('reports rows cut from the end, even after new rows are appended', async () => {
      const store = await tamper('DELETE FROM audit WHERE seq >= 4');
      const cut = await auditState(store);
      assert.equal(cut.ok, false);
      assert.match(cut.problem!, /removed from the end/);
      await store.appendAudit([makeAudit({ action: 'after' })]);
      const appended = await auditState(store);
      assert.equal(appended.ok, false);
      assert.equal(appended.bad_seq, 4);
    });
  });

  describe('search index', () => {
    const searchIds = async (store: Store, text: string) => idsOfPage(await store.listRequests({ order: 'newest', limit: 100, text }));
    const indexedUpto = (db: Database.Database) => (db.prepare('SELECT indexed_upto AS n FROM search_index').get() as { n: number }).n;

    it('indexes new requests on the next search, not when they are created', async () => {
      const store = await open();
      const [first] = [makeRequest({ preview: 'needle one', created_at: T0 + 1 })];
      await store.createRequest(first, NO_EFFECTS);
      const db = raw();
      try {
        assert.equal(indexedUpto(db), 0);
        assert.deepEqual(await searchIds(store, 'NEEDLE'), [first.id]);
        assert.equal(indexedUpto(db), 1);
        db.exec("INSERT INTO request_search (request_search, rank) VALUES ('integrity-check', 1)");
      } finally {
        db.close();
      }
    });

    it('still finds rows the index has not reached, when catching up stops early', async () => {
      const store = await open();
      const created = [];
      for (let i = 0; i < 10; i++) created.push((await store.createRequest(makeRequest({ preview: `needle ${i}`, created_at: T0 + i }), NO_EFFECTS)).request);
      const db = raw();
      try {
        new SearchIndex(db).catchUp(4, 2);
        assert.equal(indexedUpto(db), 4);
        for (const plan of [{ via: 'match' } as const, { via: 'hits', pks: [1, 2, 3, 4] } as const]) {
          const query = pageQuery({ filter: {}, needle: 'needle', plan, order: 'newest', after: null, limit: 100, offset: 0 });
          const rows = db.prepare(query.sql).all(...query.params) as { id: string }[];
          assert.deepEqual(rows.map((r) => r.id), created.map((r) => r.id).reverse(), plan.via);
        }
      } finally {
        db.close();
      }
    });

    it('forgets deleted requests and never gives their row number to a new one', async () => {
      const store = await open();
      const old = makeRequest({ preview: 'needle old', created_at: T0 + 1 });
      await store.createRequest(old, NO_EFFECTS);
      assert.deepEqual(await searchIds(store, 'needle'), [old.id]);
      const db = raw();
      try {
        db.prepare('DELETE FROM requests WHERE id = ?').run(old.id);
        db.exec("INSERT INTO request_search (request_search, rank) VALUES ('integrity-check', 1)");
      } finally {
        db.close();
      }
      const fresh = makeRequest({ preview: 'needle new', created_at: T0 + 2 });
      await store.createRequest(fresh, NO_EFFECTS);
      assert.deepEqual(await searchIds(store, 'needle'), [fresh.id]);
    });
  });

  it('lets exactly one of 20 settles win across two stores on the same file', async () => {
    const [a, b] = [await open(), await open()];
    const request = makeRequest();
    await a.createRequest(request, NO_EFFECTS);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).settleRequest(request.id, 'approved', makeDecision({ decided_by: `approver-${i}` }), T0 + i, effectsFor(request.id, 'request.decided')),
      ),
    );
    const winners = results.filter((r) => r.ok);
    assert.equal(winners.length, 1);
    const winner = winners[0].ok ? winners[0].request.decision?.decided_by : undefined;
    for (const r of results) if (!r.ok) assert.equal(r.current?.decision?.decided_by, winner);
    assert.equal((await b.listAudit({ limit: 100, request_id: request.id })).length, 1);
    assert.equal((await a.listOutbox({ limit: 100 })).length, 1);
    assert.equal((await auditState(a)).ok, true);
  });

  it('never hands the same outbox item to two stores on the same file', async () => {
    const [a, b] = [await open(), await open()];
    const items = Array.from({ length: 9 }, (_, i) => makeOutbox({ next_attempt_at: T0 + i }));
    await a.enqueueOutbox(items);
    const claims = await Promise.all([a.claimOutbox(T0 + 100, 4, 1000), b.claimOutbox(T0 + 100, 4, 1000), a.claimOutbox(T0 + 100, 4, 1000)]);
    const ids = claims.flat().map((o) => o.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(ids.length, 9);
  });

  it('chains audit rows written alternately by two stores into one valid log', async () => {
    const [a, b] = [await open(), await open()];
    for (let i = 0; i < 10; i++) await (i % 2 ? a : b).appendAudit([makeAudit({ action: `a${i}` })]);
    const result = await auditState(b);
    assert.deepEqual({ ok: result.ok, checked: result.checked }, { ok: true, checked: 10 });
  });
});

function idsOfPage(page: { items: { id: string }[] }): string[] {
  return page.items.map((r) => r.id);
}
