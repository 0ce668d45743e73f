// Cross-cutting HTTP concerns: the one error handler, auth and the rate limit. Request ids,
// standard headers, the JSON newline and the body limit are in envelope.ts.
import type { MiddlewareHandler } from 'hono';
import { presentedKey } from '../auth/keyring.js';
import { assertCanFile } from '../core/authz.js';
import { GreenlightError, isGreenlightError } from '../core/errors.js';
import type { Role } from '../core/types.js';
import type { AppEnv, Ctx } from './context.js';
import { createTokenBuckets, type TokenBuckets } from '../cluster/token-buckets.js';
import { requestHeader } from './envelope.js';
import { sessionPrincipal } from '../web/session-auth.js';

export const errorBody = (code: string, message: string, requestId: string, details?: Record<string, unknown>) => ({
  error: { code, message, request_id: requestId, ...(details ? { details } : {}) },
});

/** Retry-After for errors that say when to come back (rate limit, shutdown). */
export function retryHeaders(err: GreenlightError, c: Ctx): void {
  const after = err.details?.retry_after_sec;
  if (typeof after === 'number' && after > 0) c.header('Retry-After', String(after));
}

/** Turns anything thrown into `{ error: { code, message, request_id } }`; unknown errors are 500s, logged once here. */
export function handleError(err: unknown, c: Ctx): Response {
  const requestId = c.get('requestId') ?? 'unknown';
  if (isGreenlightError(err)) {
    retryHeaders(err, c);
    return c.json(errorBody(err.code, err.message, requestId, err.details), err.status as 400);
  }
  const status = (err as { status?: number })?.status;
  if (status === 413) return c.json(errorBody('PAYLOAD_TOO_LARGE', 'The request body is too large.', requestId), 413);
  c.get('deps')?.logger.error('unhandled error', { request_id: requestId, path: c.req.path, err });
  return c.json(errorBody('INTERNAL', 'Something went wrong on the server; it has been logged with this request_id.', requestId), 500);
}

/**
 * Authenticates Bearer / X-API-Key and checks the role. Unknown or missing keys get 401 with a
 * WWW-Authenticate header; a known key of the wrong role gets 403.
 */
export function requireAuth(roles: Role[] = ['agent', 'approver', 'admin']): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const deps = c.get('deps');
    const secret = presentedKey({ authorization: requestHeader(c, 'authorization'), apiKey: requestHeader(c, 'x-api-key') });
    // The dashboard's session cookie yields the same principal as the key it was made from.
    const fromSession = secret ? null : await sessionPrincipal(c);
    if (!secret && !fromSession) {
      deps.metrics.inc('greenlight_auth_failures_total', { reason: 'missing' });
      c.header('WWW-Authenticate', 'Bearer realm="greenlight"');
      throw new GreenlightError('UNAUTHENTICATED', 'Send your key as "Authorization: Bearer <key>" (or "X-API-Key: <key>").');
    }
    const principal = fromSession ?? (await deps.keyring.authenticate(secret!));
    if (!principal) {
      deps.metrics.inc('greenlight_auth_failures_total', { reason: 'unknown' });
      c.header('WWW-Authenticate', 'Bearer realm="greenlight", error="invalid_token"');
      throw new GreenlightError('UNAUTHENTICATED', 'That key is not known to this server, or it was revoked.');
    }
    c.set('principal', principal);
    await checkRateLimit(deps, principal.keyId);
    if (!roles.includes(principal.role)) {
      if (principal.role === 'agent' && roles.every((r) => r !== 'agent')) {
        throw new GreenlightError('FORBIDDEN', `Agent keys cannot use ${c.req.method} ${c.req.path}; it needs ${roles.join(' or ')} access.`);
      }
      throw new GreenlightError('FORBIDDEN', `Your ${principal.role} key cannot use ${c.req.method} ${c.req.path}; it needs ${roles.join(' or ')} access.`);
    }
    await next();
  };
}

/** Routes that file requests: any known key authenticates, and only an agent key passes (AGENT_KEY_REQUIRED). */
export function requireAgentKey(): MiddlewareHandler<AppEnv> {
  const auth = requireAuth();
  return (c, next) =>
    auth(c, async () => {
      assertCanFile(c.get('principal'));
      await next();
    });
}

/** Buckets for apps built without a cluster (tests): one set per deps object. */
const fallbackBuckets = new WeakMap<object, TokenBuckets>();

/** The rate-limit buckets of this app: the cluster's (shared by every instance), else its own. */
export function limitsOf(deps: AppEnv['Variables']['deps']): TokenBuckets {
  let buckets = deps.limits ?? fallbackBuckets.get(deps);
  if (!buckets) fallbackBuckets.set(deps, (buckets = createTokenBuckets()));
  return buckets;
}

/** Per key, shared by every instance when the cluster is (Postgres). */
async function checkRateLimit(deps: AppEnv['Variables']['deps'], keyId: string): Promise<void> {
  const { per_minute: perMinute, burst } = deps.config.rate_limit;
  if (perMinute <= 0) return;
  const wait = await limitsOf(deps).take(`api:${keyId}`, 1, { perMinute, burst }, Date.now());
  if (wait > 0) {
    const retry = Math.ceil(wait / 1000);
    throw new GreenlightError('RATE_LIMITED', `Too many requests for this key: the limit is ${perMinute} per minute. Retry in ${retry} s.`, { details: { retry_after_sec: retry } });
  }
}
