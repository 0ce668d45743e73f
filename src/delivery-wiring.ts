// Wires outbound delivery for the server: what the gate writes to the outbox on each event, the
// SSRF check for callback URLs, and the worker that sends. Channels add their own senders later.
import type { Config } from './config/schema.js';
import type { Clock } from './core/ids.js';
import type { RequestEvent } from './core/types.js';
import { createOutboxWorker, createUrlGuard, planDeliveries, resolveCallbackSecret, type Sender } from './delivery/index.js';
import type { Metrics } from './http/metrics.js';
import type { Logger } from './log.js';
import type { OutboxInput, OutboxItem, Store } from './store/store.js';
import type { SecretMasker } from './secrets/masker.js';
import type { MaskReport } from './secrets/mask-request.js';

export interface DeliveryWiring {
  plan(event: RequestEvent): OutboxInput[];
  checkUrl(url: string): string | null;
  nudge(): void;
  start(): void;
  stop(): Promise<void>;
}

export async function createDelivery(deps: { config: Config; store: Store; clock: Clock; logger: Logger; metrics: Metrics; version: string; senders?: Record<string, Sender>; secrets?: SecretMasker; onMasked?: (item: OutboxItem, report: MaskReport) => Promise<void> }): Promise<DeliveryWiring> {
  const { config, store, clock } = deps;
  const { secret: callbackSecret } = await resolveCallbackSecret(store, config.delivery.callback_secret);
  const guard = createUrlGuard(config.delivery);
  const worker = createOutboxWorker({
    store,
    clock,
    config: config.delivery,
    webhooks: config.webhooks,
    callbackSecret,
    logger: deps.logger,
    metrics: deps.metrics,
    version: deps.version,
    guard,
    senders: deps.senders ?? {},
    ...(deps.secrets ? { secrets: deps.secrets } : {}),
    ...(deps.onMasked ? { onMasked: deps.onMasked } : {}),
    ...(config.delivery.lease_sec !== null ? { leaseMs: config.delivery.lease_sec * 1000 } : {}),
  });
  return {
    plan: (event) => planDeliveries(event, { webhooks: config.webhooks, now: clock.now() }),
    checkUrl: (url) => guard.checkStatic(url),
    nudge: () => worker.nudge(),
    start: () => worker.start(),
    stop: () => worker.stop(),
  };
}
