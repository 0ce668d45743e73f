// Kill -9 one of three instances in the middle of a bounded load: every create and every decision
// a client got an answer for is in the database afterwards, every webhook arrives, and no webhook
// is sent twice as two deliveries (a receiver that drops repeats of X-Greenlight-Delivery sees
// each event once; the only repeats are items the dead instance was sending when it died, which
// another instance sends again once their lease ends).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { verifySignature } from '../../src/delivery/sign.js';
import { PostgresStore } from '../../src/store/postgres/pg-store.js';
import { runCli } from '../cli/cli-helpers.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { KEYS, baseYaml, startInstances, until, type Instance } from './instances.js';

const SECRET = 'crash-webhook-secret-0123456789';
const REQUESTS = 120;
const CONCURRENCY = 6;

interface Delivery {
  id: string;
  event: string;
  request: string;
}

let pg: TestPostgres;
let url: string;
let nodes: Instance[] = [];
let receiver: http.Server;
const received: Delivery[] = [];
const badSignatures: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'greenlight-crash-'));

before(async () => {
  pg = await startPostgres();
  url = await pg.createDatabase('crash');
  // A receiver that takes a little while to answer, so sends are in flight when the kill comes.
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      if (!verifySignature(SECRET, req.headers['x-greenlight-signature'] as string, body, Math.floor(Date.now() / 1000))) badSignatures.push(body.slice(0, 80));
      const parsed = JSON.parse(body) as { event: string; request: { id: string } };
      received.push({ id: String(req.headers['x-greenlight-delivery']), event: parsed.event, request: parsed.request.id });
      setTimeout(() => res.end('ok'), 150);
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const port = (receiver.address() as AddressInfo).port;
  nodes = await startInstances(
    3,
    dir,
    url,
    baseYaml([
      `webhooks: [{ url: "http://127.0.0.1:${port}/hook", secret: ${SECRET}, events: [request.created, request.decided] }]`,
      'delivery: { allow_loopback: true, lease_sec: 2, timeout_ms: 1500, backoff_base_ms: 100, backoff_max_ms: 500 }',
    ]),
  );
});

after(async () => {
  for (const n of nodes) await n.kill('SIGKILL');
  receiver?.closeAllConnections();
  receiver?.close();
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Calls the first live instance from `start`, moving on to the next when one is down. */
async function onAnyLive(start: number, fn: (n: Instance) => Promise<{ status: number; body: any }>) {
  for (let attempt = 0; attempt < 12; attempt++) {
    const n = nodes[(start + attempt) % nodes.length];
    if (n.dead()) continue;
    try {
      return await fn(n);
    } catch {
      // the instance died under this call: the client retries elsewhere, as behind a load balancer
    }
  }
  throw new Error('no live instance answered');
}

describe('kill -9 one of three instances during a bounded load', () => {
  it('keeps every acknowledged create and decision, delivers every webhook, and sends none twice', async () => {
    const victim = nodes[1 + Math.floor(Math.random() * 2)];
    const acknowledged = new Map<string, string>(); // idempotency key → request id
    const decided = new Set<string>();
    let next = 0;
    let done = 0;
    const worker = async (lane: number) => {
      while (next < REQUESTS) {
        const i = next++;
        const key = `crash-${i}`;
        const created = await onAnyLive(i + lane, (n) => n.call(KEYS.agent, 'POST', '/v1/requests', { title: `load ${i}`, preview: `deploy ${i}`, idempotency_key: key }));
        assert.ok(created.status === 201 || created.status === 200, JSON.stringify(created.body));
        acknowledged.set(key, created.body.id);
        const decision = await onAnyLive(i + lane + 1, (n) => n.call(KEYS.approver, 'POST', `/v1/requests/${created.body.id}/decision`, { outcome: 'approved', comment: key }));
        // A retry after the first attempt committed is told who decided: us.
        const ours = decision.status === 200 || (decision.status === 409 && decision.body.error.details.decided_by === 'alice');
        assert.ok(ours, JSON.stringify(decision.body));
        decided.add(created.body.id);
        if (++done === Math.floor(REQUESTS / 3)) void victim.kill('SIGKILL');
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, (_, lane) => worker(lane)));
    assert.ok(victim.dead(), 'the victim was killed during the load');
    assert.equal(acknowledged.size, REQUESTS);

    // Everything acknowledged is there, decided as acknowledged.
    const store = new PostgresStore({ url });
    await store.migrate();
    try {
      for (const [key, id] of acknowledged) {
        const r = await store.getRequest(id);
        assert.ok(r, `acknowledged request ${id} (${key}) is missing`);
        assert.equal(r.status, 'approved');
        assert.equal(r.decision?.comment, key);
      }
      assert.equal(await store.countRequests({}), REQUESTS, 'no request was created twice by a retry');

      // Every webhook arrives; the dead instance's leased items are sent by another once their lease ends.
      const expected = REQUESTS * 2;
      await until(() => new Set(received.map((d) => `${d.request} ${d.event}`)).size >= expected, `${expected} distinct webhooks`, 30_000);
      await until(async () => (await store.listOutbox({ state: 'pending', limit: 1 })).length === 0, 'the outbox to drain', 30_000);
      const byEvent = new Map<string, Set<string>>();
      for (const d of received) {
        const k = `${d.request} ${d.event}`;
        byEvent.set(k, (byEvent.get(k) ?? new Set()).add(d.id));
      }
      for (const id of decided) {
        for (const event of ['request.created', 'request.decided']) assert.equal(byEvent.get(`${id} ${event}`)?.size, 1, `${event} of ${id}: one delivery id`);
      }
      const repeats = received.length - new Set(received.map((d) => d.id)).size;
      assert.ok(repeats <= 20, `${repeats} deliveries repeated (at most one batch in flight when the instance died)`);
      assert.deepEqual(badSignatures, []);
      assert.equal((await store.listOutbox({ state: 'dead', limit: 10 })).length, 0);
      process.stdout.write(`# killed ${victim.name} after ${Math.floor(REQUESTS / 3)} requests; ${received.length} webhook posts for ${expected} events (${repeats} repeats of a delivery id)\n`);
    } finally {
      await store.close();
    }

    const verify = await runCli(['audit', 'verify', '--database-url', url]);
    assert.equal(verify.code, 0, verify.stderr);
  });
});
