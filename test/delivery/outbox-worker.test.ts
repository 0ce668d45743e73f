// The outbox worker against real receivers on 127.0.0.1 and the memory store.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { DeliveryConfig, WebhookConfig } from '../../src/config/schema.js';
import { ManualClock, systemClock, type Clock } from '../../src/core/ids.js';
import { DeliveryError } from '../../src/delivery/delivery-error.js';
import { backoffDelay, createOutboxWorker, type OutboxWorkerDeps } from '../../src/delivery/outbox-worker.js';
import { planDeliveries } from '../../src/delivery/plan.js';
import { verifySignature } from '../../src/delivery/sign.js';
import { createMetrics } from '../../src/http/metrics.js';
import { createLogger } from '../../src/log.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import type { OutboxItem, Store } from '../../src/store/store.js';
import { CALLBACK_SECRET, T0, WEBHOOK_SECRET, decidedEvent, deliveryConfig } from './fixtures.js';
import { closedPort, startReceiver, type Receiver, type Respond } from './receiver.js';

const receivers: Receiver[] = [];
async function receiver(respond?: Respond, port?: number): Promise<Receiver> {
  const r = await startReceiver({ respond, port });
  receivers.push(r);
  return r;
}
after(() => Promise.all(receivers.map((r) => r.close())));

function setup(options: { config?: Partial<DeliveryConfig>; webhooks?: WebhookConfig[]; clock?: Clock; store?: Store; senders?: OutboxWorkerDeps['senders']; extra?: Partial<OutboxWorkerDeps> } = {}) {
  const store = options.store ?? new MemoryStore();
  // Tests that pass systemClock never advance it.
  const clock = (options.clock ?? new ManualClock(T0 + 60_000)) as ManualClock;
  const config = deliveryConfig(options.config);
  const webhooks = options.webhooks ?? [];
  const logs: { level: string; msg: string; [k: string]: unknown }[] = [];
  const logger = createLogger('debug', 'json', (line) => logs.push(JSON.parse(line)));
  const metrics = createMetrics();
  const worker = createOutboxWorker({ store, clock, config, webhooks, callbackSecret: CALLBACK_SECRET, logger, metrics, version: '9.9.9', random: () => 0.5, senders: options.senders, ...options.extra });
  /** Plans a decided event for a request with this callback URL and enqueues it. */
  const enqueueCallback = async (callbackUrl: string, request: Parameters<typeof decidedEvent>[0] = {}) => {
    const items = planDeliveries(decidedEvent({ callback_url: callbackUrl, ...request }), { webhooks, now: clock.now() });
    await store.enqueueOutbox(items);
    return items;
  };
  return { store, clock, config, worker, logs, metrics, enqueueCallback };
}

const nowSec = (clock: Clock) => Math.floor(clock.now() / 1000);
const header = (r: Receiver, i: number, name: string) => r.received[i].headers[name.toLowerCase()] as string;

describe('backoffDelay', () => {
  const cfg = { backoff_base_ms: 1000, backoff_max_ms: 60_000 };
  it('doubles from backoff_base_ms and stops at backoff_max_ms', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, cfg, () => 0.5)), [1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000]);
  });
  it('jitters by ±20 %', () => {
    assert.equal(backoffDelay(3, cfg, () => 0), 3200);
    assert.equal(backoffDelay(3, cfg, () => 1), 4800);
    assert.equal(backoffDelay(100, cfg, () => 1), 60_000);
  });
});

describe('outbox worker', () => {
  it('delivers a callback once, signed with the callback secret, with a stable delivery id', async () => {
    const r = await receiver();
    const { store, clock, worker, metrics, enqueueCallback } = setup();
    const [item] = await enqueueCallback(r.url);

    assert.equal(await worker.drainOnce(), 1);
    assert.equal(r.received.length, 1);
    const got = r.received[0];
    assert.equal(verifySignature(CALLBACK_SECRET, header(r, 0, 'X-Greenlight-Signature'), got.body, nowSec(clock)), true);
    assert.equal(verifySignature(WEBHOOK_SECRET, header(r, 0, 'X-Greenlight-Signature'), got.body, nowSec(clock)), false);
    assert.equal(header(r, 0, 'X-Greenlight-Timestamp'), String(nowSec(clock)));
    assert.equal(header(r, 0, 'X-Greenlight-Delivery'), item.id);
    assert.equal(header(r, 0, 'X-Greenlight-Event'), 'request.decided');
    assert.equal(header(r, 0, 'User-Agent'), 'Greenlight/9.9.9');
    assert.equal(header(r, 0, 'Content-Type'), 'application/json');
    const body = JSON.parse(got.body);
    assert.equal(body.event, 'request.decided');
    assert.equal(body.request.status, 'approved');

    const stored = await store.getOutbox(item.id);
    assert.equal(stored?.state, 'delivered');
    assert.equal(stored?.attempts, 1);
    assert.equal(stored?.delivered_at, clock.now());
    assert.equal(await worker.drainOnce(), 0);
    assert.equal(r.received.length, 1);
    assert.match(await metrics.render(), /greenlight_outbox_deliveries_total\{kind="callback",result="delivered"\} 1/);
  });

  it('signs each webhook with its own secret', async () => {
    const a = await receiver();
    const b = await receiver();
    const webhooks: WebhookConfig[] = [
      { url: a.url, secret: 'secret-of-hook-a-0123456789', events: ['request.decided'] },
      { url: b.url, secret: 'secret-of-hook-b-0123456789', events: ['request.decided'] },
    ];
    const { store, clock, worker } = setup({ webhooks });
    await store.enqueueOutbox(planDeliveries(decidedEvent(), { webhooks, now: clock.now() }));
    assert.equal(await worker.drainOnce(), 2);
    assert.equal(verifySignature('secret-of-hook-a-0123456789', header(a, 0, 'X-Greenlight-Signature'), a.received[0].body, nowSec(clock)), true);
    assert.equal(verifySignature('secret-of-hook-b-0123456789', header(b, 0, 'X-Greenlight-Signature'), b.received[0].body, nowSec(clock)), true);
    assert.equal(verifySignature('secret-of-hook-a-0123456789', header(b, 0, 'X-Greenlight-Signature'), b.received[0].body, nowSec(clock)), false);
  });

  it('a receiver that is down gets the delivery exactly once later, with a valid signature', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/cb`;
    const { store, clock, worker, enqueueCallback } = setup();
    const [item] = await enqueueCallback(url);

    assert.equal(await worker.drainOnce(), 1);
    let stored = await store.getOutbox(item.id);
    assert.equal(stored?.state, 'pending');
    assert.equal(stored?.attempts, 1);
    assert.match(stored?.last_error ?? '', /ECONNREFUSED/);
    assert.equal(stored?.next_attempt_at, clock.now() + 1000, 'backoff_base_ms after the first failure');

    const r = await receiver(undefined, port); // the receiver comes back up
    assert.equal(await worker.drainOnce(), 0, 'not due yet');
    assert.equal(r.received.length, 0);

    clock.advance(1000);
    assert.equal(await worker.drainOnce(), 1);
    assert.equal(await worker.drainOnce(), 0);
    assert.equal(r.received.length, 1, 'delivered exactly once');
    assert.equal(verifySignature(CALLBACK_SECRET, header(r, 0, 'X-Greenlight-Signature'), r.received[0].body, nowSec(clock)), true);
    assert.equal(header(r, 0, 'X-Greenlight-Delivery'), item.id);
    stored = await store.getOutbox(item.id);
    assert.equal(stored?.state, 'delivered');
    assert.equal(stored?.attempts, 2);
  });

  it('retries a receiver answering 503 on its own timer until it succeeds (started worker, real time)', async () => {
    const r = await receiver((n) => (n <= 3 ? { status: 503 } : { status: 200 }));
    const { store, worker, metrics, enqueueCallback } = setup({ clock: systemClock, config: { backoff_base_ms: 10, backoff_max_ms: 40 } });
    const [item] = await enqueueCallback(r.url);
    worker.start();
    const success = await r.nextRequest(200);
    await worker.stop(); // waits for the pass that is recording the success

    assert.equal(r.received.length, 4);
    assert.deepEqual(r.received.map((x) => x.status), [503, 503, 503, 200]);
    assert.ok(r.received.every((x) => x.headers['x-greenlight-delivery'] === item.id), 'same delivery id on every retry');
    assert.ok(r.received.every((x) => x.body === success.body), 'same body on every retry');
    assert.equal(verifySignature(CALLBACK_SECRET, success.headers['x-greenlight-signature'] as string, success.body, Math.floor(Date.now() / 1000)), true);
    const stored = await store.getOutbox(item.id);
    assert.equal(stored?.state, 'delivered');
    assert.equal(stored?.attempts, 4);
    const text = await metrics.render();
    assert.match(text, /kind="callback",result="retry"\} 3/);
    assert.match(text, /kind="callback",result="delivered"\} 1/);
  });

  it('waits as long as Retry-After asks on 429', async () => {
    const r = await receiver(() => ({ status: 429, headers: { 'retry-after': '30' } }));
    const { store, clock, worker, enqueueCallback } = setup();
    const [item] = await enqueueCallback(r.url);
    await worker.drainOnce();
    const stored = await store.getOutbox(item.id);
    assert.equal(stored?.next_attempt_at, clock.now() + 30_000);
    assert.match(stored?.last_error ?? '', /HTTP 429/);
  });

  it('410 Gone is dead at once, with a warning', async () => {
    const r = await receiver(() => ({ status: 410 }));
    const { store, worker, logs, metrics, enqueueCallback } = setup();
    const [item] = await enqueueCallback(r.url);
    await worker.drainOnce();
    const stored = await store.getOutbox(item.id);
    assert.equal(stored?.state, 'dead');
    assert.equal(stored?.attempts, 1);
    assert.match(stored?.last_error ?? '', /410/);
    assert.ok(logs.some((l) => l.level === 'warn' && l.id === item.id && l.reason === 'permanent failure'));
    assert.match(await metrics.render(), /kind="callback",result="dead"\} 1/);
  });

  it('a callback or webhook that redirects is dead after one attempt, and last_error says why', async () => {
    const final = await receiver();
    const r = await receiver(() => ({ status: 302, headers: { location: `${final.url}/hooks/greenlight` } }));
    const webhooks = [{ url: `${r.url}/webhook`, secret: WEBHOOK_SECRET, events: ['request.decided' as const] }];
    const { store, clock, worker, logs, enqueueCallback } = setup({ webhooks });
    const items = await enqueueCallback(`${r.url}/callback`);
    assert.deepEqual(items.map((i) => i.kind).sort(), ['callback', 'webhook']);
    for (let i = 0; i < 3; i++) {
      await worker.drainOnce();
      clock.advance(3_600_000);
    }
    assert.equal(r.received.length, 2, 'one attempt each, no retries');
    assert.equal(final.received.length, 0, 'the redirect is not followed');
    for (const item of items) {
      const stored = await store.getOutbox(item.id);
      assert.equal(stored?.state, 'dead');
      assert.equal(stored?.attempts, 1);
      assert.equal(stored?.last_error, `HTTP 302 redirect (Location: "${final.url}/hooks/greenlight"): redirects are never followed; configure the final URL`);
    }
    assert.equal(logs.filter((l) => l.level === 'warn' && l.reason === 'permanent failure').length, 2);
  });

  it('goes dead after max_attempts', async () => {
    const r = await receiver(() => ({ status: 500 }));
    const { store, clock, worker, logs, enqueueCallback } = setup({ config: { max_attempts: 3 } });
    const [item] = await enqueueCallback(r.url);
    for (let i = 0; i < 5; i++) {
      await worker.drainOnce();
      clock.advance(60_000);
    }
    const stored = await store.getOutbox(item.id);
    assert.equal(stored?.state, 'dead');
    assert.equal(stored?.attempts, 3);
    assert.equal(r.received.length, 3);
    assert.ok(logs.some((l) => l.level === 'warn' && l.reason === 'max_attempts reached'));
  });

  it('never delivers to loopback when allow_loopback is off: dead with a clear reason', async () => {
    const r = await receiver();
    const { store, worker, enqueueCallback } = setup({ config: { allow_loopback: false } });
    const [byIp] = await enqueueCallback(r.url);
    const [byName] = await enqueueCallback(`http://localhost:${r.port}/cb`);
    const [metadata] = await enqueueCallback('http://169.254.169.254/latest/meta-data/');
    await worker.drainOnce();
    for (const [item, reason] of [[byIp, /loopback/], [byName, /localhost.*loopback/], [metadata, /link-local/]] as const) {
      const stored = await store.getOutbox(item.id);
      assert.equal(stored?.state, 'dead', item.target);
      assert.match(stored?.last_error ?? '', /SSRF guard/);
      assert.match(stored?.last_error ?? '', reason);
    }
    assert.equal(r.received.length, 0);
  });

  it('an item leased by a crashed worker is delivered by another once the lease runs out', async () => {
    const r = await receiver();
    const { store, clock, worker, enqueueCallback } = setup();
    const [item] = await enqueueCallback(r.url);
    const crashed = await store.claimOutbox(clock.now(), 10, 30_000); // claimed, never finished
    assert.equal(crashed.length, 1);

    assert.equal(await worker.drainOnce(), 0, 'still leased');
    clock.advance(30_000);
    assert.equal(await worker.drainOnce(), 1);
    assert.equal(r.received.length, 1);
    assert.equal((await store.getOutbox(item.id))?.state, 'delivered');
  });

  it('hands other kinds to registered senders; unknown kinds are retried, permanent errors go dead', async () => {
    const seen: OutboxItem[] = [];
    const { store, clock, worker } = setup({
      senders: {
        telegram: async (item) => void seen.push(item),
        email: async () => {
          throw new DeliveryError('address rejected', { permanent: true });
        },
      },
    });
    const base = { request_id: null, payload: { text: 'hi' }, created_at: clock.now(), next_attempt_at: clock.now() };
    await store.enqueueOutbox([
      { ...base, id: 'o1', kind: 'telegram', target: '12345' },
      { ...base, id: 'o2', kind: 'email', target: 'a@example.com' },
      { ...base, id: 'o3', kind: 'pager', target: 'x' },
    ]);
    assert.equal(await worker.drainOnce(), 3);
    assert.deepEqual(seen.map((i) => i.id), ['o1']);
    assert.equal((await store.getOutbox('o1'))?.state, 'delivered');
    assert.equal((await store.getOutbox('o2'))?.state, 'dead');
    const unknown = await store.getOutbox('o3');
    assert.equal(unknown?.state, 'pending');
    assert.match(unknown?.last_error ?? '', /no sender for outbox kind 'pager'/);
  });

  it('stop() lets the send under way finish, starts no new one, and gives the claimed rest back unsent', async () => {
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    let arrived!: () => void;
    const first = new Promise<void>((r) => (arrived = r));
    const started: string[] = [];
    const { store, clock, worker } = setup({
      senders: {
        slow: async (item) => {
          started.push(item.id);
          arrived();
          await hold;
        },
      },
      extra: { concurrency: 1 },
    });
    const base = { request_id: null, payload: { text: 'hi' }, created_at: clock.now(), next_attempt_at: clock.now(), kind: 'slow', target: 'x' };
    await store.enqueueOutbox([1, 2, 3].map((n) => ({ ...base, id: `s${n}`, next_attempt_at: clock.now() + n - 3 })));
    worker.start();
    await first;
    let stopped = false;
    const stopping = worker.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(stopped, false, 'stop() waits for the send under way');
    release();
    await stopping;
    assert.deepEqual(started, ['s1']);
    assert.equal((await store.getOutbox('s1'))?.state, 'delivered');
    for (const id of ['s2', 's3']) {
      const item = await store.getOutbox(id);
      assert.deepEqual([item?.state, item?.attempts, item?.locked_until, item?.last_error], ['pending', 0, null, null], `${id} is given back untouched`);
    }
    worker.nudge();
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(started, ['s1'], 'a stopped worker starts nothing');
  });

  it('sends concurrently but never more than `concurrency` at once', async () => {
    let active = 0;
    let peak = 0;
    const { store, clock, worker } = setup({
      extra: { concurrency: 3 },
      senders: {
        slow: async () => {
          active++;
          peak = Math.max(peak, active);
          for (let i = 0; i < 5; i++) await new Promise((res) => setImmediate(res));
          active--;
        },
      },
    });
    const base = { request_id: null, payload: {}, created_at: clock.now(), next_attempt_at: clock.now(), kind: 'slow', target: 't' };
    await store.enqueueOutbox(Array.from({ length: 7 }, (_, i) => ({ ...base, id: `s${i}` })));
    assert.equal(await worker.drainOnce(), 7);
    assert.equal(peak, 3);
    assert.equal((await store.listOutbox({ state: 'delivered', limit: 10 })).length, 7);
  });
});

describe('outbox worker scheduling', () => {
  it('sets one timer for the next due item instead of polling, and nudge() runs a pass at once', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const flush = async () => {
      for (let i = 0; i < 20; i++) await new Promise((res) => setImmediate(res));
    };
    const inner = new MemoryStore();
    let claims = 0;
    const store = new Proxy(inner, {
      get(target, prop) {
        if (prop === 'claimOutbox') return (...args: Parameters<Store['claimOutbox']>) => (claims++, target.claimOutbox(...args));
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Store;
    const sent: string[] = [];
    const { clock, worker } = setup({ store, senders: { test: async (item) => void sent.push(item.id) } });
    const manual = clock;

    worker.start();
    t.mock.timers.tick(0);
    await flush();
    assert.equal(claims, 1, 'one pass at start');

    t.mock.timers.tick(59_999);
    await flush();
    assert.equal(claims, 1, 'no polling while the outbox is empty');
    t.mock.timers.tick(1);
    await flush();
    assert.equal(claims, 2, 'the 60 s safety net');

    // An item due in 5 s: the nudge runs a pass (nothing due yet) which sets a 5 s timer.
    await store.enqueueOutbox([{ id: 'later', kind: 'test', target: 't', request_id: null, payload: {}, created_at: manual.now(), next_attempt_at: manual.now() + 5000 }]);
    worker.nudge();
    t.mock.timers.tick(0);
    await flush();
    assert.equal(claims, 3);
    assert.deepEqual(sent, []);

    manual.advance(5000);
    t.mock.timers.tick(4999);
    await flush();
    assert.equal(claims, 3, 'nothing before the item is due');
    t.mock.timers.tick(1);
    await flush();
    assert.deepEqual(sent, ['later']);

    // A nudge for an item due now is delivered without waiting for any timer but the 0 ms one.
    await store.enqueueOutbox([{ id: 'now', kind: 'test', target: 't', request_id: null, payload: {}, created_at: manual.now(), next_attempt_at: manual.now() }]);
    worker.nudge();
    t.mock.timers.tick(0);
    await flush();
    assert.deepEqual(sent, ['later', 'now']);

    const stopped = worker.stop();
    await flush();
    await stopped;
    const before = claims;
    t.mock.timers.tick(120_000);
    await flush();
    assert.equal(claims, before, 'no passes after stop()');
  });

  it('does not spin when the due item is leased by someone else', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const flush = async () => {
      for (let i = 0; i < 20; i++) await new Promise((res) => setImmediate(res));
    };
    let claims = 0;
    const inner = new MemoryStore();
    const store = new Proxy(inner, {
      get(target, prop) {
        if (prop === 'claimOutbox') return (...args: Parameters<Store['claimOutbox']>) => (claims++, target.claimOutbox(...args));
        // A store whose nextOutboxAttempt ignores leases would report a due item forever.
        if (prop === 'nextOutboxAttempt') return async () => 0;
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Store;
    const { worker } = setup({ store });
    worker.start();
    t.mock.timers.tick(0);
    await flush();
    assert.equal(claims, 1);
    t.mock.timers.tick(999);
    await flush();
    assert.equal(claims, 1, 'backs off instead of re-running at once');
    t.mock.timers.tick(1);
    await flush();
    assert.equal(claims, 2);
    const stopped = worker.stop();
    await flush();
    await stopped;
  });
});

