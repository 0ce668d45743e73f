// Signed, expiring, approver-bound tokens of the email channel: action links (`/email/a/<token>`,
// the shared action tokens of ../action-token.ts), reply addresses (`approvals+<token>@example.com`)
// and the CSRF token of a confirmation page. One secret, a separate purpose string for each use,
// HMAC-SHA256, compared in constant time.
import type { Store } from '../../store/store.js';
import { newNonce, resolveTokenSecret, sameBytes, tokenExpiry, tokenKit, type TokenClaims } from '../action-token.js';

export const LINK_SECRET_META_KEY = 'email:link_secret';
export const nonceMetaKey = (nonce: string) => `email:nonce:${nonce}`;

/** The claims of a link; `action` is `approve`, `session`, `always`, `deny`, `conditional`, `answer` or `option:<KEY>`. */
export type LinkClaims = TokenClaims;

/** The email channel's tokens (the shared mechanism, ../action-token.ts, under the namespace `email`). */
export const EMAIL_TOKENS = tokenKit('email');
const mac = EMAIL_TOKENS.mac;

export { newNonce, sameBytes };

/** token = base64url(JSON payload) "." base64url(HMAC) */
export const signLink = (secret: string, claims: LinkClaims): string => EMAIL_TOKENS.sign(secret, claims);

/** The claims of an untampered token (expiry is the caller's check), else null. */
export const verifyLink = (secret: string, token: string): LinkClaims | null => EMAIL_TOKENS.verify(secret, token);

/** A link lives as long as its request, and never longer than the configured TTL. */
export const linkExpiry = tokenExpiry;

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
export const resolveLinkSecret = (store: Pick<Store, 'getMeta' | 'swapMeta'>, configured: string | null): Promise<string> => resolveTokenSecret(store, configured, LINK_SECRET_META_KEY, 'glem');
