// What every HTTP request gets around its route: a request id (src/trace.ts: the route and all it
// causes run under it), the standard response headers, JSON answers that end in a newline, the
// metrics and the access log line (`envelope`); then the body limit.
//
// It runs on every request, so it is written for @hono/node-server's fast paths: headers are read
// from Node's own message (no WHATWG Headers object is built), the body is left for the route to
// read (touching `Request.body` would build a full Request with a stream and an AbortController),
// and a JSON answer is a Response over a plain header object, which the server writes straight to
// the socket. Anything unusual (a route that set its own headers, a response built elsewhere)
// takes Hono's general path, with the same headers.
import type { IncomingMessage } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import { GreenlightError } from '../core/errors.js';
import { newTraceId, saneTraceId, withTrace } from '../trace.js';
import type { AppEnv, Ctx, HttpDeps } from './context.js';

const STANDARD = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' } as const;
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i;
/** Routes scrapers and probes call all day: no access log line. */
const QUIET_ROUTES = new Set(['/metrics', '/health', '/healthz', '/ready', '/readyz']);

/** Node's own request message, when the app runs on @hono/node-server (not in `app.request()`). */
const incomingOf = (c: Ctx) => (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;

/**
 * A request header, read from Node's raw header list when there is one: no Headers object or
 * header map is built for the few headers a request needs. Repeated headers are joined with ", "
 * as fetch's Headers joins them.
 */
export function requestHeader(c: Ctx, name: string): string | undefined {
  const incoming = incomingOf(c);
  if (!incoming) return c.req.header(name);
  const raw = incoming.rawHeaders;
  let value: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i];
    if (key.length === name.length && key.toLowerCase() === name) value = value === undefined ? raw[i + 1] : `${value}, ${raw[i + 1]}`;
  }
  return value;
}

export function envelope(deps: HttpDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const given = requestHeader(c, 'x-request-id');
    // The caller's X-Request-Id when sane, else a fresh one; the response carries it.
    const id = saneTraceId(given) ?? newTraceId();
    c.set('requestId', id);
    c.set('deps', deps);
    const started = performance.now();

    // Headers a route sets with c.header before answering (Retry-After, WWW-Authenticate, cookies)
    // send its answer down Hono's general path, which carries them; hot routes pass theirs to c.json.
    let routeHeaders = false;
    const header = c.header;
    c.header = ((name: string, value?: string, options?: { append?: boolean }) => {
      routeHeaders = true;
      header(name, value, options);
    }) as typeof c.header;
    let ours: Response | null = null;
    const body = c.body as (data: string, arg?: unknown, headers?: Record<string, string>) => Response;
    c.json = ((object: unknown, arg?: unknown, headers?: Record<string, string>) => {
      const text = `${JSON.stringify(object)}\n`;
      if (!routeHeaders && (arg === undefined || typeof arg === 'number')) {
        ours = new Response(text, { status: (arg as number | undefined) ?? 200, headers: headers ? withRouteHeaders(id, headers) : { 'content-type': 'application/json', 'x-request-id': id, ...STANDARD } });
      } else {
        ours = body(text, arg, { 'Content-Type': 'application/json', 'X-Request-Id': id, ...STANDARD, ...headers });
      }
      return ours;
    }) as unknown as typeof c.json;

    await withTrace(id, next);

    if (c.res !== ours) await finishForeign(c, id);
    // Shutting down: no keep-alive, so the client's next call opens a connection elsewhere.
    if (deps.gate.deps.closing?.aborted) c.res.headers.set('connection', 'close');
    const route = c.req.routePath || 'unmatched';
    const seconds = (performance.now() - started) / 1000;
    deps.metrics.observeHttp(route, c.req.method, c.res.status, seconds);
    // The access line is built only when it is written; it carries the id itself (it runs after the trace).
    if (deps.logger.enabled('info') && !QUIET_ROUTES.has(route)) {
      deps.logger.info('http', { method: c.req.method, route, status: c.res.status, ms: Math.round(seconds * 1000), trace_id: id, ...(given !== undefined && given !== id ? { request_id_replaced: true } : {}) });
    }
  };
}

/**
 * The headers of a JSON answer on the fast path with the ones a route passed to `c.json` (Location
 * on a create): names lower-cased, so a route's Content-Type replaces ours rather than doubling it.
 */
function withRouteHeaders(id: string, headers: Record<string, string>): Record<string, string> {
  const all: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': id, ...STANDARD };
  for (const name of Object.keys(headers)) all[name.toLowerCase()] = headers[name];
  return all;
}

/** Refuses bodies over the limit with 413, before they are read into memory. */
export function bodyLimit(maxBytes: number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
    const len = requestHeader(c, 'content-length');
    if (len !== undefined && Number(len) > maxBytes) {
      throw new GreenlightError('PAYLOAD_TOO_LARGE', `The request body is ${len} bytes; this server accepts at most ${maxBytes}.`);
    }
    // Over HTTP/1.1 a body without Content-Length comes chunked; a Request built in process may just have a body.
    const unsized = len === undefined && (incomingOf(c) ? requestHeader(c, 'transfer-encoding') !== undefined : c.req.raw.body !== null);
    if (unsized) await readChunked(c, maxBytes);
    await next();
  };
}

/** A chunked body (no Content-Length): counted as it is read, refused past the limit. */
async function readChunked(c: Ctx, maxBytes: number): Promise<void> {
  const stream = c.req.raw.body;
  if (!stream) return;
  const reader = stream.getReader();
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

/**
 * A response a route built some other way (c.body, c.html, the MCP SDK's transport, a redirect):
 * it gets the standard headers, and JSON gets its closing newline. Content-Length is the length
 * of what is sent.
 */
async function finishForeign(c: Ctx, id: string): Promise<void> {
  const res = c.res;
  try {
    res.headers.set('x-request-id', id);
    for (const [k, v] of Object.entries(STANDARD)) res.headers.set(k, v);
  } catch {
    // immutable headers (Response.redirect): rebuilt below only when JSON; otherwise sent as is
  }
  if (res.body === null || !JSON_TYPE.test(res.headers.get('content-type') ?? '')) return;
  const text = await res.text();
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  c.res = undefined as unknown as Response; // so Hono does not copy the old headers (Content-Length) onto the new response
  c.res = new Response(text.endsWith('\n') ? text : `${text}\n`, { status: res.status, statusText: res.statusText, headers });
}
