// Plain HTTP against the dashboard's routes: sign in, keep the cookie, call with it.
import type { TestServer } from '../helpers/harness.js';

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface Session {
  cookie: string;
  csrf: string;
  setCookie: string;
}

export async function post(server: TestServer, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body), redirect: 'manual' });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, body: json, text };
}

export async function signInHttp(server: TestServer, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ status: number; session: Session | null; body: any; headers: Headers }> {
  const res = await post(server, '/auth/login', body, headers);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const m = /greenlight_session=([^;]+)/.exec(setCookie);
  return { status: res.status, body: res.body, headers: res.headers, session: m && res.status === 200 ? { cookie: `greenlight_session=${m[1]}`, csrf: res.body.csrf_token, setCookie } : null };
}

/** fetch with the session cookie (and, unless told otherwise, its CSRF token on changes). */
export async function withCookie(server: TestServer, s: Session, method: string, path: string, body?: unknown, options: { csrf?: string | null; headers?: Record<string, string> } = {}): Promise<Reply> {
  const headers: Record<string, string> = { cookie: s.cookie, ...options.headers };
  const csrf = options.csrf === undefined ? s.csrf : options.csrf;
  if (method !== 'GET' && csrf !== null) headers['x-csrf-token'] = csrf;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(server.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'manual' });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, body: json, text };
}
