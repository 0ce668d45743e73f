// Dashboard sign-in: with an approver/admin key, a password (scrypt), or a one-time link; sign-out;
// and "who am I + my CSRF token" for the client. Agent keys never sign in.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { hashKey } from '../auth/keyring.js';
import { GreenlightError } from '../core/errors.js';
import type { AppEnv } from '../http/context.js';
import { readJsonObject } from '../http/context.js';
import { limitsOf } from '../http/middleware.js';
import { linkConfirmPage, linkInvalidPage } from './link-page.js';
import { verifyPassword } from './password.js';
import { assertCsrf, clearSessionCookie, currentSession, setSessionCookie } from './session-auth.js';
import { configuredHuman, consumeLink, createSession, endSession, fingerprint, peekLink, type HumanRole, type SessionRecord, type SignInMethod } from './sessions.js';
import type { WebConfig } from './web-config.js';
import { PAGE_HEADERS } from './assets.js';

type Ctx = Context<AppEnv>;

const NO_STORE = { 'Cache-Control': 'no-store' };

/** Sign-in must come from a page of this server: refuses cross-site posts (login CSRF). */
function assertSameOrigin(c: Ctx): void {
  const site = c.req.header('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') throw new GreenlightError('FORBIDDEN', 'Sign in from the dashboard page of this server.', { details: { reason: 'cross_site' } });
  const origin = c.req.header('origin');
  if (!origin || origin === 'null') return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    throw new GreenlightError('FORBIDDEN', 'The Origin header is not a URL.');
  }
  const allowed = [c.req.header('host'), c.req.header('x-forwarded-host')?.split(',')[0]?.trim()];
  const pub = c.get('deps').config.server.public_url;
  if (pub) allowed.push(new URL(pub).host);
  if (!allowed.includes(host)) throw new GreenlightError('FORBIDDEN', 'Sign in from the dashboard page of this server.', { details: { reason: 'cross_site' } });
}

function clientAddress(c: Ctx): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

const sessionBody = (rec: SessionRecord) => ({
  signed_in: true,
  name: rec.name,
  role: rec.role,
  method: rec.method,
  csrf_token: rec.csrf,
  expires_at: new Date(rec.expires_at).toISOString(),
});

export function authRoutes(web: WebConfig, assets: () => string): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // Failed sign-ins spend tokens per name, and (more loosely: people share addresses) per client
  // address: max_failed_sign_ins refill every 15 minutes. Past that, sign-in is refused with 429.
  // The buckets are the cluster's, so the count holds across instances.
  const rateOf = (k: string) => {
    const burst = k.startsWith('ip:') ? web.max_failed_sign_ins * 5 : web.max_failed_sign_ins;
    return { burst, perMinute: burst / 15 };
  };
  const failures = {
    async check(c: Ctx, keys: string[], now: number) {
      for (const k of keys) {
        const wait = await limitsOf(c.get('deps')).take(`signin:${k}`, 0, rateOf(k), now);
        if (wait > 0) {
          const retry = Math.ceil(wait / 1000);
          throw new GreenlightError('RATE_LIMITED', `Too many failed sign-ins; try again in ${retry} s.`, { details: { retry_after_sec: retry } });
        }
      }
    },
    async fail(c: Ctx, k: string, now: number) {
      await limitsOf(c.get('deps')).take(`signin:${k}`, 1, rateOf(k), now);
    },
  };

  async function start(c: Ctx, principal: { keyId: string; role: HumanRole; name: string; projects: string[] }, method: SignInMethod, extra: Pick<SessionRecord, 'key_hash' | 'pw'> = {}) {
    const { gate } = c.get('deps');
    const { token, record } = await createSession(gate.deps.store, gate.deps.clock, web.session_ttl_sec, principal, method, extra);
    setSessionCookie(c, web, token);
    await gate.record({ kind: principal.role, name: principal.name }, 'web.signed_in', { method }, 'web');
    return record;
  }

  async function failed(c: Ctx, keys: string[], method: SignInMethod, name: string | null, message: string): Promise<never> {
    const now = c.get('deps').gate.deps.clock.now();
    for (const k of keys) await failures.fail(c, k, now);
    c.get('deps').metrics.inc('greenlight_auth_failures_total', { reason: `web_${method}` });
    await c.get('deps').gate.record({ kind: 'system', name: 'web' }, 'web.sign_in_failed', { method, ...(name ? { name: name.slice(0, 100) } : {}) }, 'web');
    throw new GreenlightError('UNAUTHENTICATED', message);
  }

  app.get('/auth/session', async (c) => {
    const session = await currentSession(c);
    if (session) return c.json(sessionBody(session.record), 200, NO_STORE);
    const { config } = c.get('deps');
    const passwords = [...config.approvers, ...config.admins].some((p) => Boolean(p.password_hash));
    return c.json({ signed_in: false, password_sign_in: passwords }, 200, NO_STORE);
  });

  app.post('/auth/login', async (c) => {
    assertSameOrigin(c);
    if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) throw new GreenlightError('UNSUPPORTED_MEDIA_TYPE', 'Send the sign-in as application/json: {"key": "..."} or {"name": "...", "password": "..."}.');
    const body = await readJsonObject(c);
    const deps = c.get('deps');
    const now = deps.gate.deps.clock.now();
    const ip = `ip:${clientAddress(c)}`;
    if (typeof body.key === 'string') {
      await failures.check(c, [ip], now);
      const principal = await deps.keyring.authenticate(body.key.trim());
      if (!principal) return failed(c, [ip], 'key', null, 'That key is not known to this server, or it was revoked.');
      if (principal.role === 'agent') {
        await deps.gate.record({ kind: 'agent', name: principal.name }, 'web.sign_in_refused', { reason: 'agent key' }, 'web');
        throw new GreenlightError('FORBIDDEN', 'Agent keys cannot sign in to the dashboard: it is for approvers and admins. Use an approver or admin key.');
      }
      const rec = await start(c, { ...principal, role: principal.role }, 'key', { key_hash: hashKey(body.key.trim()) });
      return c.json(sessionBody(rec), 200, NO_STORE);
    }
    if (typeof body.name === 'string' && typeof body.password === 'string') {
      const name = body.name.trim().slice(0, 100);
      const nameKey = `name:${name.toLowerCase()}`;
      await failures.check(c, [ip, nameKey], now);
      const candidates = [configuredHuman(deps.config, name, 'approver'), configuredHuman(deps.config, name, 'admin')].filter((p) => p?.passwordHash);
      let match = null;
      for (const p of candidates) if (await verifyPassword(body.password, p!.passwordHash)) match = p;
      if (candidates.length === 0) await verifyPassword(body.password, null); // same time for unknown names
      if (!match) return failed(c, [ip, nameKey], 'password', name, 'The name or the password is wrong.');
      const { passwordHash, ...principal } = match;
      const rec = await start(c, principal, 'password', { pw: fingerprint(passwordHash!) });
      return c.json(sessionBody(rec), 200, NO_STORE);
    }
    throw new GreenlightError('VALIDATION_FAILED', 'Send {"key": "<approver or admin key>"} or {"name": "...", "password": "..."}.');
  });

  app.post('/auth/logout', async (c) => {
    const session = await currentSession(c);
    if (session) {
      assertCsrf(c, session.record);
      const { gate } = c.get('deps');
      await endSession(gate.deps.store, session.token);
      await gate.record({ kind: session.record.role, name: session.record.name }, 'web.signed_out', null, 'web');
    }
    clearSessionCookie(c, web);
    return c.json({ signed_in: false }, 200, NO_STORE);
  });

  app.get('/auth/link', async (c) => {
    const token = c.req.query('token');
    const { store, clock } = c.get('deps').gate.deps;
    const link = await peekLink(store, clock, token);
    const headers = { ...PAGE_HEADERS, ...NO_STORE };
    if (!link || !token) return c.html(linkInvalidPage(assets()), 410, headers);
    return c.html(linkConfirmPage(assets(), token, link), 200, headers);
  });

  app.post('/auth/link', async (c) => {
    assertSameOrigin(c);
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const token = typeof form.token === 'string' ? form.token : undefined;
    const deps = c.get('deps');
    const link = await consumeLink(deps.gate.deps.store, deps.gate.deps.clock, token);
    const human = link ? configuredHuman(deps.config, link.name, link.role) : null;
    if (!human) {
      await deps.gate.record({ kind: 'system', name: 'web' }, 'web.sign_in_failed', { method: 'link' }, 'web');
      return c.html(linkInvalidPage(assets()), 410, { ...PAGE_HEADERS, ...NO_STORE });
    }
    const { passwordHash: _unused, ...principal } = human;
    await start(c, principal, 'link');
    return c.redirect('/', 303);
  });

  return app;
}
