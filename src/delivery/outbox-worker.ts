// Delivers the durable outbox: webhooks and callbacks built in, other kinds (telegram, email, ...)
// from senders that channels register. A pass leases due items, sends them with bounded
// concurrency, and records success or a failure with exponential backoff. Between passes there is
// ONE timer, set for the store's next due time (capped as a safety net); nudge() runs a pass soon.
// Leases make a crash mid-send safe: the item is retried when its lease runs out. Receivers see
// at-least-once delivery and drop duplicates by X-Greenlight-Delivery (the outbox id).
import type { DeliveryConfig, WebhookConfig } from '../config/schema.js';
import type { Clock } from '../core/ids.js';
import type { Metrics } from '../http/metrics.js';
import type { Logger } from '../log.js';
import type { OutboxItem, Store } from '../store/store.js';
import { DeliveryError } from './delivery-error.js';
import { postJson } from './http-sender.js';
import type { ApprovalRequest } from '../core/types.js';
import { currentTrace, newTraceId, traceOf, withTrace } from '../trace.js';
import type { SecretMasker } from '../secrets/masker.js';
import { maskOf, type MaskedRequest, type MaskReport } from '../secrets/mask-request.js';
import { asDeliveryPayload, renderBody, type DeliveryKind } from './payloads.js';
import { signedHeaders } from './sign.js';
import { createUrlGuard, type UrlGuard } from './url-guard.js';

export type Sender = (item: OutboxItem) => Promise<void>;

export interface OutboxWorkerDeps {
  store: Store;
  clock: Clock;
  config: DeliveryConfig;
  webhooks: readonly WebhookConfig[];
  callbackSecret: string;
  logger: Logger;
  metrics?: Metrics;
  /** Senders for other kinds (channels). They throw DeliveryError (or any error) on failure. */
  senders?: Record<string, Sender>;
  version: string;
  /** Defaults to a guard built from `config`. */
  guard?: UrlGuard;
  /** Items leased per claim (default 20). */
  batchSize?: number;
  /** Sends at once (default 8). */
  concurrency?: number;
  /** How long a claimed item stays leased (default: enough for a full batch to time out). */
  leaseMs?: number;
  /** Longest wait between passes, a safety net for items another instance wrote (default 60 s). */
  maxIdleMs?: number;
  /** Jitter source, for tests. */
  random?: () => number;
  /** Masks secrets in webhook bodies (webhooks that set include_secrets get the request in clear). */
  secrets?: SecretMasker;
  /** Told after a webhook went out with secrets masked (the audit log). */
  onMasked?: (item: OutboxItem, report: MaskReport) => Promise<void>;
}

export interface OutboxWorker {
  start(): void;
  stop(): Promise<void>;
  /** Run a pass soon (coalesced with any pass already due). */
  nudge(): void;
  /** One pass over everything due now; resolves with how many items it handled. */
  drainOnce(): Promise<number>;
}

/** min(max, base · 2^(attempts-1)) with ±20 % jitter. `attempts` counts the failure just made. */
export function backoffDelay(attempts: number, cfg: Pick<DeliveryConfig, 'backoff_base_ms' | 'backoff_max_ms'>, random: () => number = Math.random): number {
  const raw = cfg.backoff_base_ms * 2 ** Math.min(Math.max(attempts - 1, 0), 40);
  const jittered = raw * (0.8 + 0.4 * random());
  return Math.max(1, Math.round(Math.min(cfg.backoff_max_ms, jittered)));
}

/** A URL without query and fragment, for logs (callback URLs may carry tokens). */
function redact(target: string): string {
  try {
    const u = new URL(target);
    return `${u.origin}${u.pathname}`;
  } catch {
    return target.slice(0, 80);
  }
}

/** A masked request as a webhook sends it: the markers stay, the report is ours. */
function withoutReport(r: MaskedRequest): ApprovalRequest {
  const { masked: _masked, ...rest } = r;
  return rest;
}

const MAX_ERROR = 500;
const describe = (err: unknown): string => (err instanceof Error ? err.message : String(err)).slice(0, MAX_ERROR);

export function createOutboxWorker(deps: OutboxWorkerDeps): OutboxWorker {
  const { store, clock, config, logger } = deps;
  const guard = deps.guard ?? createUrlGuard(config);
  const batchSize = deps.batchSize ?? 20;
  const concurrency = deps.concurrency ?? 8;
  const leaseMs = deps.leaseMs ?? Math.max(60_000, config.timeout_ms * (Math.ceil(batchSize / concurrency) + 1) + 5_000);
  const maxIdleMs = deps.maxIdleMs ?? 60_000;
  const random = deps.random ?? Math.random;

  const httpSender = (kind: DeliveryKind, secretFor: (item: OutboxItem) => string | null): Sender => async (item) => {
    let payload = asDeliveryPayload(item.payload);
    if (typeof payload === 'string') throw new DeliveryError(payload, { permanent: true });
    // Webhooks reach third parties: secrets are masked unless the webhook opted in. Callbacks go
    // to the URL the filing agent named, which holds the action already (and needs edits whole).
    const masked = kind === 'webhook' && deps.secrets && !deps.webhooks.find((w) => w.url === item.target)?.include_secrets ? maskOf(deps.secrets.shown(payload.request)) : null;
    if (masked) payload = { ...payload, request: withoutReport(deps.secrets!.shown(payload.request)) };
    const secret = secretFor(item);
    if (!secret) throw new DeliveryError(`no webhook with url ${redact(item.target)} is configured any more; nothing to sign with`, { permanent: true });
    const body = JSON.stringify(renderBody(kind, payload));
    const headers = signedHeaders({ secret, timestampSec: Math.floor(clock.now() / 1000), body, event: payload.event, deliveryId: item.id, version: deps.version });
    const trace = currentTrace();
    if (trace) headers['X-Request-Id'] = trace;
    await postJson({ url: item.target, body, headers, timeoutMs: config.timeout_ms, guard });
    if (masked) await deps.onMasked?.(item, masked);
  };

  const senders: Record<string, Sender> = {
    webhook: httpSender('webhook', (item) => deps.webhooks.find((w) => w.url === item.target)?.secret ?? null),
    callback: httpSender('callback', () => deps.callbackSecret),
    ...deps.senders,
  };

  const count = (kind: string, result: 'delivered' | 'retry' | 'dead') => deps.metrics?.inc('greenlight_outbox_deliveries_total', { kind, result });

  async function deliver(item: OutboxItem): Promise<void> {
    const sender = senders[item.kind];
    try {
      if (!sender) throw new DeliveryError(`no sender for outbox kind '${item.kind}' (is that channel configured?)`);
      await sender(item);
    } catch (err) {
      await recordFailure(item, err);
      return;
    }
    try {
      await store.completeOutbox(item.id, clock.now());
      count(item.kind, 'delivered');
      logger.info('outbox item delivered', { id: item.id, kind: item.kind, target: redact(item.target), request: item.request_id, attempts: item.attempts + 1 });
    } catch (err) {
      // Sent but not recorded: the lease runs out and the receiver sees the same delivery id again.
      logger.error('outbox item sent but not marked delivered', { id: item.id, err });
    }
  }

  async function recordFailure(item: OutboxItem, err: unknown): Promise<void> {
    const attempts = item.attempts + 1;
    const message = describe(err);
    const permanent = err instanceof DeliveryError && err.permanent;
    try {
      if (permanent || attempts >= config.max_attempts) {
        await store.failOutbox(item.id, message, null);
        count(item.kind, 'dead');
        logger.warn('outbox item dead: giving up', { id: item.id, kind: item.kind, target: redact(item.target), request_id: item.request_id, attempts, reason: permanent ? 'permanent failure' : 'max_attempts reached', error: message });
        return;
      }
      let delay = backoffDelay(attempts, config, random);
      const asked = err instanceof DeliveryError ? err.retryAfterMs : null;
      if (asked !== null) delay = Math.max(delay, Math.min(asked, config.backoff_max_ms));
      await store.failOutbox(item.id, message, clock.now() + delay);
      count(item.kind, 'retry');
      logger.info('outbox delivery failed; will retry', { id: item.id, kind: item.kind, target: redact(item.target), attempts, retry_in_ms: delay, error: message });
    } catch (storeErr) {
      logger.error('could not record an outbox failure', { id: item.id, err: storeErr });
    }
  }

  // Set by stop(): sends under way finish, no new one starts, and claimed items not yet started
  // are given back so the next process sends them at once instead of after the lease.
  let stopping = false;

  async function runBounded(items: OutboxItem[]): Promise<void> {
    let next = 0;
    const lane = async () => {
      // Each send runs (and logs) under the trace id of the call that wrote the item (src/trace.ts).
      while (next < items.length && !stopping) {
        const item = items[next++];
        await withTrace(traceOf(item.payload) ?? newTraceId(), () => deliver(item));
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
    for (const item of items.slice(next)) {
      await store.releaseOutbox(item.id).catch((err: unknown) => logger.error('could not release an unsent outbox item', { id: item.id, err }));
    }
  }

  async function pass(): Promise<number> {
    let handled = 0;
    for (;;) {
      if (stopping) break;
      const items = await store.claimOutbox(clock.now(), batchSize, leaseMs);
      if (items.length === 0) break;
      await runBounded(items);
      handled += items.length;
      if (items.length < batchSize) break;
    }
    return handled;
  }

  // Passes never overlap: each waits for the one before.
  let chain: Promise<unknown> = Promise.resolve();
  const drainOnce = (): Promise<number> => {
    const run = chain.then(pass, pass);
    chain = run.catch(() => undefined);
    return run;
  };

  let running = false;
  let timer: NodeJS.Timeout | null = null;
  let dueAt = Infinity;
  let ticking: Promise<void> | null = null;
  let again = false;

  function schedule(delayMs: number): void {
    const at = Date.now() + delayMs;
    if (timer && at >= dueAt) return; // a sooner pass is already set
    if (timer) clearTimeout(timer);
    dueAt = at;
    timer = setTimeout(() => {
      timer = null;
      dueAt = Infinity;
      void tick();
    }, delayMs);
    timer.unref();
  }

  async function tick(): Promise<void> {
    if (!running) return;
    if (ticking) {
      again = true;
      return;
    }
    let delay = maxIdleMs;
    ticking = (async () => {
      let handled = 0;
      try {
        handled = await drainOnce();
        const next = await store.nextOutboxAttempt();
        if (next !== null) delay = Math.min(maxIdleMs, Math.max(0, next - clock.now()));
        // Something is due but nothing could be claimed (leased elsewhere): do not spin.
        if (delay === 0 && handled === 0) delay = Math.min(1_000, maxIdleMs);
      } catch (err) {
        logger.error('outbox pass failed', { err });
        delay = Math.min(5_000, maxIdleMs);
      }
    })();
    await ticking;
    ticking = null;
    if (!running) return;
    if (again) {
      again = false;
      delay = 0;
    }
    schedule(delay);
  }

  return {
    drainOnce,
    start() {
      if (running) return;
      running = true;
      stopping = false;
      schedule(0);
    },
    nudge() {
      if (!running) return;
      if (ticking) again = true;
      else schedule(0);
    },
    /** Finishes the sends under way, starts no new one, and resolves once none is left. */
    async stop() {
      running = false;
      stopping = true;
      if (timer) clearTimeout(timer);
      timer = null;
      dueAt = Infinity;
      await ticking;
      await chain;
    },
  };
}
