import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startPostgres, type TestPostgres } from '../../../test/helpers/postgres.js';
import { storeContract } from '../contract.js';
import { NO_EFFECTS, T0, effectsFor, makeAudit, makeDecision, makeRequest } from '../fixtures.js';
import { MIGRATIONS } from './pg-migrations.js';
import { PostgresStore } from './pg-store.js';

let server: TestPostgres;
/** A database migrated once, copied for each contract test (copying is much faster than migrating). */
let template: string;
before(async () => {
  server = await startPostgres();
  const url = await server.createDatabase('template');
  const store = new PostgresStore({ url });
  await store.migrate();
  await store.close();
  template = new URL(url).pathname.slice(1);
});
after(async () => {
  await server?.stop();
});

storeContract('postgres', async () => new PostgresStore({ url: await server.createDatabase('contract', template) }));

describe('postgres store on a real server', () => {
  it('migrates once when several instances start together, under the advisory lock', async () => {
    const url = await server.createDatabase();
    const stores = Array.from({ length: 4 }, () => new PostgresStore({ url }));
    await Promise.all(stores.map((s) => s.migrate()));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const rows = (await client.query('SELECT version, name FROM schema_migrations ORDER BY version')).rows;
      assert.deepEqual(rows, MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    } finally {
      await client.end();
      for (const s of stores) await s.close();
    }
  });

  it('refuses a database from a newer version of Greenlight, and reports status without migrating', async () => {
    const url = await server.createDatabase();
    const fresh = new PostgresStore({ url });
    assert.deepEqual((await fresh.migrationStatus()).pending.map((m) => m.version), MIGRATIONS.map((m) => m.version));
    await fresh.migrate();
    assert.deepEqual((await fresh.migrationStatus()).pending, []);
    await fresh.pool.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)");
    await fresh.close();
    await assert.rejects(new PostgresStore({ url }).migrate(), /newer than this Greenlight knows/);
  });

  it('refuses to update or delete audit rows', async () => {
    const store = new PostgresStore({ url: await server.createDatabase() });
    await store.migrate();
    try {
      await store.appendAudit([makeAudit(), makeAudit()]);
      await assert.rejects(store.pool.query("UPDATE audit SET actor_name = 'mallory' WHERE seq = 1"), /append-only/);
      await assert.rejects(store.pool.query('DELETE FROM audit WHERE seq = 2'), /append-only/);
      await assert.rejects(store.pool.query('TRUNCATE audit'), /append-only/);
    } finally {
      await store.close();
    }
  });

  it('lets exactly one of 20 settles win across three instances, each with its own pool', async () => {
    const url = await server.createDatabase();
    const stores = Array.from({ length: 3 }, () => new PostgresStore({ url }));
    for (const s of stores) await s.migrate();
    try {
      const request = makeRequest();
      await stores[0].createRequest(request, NO_EFFECTS);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => stores[i % 3].settleRequest(request.id, 'approved', makeDecision({ decided_by: `approver-${i}` }), T0 + i, effectsFor(request.id, 'request.decided'))),
      );
      assert.equal(results.filter((r) => r.ok).length, 1);
      assert.equal((await stores[1].listAudit({ limit: 100, request_id: request.id })).length, 1);
      assert.equal((await stores[2].listOutbox({ limit: 100 })).length, 1);
    } finally {
      for (const s of stores) await s.close();
    }
  });

  it('keeps one audit chain when three instances append at once', async () => {
    const url = await server.createDatabase();
    const stores = Array.from({ length: 3 }, () => new PostgresStore({ url }));
    for (const s of stores) await s.migrate();
    try {
      await Promise.all(Array.from({ length: 60 }, (_, i) => stores[i % 3].appendAudit([makeAudit({ action: `a${i}` }), makeAudit({ action: `b${i}` })])));
      const { verifyAuditChain } = await import('../../core/audit-chain.js');
      const rows = await stores[0].listAudit({ limit: 1000 });
      assert.equal(rows.length, 120);
      assert.equal(verifyAuditChain(rows).ok, true);
    } finally {
      for (const s of stores) await s.close();
    }
  });

  it('creates once per idempotency key when instances race with it', async () => {
    const url = await server.createDatabase();
    const stores = Array.from({ length: 3 }, () => new PostgresStore({ url }));
    for (const s of stores) await s.migrate();
    try {
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => stores[i % 3].createRequest(makeRequest({ agent: 'codex', idempotency_key: 'same' }), effectsFor(null, 'request.created'))));
      assert.equal(results.filter((r) => r.created).length, 1);
      assert.equal(new Set(results.map((r) => r.request.id)).size, 1);
      assert.equal(await stores[0].countRequests({}), 1);
      assert.equal((await stores[0].listAudit({ limit: 100 })).length, 1);
    } finally {
      for (const s of stores) await s.close();
    }
  });

  it('stores NUL and \\u0001 in any text an agent sends, and gives it back as sent', async () => {
    const store = new PostgresStore({ url: await server.createDatabase() });
    await store.migrate();
    try {
      const weird = makeRequest({ agent: 'a\u0000b', session_id: '\u0001x', idempotency_key: 'k\u0000', tags: ['t\u0000', '\u0001'], cwd: '/tmp/\u0000', context: '\u0001{"x":1}', project: 'p\u0000' });
      await store.createRequest(weird, NO_EFFECTS);
      assert.deepEqual(await store.getRequest(weird.id), weird);
      const page = await store.listRequests({ order: 'newest', limit: 10, agent: 'a\u0000b', tag: 't\u0000', project: 'p\u0000' });
      assert.deepEqual(page.items, [weird]);
      assert.equal((await store.createRequest(makeRequest({ agent: 'a\u0000b', idempotency_key: 'k\u0000' }), NO_EFFECTS)).created, false);
      await store.setMeta('m\u0000', 'v\u0000');
      assert.equal(await store.getMeta('m\u0000'), 'v\u0000');
    } finally {
      await store.close();
    }
  });
});
