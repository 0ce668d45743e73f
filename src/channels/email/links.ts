// Signed, expiring, approver-bound tokens: action links (`/email/a/<token>`), reply addresses
// (`approvals+<token>@example.com`) and the CSRF token of a confirmation page. One server secret,
// a separate purpose string for each use, HMAC-SHA256, compared in constant time.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { newSecret } from '../../core/ids.js';
import type { Store } from '../../store/store.js';

export const LINK_SECRET_META_KEY = 'email:link_secret';
export const nonceMetaKey = (nonce: string) => `email:nonce:${nonce}`;

export interface LinkClaims {
  requestId: string;
  /** The approver's configured name: the link decides as them and nobody else. */
  approver: string;
  /** `approve`, `session`, `always`, `deny`, `conditional`, `answer`, `option:<KEY>`. */
  action: string;
  /** Epoch ms after which the link is refused. */
  expiresAt: number;
  /** Makes the link single-use: recorded when the link decides. */
  nonce: string;
}

const MAX_TOKEN = 2048;

function mac(secret: string, purpose: string, data: string): Buffer {
  return createHmac('sha256', secret).update(`greenlight.email.${purpose}\n${data}`).digest();
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export const newNonce = (): string => randomBytes(12).toString('base64url');

/** token = base64url(JSON payload) "." base64url(HMAC) */
export function signLink(secret: string, claims: LinkClaims): string {
  const payload = Buffer.from(JSON.stringify({ v: 1, r: claims.requestId, a: claims.approver, x: claims.action, e: claims.expiresAt, n: claims.nonce })).toString('base64url');
  return `${payload}.${mac(secret, 'link', payload).toString('base64url')}`;
}

/** The claims of an untampered token (expiry is the caller's check), else null. */
export function verifyLink(secret: string, token: string): LinkClaims | null {
  if (typeof token !== 'string' || token.length > MAX_TOKEN) return null;
  const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return null;
  if (!sameBytes(Buffer.from(m[2], 'base64url'), mac(secret, 'link', m[1]))) return null;
  let p: unknown;
  try {
    p = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const o = p as Record<string, unknown>;
  if (!o || o.v !== 1 || typeof o.r !== 'string' || typeof o.a !== 'string' || typeof o.x !== 'string' || typeof o.e !== 'number' || typeof o.n !== 'string') return null;
  return { requestId: o.r, approver: o.a, action: o.x, expiresAt: o.e, nonce: o.n };
}

/** A link lives as long as its request, and never longer than the configured TTL. */
export const linkExpiry = (requestExpiresAt: number, now: number, ttlSec: number): number => Math.min(requestExpiresAt, now + ttlSec * 1000);

// --- reply addresses: lower case only, since some mail systems fold the local part ---

const B32 = '0123456789abcdefghjkmnpqrstvwxyz';
function base32(bytes: Buffer, chars: number): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = ((acc << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      bits -= 5;
      out += B32[(acc >> bits) & 31];
    }
  }
  return out;
}

const replyMac = (secret: string, requestId: string, approver: string) => base32(mac(secret, 'reply', `${requestId}\n${approver}`), 16);

/** `<request id without req_>.<80-bit MAC of request and approver>` — a per-request, per-approver secret. */
export function replyToken(secret: string, requestId: string, approver: string): string {
  return `${requestId.replace(/^req_/, '')}.${replyMac(secret, requestId, approver)}`;
}

/** Which of `approvers` a reply token was made for (null: forged, or for nobody configured). */
export function verifyReplyToken(secret: string, token: string, approvers: readonly string[]): { requestId: string; approver: string } | null {
  const m = /^([0-9a-z]{26})\.([0-9a-z]{16})$/.exec(token.toLowerCase());
  if (!m) return null;
  const requestId = `req_${m[1]}`;
  const given = Buffer.from(m[2]);
  let found: string | null = null;
  // Check every approver (no early exit) so timing says nothing about which one matched.
  for (const approver of approvers) {
    if (sameBytes(given, Buffer.from(replyMac(secret, requestId, approver))) && found === null) found = approver;
  }
  return found === null ? null : { requestId, approver: found };
}

// --- CSRF: the page's form carries HMAC(link token, page nonce); the nonce is in a cookie ---

export function csrfToken(secret: string, linkToken: string, pageNonce: string): string {
  return mac(secret, 'csrf', `${linkToken}\n${pageNonce}`).toString('base64url');
}

export function checkCsrf(secret: string, linkToken: string, pageNonce: string | undefined, given: string | undefined): boolean {
  if (!pageNonce || !given || given.length > 100) return false;
  return sameBytes(Buffer.from(given), Buffer.from(csrfToken(secret, linkToken, pageNonce)));
}

/** The configured secret, or one generated on first use and kept in the store (shared by instances). */
export async function resolveLinkSecret(store: Pick<Store, 'getMeta' | 'swapMeta'>, configured: string | null): Promise<string> {
  if (configured) return configured;
  const stored = await store.getMeta(LINK_SECRET_META_KEY);
  if (stored) return stored;
  // Written only if still absent, so every instance signs and checks links with the same secret.
  await store.swapMeta(LINK_SECRET_META_KEY, null, newSecret('glem'));
  return (await store.getMeta(LINK_SECRET_META_KEY))!;
}
