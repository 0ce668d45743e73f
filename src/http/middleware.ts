// Cross-cutting HTTP concerns: request ids, the one error handler, auth, rate limit, body limit,
// and the newline that ends every JSON response.
import { newTraceId, saneTraceId, withTrace } from '../trace.js';
import type { MiddlewareHandler } from 'hono';
import { presentedKey } from '../auth/keyring.js';
import { assertCanFile } from '../core/authz.js';
import { GreenlightError, isGreenlightError } from '../core/errors.js';
import type { Role } from '../core/types.js';
import type { AppEnv, Ctx } from './context.js';
import { createTokenBuckets, type TokenBuckets } from '../cluster/token-buckets.js';
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

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i;

/**
 * Every JSON response ends with a newline, so `curl` output does not run into the shell prompt.
 * One place for every route, native and compat, success and error: `c.json` is replaced for the
 * request, and JSON a route builds some other way (the MCP SDK's transport, the OpenAPI asset)
 * gets its newline on the way out. Content-Length is the length of what is sent.
 */
export function jsonNewline(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const ours = new WeakSet<Response>();
    const body = c.body as (data: string, arg?: unknown, headers?: Record<string, string>) => Response;
    c.json = ((object: unknown, arg?: unknown, headers?: Record<string, string>) => {
      const res = body(`${JSON.stringify(object)}\n`, arg, { 'Content-Type': 'application/json', ...headers });
      ours.add(res);
      return res;
    }) as unknown as typeof c.json;
    await next();
    const res = c.res;
    if (ours.has(res) || res.body === null || !JSON_TYPE.test(res.headers.get('content-type') ?? '')) return;
    const text = await res.text();
    const headers = new Headers(res.headers);
    headers.delete('content-length');
    c.res = undefined as unknown as Response; // so Hono does not copy the old headers (Content-Length) onto the new response
    c.res = new Response(text.endsWith('\n') ? text : `${text}\n`, { status: res.status, statusText: res.statusText, headers });
  };
}

/** Routes scrapers and probes call all day: not logged. */
const QUIET_ROUTES = new Set(['/metrics', '/health', '/healthz', '/ready', '/readyz']);

export function requestContext(deps: AppEnv['Variables']['deps']): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // The caller's X-Request-Id when sane (src/trace.ts), else a fresh one; the response carries it
    // and everything the call causes runs under it.
    const given = c.req.header('x-request-id');
    const id = saneTraceId(given) ?? newTraceId();
    c.set('requestId', id);
    c.set('deps', deps);
    c.header('X-Request-Id', id);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    const started = performance.now();
    await withTrace(id, async () => {
      await next();
      // Shutting down: no keep-alive, so the client's next call opens a connection elsewhere.
      if (deps.gate.deps.closing?.aborted) c.header('Connection', 'close');
      const route = c.req.routePath || 'unmatched';
      const seconds = (performance.now() - started) / 1000;
      deps.metrics.observeHttp(route, c.req.method, c.res.status, seconds);
      if (!QUIET_ROUTES.has(route)) deps.logger.info('http', { method: c.req.method, route, status: c.res.status, ms: Math.round(seconds * 1000), ...(given !== undefined && given !== id ? { request_id_replaced: true } : {}) });
    });
  };
}

/** Refuses bodies over the limit with 413, before they are read into memory. */
export function bodyLimit(maxBytes: number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const len = c.req.header('content-length');
    if (len !== undefined && Number(len) > maxBytes) {
      throw new GreenlightError('PAYLOAD_TOO_LARGE', `The request body is ${len} bytes; this server accepts at most ${maxBytes}.`);
    }
    if (c.req.raw.body && len === undefined) {
      // Chunked: count as we read.
      const reader = c.req.raw.body.getReader();
      const chunks: Uint8Array[] = [];
      let total = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > maxBytes) {
          await reader.cancel().catch(() => {});
          throw new GreenlightError('PAYLOAD_TOO_LARGE', `The request body is larger than ${maxBytes} bytes.`);
        }
        chunks.push(value);
      }
      c.req.raw = new Request(c.req.raw, { body: Buffer.concat(chunks), duplex: 'half' } as RequestInit);
    }
    await next();
  };
}

/**
 * Authenticates Bearer / X-API-Key and checks the role. Unknown or missing keys get 401 with a
 * WWW-Authenticate header; a known key of the wrong role gets 403.
 */
export function requireAuth(roles: Role[] = ['agent', 'approver', 'admin']): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const deps = c.get('deps');
    const secret = presentedKey({ authorization: c.req.header('authorization'), apiKey: c.req.header('x-api-key') });
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
