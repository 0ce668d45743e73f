// Which outbox items an event causes. Called by the gate inside the transaction that changes the
// request, so an event and its deliveries are committed together ("persist, then notify").
import { newId } from '../core/ids.js';
import type { RequestEvent, RequestEventType } from '../core/types.js';
import type { WebhookConfig } from '../config/schema.js';
import type { OutboxInput } from '../store/store.js';
import type { DeliveryPayload } from './payloads.js';

/** Events that end a request: the agent's callback_url hears about these. */
export const CALLBACK_EVENTS: readonly RequestEventType[] = ['request.decided', 'request.expired', 'request.cancelled'];

export interface PlanOptions {
  webhooks: readonly WebhookConfig[];
  now: number;
  makeId?: () => string;
}

export function planDeliveries(event: RequestEvent, opts: PlanOptions): OutboxInput[] {
  const { request } = event;
  const makeId = opts.makeId ?? (() => newId('dlv', opts.now));
  const payload: DeliveryPayload = { event: event.type, at: event.at, request_id: request.id, origin: request.origin, request };
  const item = (kind: 'webhook' | 'callback', target: string): OutboxInput => ({
    id: makeId(),
    kind,
    target,
    request_id: request.id,
    payload: payload as unknown as Record<string, unknown>,
    created_at: opts.now,
    next_attempt_at: opts.now,
  });

  const items: OutboxInput[] = [];
  for (const hook of opts.webhooks) {
    if (hook.events.includes(event.type)) items.push(item('webhook', hook.url));
  }
  if (request.callback_url && CALLBACK_EVENTS.includes(event.type)) items.push(item('callback', request.callback_url));
  return items;
}
