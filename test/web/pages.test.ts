// The other pages in real Chromium: history (search, filters, paging), agents and sessions, policy
// (rules, and the plain "not available" while the policy API is missing), the audit log, keys for
// admins; and signing in with a password or a one-time link; opt-in notifications.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { hashPassword } from '../../src/web/password.js';
import { signInLinks } from '../../src/web/web-channel.js';
import { KEYS, type TestServer } from '../helpers/harness.js';
import { assertNoProblems, bashRequest, dataIds, fileRequest, startBrowserAndServer, openTab, screenshot, signIn, waitCount, type Tab } from './browser.js';

const PASSWORD = 'a long dashboard password';
let browser: Browser;
let server: TestServer;
let tab: Tab;

before(async () => {
  const password_hash = await hashPassword(PASSWORD, { N: 2 ** 12 });
  [browser, server] = await startBrowserAndServer({
    approvers: [{ name: 'alice', key: KEYS.approver, password_hash }, { name: 'bob', key: KEYS.otherApprover }],
    projects: [{ name: 'webapp', directories: ['/srv/webapp'], allow: ['Bash(npm test *)'], deny: ['Bash(rm -rf /)'] }],
    policy: { allow: ['Read(./**)'], ask: ['Bash(git push *)'], deny: ['Bash(curl * | sh)'] },
  });
  tab = await openTab(browser);
  await signIn(tab, server);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('history', () => {
  const ids: string[] = [];
  before(async () => {
    for (let i = 0; i < 60; i++) ids.push(await fileRequest(server, bashRequest(`echo item-${String(i).padStart(2, '0')}`, { title: `Item ${String(i).padStart(2, '0')}`, session_id: i % 2 ? 'sess-odd' : 'sess-even' })));
    await fileRequest(server, bashRequest('make deploy', { title: 'Deploy webapp', project: 'webapp' }), 'otherAgent');
    for (const id of ids.slice(0, 5)) await server.call('approver', 'POST', `/v1/requests/${id}/decision`, { outcome: 'denied', comment: 'no' });
  });

  it('pages through everything, newest first, 50 at a time', async () => {
    await tab.page.goto(`${server.url}/#/history`);
    await waitCount(tab.page, 'ul.history li.item', 50);
    assert.match(await tab.page.textContent('ul.history li.item .item-title') ?? '', /Deploy webapp/);
    await tab.page.click('button:text("Load more")');
    await waitCount(tab.page, 'ul.history li.item', 61);
    assert.equal(await tab.page.locator('button:text("Load more")').isVisible(), false);
    await screenshot(tab.page, 'history');
  });

  it('filters by status, agent, project, text and date — on the server', async () => {
    await tab.page.selectOption('#h-status', 'denied');
    await tab.page.click('form.filters button[type=submit]');
    await waitCount(tab.page, 'ul.history li.item', 5);
    assert.deepEqual((await dataIds(tab.page, 'ul.history li.item')).sort(), ids.slice(0, 5).sort());
    assert.match(await tab.page.evaluate(() => (globalThis as any).location.hash), /status=denied/);
    await tab.page.selectOption('#h-status', '');
    await tab.page.fill('#h-agent', 'agent-b');
    await tab.page.click('form.filters button[type=submit]');
    await waitCount(tab.page, 'ul.history li.item', 1);
    await tab.page.fill('#h-agent', '');
    await tab.page.fill('#h-project', 'webapp');
    await tab.page.click('form.filters button[type=submit]');
    await waitCount(tab.page, 'ul.history li.item', 1);
    await tab.page.fill('#h-project', '');
    await tab.page.fill('#h-q', 'item-4');
    await tab.page.click('form.filters button[type=submit]');
    await waitCount(tab.page, 'ul.history li.item', 10);
    await tab.page.fill('#h-from', '2001-01-01');
    await tab.page.fill('#h-to', '2001-12-31');
    await tab.page.click('form.filters button[type=submit]');
    await tab.page.waitForSelector('p[role=status]:text("No request matches")');
  });

  it('opens a decided request from history with its decision', async () => {
    await tab.page.goto(`${server.url}/#/history?status=denied`);
    await tab.page.waitForSelector('ul.history li.item');
    await tab.page.click(`ul.history li[data-id="${ids[0]}"] a`);
    await tab.page.waitForSelector('section.decision');
    assert.match(await tab.page.textContent('section.decision') ?? '', /Denied[\s\S]*alice via api[\s\S]*no/);
  });
});

describe('agents, policy, audit', () => {
  it('lists agents with last seen, pending counts and sessions', async () => {
    await tab.page.goto(`${server.url}/#/agents`);
    await tab.page.waitForSelector('section.agent');
    const text = await tab.page.textContent('main') ?? '';
    assert.match(text, /agent-a[\s\S]*55 pending[\s\S]*sess-odd[\s\S]*sess-even/);
    assert.match(text, /agent-b[\s\S]*1 pending/);
    await screenshot(tab.page, 'agents');
  });

  it('shows the configured rules, and says so plainly when the server has no policy API', async () => {
    const t = await openTab(browser);
    await signIn(t, server);
    const missing = JSON.stringify({ error: { code: 'NOT_FOUND', message: 'There is no route', request_id: 'x' } });
    await t.page.route(/\/v1\/(grants|policy\/evaluate)/, (route) => route.fulfill({ status: 404, contentType: 'application/json', body: missing }));
    await t.page.goto(`${server.url}/#/policy`);
    await t.page.waitForSelector('.rule-sets');
    const rules = (await t.page.textContent('.card:has(#rules-title)')) ?? '';
    for (const r of ['Read(./**)', 'Bash(git push *)', 'Bash(curl * | sh)', 'Project webapp', 'Bash(npm test *)', 'Bash(rm -rf /)']) assert.ok(rules.includes(r), r);
    await t.page.waitForSelector('.card:has(#grants-title) .not-available:text("policy API not available on this server")');
    await t.page.fill('#dry-what', 'git push origin main');
    await t.page.fill('#dry-cwd', '/srv/webapp');
    assert.equal(await t.page.textContent('.dry-question'), 'Would Bash(git push origin main) in /srv/webapp be allowed?');
    await t.page.click('form.dry-run button[type=submit]');
    await t.page.waitForSelector('.dry-result .not-available:text("policy API not available on this server")');
    await t.context.close();
  });

  it('runs a dry run and revokes a grant through the policy API', async (ctx) => {
    const probe = await server.call('approver', 'POST', '/v1/policy/evaluate', { tool: 'Bash', input: { command: 'ls' } });
    if (probe.status === 404) return ctx.skip('this build has no policy API yet');
    await tab.page.goto(`${server.url}/#/policy`);
    await tab.page.fill('#dry-what', 'git push origin main');
    await tab.page.fill('#dry-cwd', '/srv/webapp');
    await tab.page.click('form.dry-run button[type=submit]');
    await tab.page.waitForSelector('.dry-result .verdict .badge');
    assert.equal(await tab.page.textContent('.dry-result .verdict .badge'), 'ask');
    await screenshot(tab.page, 'policy');
    // Grants for any project are an admin's to give and take back.
    const grant = await server.call('admin', 'POST', '/v1/grants', { rule: 'Bash(npm run lint *)', agent: 'agent-a' });
    assert.equal(grant.status, 201, grant.text);
    const admin = await openTab(browser);
    await signIn(admin, server, 'admin');
    await admin.page.goto(`${server.url}/#/policy`);
    const row = `.card:has(#grants-title) tr[data-id="${grant.body.id}"]`;
    await admin.page.waitForSelector(row);
    await admin.page.click(`${row} button:text("Revoke")`);
    await admin.page.click(`${row} button:text("Click again to revoke")`);
    await admin.page.waitForSelector(row, { state: 'detached' });
    const after = await server.call('admin', 'GET', '/v1/grants?include_revoked=true');
    assert.ok(after.body.items.find((g: any) => g.id === grant.body.id).revoked_at);
    await admin.context.close();
  });

  it('pages the audit log', async () => {
    for (let i = 0; i < 40; i++) await fileRequest(server, { title: `Audit filler ${i}` }, 'otherAgent');
    await tab.page.goto(`${server.url}/#/audit`);
    await waitCount(tab.page, 'table.audit tbody tr', 100);
    await tab.page.click('button:text("Older")');
    await tab.page.waitForFunction(() => (globalThis as any).document.querySelectorAll('table.audit tbody tr').length > 100);
    assert.match(await tab.page.textContent('table.audit') ?? '', /request\.denied/);
  });

  it('hides key management from approvers', async () => {
    assert.equal(await tab.page.locator('nav.nav a[data-page=keys]').count(), 0);
    assertNoProblems(tab);
  });
});

describe('admins, passwords, links, notifications', () => {
  it('lets an admin create a key (shown once) and revoke it', async () => {
    const admin = await openTab(browser);
    await signIn(admin, server, 'admin');
    await admin.page.click('nav.nav a[data-page=keys]');
    await admin.page.waitForSelector('form.keys-form');
    await admin.page.selectOption('#key-role', 'agent');
    await admin.page.fill('#key-name', 'ci-bot');
    await admin.page.click('form.keys-form button[type=submit]');
    await admin.page.waitForSelector('#created-secret');
    const secret = await admin.page.inputValue('#created-secret');
    assert.match(secret, /^gla/);
    assert.equal((await fetch(`${server.url}/v1/me`, { headers: { authorization: `Bearer ${secret}` } })).status, 200);
    await admin.page.waitForSelector('tr:has-text("ci-bot") button:text("Revoke")');
    await screenshot(admin.page, 'keys');
    await admin.page.click('tr:has-text("ci-bot") button:text("Revoke")');
    await admin.page.click('tr:has-text("ci-bot") button:text("Click again to revoke")');
    await admin.page.waitForSelector('tr:has-text("ci-bot") td:text("revoked")');
    assert.equal((await fetch(`${server.url}/v1/me`, { headers: { authorization: `Bearer ${secret}` } })).status, 401);
    assertNoProblems(admin);
    await admin.context.close();
  });

  it('lets an admin end an agent session, revoking its grants', async (ctx) => {
    const grant = await server.call('admin', 'POST', '/v1/grants', { rule: 'Bash(make *)', agent: 'agent-a', session_id: 'sess-odd' });
    if (grant.status === 404) return ctx.skip('this build has no policy API yet');
    assert.equal(grant.status, 201, grant.text);
    const admin = await openTab(browser);
    await signIn(admin, server, 'admin');
    await admin.page.click('nav.nav a[data-page=agents]');
    const row = 'section.agent tr:has(td:text-is("sess-odd"))';
    await admin.page.waitForSelector(`${row} button:text("End session")`);
    await admin.page.waitForSelector(`section.agent tr[data-id="${grant.body.id}"]`);
    await admin.page.click(`${row} button:text("End session")`);
    await admin.page.click(`${row} button:text("Click again: revoke its grants")`);
    await admin.page.waitForSelector(`section.agent tr[data-id="${grant.body.id}"]`, { state: 'detached' });
    const after = await server.call('admin', 'GET', '/v1/grants?include_revoked=true');
    assert.ok(after.body.items.find((g: any) => g.id === grant.body.id).revoked_at);
    assert.equal(await tab.page.locator('button:text("End session")').count(), 0, 'approvers do not get the button');
    await admin.context.close();
  });

  it('signs in with a name and password', async () => {
    const t = await openTab(browser);
    await t.page.goto(`${server.url}/`);
    await t.page.waitForSelector('#signin-password');
    await t.page.fill('#signin-name', 'alice');
    await t.page.fill('#signin-password', 'wrong password!');
    await t.page.click('button:text("Sign in with password")');
    await t.page.waitForSelector('.form-error:text("name or the password is wrong")');
    await t.page.fill('#signin-password', PASSWORD);
    await t.page.click('button:text("Sign in with password")');
    await t.page.waitForSelector('.who:text("alice · approver")');
    await t.context.close();
  });

  it('signs in with a one-time link, once', async () => {
    const link = await signInLinks({ store: server.store, clock: { now: () => Date.now() }, config: server.config, publicUrl: server.url }).createSignInLink('bob');
    const t = await openTab(browser, { viewport: { width: 390, height: 844 } });
    await t.page.goto(link);
    await t.page.waitForSelector('h2:text("Sign in as bob?")');
    await screenshot(t.page, 'link-confirm');
    await t.page.click('button:text("Sign in")');
    await t.page.waitForSelector('.who:text("bob · approver")');
    await t.page.goto(link);
    await t.page.waitForSelector('h2:text("no longer works")');
    await t.context.close();
  });

  it('asks for notification permission only on click, then notifies of new requests while the tab is hidden', async () => {
    const t = await openTab(browser);
    await t.page.addInitScript(() => {
      const g = globalThis as any;
      g.__notes = [];
      g.__asked = 0;
      class FakeNotification {
        static permission = 'default';
        static async requestPermission() {
          g.__asked++;
          FakeNotification.permission = 'granted';
          return 'granted';
        }
        constructor(title: string, options: { body?: string }) {
          g.__notes.push({ title, body: options?.body });
        }
        close() {}
      }
      g.Notification = FakeNotification;
      Object.defineProperty(g.document, 'visibilityState', { get: () => 'hidden' });
    });
    await signIn(t, server);
    await fileRequest(server, bashRequest('echo before opt-in', { title: 'Before opt-in' }));
    assert.equal(await t.page.evaluate(() => (globalThis as any).__asked), 0);
    await t.page.click('[data-act=notify]');
    await t.page.waitForSelector('[data-act=notify][aria-pressed=true]');
    await fileRequest(server, bashRequest('echo after opt-in', { title: 'After opt-in' }));
    await t.page.waitForFunction(() => (globalThis as any).__notes.length === 1);
    const notes = await t.page.evaluate(() => (globalThis as any).__notes);
    assert.deepEqual(notes, [{ title: 'Approval needed: agent-a', body: 'After opt-in' }]);
    await t.context.close();
  });
});
