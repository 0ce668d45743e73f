// Every title, preview, answer and condition value is attacker-controlled text. In real Chromium,
// a payload in every field must render as text: no element, no handler, no script run — checked in
// the DOM, so it holds even where the CSP would have blocked the script anyway.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { TestServer } from '../helpers/harness.js';
import { assertNoProblems, fileRequest, startBrowserAndServer, openTab, screenshot, signIn, type Tab } from './browser.js';

const P = `<img src=x onerror="globalThis.__xss=1"><script>globalThis.__xss=2</script>"'><svg onload="globalThis.__xss=3"></svg>&amp;`;
const SHORT = `<img src=x onerror=globalThis.__xss=4>`;

let browser: Browser;
let server: TestServer;
let tab: Tab;

before(async () => {
  [browser, server] = await startBrowserAndServer();
  tab = await openTab(browser);
  await signIn(tab, server);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Nothing from a payload became markup or ran; the payload text is on the page as text. */
async function assertInert(page: Page, where: string, mustShow = true): Promise<void> {
  const found = await page.evaluate(() => {
    const d = (globalThis as any).document;
    const bad = [...d.querySelectorAll('img, script:not([src]), svg, iframe, object, embed, [onerror], [onload], [onclick], a[href^="javascript"]')].map((e: any) => e.outerHTML.slice(0, 80));
    return { bad, xss: (globalThis as any).__xss ?? null, text: d.body.innerText as string };
  });
  assert.deepEqual(found.bad, [], `${where}: payload became elements`);
  assert.equal(found.xss, null, `${where}: payload ran`);
  if (mustShow) assert.ok(found.text.includes('<img src=x onerror='), `${where}: the payload is shown as text`);
}

const hostile = (extra: Record<string, unknown> = {}) => ({
  title: P,
  action_type: SHORT,
  preview: `${P}\n${P}`,
  context: P,
  requester: P,
  tags: [SHORT, '"><b>bold</b>'],
  session_id: P,
  cwd: P,
  metadata: { [P]: P },
  ...extra,
});

describe('hostile text in every field stays inert', () => {
  const ids: Record<string, string> = {};

  before(async () => {
    ids.bash = await fileRequest(server, hostile({ tool: 'Bash', input: { command: `echo ${P} | sh # ${P}`, description: P } }));
    ids.edit = await fileRequest(server, hostile({ tool: 'Edit', input: { file_path: P, old_string: `a\n${P}`, new_string: `${P}\nb` } }));
    ids.write = await fileRequest(server, hostile({ tool: 'Write', input: { file_path: P, content: P } }));
    ids.plain = await fileRequest(server, hostile({ tool: SHORT, input: { [P]: [P, { x: P }] } }));
    ids.question = await fileRequest(server, hostile({ question: { options: [{ label: P, description: P }, { key: 'B', label: SHORT }], allow_free_text: true } }));
    ids.conditions = await fileRequest(server, hostile({ conditions_schema: [{ name: 'why', type: 'text', label: P, description: P, required: true }, { name: 'pick', type: 'select', options: [P, SHORT] }] }));
  });

  it('in the queue list and in each request\'s detail', async () => {
    await tab.page.goto(`${server.url}/#/`);
    for (const id of Object.values(ids)) await tab.page.waitForSelector(`li.item[data-id="${id}"]`);
    await assertInert(tab.page, 'queue');
    for (const [kind, id] of Object.entries(ids)) {
      await tab.page.goto(`${server.url}/#/queue/${id}`);
      await tab.page.waitForSelector(`article.detail[data-id="${id}"] .decide`);
      await assertInert(tab.page, `detail of ${kind}`);
    }
    await tab.page.goto(`${server.url}/#/queue/${ids.bash}`);
    await tab.page.waitForSelector(`article.detail[data-id="${ids.bash}"] .tok-cmd`);
    await screenshot(tab.page, 'xss-detail');
  });

  it('in the bulk review dialog', async () => {
    await tab.page.goto(`${server.url}/#/`);
    await tab.page.waitForSelector(`li.item[data-id="${ids.plain}"]`);
    await tab.page.check(`li.item[data-id="${ids.plain}"] input.select`);
    await tab.page.check(`li.item[data-id="${ids.write}"] input.select`);
    await tab.page.click('[data-act=review-selected]');
    await tab.page.waitForSelector('dialog.bulk[open]');
    await assertInert(tab.page, 'bulk dialog');
    await tab.page.click('dialog.bulk footer .btn:text("Cancel")');
  });

  it('in decisions: a denial reason, condition values, an answer, an edited action — in history, detail and the audit log', async () => {
    const decide = (id: string, body: unknown) => server.call('approver', 'POST', `/v1/requests/${id}/decision`, body);
    assert.equal((await decide(ids.bash, { outcome: 'denied', comment: P })).status, 200);
    assert.equal((await decide(ids.conditions, { outcome: 'conditional', conditions: { why: P, pick: P }, comment: P })).status, 200);
    assert.equal((await decide(ids.question, { outcome: 'answered', answer: P })).status, 200);
    assert.equal((await decide(ids.plain, { outcome: 'approved', updated_input: { [P]: P } })).status, 200);
    await tab.page.goto(`${server.url}/#/history`);
    await tab.page.waitForSelector(`ul.history li[data-id="${ids.bash}"]`);
    await assertInert(tab.page, 'history');
    for (const id of [ids.bash, ids.conditions, ids.question, ids.plain]) {
      await tab.page.goto(`${server.url}/#/r/${id}`);
      await tab.page.waitForSelector(`article.detail[data-id="${id}"] section.decision`);
      await assertInert(tab.page, `decided ${id}`);
    }
    assert.ok((await tab.page.textContent('section.decision')) !== null);
    await tab.page.goto(`${server.url}/#/r/${ids.conditions}`);
    await tab.page.waitForSelector('dl.conditions-given');
    assert.equal(await tab.page.textContent('dl.conditions-given dd'), P);
    await screenshot(tab.page, 'xss-decided');
    await tab.page.goto(`${server.url}/#/audit`);
    await tab.page.waitForSelector('table.audit tbody tr');
    await assertInert(tab.page, 'audit log');
  });

  it('in a search for the payload itself', async () => {
    await tab.page.goto(`${server.url}/#/history`);
    await tab.page.fill('#h-q', '<img src=x');
    await tab.page.click('form.filters button[type=submit]');
    await tab.page.waitForSelector('ul.history li.item');
    await assertInert(tab.page, 'history search');
    assertNoProblems(tab);
  });
});
