// Step-up in real Chromium: an approver sets up an authenticator app on the Security page (the QR
// code is a server-made PNG the strict CSP shows), then approves a request that needs step-up
// through the code dialog: letters are refused in the page, a wrong code is refused by the server
// and said in the dialog, the right code approves.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { MovableClock } from '../helpers/clock.js';
import type { TestServer } from '../helpers/harness.js';
import { assertNoProblems, fileRequest, openTab, screenshot, signIn, startBrowserAndServer, type Tab } from '../web/browser.js';
import { codeAt } from './helpers.js';

describe('step-up in the dashboard (Chromium)', () => {
  let browser: Browser;
  let server: TestServer;
  let tab: Tab;
  const clock = new MovableClock();
  let secret = '';

  before(async () => {
    // The real policy (not the dashboard tests' "always ask"), so step_up is decided as in production.
    [browser, server] = await startBrowserAndServer({ step_up: { priorities: ['critical'] } }, { clock, policy: undefined });
    tab = await openTab(browser);
    await signIn(tab, server);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('sets up an authenticator app from a QR code and the text key, confirmed by its first code', async () => {
    await tab.page.goto(`${server.url}/#/security`);
    await tab.page.click('[data-act=totp-start]');
    await tab.page.waitForSelector('img.totp-qr');
    assert.match((await tab.page.getAttribute('img.totp-qr', 'src')) ?? '', /^data:image\/png;base64,/);
    assert.ok(await tab.page.$eval('img.totp-qr', (img: any) => img.complete && img.naturalWidth > 100), 'the QR code renders under the CSP');
    secret = (await tab.page.textContent('code.totp-secret')) ?? '';
    assert.match(secret, /^[A-Z2-7]{32}$/);
    await screenshot(tab.page, 'step-up-enrol');
    await tab.page.fill('#totp-confirm-code', '12345x');
    await tab.page.click('[data-act=totp-confirm]');
    await tab.page.waitForSelector('form.totp-confirm .form-error:not(:empty)');
    await tab.page.fill('#totp-confirm-code', codeAt(secret, clock.now()));
    await tab.page.click('[data-act=totp-confirm]');
    await tab.page.waitForSelector('.totp-state[data-state=enrolled]');
    assert.equal((await server.call('approver', 'GET', '/v1/step-up')).body.totp.state, 'enrolled');
    assert.equal((await tab.page.content()).includes(secret), false, 'the key is gone from the page');
    assertNoProblems(tab);
  });

  it('approves a request that needs step-up through the code dialog; wrong and malformed codes are said there', async () => {
    clock.offset += 60_000;
    const id = await fileRequest(server, { title: 'Deploy to production', action_type: 'deploy', preview: 'kubectl apply -f prod.yaml', priority: 'critical' });
    await tab.page.goto(`${server.url}/#/r/${id}`);
    await tab.page.waitForSelector(`article.detail[data-id="${id}"]`);
    assert.match((await tab.page.textContent('article.detail .badges')) ?? '', /needs your code/);
    assert.match((await tab.page.textContent('[data-step-up]')) ?? '', /Needs your code/);
    assert.equal(await tab.page.$('[data-act=approve-session]'), null, 'no approval for the session');
    await tab.page.click('[data-act=approve-once]');
    await tab.page.waitForSelector('dialog.step-up[open]');
    await tab.page.fill('#step-up-code', 'abc\u202edef');
    await tab.page.click('[data-act=step-up-confirm]');
    assert.match((await tab.page.textContent('dialog.step-up .form-error')) ?? '', /6 digits/);
    const wrong = String((Number(codeAt(secret, clock.now())) + 1) % 1_000_000).padStart(6, '0');
    await tab.page.fill('#step-up-code', wrong);
    await tab.page.click('[data-act=step-up-confirm]');
    await tab.page.waitForFunction(() => /Wrong code/.test((globalThis as any).document.querySelector('dialog.step-up .form-error')?.textContent ?? ''));
    assert.equal((await server.call('approver', 'GET', `/v1/requests/${id}`)).body.status, 'pending');
    await screenshot(tab.page, 'step-up-dialog');
    await tab.page.fill('#step-up-code', codeAt(secret, clock.now()));
    await tab.page.click('[data-act=step-up-confirm]');
    await tab.page.waitForSelector('dialog.step-up', { state: 'detached' });
    const r = (await server.call('approver', 'GET', `/v1/requests/${id}`)).body;
    assert.equal(r.status, 'approved');
    assert.equal(r.decision.via, 'web');
    assertNoProblems(tab);
  });
});
