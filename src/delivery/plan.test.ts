import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { T0, decidedEvent, makeRequest } from '../../test/delivery/fixtures.js';
import type { WebhookConfig } from '../config/schema.js';
import type { RequestEventType } from '../core/types.js';
import { planDeliveries } from './plan.js';

const ALL: RequestEventType[] = ['request.created', 'request.decided', 'request.expired', 'request.cancelled'];
const hook = (url: string, events: RequestEventType[] = ALL): WebhookConfig => ({ url, secret: 'webhook-secret-0123456789', events });

let n = 0;
const makeId = () => `dlv_${++n}`;

describe('planDeliveries', () => {
  it('plans one webhook item per subscribed webhook', () => {
    const event = { type: 'request.created' as const, request: makeRequest(), at: T0 };
    const items = planDeliveries(event, { webhooks: [hook('https://a.example/h'), hook('https://b.example/h', ['request.decided'])], now: T0, makeId });
    assert.equal(items.length, 1);
    assert.equal(items[0].kind, 'webhook');
    assert.equal(items[0].target, 'https://a.example/h');
    assert.equal(items[0].request_id, makeRequest().id);
    assert.equal(items[0].next_attempt_at, T0);
    assert.equal(items[0].created_at, T0);
  });

  it('stores the semantic event with the full request snapshot', () => {
    const event = decidedEvent({ origin: 'chock' });
    const [item] = planDeliveries(event, { webhooks: [hook('https://a.example/h')], now: T0, makeId });
    assert.deepEqual(item.payload, { event: 'request.decided', at: event.at, request_id: event.request.id, origin: 'chock', request: event.request });
  });

  it('sends the callback only for terminal events', () => {
    const request = makeRequest({ callback_url: 'https://agent.example/cb' });
    for (const type of ALL) {
      const items = planDeliveries({ type, request, at: T0 }, { webhooks: [], now: T0, makeId });
      const callbacks = items.filter((i) => i.kind === 'callback');
      assert.equal(callbacks.length, type === 'request.created' ? 0 : 1, type);
      if (callbacks[0]) assert.equal(callbacks[0].target, 'https://agent.example/cb');
    }
  });

  it('plans nothing without webhooks or callback_url', () => {
    assert.deepEqual(planDeliveries(decidedEvent(), { webhooks: [], now: T0, makeId }), []);
  });

  it('gives every item its own id (the receiver idempotency key)', () => {
    const request = makeRequest({ callback_url: 'https://agent.example/cb' });
    const items = planDeliveries({ type: 'request.decided', request, at: T0 }, { webhooks: [hook('https://a.example/h'), hook('https://b.example/h')], now: T0 });
    assert.equal(items.length, 3);
    assert.equal(new Set(items.map((i) => i.id)).size, 3);
    for (const i of items) assert.match(i.id, /^dlv_/);
  });
});
