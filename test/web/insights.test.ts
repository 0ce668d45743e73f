// The Insights page in real Chromium on a phone and a desktop, over the seeded insights history:
// the figures and charts, hostile names shown as text (no markup runs, bidi written out), the
// suggestions with an admin's one-click add and none for an approver, no CSP violation, no
// sideways scrolling on a phone, charts drawn at the width they are shown. Screenshots:
// test-artifacts/web/insights-*.png.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { TestServer } from '../helpers/harness.js';
import { NOW, PROJECTS, seedStore } from '../insights/seed.js';
import { assertNoProblems, openTab, screenshot, signIn, startBrowserAndServer, unnamedControls, type Tab } from './browser.js';

let browser: Browser;
let server: TestServer;

before(async () => {
  [browser, server] = await startBrowserAndServer({ projects: PROJECTS }, { clock: { now: () => NOW } });
  await seedStore(server.store, server.dataDir);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});


async function openInsights(tab: Tab, days = 30): Promise<void> {
  await tab.page.goto(`${server.url}/#/insights?days=${days}`);
  await tab.page.waitForSelector('.insights-page .tiles');
}

/** Each chart is drawn at the width it is shown at: its labels are neither squeezed (phone) nor stretched (desktop). */
async function assertChartsAtSize(tab: Tab): Promise<void> {
  const sizes = await tab.page.$$eval('svg.chart', (els: any[]) => els.map((e) => [e.viewBox.baseVal.width, e.getBoundingClientRect().width]));
  assert.equal(sizes.length, 2);
  for (const [drawn, shown] of sizes) assert.ok(Math.abs(drawn - shown) <= 2, `a chart drawn ${drawn} wide is shown ${shown} wide`);
}

describe('the Insights page', () => {
  it('shows the figures, both charts and the suggestions on a desktop; hostile names stay text', async () => {
    const tab = await openTab(browser);
    await signIn(tab, server, 'admin');
    await openInsights(tab);
    const tiles = await tab.page.$$eval('.tile-value', (els: any[]) => els.map((e) => e.textContent));
    assert.equal(tiles[0], '35', 'asks over 30 days');
    assert.equal(tiles[1], '14%', 'answered by the policy: 5 of 35');
    assert.equal(await tab.page.locator('svg.chart').count(), 2);
    assert.ok((await tab.page.locator('svg.chart rect').count()) > 10);
    assert.deepEqual(await tab.page.$$eval('.suggestion-rule', (els: any[]) => els.map((e) => e.textContent)), ['Bash(npm run lint *)', 'Bash(cargo fmt --check)']);
    const text = await tab.page.evaluate(() => (globalThis as any).document.body.textContent as string);
    assert.match(text, /Approved 4×, denied 0×, by 2 people \(alice, bob\)\. Would have answered 5 asks/);
    // The hostile agent and title are text: no element was made from them, no script ran, bidi is written out.
    assert.equal(await tab.page.evaluate(() => (globalThis as any).__xss), undefined);
    assert.equal(await tab.page.locator('img[src="x"], .insights-page script').count(), 0);
    assert.ok(text.includes('<img src=x onerror="globalThis.__xss=1">'), 'the name reads as it was sent');
    assert.ok(!/[\u202a-\u202e\u2066-\u2069]/.test(text), 'no live bidi control in the page');
    assert.ok((await tab.page.locator('.insights-page .invisible-char').count()) > 0, 'bidi shown as a mark');
    assert.deepEqual(await unnamedControls(tab.page), []);
    await assertChartsAtSize(tab);
    await tab.page.setViewportSize({ width: 1280, height: 2400 });
    await screenshot(tab.page, 'insights-desktop', true);
    assertNoProblems(tab);
    await tab.context.close();
  });

  it('lets an admin add a suggestion with two clicks; it becomes a grant and leaves the list', async () => {
    const tab = await openTab(browser);
    await signIn(tab, server, 'admin');
    await openInsights(tab, 7);
    const card = tab.page.locator('li.suggestion', { hasText: 'Bash(cargo fmt --check)' });
    const button = card.locator('button');
    assert.equal(await button.textContent(), 'Add to api');
    await button.click();
    assert.equal(await button.textContent(), 'Click again to add');
    assert.equal((await server.store.listGrants({})).length, 0, 'one click adds nothing');
    await button.click();
    await tab.page.waitForFunction(() => ![...(globalThis as any).document.querySelectorAll('.suggestion-rule')].some((e: any) => e.textContent === 'Bash(cargo fmt --check)'));
    const grants = await server.store.listGrants({});
    assert.deepEqual(grants.map((g) => [g.rule, g.project, g.agent, g.effect, g.scope]), [['Bash(cargo fmt --check)', 'api', null, 'allow', 'always']]);
    assertNoProblems(tab);
    await tab.context.close();
  });

  it('shows an approver their projects only, without an Add button, on a phone without sideways scrolling', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const tab = await openTab(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: scheme });
      await signIn(tab, server, 'approver');
      await openInsights(tab);
      const text = await tab.page.evaluate(() => (globalThis as any).document.body.textContent as string);
      assert.match(text, /Your projects: web/);
      assert.ok(!text.includes('cargo fmt'), 'nothing of project api');
      assert.equal(await tab.page.locator('li.suggestion button').count(), 0, 'approvers cannot add rules');
      assert.match(text, /An admin can add it\./);
      const width = await tab.page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth);
      assert.ok(width <= 390, `the page is ${width}px wide on a 390px screen`);
      await assertChartsAtSize(tab);
      const nav = await tab.page.$$eval('nav.nav a', (els: any[]) => els.map((e) => e.scrollWidth <= e.clientWidth + 1));
      assert.ok(nav.every(Boolean), 'every tab label fits its tab');
      await screenshot(tab.page, `insights-phone-${scheme}`);
      await screenshot(tab.page, `insights-phone-${scheme}-full`, true);
      assertNoProblems(tab);
      await tab.context.close();
    }
  });
});
