// Outbound webhooks and callbacks: what the rest of Greenlight uses from this folder.
export { planDeliveries, CALLBACK_EVENTS, type PlanOptions } from './plan.js';
export { renderBody, nativeBody, chockWebhookBody, chockCallbackBody, chockResponse, chockTime, chockEventName, requestWire, type DeliveryPayload, type DeliveryKind } from './payloads.js';
export { signBody, signedHeaders, verifySignature, SIGNATURE_HEADER, TIMESTAMP_HEADER, EVENT_HEADER, DELIVERY_HEADER } from './sign.js';
export { createUrlGuard, hostAllowed, BlockedAddressError, type UrlGuard, type GuardConfig, type LookupFunction, type Resolver } from './url-guard.js';
export { classifyAddress, type AddressClass } from './ip-ranges.js';
export { postJson, parseRetryAfter, type PostOptions } from './http-sender.js';
export { DeliveryError } from './delivery-error.js';
export { resolveCallbackSecret, CALLBACK_SECRET_META_KEY } from './callback-secret.js';
export { createOutboxWorker, backoffDelay, type OutboxWorker, type OutboxWorkerDeps, type Sender } from './outbox-worker.js';
