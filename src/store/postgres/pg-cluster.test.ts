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

/** Instances on one new database, each with its cluster started. */
async function startedClusters(n: number): Promise<[PostgresStore[], ReturnType<typeof createPostgresCluster>[]]> {
  const all = await stores(n);
  const clusters = all.map((store) => createPostgresCluster({ store, url: store.url, logger: silentLogger }));
  open.push(...clusters);
  for (const c of clusters) await c.start();
  return [all, clusters];
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
    const [[a, b], [ca, cb]] = await startedClusters(2);
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

describe('instances: who runs, own events, signals', () => {
  it('says which instances run (from their locks), keeps its own events apart, and carries signals to the others only', async () => {
    const [[a, b], [ca, cb]] = await startedClusters(2);
    assert.deepEqual([...(await ca.alive(['i0', 'i1', 'gone']))].sort(), ['i0', 'i1']);

    // subscribeOwn hears what this instance published, never what it heard from another.
    const [mine, everything] = [[] as string[], [] as string[]];
    cb.events.subscribeOwn((e) => mine.push(e.type));
    cb.events.subscribe((e) => everything.push(e.type));
    const request = makeRequest();
    await a.createRequest(request, NO_EFFECTS);
    await a.settleRequest(request.id, 'denied', makeDecision({ outcome: 'denied' }), T0 + 1, NO_EFFECTS);
    await until(() => everything.includes('request.decided'), 'B hears A\'s decision');
    cb.events.publish({ type: 'request.expired', request, at: T0 });
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(mine, ['request.expired']);
    assert.deepEqual(everything, ['request.created', 'request.decided', 'request.expired']);

    const heard: unknown[] = [];
    cb.onSignal('test.topic', (p) => heard.push(p));
    ca.onSignal('test.topic', (p) => heard.push({ echo: p }));
    await ca.signal('test.topic', { id: 'ses_1', n: 2 });
    await until(() => heard.length === 1, 'the signal on B');
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(heard, [{ id: 'ses_1', n: 2 }], 'A does not hear its own signal');
    await assert.rejects(ca.signal('test.topic', { text: 'x'.repeat(5000) }), /at most 4 KB/);

    // An instance that closes no longer runs, as far as the others can tell.
    await cb.close();
    assert.deepEqual([...(await ca.alive(['i0', 'i1']))], ['i0']);
  });
});
