// Cookie sign-in for the dashboard, under the same auth rules as keys: a valid session cookie maps
// to the principal that signed in, and requireAuth (src/http/middleware.ts) asks sessionPrincipal()
// when no key was sent. Every cookie-authenticated change (any method but GET/HEAD/OPTIONS) must
// carry the session's X-CSRF-Token; key-authenticated calls need none.
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { GreenlightError } from '../core/errors.js';
import type { Principal } from '../core/types.js';
import type { AppEnv } from '../http/context.js';
import { constantEqual, principalOfSession, readSession, sessionStillValid, type SessionRecord } from './sessions.js';
import { webConfigOf, type WebConfig } from './web-config.js';

export const SESSION_COOKIE = 'greenlight_session';
export const CSRF_HEADER = 'X-CSRF-Token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

type AnyCtx = Context<AppEnv>;

function webConfig(c: AnyCtx): WebConfig | null {
  try {
    const web = webConfigOf(c.get('deps').config);
    return web.enabled ? web : null;
  } catch {
    return null; // a malformed section fails at startup (the web channel factory); never sign in with it
  }
}

/** The live session behind the request's cookie, or null (no cookie, unknown, expired, credential gone). */
export async function currentSession(c: AnyCtx): Promise<{ token: string; record: SessionRecord } | null> {
  if (!webConfig(c)) return null;
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return null;
  const deps = c.get('deps');
  const { store, clock } = deps.gate.deps;
  const record = await readSession(store, clock, token);
  if (!record || !(await sessionStillValid(record, deps.config, store))) return null;
  return { token, record };
}

/** Throws 403 unless a cookie-authenticated change carries the session's CSRF token. */
export function assertCsrf(c: AnyCtx, record: SessionRecord): void {
  if (SAFE_METHODS.has(c.req.method)) return;
  const sent = c.req.header(CSRF_HEADER);
  if (!sent || !constantEqual(sent, record.csrf)) {
    throw new GreenlightError('FORBIDDEN', `Changes made with the dashboard's session cookie need the ${CSRF_HEADER} header of that session (GET /auth/session gives it). Reload the dashboard, or send an API key instead.`, {
      details: { reason: 'csrf' },
    });
  }
}

/**
 * The principal of the request's dashboard session, or null when there is none. Throws 403 when a
 * cookie-authenticated change lacks its CSRF token. This is the one hook requireAuth calls.
 */
export async function sessionPrincipal(c: AnyCtx): Promise<Principal | null> {
  const session = await currentSession(c);
  if (!session) return null;
  assertCsrf(c, session.record);
  return principalOfSession(session.record);
}

/** Whether the session cookie gets the Secure flag: configured, or `auto` = the request came over HTTPS. */
export function cookieIsSecure(c: AnyCtx, web: WebConfig): boolean {
  if (web.cookie_secure !== 'auto') return web.cookie_secure;
  const forwarded = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  return forwarded === 'https' || new URL(c.req.url).protocol === 'https:';
}

export function setSessionCookie(c: AnyCtx, web: WebConfig, token: string): void {
  setCookie(c, SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'Strict', secure: cookieIsSecure(c, web), maxAge: web.session_ttl_sec });
}

export function clearSessionCookie(c: AnyCtx, web: WebConfig): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'Strict', secure: cookieIsSecure(c, web) });
}
