// Signed action tokens: how a channel without its own sign-in (an email link, an ntfy push button,
// ...) carries one decision. A token is HMAC-SHA256-signed with the channel's secret under its own
// namespace (a token made for email is no token for ntfy), names one request, one approver, one
// choice of the offer (./offer.ts) and an expiry no later than the request's, and carries a nonce
// that is spent when it decides: forged, replayed, expired, someone else's or another request's
// tokens decide nothing. Channels verify with `checkToken`, then decide inside `spend`.
//
// Single use: the nonce is spent in the store's meta by a compare-and-set before the decision runs,
// so a replayed or concurrent use, on this or any other instance, finds it spent even while the
// decision still runs; the entry lives as long as the token could be used. A decision the gate
// refuses as invalid gives the nonce back (`release`).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { newSecret } from '../core/ids.js';
import type { ApprovalRequest, Principal } from '../core/types.js';
import type { Store } from '../store/store.js';
import type { ApproverIdentity, ChannelContext } from './channel.js';

export interface TokenClaims {
  requestId: string;
  /** The approver's configured name: the token decides as them and nobody else. */
  approver: string;
  /** A choice id of the request's offer (`approve`, `deny`, …) or a channel's own word for one. */
  action: string;
  /** Epoch ms after which the token is refused. */
  expiresAt: number;
  /** Makes the token single-use: spent when it decides. */
  nonce: string;
}

const MAX_TOKEN = 2048;

export const sameBytes = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);

export const newNonce = (): string => randomBytes(12).toString('base64url');

/** A token never outlives its request, nor the channel's configured lifetime. */
export const tokenExpiry = (requestExpiresAt: number, now: number, ttlSec: number): number => Math.min(requestExpiresAt, now + ttlSec * 1000);

export interface TokenKit {
  /** HMAC of `data` for one purpose of this channel (tokens, reply addresses, CSRF, ...). */
  mac(secret: string, purpose: string, data: string): Buffer;
  /** token = base64url(JSON claims) "." base64url(HMAC) */
  sign(secret: string, claims: TokenClaims): string;
  /** The claims of an untampered token (expiry is checkToken's business), else null. */
  verify(secret: string, token: string): TokenClaims | null;
}

/** The token codec of one channel (its namespace goes into every MAC). */
export function tokenKit(namespace: string, purpose = 'link'): TokenKit {
  const mac = (secret: string, p: string, data: string): Buffer => createHmac('sha256', secret).update(`greenlight.${namespace}.${p}\n${data}`).digest();
  return {
    mac,
    sign(secret, c) {
      const payload = Buffer.from(JSON.stringify({ v: 1, r: c.requestId, a: c.approver, x: c.action, e: c.expiresAt, n: c.nonce })).toString('base64url');
      return `${payload}.${mac(secret, purpose, payload).toString('base64url')}`;
    },
    verify(secret, token) {
      if (typeof token !== 'string' || token.length > MAX_TOKEN) return null;
      const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(token);
      if (!m) return null;
      if (!sameBytes(Buffer.from(m[2], 'base64url'), mac(secret, purpose, m[1]))) return null;
      let p: unknown;
      try {
        p = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8'));
      } catch {
        return null;
      }
      const o = p as Record<string, unknown>;
      if (!o || o.v !== 1 || typeof o.r !== 'string' || typeof o.a !== 'string' || typeof o.x !== 'string' || typeof o.e !== 'number' || typeof o.n !== 'string') return null;
      return { requestId: o.r, approver: o.a, action: o.x, expiresAt: o.e, nonce: o.n };
    },
  };
}

/** The configured secret, or one generated on first use and kept in the store (shared by instances). */
export async function resolveTokenSecret(store: Pick<Store, 'getMeta' | 'swapMeta'>, configured: string | null, metaKey: string, prefix: string): Promise<string> {
  if (configured) return configured;
  const stored = await store.getMeta(metaKey);
  if (stored) return stored;
  // Written only if still absent, so every instance signs and checks with the same secret.
  await store.swapMeta(metaKey, null, newSecret(prefix));
  return (await store.getMeta(metaKey))!;
}

/** Why a token decides nothing; each channel puts it in its own words. */
export type TokenRefusal =
  /** Forged, cut short, or made with another secret. */
  | { reason: 'invalid' }
  | { reason: 'not_found'; requestId: string }
  /** Settled already (or past its deadline: expired by timeout). */
  | { reason: 'decided'; request: ApprovalRequest }
  | { reason: 'expired'; request: ApprovalRequest }
  /** The request does not offer what the token says. */
  | { reason: 'not_offered'; request: ApprovalRequest }
  /** Its approver does not decide this request (any more) on this channel. */
  | { reason: 'not_yours'; request: ApprovalRequest; approver: string }
  | { reason: 'used'; request: ApprovalRequest };

export type TokenCheck = { ok: true; claims: TokenClaims; request: ApprovalRequest; principal: Principal } | ({ ok: false } & TokenRefusal);

export interface TokenRules {
  /** Whether the request offers the token's action on this channel. */
  offers(request: ApprovalRequest, action: string): boolean;
  /** Whether this routed approver may still use the channel (has an address, a topic, ...). */
  reaches(approver: ApproverIdentity): boolean;
}

/** Single use across instances: spent nonces live in the store's meta under `<namespace>:nonce:`. */
export function singleUse(store: Pick<Store, 'getMeta' | 'swapMeta' | 'deleteMeta'>, namespace: string) {
  const key = (nonce: string) => `${namespace}:nonce:${nonce}`;
  const used = async (nonce: string): Promise<boolean> => {
    const v = await store.getMeta(key(nonce));
    return v !== null && v !== 'released';
  };
  return {
    used,
    /**
     * Spends the nonce (a compare-and-set), then runs `decide`. False (and `decide` never runs)
     * when it was already spent, here or on another instance, or is being spent right now.
     * `expiresAt`: when the token stops working anyway (the spent entry may go then).
     */
    async spend<T>(nonce: string, record: Record<string, unknown>, decide: () => Promise<T>, expiresAt?: number): Promise<{ spent: false } | { spent: true; value: T }> {
      const value = JSON.stringify(record);
      const options = expiresAt === undefined ? {} : { expires_at: expiresAt };
      // 'released' is how a nonce given back (or freed by an older version) reads.
      const claimed = (await store.swapMeta(key(nonce), null, value, options)) || (await store.swapMeta(key(nonce), 'released', value, options));
      if (!claimed) return { spent: false };
      return { spent: true, value: await decide() };
    },
    /** Gives a nonce back: nothing was decided with it. */
    release: async (nonce: string): Promise<void> => {
      await store.deleteMeta(key(nonce));
    },
  };
}

export type SingleUse = ReturnType<typeof singleUse>;

/** Every check a token must pass before it may decide, in the order a person would want to hear why not. */
export async function checkToken(ctx: Pick<ChannelContext, 'store' | 'clock' | 'approversFor' | 'principalFor'>, kit: TokenKit, secret: string, token: string, rules: TokenRules, once: SingleUse): Promise<TokenCheck> {
  const claims = kit.verify(secret, token);
  if (!claims) return { ok: false, reason: 'invalid' };
  const request = await ctx.store.getRequest(claims.requestId);
  if (!request) return { ok: false, reason: 'not_found', requestId: claims.requestId };
  const now = ctx.clock.now();
  if (request.status !== 'pending' || request.expires_at <= now) return { ok: false, reason: 'decided', request };
  if (claims.expiresAt <= now) return { ok: false, reason: 'expired', request };
  if (!rules.offers(request, claims.action)) return { ok: false, reason: 'not_offered', request };
  const approver = ctx.approversFor(request).find((a) => a.name === claims.approver);
  const principal = approver && rules.reaches(approver) ? ctx.principalFor({ name: claims.approver }) : null;
  if (!principal) return { ok: false, reason: 'not_yours', request, approver: claims.approver };
  if (await once.used(claims.nonce)) return { ok: false, reason: 'used', request };
  return { ok: true, claims, request, principal };
}
