// Discord signs every interaction it sends: an Ed25519 signature (hex, X-Signature-Ed25519) over the
// timestamp header (X-Signature-Timestamp, Unix seconds) followed by the raw body, made with the
// application's key pair; we check it with the application's public key from node:crypto. A body
// whose signature does not verify, or whose timestamp is more than five minutes off, decides
// nothing (and Discord itself checks, when the URL is registered, that such requests are refused).
import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/** Timestamps further than this from our clock are refused: a captured request cannot be replayed later. */
export const MAX_SKEW_SEC = 300;

/** The application's public key (64 hex characters) as a key node:crypto verifies with. */
export function publicKeyFromHex(hex: string): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(hex, 'hex').toString('base64url') }, format: 'jwk' });
}

export type SignatureCheck = { ok: true; at: number } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'forged' };

/** Checks one interaction's headers against its raw body. `nowMs`: our clock. */
export function checkSignature(key: KeyObject, signature: string | undefined, timestamp: string | undefined, rawBody: string, nowMs: number): SignatureCheck {
  if (!signature || !timestamp) return { ok: false, reason: 'missing' };
  if (!/^[0-9a-f]{128}$/i.test(signature) || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed' };
  if (!verify(null, Buffer.from(timestamp + rawBody, 'utf8'), key, Buffer.from(signature, 'hex'))) return { ok: false, reason: 'forged' };
  // Signed by Discord, but when? (Checked second, so "stale" means a real, old request: a replay or a clock that is off.)
  const at = Number(timestamp) * 1000;
  return Math.abs(nowMs - at) > MAX_SKEW_SEC * 1000 ? { ok: false, reason: 'stale' } : { ok: true, at };
}
