// Passkeys for step-up in real Chromium with a virtual authenticator (the DevTools Protocol's
// WebAuthn domain): an approver registers a passkey on the Security page and approves a request
// that needs step-up with it; the same answer sent again (its challenge spent, and made for another
// request) is refused, and so is an answer made on another origin. The dashboard is reached as
// http://localhost:<port>, its public URL: WebAuthn needs a domain (not an IP) in a secure context.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, CDPSession } from 'playwright-core';
import { MovableClock } from '../helpers/clock.js';
import { KEYS, type TestServer } from '../helpers/harness.js';
import { freeLoopbackPort, onLoopback } from '../helpers/net.js';
import { assertNoProblems, fileRequest, openTab, screenshot, startBrowserAndServer, type Tab } from '../web/browser.js';

describe('step-up with a passkey (Chromium, virtual authenticator)', () => {
  let browser: Browser;
  let server: TestServer;
  let tab: Tab;
  let cdp: CDPSession;
  let authenticatorId = '';
  let base = '';
  let port = 0;
  const clock = new MovableClock();
  const critical = (title: string) => fileRequest(server, { title, action_type: 'deploy', preview: 'kubectl apply -f prod.yaml', priority: 'critical' });
  const auditOf = async (action: string) => ((await server.call('admin', 'GET', '/v1/audit?limit=500')).body.items as { action: string; request_id: string | null; detail: any }[]).filter((e) => e.action === action);

  before(async () => {
    port = await freeLoopbackPort();
    base = `http://localhost:${port}`;
    [browser, server] = await startBrowserAndServer({ server: { host: '127.0.0.1', port, public_url: base }, step_up: { priorities: ['critical'] } }, { clock, policy: undefined });
    tab = await openTab(browser);
    cdp = await tab.context.newCDPSession(tab.page);
    await cdp.send('WebAuthn.enable');
    ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', { options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true } }));
    await tab.page.goto(`${base}/`);
    await tab.page.fill('#signin-key', KEYS.approver);
    await tab.page.click('form.signin button[type=submit]');
    await tab.page.waitForSelector('body[data-live="on"]');
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('registers a passkey on the Security page', async () => {
    await tab.page.goto(`${base}/#/security`);
    await tab.page.click('[data-act=passkey-add]');
    await tab.page.waitForSelector('li.passkey');
    const stored = await server.store.listPasskeys('alice');
    assert.equal(stored.length, 1);
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.equal(credentials.length, 1, 'the virtual authenticator holds it');
    assert.equal(Buffer.from(credentials[0].credentialId, 'base64').toString('base64url'), stored[0].id);
    assert.deepEqual((await auditOf('step_up.passkey_added')).length, 1);
    await screenshot(tab.page, 'step-up-passkeys');
    assertNoProblems(tab);
  });

  let captured: unknown = null;

  it('approves a step-up request with the passkey from the code dialog', async () => {
    const id = await critical('Deploy with a passkey');
    tab.page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith(`/v1/requests/${id}/decision`)) captured = JSON.parse(r.postData() ?? 'null')?.step_up?.passkey ?? null;
    });
    await tab.page.goto(`${base}/#/r/${id}`);
    await tab.page.click('[data-act=approve-once]');
    await tab.page.waitForSelector('[data-act=step-up-passkey]:not([hidden])');
    await tab.page.click('[data-act=step-up-passkey]');
    await tab.page.waitForSelector('dialog.step-up', { state: 'detached' });
    const r = (await server.store.getRequest(id))!;
    assert.equal(r.status, 'approved');
    assert.equal(r.decision?.decided_by, 'alice');
    assert.equal((await auditOf('request.approved')).find((e) => e.request_id === id)?.detail.step_up, 'passkey');
    assert.ok(captured, 'the page sent the passkey answer');
    assert.ok((await server.store.listPasskeys('alice'))[0].last_used_at);
    assertNoProblems(tab);
  });

  it('refuses the same passkey answer again (its challenge is spent, and was for another request)', async () => {
    const id = await critical('Replay');
    const r = await server.call('approver', 'POST', `/v1/requests/${id}/decision`, { outcome: 'approved', step_up: { passkey: captured } });
    assert.equal(r.status, 403, r.text);
    assert.equal(r.body.error.code, 'STEP_UP_PASSKEY_INVALID');
    assert.match(r.body.error.message, /challenge/);
    assert.equal((await server.store.getRequest(id))!.status, 'pending');
  });

  it('refuses an answer made on another origin, and malformed answers, deciding nothing', async () => {
    const id = await critical('Wrong origin');
    const optionsJSON = (await server.call('approver', 'POST', '/v1/step-up/passkeys/challenge', { request_id: id })).body;
    assert.equal(optionsJSON.rpId, 'localhost');
    // Another site on the same host (another port: another origin, the same RP ID "localhost"): the
    // authenticator answers, and the browser writes that page's origin into what it signs.
    const lib = readFileSync(join('dist', 'web-client', 'vendor', 'simplewebauthn-browser.js'));
    const other = await onLoopback(createServer((req, res) => {
      if (req.url === '/lib.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(lib);
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>another site</title>');
    }));
    const answer = await (async () => {
      try {
        await tab.page.goto(other.url.replace('127.0.0.1', 'localhost'));
        return await tab.page.evaluate(async (options) => {
          const lib = '/lib.js'; // served by the other site above
          await import(lib);
          return (globalThis as any).SimpleWebAuthnBrowser.startAuthentication({ optionsJSON: options });
        }, optionsJSON);
      } finally {
        await other.close();
      }
    })();
    assert.notEqual(JSON.parse(Buffer.from(answer.response.clientDataJSON, 'base64url').toString()).origin, base);
    const r = await server.call('approver', 'POST', `/v1/requests/${id}/decision`, { outcome: 'approved', step_up: { passkey: answer } });
    assert.equal(r.status, 403, r.text);
    assert.equal(r.body.error.code, 'STEP_UP_PASSKEY_INVALID');
    assert.match(r.body.error.message, /another site/);
    for (const bad of [{}, 'x', { id: 'a', rawId: 'a', type: 'public-key', response: {} }, { id: 'x'.repeat(5000), rawId: 'x', type: 'public-key', response: {} }]) {
      const m = await server.call('approver', 'POST', `/v1/requests/${id}/decision`, { outcome: 'approved', step_up: { passkey: bad } });
      assert.ok([400, 403].includes(m.status), m.text);
      assert.match(m.body.error.code, /VALIDATION_FAILED|STEP_UP_PASSKEY_INVALID/);
    }
    assert.equal((await server.store.getRequest(id))!.status, 'pending');
    assert.ok((await auditOf('step_up.passkey_refused')).length >= 2);
  });
});
