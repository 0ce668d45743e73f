// The dashboard's HTTP surface: headers (CSP, caching), sign-in with key / password / one-time link,
// the cookie's flags, CSRF on every cookie-authenticated change, sign-out, restarts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/core/ids.js';
import { hashPassword } from '../../src/web/password.js';
import { signInLinks } from '../../src/web/web-channel.js';
import { KEYS, type TestServer } from '../helpers/harness.js';
import { bashRequest, fileRequest, startDashboardServer } from './browser.js';
import { post, signInHttp, withCookie } from './http-helpers.js';

const PASSWORD = 'correct horse battery staple';
let hash: string;
let server: TestServer;

const approvers = (extra: Record<string, unknown> = {}) => [
  { name: 'alice', key: KEYS.approver, telegram_user_id: 42, email: 'alice@example.com', password_hash: hash, ...extra },
  { name: 'bob', key: KEYS.otherApprover },
];

before(async () => {
  hash = await hashPassword(PASSWORD, { N: 2 ** 14 });
  server = await startDashboardServer({ approvers: approvers(), channels: { web: { max_failed_sign_ins: 3 } } });
});
after(() => server.stop());

describe('the dashboard page and its assets', () => {
  it('serves the shell at / with a strict CSP, frame-ancestors none, and no caching', async () => {
    const res = await fetch(`${server.url}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    for (const part of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'", "connect-src 'self'"]) assert.ok(csp.includes(part), `CSP lacks ${part}: ${csp}`);
    assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'));
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    const html = await res.text();
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i, 'no inline script');
    assert.doesNotMatch(html, /\sstyle=|<style/i, 'no inline style');
    assert.match(html, /src="\/assets\/[0-9a-f]{16}\/web\/client\/main\.js"/);
  });

  it('serves assets under a build hash as immutable for a year; an old build is served but not cached', async () => {
    const html = await (await fetch(`${server.url}/`)).text();
    const base = /href="(\/assets\/[0-9a-f]{16})\/app\.css"/.exec(html)![1];
    // The client, and the shared modules it is compiled with (src/text, src/channels/action.ts), at their paths under src/.
    for (const [file, type] of [['web/client/main.js', /javascript/], ['app.css', /text\/css/], ['web/client/queue.js', /javascript/], ['text/invisible.js', /javascript/], ['channels/action.js', /javascript/]] as const) {
      const res = await fetch(`${server.url}${base}/${file}`);
      assert.equal(res.status, 200, file);
      assert.match(res.headers.get('content-type') ?? '', type);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      const again = await fetch(`${server.url}${base}/${file}`, { headers: { 'if-none-match': res.headers.get('etag')! } });
      assert.equal(again.status, 304);
    }
    const stale = await fetch(`${server.url}/assets/0000000000000000/web/client/main.js`);
    assert.equal(stale.status, 200);
    assert.equal(stale.headers.get('cache-control'), 'no-cache');
    assert.equal((await fetch(`${server.url}${base}/nope.js`)).status, 404);
    assert.equal((await fetch(`${server.url}${base}/..%2Fpackage.json`)).status, 404);
    for (const evil of ['web/../../package.json', 'web/client/..%2F..%2F..%2Fpackage.json', '/etc/passwd', 'web//client/main.js', 'channels/email/escape.js']) {
      assert.equal((await fetch(`${server.url}${base}/${evil}`)).status, 404, evil);
    }
  });
});

describe('signing in with a key', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie (not Secure over plain HTTP) and returns the CSRF token', async () => {
    const { status, session, body } = await signInHttp(server, { key: KEYS.approver });
    assert.equal(status, 200);
    assert.equal(body.name, 'alice');
    assert.equal(body.role, 'approver');
    assert.match(body.csrf_token, /^[A-Za-z0-9_-]{43}$/);
    assert.match(session!.setCookie, /HttpOnly/);
    assert.match(session!.setCookie, /SameSite=Strict/);
    assert.match(session!.setCookie, /Path=\//);
    assert.doesNotMatch(session!.setCookie, /Secure/);
    const me = await withCookie(server, session!, 'GET', '/v1/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.name, 'alice');
  });

  it('marks the cookie Secure behind HTTPS (X-Forwarded-Proto) in auto mode', async () => {
    const { session } = await signInHttp(server, { key: KEYS.approver }, { 'x-forwarded-proto': 'https' });
    assert.match(session!.setCookie, /; Secure/);
  });

  it('refuses agent keys with 403 and sets no cookie', async () => {
    const res = await signInHttp(server, { key: KEYS.agent });
    assert.equal(res.status, 403);
    assert.equal(res.session, null);
    assert.equal(res.headers.get('set-cookie'), null);
    assert.match(res.body.error.message, /Agent keys cannot sign in/);
  });

  it('refuses unknown keys with 401, and a cross-site or non-JSON sign-in', async () => {
    assert.equal((await signInHttp(server, { key: 'not-a-key-0123456789abcdef' })).status, 401);
    assert.equal((await signInHttp(server, { key: KEYS.approver }, { 'sec-fetch-site': 'cross-site' })).status, 403);
    assert.equal((await signInHttp(server, { key: KEYS.approver }, { origin: 'https://evil.example' })).status, 403);
    assert.equal((await post(server, '/auth/login', JSON.stringify({ key: KEYS.approver }), { 'content-type': 'text/plain' })).status, 415);
  });
});

describe('the session cookie under the API auth rules', () => {
  it('authorizes GETs, but every change made with the cookie needs the session X-CSRF-Token (403 without)', async () => {
    const { session } = await signInHttp(server, { key: KEYS.approver });
    const id = await fileRequest(server, bashRequest('git status'));
    const missing = await withCookie(server, session!, 'POST', `/v1/requests/${id}/decision`, { outcome: 'approved' }, { csrf: null });
    assert.equal(missing.status, 403);
    assert.equal(missing.body.error.details.reason, 'csrf');
    const wrong = await withCookie(server, session!, 'POST', `/v1/requests/${id}/decision`, { outcome: 'approved' }, { csrf: 'x'.repeat(43) });
    assert.equal(wrong.status, 403);
    assert.equal((await server.call(null, 'GET', `/v1/requests/${id}`)).status, 401);
    assert.equal((await withCookie(server, session!, 'GET', `/v1/requests/${id}`)).body.status, 'pending', 'a refused change changed nothing');
    const ok = await withCookie(server, session!, 'POST', `/v1/requests/${id}/decision`, { outcome: 'approved' }, { headers: { 'x-greenlight-via': 'web' } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.decision.decided_by, 'alice');
    assert.equal(ok.body.decision.via, 'web');
  });

  it('keys need no CSRF token', async () => {
    const id = await fileRequest(server, bashRequest('ls'));
    assert.equal((await server.call('approver', 'POST', `/v1/requests/${id}/decision`, { outcome: 'denied' })).status, 200);
  });

  it('keeps the role of the key: an approver session cannot file requests or manage keys; an admin session can', async () => {
    const { session: approver } = await signInHttp(server, { key: KEYS.approver });
    assert.equal((await withCookie(server, approver!, 'POST', '/v1/requests', { title: 'x' })).status, 403);
    assert.equal((await withCookie(server, approver!, 'GET', '/v1/keys')).status, 403);
    const { session: admin } = await signInHttp(server, { key: KEYS.admin });
    assert.equal((await withCookie(server, admin!, 'GET', '/v1/keys')).status, 200);
    const created = await withCookie(server, admin!, 'POST', '/v1/keys', { role: 'agent', name: 'made-in-ui' });
    assert.equal(created.status, 201);
  });

  it('signing out ends the session: the same cookie then gets 401', async () => {
    const { session } = await signInHttp(server, { key: KEYS.approver });
    assert.equal((await withCookie(server, session!, 'POST', '/auth/logout', undefined, { csrf: null })).status, 403, 'sign-out needs the CSRF token too');
    const out = await withCookie(server, session!, 'POST', '/auth/logout');
    assert.equal(out.status, 200);
    assert.match(out.headers.get('set-cookie') ?? '', /greenlight_session=;.*Max-Age=0/);
    assert.equal((await withCookie(server, session!, 'GET', '/v1/me')).status, 401);
    assert.equal((await withCookie(server, session!, 'GET', '/auth/session')).body.signed_in, false);
  });

  it('ends a key session when that key is revoked', async () => {
    const made = await server.call('admin', 'POST', '/v1/keys', { role: 'approver', name: 'temp-approver' });
    const { session } = await signInHttp(server, { key: made.body.key });
    assert.equal((await withCookie(server, session!, 'GET', '/v1/me')).status, 200);
    await server.call('admin', 'DELETE', `/v1/keys/${made.body.id}`);
    assert.equal((await withCookie(server, session!, 'GET', '/v1/me')).status, 401);
  });

  it('records sign-ins and refusals in the audit log', async () => {
    const audit = await server.call('admin', 'GET', '/v1/audit?limit=200');
    const actions = audit.body.items.map((e: any) => e.action);
    assert.ok(actions.includes('web.signed_in'));
    assert.ok(actions.includes('web.signed_out'));
    assert.ok(actions.includes('web.sign_in_failed'));
    assert.ok(actions.includes('web.sign_in_refused'));
  });
});

describe('signing in with a password', () => {
  it('accepts the name and password of an approver with an scrypt password_hash', async () => {
    const res = await signInHttp(server, { name: 'alice', password: PASSWORD });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.method, 'password');
    assert.equal((await withCookie(server, res.session!, 'GET', '/v1/me')).body.name, 'alice');
    assert.equal((await fetch(`${server.url}/auth/session`)).status, 200);
  });

  it('refuses a wrong password or an unknown name with 401, then throttles with 429', async () => {
    assert.equal((await signInHttp(server, { name: 'bob', password: PASSWORD })).status, 401, 'bob has no password');
    for (let i = 0; i < 3; i++) assert.equal((await signInHttp(server, { name: 'alice', password: 'wrong password' })).status, 401);
    const limited = await signInHttp(server, { name: 'alice', password: PASSWORD });
    assert.equal(limited.status, 429, 'even the right password waits out the window');
  });
});

describe('one-time sign-in links', () => {
  let clock: ManualClock;
  let s: TestServer;
  before(async () => {
    clock = new ManualClock(Date.now());
    s = await startDashboardServer({ approvers: approvers() }, { clock });
  });
  after(() => s.stop());
  const links = () => signInLinks({ store: s.store, clock, config: s.config, publicUrl: s.url });
  const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;

  it('opening the link shows a confirmation page and uses nothing up; the POST signs in once', async () => {
    const link = await links().createSignInLink('alice');
    assert.ok(link.startsWith(`${s.url}/auth/link?token=`));
    for (let i = 0; i < 2; i++) {
      const page = await fetch(link);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
      const html = await page.text();
      assert.match(html, /Sign in as alice\?/);
      assert.match(html, /<form method="post" action="\/auth\/link">/);
    }
    const form = (token: string) => fetch(`${s.url}/auth/link`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${token}`, redirect: 'manual' });
    const first = await form(tokenOf(link));
    assert.equal(first.status, 303);
    assert.equal(first.headers.get('location'), '/');
    const cookie = /greenlight_session=[^;]+/.exec(first.headers.get('set-cookie') ?? '')![0];
    const me = await fetch(`${s.url}/v1/me`, { headers: { cookie } });
    assert.equal(((await me.json()) as { name: string }).name, 'alice');
    const second = await form(tokenOf(link));
    assert.equal(second.status, 410, 'a link works once');
    assert.equal(second.headers.get('set-cookie'), null);
    assert.equal((await fetch(link)).status, 410);
  });

  it('expires after link_ttl_sec', async () => {
    const link = await links().createSignInLink('alice');
    clock.advance(15 * 60_000 + 1);
    assert.equal((await fetch(link)).status, 410);
    const res = await fetch(`${s.url}/auth/link`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${tokenOf(link)}`, redirect: 'manual' });
    assert.equal(res.status, 410);
  });

  it('is only for configured approvers and admins', async () => {
    await assert.rejects(links().createSignInLink('agent-a'), /not a configured approver/);
    await assert.rejects(links().createSignInLink('nobody'), /not a configured approver/);
    const admin = await links().createSignInLink('root');
    assert.match(await (await fetch(admin)).text(), /Sign in as root\?/);
  });
});

describe('sessions across restarts', () => {
  it('survive a restart, and end when the approver is removed from the config', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'greenlight-web-'));
    try {
      let s = await startDashboardServer({ approvers: approvers() }, { dataDir });
      const { session } = await signInHttp(s, { name: 'alice', password: PASSWORD });
      const { session: byKey } = await signInHttp(s, { key: KEYS.approver });
      await s.stop();
      s = await startDashboardServer({ approvers: approvers() }, { dataDir });
      assert.equal((await withCookie(s, session!, 'GET', '/v1/me')).status, 200);
      assert.equal((await withCookie(s, byKey!, 'GET', '/v1/me')).status, 200);
      await s.stop();
      const other = await hashPassword('a different password', { N: 2 ** 10 });
      s = await startDashboardServer({ approvers: [{ name: 'alice', key: 'a-new-key-for-alice-0123456789', password_hash: other }] }, { dataDir });
      assert.equal((await withCookie(s, session!, 'GET', '/v1/me')).status, 401, 'a changed password ends password sessions');
      assert.equal((await withCookie(s, byKey!, 'GET', '/v1/me')).status, 401, 'a changed key ends key sessions');
      await s.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start with a malformed password_hash', async () => {
    await assert.rejects(startDashboardServer({ approvers: [{ name: 'alice', key: KEYS.approver, password_hash: 'plaintext-password' }] }), /password_hash/);
  });
});
