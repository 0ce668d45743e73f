// The outbox on a real SQLite file: deliveries survive a restart and a crash mid-send, and the
// whole path from a human's decision to a signed callback works through createGate.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { WebhookConfig } from '../../src/config/schema.js';
import { createLocalEventBus } from '../../src/core/events.js';
import { createGate } from '../../src/core/gate.js';
import { ManualClock, systemClock, type Clock } from '../../src/core/ids.js';
import type { Principal } from '../../src/core/types.js';
import { createOutboxWorker } from '../../src/delivery/outbox-worker.js';
import { planDeliveries } from '../../src/delivery/plan.js';
import { verifySignature } from '../../src/delivery/sign.js';
import { createUrlGuard } from '../../src/delivery/url-guard.js';
import { silentLogger } from '../../src/log.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { CALLBACK_SECRET, T0, WEBHOOK_SECRET, decidedEvent, deliveryConfig } from './fixtures.js';
import { closedPort, startReceiver, type Receiver } from './receiver.js';

const dir = mkdtempSync(join(tmpdir(), 'greenlight-delivery-'));
const receivers: Receiver[] = [];
after(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  rmSync(dir, { recursive: true, force: true });
});

let files = 0;
const dbPath = () => join(dir, `outbox-${++files}.db`);

async function openStore(path: string): Promise<SqliteStore> {
  const store = new SqliteStore({ path });
  await store.migrate();
  return store;
}

function worker(store: Store, clock: Clock, overrides: Parameters<typeof deliveryConfig>[0] = {}, webhooks: WebhookConfig[] = []) {
  return createOutboxWorker({ store, clock, config: deliveryConfig(overrides), webhooks, callbackSecret: CALLBACK_SECRET, logger: silentLogger, version: 'test', random: () => 0.5 });
}

describe('durable outbox (SQLite)', () => {
  it('survives a restart: enqueued while the receiver is down, delivered once by the next process', async () => {
    const path = dbPath();
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/cb`;
    const clock = new ManualClock(T0 + 60_000);

    // First process: the decision is stored with its callback; the receiver is down.
    const first = await openStore(path);
    const [item] = planDeliveries(decidedEvent({ callback_url: url }), { webhooks: [], now: clock.now() });
    await first.enqueueOutbox([item]);
    const w1 = worker(first, clock);
    assert.equal(await w1.drainOnce(), 1);
    w1.start(); // the running worker is stopped while the receiver is still down
    await w1.stop();
    const afterFirst = await first.getOutbox(item.id);
    assert.equal(afterFirst?.attempts, 1);
    assert.match(afterFirst?.last_error ?? '', /ECONNREFUSED/);
    await first.close();

    // The receiver comes back; a new process opens the same file.
    const r = await startReceiver({ port });
    receivers.push(r);
    clock.advance(1000);
    const second = await openStore(path);
    const w2 = worker(second, clock);
    w2.start();
    const got = await r.nextRequest();
    await w2.stop();

    assert.equal(r.received.length, 1, 'exactly once');
    assert.equal(got.headers['x-greenlight-delivery'], item.id);
    assert.equal(verifySignature(CALLBACK_SECRET, got.headers['x-greenlight-signature'] as string, got.body, Math.floor(clock.now() / 1000)), true);
    const stored = await second.getOutbox(item.id);
    assert.equal(stored?.state, 'delivered');
    assert.equal(stored?.attempts, 2);
    await second.close();
  });

  it('a send cut short by a crash is retried by the next process after the lease', async () => {
    const path = dbPath();
    const r = await startReceiver();
    receivers.push(r);
    const clock = new ManualClock(T0);
    const first = await openStore(path);
    const [item] = planDeliveries(decidedEvent({ callback_url: r.url }), { webhooks: [], now: clock.now() });
    await first.enqueueOutbox([item]);
    assert.equal((await first.claimOutbox(clock.now(), 20, 60_000)).length, 1); // leased, then the process dies
    await first.close();

    const second = await openStore(path);
    const w = worker(second, clock);
    assert.equal(await w.drainOnce(), 0, 'the lease still holds');
    assert.equal(await second.nextOutboxAttempt(), clock.now() + 60_000, 'the next pass is planned for the end of the lease');
    clock.advance(60_000);
    assert.equal(await w.drainOnce(), 1);
    assert.equal(r.received.length, 1);
    assert.equal((await second.getOutbox(item.id))?.state, 'delivered');
    await second.close();
  });

  it('end to end: a decision reaches the callback and the webhook, signed, after the receiver recovers', async () => {
    const store = await openStore(dbPath());
    // Down for the first two attempts (503), then up.
    const r = await startReceiver({ respond: (n) => (n <= 2 ? { status: 503 } : { status: 200 }) });
    const hook = await startReceiver();
    receivers.push(r, hook);
    const config = deliveryConfig({ backoff_base_ms: 10, backoff_max_ms: 40 });
    const webhooks: WebhookConfig[] = [{ url: hook.url, secret: WEBHOOK_SECRET, events: ['request.decided'] }];
    const guard = createUrlGuard(config);
    const w = createOutboxWorker({ store, clock: systemClock, config, webhooks, callbackSecret: CALLBACK_SECRET, logger: silentLogger, version: 'test' });
    const gate = createGate({
      store,
      events: createLocalEventBus(),
      clock: systemClock,
      routing: { projects: [], approvers: [] },
      defaults: { defaultExpiresSec: 3600, maxExpiresSec: 86_400, allowApproveOnTimeout: false, maxWaitSec: 60 },
      deliveries: (event) => planDeliveries(event, { webhooks, now: systemClock.now() }),
      checkCallbackUrl: guard.checkStatic,
      onOutbox: () => w.nudge(),
    });
    const agent: Principal = { keyId: 'k1', role: 'agent', name: 'builder', projects: [] };
    const approver: Principal = { keyId: 'k2', role: 'approver', name: 'alice', projects: [] };
    w.start();

    const { request } = await gate.request(agent, { title: 'Deploy', preview: 'npm run deploy', callback_url: r.url });
    await gate.decide(approver, request.id, { outcome: 'approved', comment: 'go' }, 'api');
    const [callback, webhook] = await Promise.all([r.nextRequest(200), hook.nextRequest()]);
    await w.stop();

    const nowSec = Math.floor(Date.now() / 1000);
    assert.equal(verifySignature(CALLBACK_SECRET, callback.headers['x-greenlight-signature'] as string, callback.body, nowSec), true);
    assert.equal(verifySignature(WEBHOOK_SECRET, webhook.headers['x-greenlight-signature'] as string, webhook.body, nowSec), true);
    const body = JSON.parse(callback.body);
    assert.equal(body.event, 'request.decided');
    assert.equal(body.request.id, request.id);
    assert.equal(body.request.status, 'approved');
    assert.equal(body.request.decision.decided_by, 'alice');
    assert.equal(r.received.filter((x) => x.status === 200).length, 1, 'delivered exactly once');
    assert.equal(new Set(r.received.map((x) => x.headers['x-greenlight-delivery'])).size, 1, 'one delivery id across retries');
    const items = await store.listOutbox({ request_id: request.id, limit: 10 });
    assert.deepEqual(items.map((i) => [i.kind, i.state]).sort(), [['callback', 'delivered'], ['webhook', 'delivered']]);
    assert.equal(items.find((i) => i.kind === 'callback')?.attempts, 3);
    await store.close();
  });

  it('the gate refuses a callback_url the guard would never deliver to', async () => {
    const store = await openStore(dbPath());
    const guard = createUrlGuard(deliveryConfig({ allow_loopback: false }));
    const gate = createGate({
      store,
      events: createLocalEventBus(),
      clock: systemClock,
      routing: { projects: [], approvers: [] },
      defaults: { defaultExpiresSec: 3600, maxExpiresSec: 86_400, allowApproveOnTimeout: false, maxWaitSec: 60 },
      deliveries: (event) => planDeliveries(event, { webhooks: [], now: systemClock.now() }),
      checkCallbackUrl: guard.checkStatic,
    });
    const agent: Principal = { keyId: 'k1', role: 'agent', name: 'builder', projects: [] };
    await assert.rejects(gate.request(agent, { title: 'x', callback_url: 'http://169.254.169.254/latest/meta-data/' }), /CALLBACK_URL_BLOCKED|callback_url refused.*link-local/);
    await assert.rejects(gate.request(agent, { title: 'x', callback_url: 'http://0x7f.1:8080/' }), /loopback/);
    await store.close();
  });
});
