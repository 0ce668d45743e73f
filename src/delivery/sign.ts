// HMAC-SHA256 signatures for outbound webhooks and callbacks, and the check receivers run.
// The signed string is `${timestamp}.${body}`: a captured delivery cannot be replayed later
// (the timestamp is checked against a tolerance) nor its body altered.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Greenlight-Signature';
export const TIMESTAMP_HEADER = 'X-Greenlight-Timestamp';
export const EVENT_HEADER = 'X-Greenlight-Event';
export const DELIVERY_HEADER = 'X-Greenlight-Delivery';

/** `v1=<hex>`: HMAC-SHA256 of `${timestampSec}.${body}` with `secret`. */
export function signBody(secret: string, timestampSec: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestampSec}.${body}`).digest('hex')}`;
}

export interface SignedHeadersInput {
  secret: string;
  timestampSec: number;
  body: string;
  event: string;
  /** The outbox id: the same on every retry, so receivers can drop duplicates. */
  deliveryId: string;
  version: string;
}

export function signedHeaders(input: SignedHeadersInput): Record<string, string> {
  const ts = Math.floor(input.timestampSec);
  return {
    'Content-Type': 'application/json',
    'User-Agent': `Greenlight/${input.version}`,
    [TIMESTAMP_HEADER]: String(ts),
    [SIGNATURE_HEADER]: `t=${ts},${signBody(input.secret, ts, input.body)}`,
    [EVENT_HEADER]: input.event,
    [DELIVERY_HEADER]: input.deliveryId,
  };
}

/**
 * Checks an `X-Greenlight-Signature` header (`t=<ts>,v1=<hex>[,v1=<hex>...]`) against the raw
 * body. False when the header is malformed, the timestamp is more than `toleranceSec` away from
 * `nowSec`, or no v1 signature matches. Compares in constant time.
 */
export function verifySignature(secret: string, header: string | null | undefined, body: string, nowSec: number, toleranceSec = 300): boolean {
  if (!header) return false;
  let ts: number | null = null;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) ts = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) candidates.push(value.toLowerCase());
  }
  if (ts === null || candidates.length === 0) return false;
  if (Math.abs(nowSec - ts) > toleranceSec) return false;
  const expected = Buffer.from(signBody(secret, ts, body).slice(3), 'hex');
  let ok = false;
  for (const c of candidates) ok = timingSafeEqual(expected, Buffer.from(c, 'hex')) || ok;
  return ok;
}
