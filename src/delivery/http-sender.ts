// One signed POST to a webhook or callback URL. No redirects are followed (a 3xx could point
// anywhere, including past the SSRF guard) and a 3xx is permanent; the response body is read up
// to a cap and dropped.
// Resolves on 2xx; otherwise throws a DeliveryError that says whether retrying can help.
import http from 'node:http';
import https from 'node:https';
import { DeliveryError } from './delivery-error.js';
import { BlockedAddressError, type UrlGuard } from './url-guard.js';

export interface PostOptions {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  guard: UrlGuard;
  /** Response bytes read before the connection is dropped (default 64 KB). */
  maxResponseBytes?: number;
}

export interface PostResult {
  status: number;
}

const DEFAULT_MAX_RESPONSE = 64 * 1024;

/** Retry-After as ms from now: delta-seconds or an HTTP-date. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs = Date.now()): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return null;
  if (/^\s*\d+\s*$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : null;
}

/** A short, single-line excerpt of a response body for last_error. */
function excerpt(chunks: Buffer[]): string {
  const text = Buffer.concat(chunks).toString('utf8', 0, 300).replace(/\s+/g, ' ').trim();
  return text ? `: ${text.slice(0, 200)}` : '';
}

export function postJson(opts: PostOptions): Promise<PostResult> {
  const blocked = opts.guard.checkStatic(opts.url);
  if (blocked) return Promise.reject(new DeliveryError(`blocked by the SSRF guard: ${blocked}`, { permanent: true }));
  const url = new URL(opts.url);
  const transport = url.protocol === 'https:' ? https : http;
  const max = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE;
  const body = Buffer.from(opts.body, 'utf8');

  return new Promise<PostResult>((resolve, reject) => {
    let settled = false;
    const finish = (err: DeliveryError | null, result?: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (err) reject(err);
      else resolve(result!);
    };

    const req = transport.request(url, {
      method: 'POST',
      headers: { ...opts.headers, 'Content-Length': String(body.length) },
      lookup: opts.guard.lookup as never,
      // A fresh connection per delivery: a pooled socket could have been opened by code that
      // did not go through the guard.
      agent: false,
    });

    const deadline = setTimeout(() => req.destroy(new DeliveryError(`no answer within ${opts.timeoutMs} ms`)), opts.timeoutMs);

    req.on('error', (err: Error) => {
      if (err instanceof DeliveryError) return finish(err);
      if (err instanceof BlockedAddressError) return finish(new DeliveryError(err.message, { permanent: true, cause: err }));
      const code = (err as NodeJS.ErrnoException).code;
      finish(new DeliveryError(`${code ? `${code}: ` : ''}${err.message}`, { cause: err }));
    });

    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let seen = 0;
      const done = () => {
        if (status >= 200 && status < 300) return finish(null, { status });
        // A redirect answers the same way on every retry: dead at once, saying where it pointed.
        if (status >= 300 && status < 400) {
          const location = res.headers.location ? JSON.stringify(res.headers.location.slice(0, 300)) : 'none';
          return finish(new DeliveryError(`HTTP ${status} redirect (Location: ${location}): redirects are never followed; configure the final URL`, { status, permanent: true }));
        }
        if (status === 410) return finish(new DeliveryError(`HTTP 410 Gone: the receiver says this URL is gone for good${excerpt(chunks)}`, { status, permanent: true }));
        const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(res.headers['retry-after']) : null;
        finish(new DeliveryError(`HTTP ${status}${excerpt(chunks)}`, { status, retryAfterMs }));
      };
      res.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (chunks.reduce((n, c) => n + c.length, 0) < 1024) chunks.push(chunk);
        if (seen > max) {
          res.destroy();
          done();
        }
      });
      res.on('end', done);
      res.on('error', done);
      res.on('close', done);
    });

    req.end(body);
  });
}
