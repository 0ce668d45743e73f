// The Postgres cluster parts against a real server: buckets shared by two instances, leadership
// that moves at once when the leader goes, and events that cross instances.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startPostgres, type TestPostgres } from '../../../test/helpers/postgres.js';
import { tokenBucketBehaviour } from '../../cluster/token-buckets-contract.js';
import { silentLogger } from '../../log.js';
import { NO_EFFECTS, T0, makeDecision, makeRequest } from '../fixtures.js';
import { createPostgresCluster } from './pg-cluster.js';
import { createPgLeadership } from './pg-leader.js';
import { createPgTokenBuckets } from './pg-limits.js';
import { PostgresStore } from './pg-store.js';

let server: TestPostgres;
const open: { close(): Promise<void> }[] = [];
before(async () => {
  server = await startPostgres();
});
after(async () => {
  for (const o of open.reverse()) await o.close().catch(() => {});
  await server?.stop();
});

async function stores(n: number, url?: string): Promise<PostgresStore[]> {
  const db = url ?? (await server.createDatabase('cluster'));
  const out = [];
  for (let i = 0; i < n; i++) {
    const s = new PostgresStore({ url: db, instanceId: `i${i}` });
    await s.migrate();
    open.push(s);
    out.push(s);
  }
  return out;
}

const until = async (probe: () => boolean, what: string, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('token buckets in PostgreSQL, shared by two instances', () => {
  tokenBucketBehaviour(async () => (await stores(2)).map((s) => createPgTokenBuckets(s.pool)));
});

describe('leadership by advisory lock', () => {
  it('makes one of three the leader, and another at once when it closes', async () => {
    const url = await server.createDatabase('leader');
    const started: string[] = [];
    const make = (name: string) => {
      const l = createPgLeadership({ url, logger: silentLogger, instanceId: name });
      l.register({ name: 'work', start: () => void started.push(name), stop: () => {} });
      open.push(l);
      return l;
    };
    const all = [make('a'), make('b'), make('c')];
    for (const l of all) l.start();
    await until(() => started.length === 1, 'a leader');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(all.filter((l) => l.isLeader()).length, 1, 'only one leads');
    const first = all.find((l) => l.isLeader())!;
    const t = Date.now();
    await first.close();
    await until(() => started.length === 2, 'the next leader');
    assert.ok(Date.now() - t < 2000, `took over in ${Date.now() - t} ms`);
    assert.equal(all.filter((l) => l.isLeader()).length, 1);
    for (const l of all) await l.close();
    assert.equal(all.filter((l) => l.isLeader()).length, 0);
  });
});

describe('events across instances', () => {
  it('wakes a waiter on one instance when another settles the request, reading the row from the store', async () => {
    const [a, b] = await stores(2);
    const [ca, cb] = [createPostgresCluster({ store: a, url: a.url, logger: silentLogger }), createPostgresCluster({ store: b, url: b.url, logger: silentLogger })];
    open.push(ca, cb);
    await ca.start();
    await cb.start();
    const request = makeRequest();
    await a.createRequest(request, NO_EFFECTS);
    const seen: string[] = [];
    ca.events.subscribeRequest(request.id, (e) => seen.push(`${e.type}:${e.request.status}`));
    let outboxHints = 0;
    ca.onRemoteOutbox(() => outboxHints++);
    await b.settleRequest(request.id, 'approved', makeDecision(), T0 + 1, { audit: [], outbox: [{ id: 'out_1', kind: 'webhook', target: 'x', request_id: request.id, payload: {}, created_at: T0, next_attempt_at: T0 }] });
    await until(() => seen.length === 1, 'the event on A');
    assert.deepEqual(seen, ['request.decided:approved']);
    assert.equal(outboxHints, 1, 'A hears that B wrote outbox items');
    // B's own bus does not get its own notification back (it published locally).
    const own: string[] = [];
    cb.events.subscribe((e) => own.push(e.type));
    const other = makeRequest();
    await b.createRequest(other, NO_EFFECTS);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(own, []);
    assert.deepEqual((await ca.readiness()), { store: true, migrations: true, events: true });
  });
});
