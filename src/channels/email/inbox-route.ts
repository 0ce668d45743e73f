// `POST /v1/inbox/email`: a raw MIME message from a provider's inbound webhook (or a script), for
// servers that do not poll IMAP. A webhook cannot hold an admin key, so it may instead present the
// configured inbound secret (X-Greenlight-Inbound-Secret, or as the password of HTTP Basic auth in
// the webhook URL). Either way, the mail itself must pass handleInbound's checks.
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import { parseJson } from '../../core/bounded-json.js';
import { GreenlightError } from '../../core/errors.js';
import type { AppEnv } from '../../http/context.js';
import { requireAuth } from '../../http/middleware.js';
import type { EmailConfig } from './config.js';
import type { InboundResult } from './inbound.js';

export const INBOUND_SECRET_HEADER = 'x-greenlight-inbound-secret';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
const sameSecret = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

function basicPassword(authorization: string | undefined): string | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 ? decoded.slice(colon + 1) : null;
}

function inboundAuth(cfg: EmailConfig): MiddlewareHandler<AppEnv> {
  const admin = requireAuth(['admin']);
  return async (c, next) => {
    const presented = c.req.header(INBOUND_SECRET_HEADER) ?? basicPassword(c.req.header('authorization'));
    if (presented === undefined || presented === null) return admin(c, next);
    if (cfg.inbound_secret && sameSecret(presented, cfg.inbound_secret)) return next();
    c.get('deps').metrics.inc('greenlight_auth_failures_total', { reason: 'inbound_secret' });
    throw new GreenlightError('UNAUTHENTICATED', cfg.inbound_secret ? 'The inbound secret is wrong.' : 'This server has no channels.email.inbound_secret; send an admin key as "Authorization: Bearer <key>".');
  };
}

/** The raw message: the body itself, or the field a provider puts it in. */
async function rawMessage(req: Request): Promise<string | Uint8Array> {
  const type = (req.headers.get('content-type') ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data') || type.startsWith('application/x-www-form-urlencoded')) {
    const form = await req.formData();
    // SendGrid Inbound Parse (raw), Mailgun (`body-mime`), or our own name.
    for (const name of ['email', 'body-mime', 'mime', 'raw']) {
      const v = form.get(name);
      if (typeof v === 'string' && v) return v;
      if (v && typeof v === 'object') return new Uint8Array(await (v as Blob).arrayBuffer());
    }
    throw new GreenlightError('VALIDATION_FAILED', 'The form has no raw message: put it in a field named "email", "body-mime", "mime" or "raw".');
  }
  if (type.startsWith('application/json')) {
    const body = parseJson(await req.text(), 'The body');
    const raw = (body as { raw?: unknown; RawEmail?: unknown } | null)?.raw ?? (body as { RawEmail?: unknown } | null)?.RawEmail;
    if (typeof raw === 'string' && raw) return raw;
    throw new GreenlightError('VALIDATION_FAILED', 'A JSON body must carry the raw message as "raw" (or Postmark\'s "RawEmail").');
  }
  return new Uint8Array(await req.arrayBuffer());
}

export function inboxRoute(cfg: EmailConfig, handle: (raw: string | Uint8Array) => Promise<InboundResult>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/v1/inbox/email', inboundAuth(cfg), async (c) => {
    const raw = await rawMessage(c.req.raw);
    if (raw.length === 0) throw new GreenlightError('VALIDATION_FAILED', 'The body is empty: send the raw message (message/rfc822).');
    // 200 whatever the verdict: the message was received and handled; `result` says how.
    return c.json(await handle(raw));
  });
  return app;
}
