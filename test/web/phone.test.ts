// The dashboard on a phone (390×844, touch), light and dark: the queue, a request with the decision
// bar in thumb reach, approving from it, and the other pages.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { TestServer } from '../helpers/harness.js';
import { assertNoProblems, bashRequest, fileRequest, startBrowserAndServer, openTab, screenshot, signIn, type Tab } from './browser.js';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

let browser: Browser;
let server: TestServer;

before(async () => {
  [browser, server] = await startBrowserAndServer();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** No element sticks out sideways: the page never scrolls horizontally. */
async function assertNoSideScroll(tab: Tab, where: string): Promise<void> {
  const w = await tab.page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth);
  assert.ok(w <= 390, `${where}: the page is ${w}px wide on a 390px screen`);
}

describe('on a phone', () => {
  let tab: Tab;
  let id: string;
  before(async () => {
    tab = await openTab(browser, PHONE);
    await tab.page.goto(`${server.url}/`);
    await tab.page.waitForSelector('#signin-key');
    await screenshot(tab.page, 'phone-sign-in');
    await signIn(tab, server);
    id = await fileRequest(server, bashRequest('docker compose up -d --build && docker system prune -af', { title: 'Restart the stack', priority: 'high', context: 'The web container is stuck; a rebuild fixes it.' }));
    await fileRequest(server, { title: 'Which branch should I merge into?', question: { options: ['main', 'release/1.4'] } });
    await fileRequest(server, { title: 'Update the CHANGELOG', tool: 'Edit', input: { file_path: '/repo/CHANGELOG.md', old_string: '## Unreleased\n', new_string: '## Unreleased\n- Fix the login loop\n' } });
  });

  it('shows the queue full width with the tab bar at the bottom', async () => {
    await tab.page.waitForSelector(`li.item[data-id="${id}"]`);
    const nav = await tab.page.locator('nav.nav').boundingBox();
    assert.ok(nav && nav.y + nav.height >= 844 - 1 && nav.width >= 389, 'tab bar along the bottom edge');
    assert.equal(await tab.page.locator('.detail-pane').isVisible(), false);
    const item = await tab.page.locator(`li.item[data-id="${id}"]`).boundingBox();
    assert.ok(item && item.width > 340);
    await assertNoSideScroll(tab, 'queue');
    await screenshot(tab.page, 'phone-queue');
  });

  it('opens a request with Deny / Approve in thumb reach, and approves from there', async () => {
    const waiting = server.call('agent', 'GET', `/v1/requests/${id}/wait?timeout_sec=30`);
    await tab.page.tap(`li.item[data-id="${id}"] a`);
    await tab.page.waitForSelector(`article.detail[data-id="${id}"]`);
    assert.equal(await tab.page.locator('.list-pane').isVisible(), false, 'one thing at a time');
    assert.equal(await tab.page.locator('nav.nav').isVisible(), false, 'the tab bar makes room for the decision bar');
    const bar = await tab.page.locator('.decide-bar').boundingBox();
    assert.ok(bar && bar.y + bar.height <= 844 + 1 && bar.y > 844 - 120, `decision bar at the bottom (${JSON.stringify(bar)})`);
    const buttons = await tab.page.locator('.decide-bar .btn').all();
    for (const b of buttons) assert.ok(((await b.boundingBox())?.height ?? 0) >= 44, 'buttons are at least 44px tall');
    await assertNoSideScroll(tab, 'detail');
    await screenshot(tab.page, 'phone-detail');
    await screenshot(tab.page, 'phone-detail-full', true);
    await tab.page.tap('.decide-bar .btn.approve');
    const res = await waiting;
    assert.equal(res.body.status, 'approved');
    assert.equal(res.body.decision.via, 'web');
    // The page moves on to the next request by itself.
    await tab.page.waitForFunction((done) => {
      const d = (globalThis as any).document;
      const open = d.querySelector('article.detail')?.getAttribute('data-id');
      return open && open !== done && (globalThis as any).location.hash === `#/queue/${open}`;
    }, id);
  });

  it('takes Deny… from the bar to the reason field', async () => {
    await tab.page.goto(`${server.url}/#/`);
    await tab.page.waitForSelector('li.item');
    await tab.page.tap('li.item:has-text("CHANGELOG") a');
    await tab.page.waitForSelector('article.detail .diff');
    await screenshot(tab.page, 'phone-edit-diff');
    await tab.page.tap('.decide-bar .btn.deny');
    await tab.page.waitForFunction(() => (globalThis as any).document.activeElement?.id === 'deny-reason');
    await tab.page.tap('a.back');
    await tab.page.waitForSelector('.list-pane li.item');
  });

  it('lays out history, agents, policy and audit without sideways scrolling', async () => {
    for (const [hash, ready, name] of [
      ['#/history', 'ul.history li.item', 'phone-history'],
      ['#/agents', 'section.agent', 'phone-agents'],
      ['#/policy', '.rule-sets', 'phone-policy'],
      ['#/audit', 'table.audit tbody tr', 'phone-audit'],
    ] as const) {
      await tab.page.goto(`${server.url}/${hash}`);
      await tab.page.waitForSelector(ready);
      await assertNoSideScroll(tab, hash);
      await screenshot(tab.page, name);
    }
    assertNoProblems(tab);
  });
});

describe('dark mode on a phone', () => {
  it('follows the system setting, and the theme button overrides it', async () => {
    const tab = await openTab(browser, { ...PHONE, colorScheme: 'dark' });
    await signIn(tab, server);
    await tab.page.waitForSelector('li.item');
    const bg = () => tab.page.evaluate(() => (globalThis as any).getComputedStyle((globalThis as any).document.body).backgroundColor);
    assert.equal(await bg(), 'rgb(13, 17, 23)');
    await screenshot(tab.page, 'phone-queue-dark');
    await tab.page.tap('li.item:has-text("Which branch") a');
    await tab.page.waitForSelector('form.question');
    await screenshot(tab.page, 'phone-question-dark');
    await tab.page.tap('a.back');
    await tab.page.tap('[data-act=theme]');
    await tab.page.waitForFunction(() => (globalThis as any).document.documentElement.dataset.theme === 'light');
    assert.equal(await bg(), 'rgb(246, 248, 250)');
    assertNoProblems(tab);
    await tab.context.close();
  });
});
