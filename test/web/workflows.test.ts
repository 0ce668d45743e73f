// The dashboard shows a workflow's progress in real Chromium: the count and the ladder's step on
// the request, kept current when someone votes elsewhere, a vote in the page that leaves the
// request pending, and only approve / deny offered while several must approve.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { TestServer } from '../helpers/harness.js';
import { assertNoProblems, bashRequest, fileRequest, openTab, screenshot, signIn, startBrowserAndServer, type Tab } from './browser.js';

let browser: Browser;
let server: TestServer;
let tab: Tab;

before(async () => {
  [browser, server] = await startBrowserAndServer({
    groups: [{ name: 'sre', members: ['alice', 'bob'] }],
    workflows: [{ name: 'prod-deploy', match: { tags: ['prod'] }, quorum: { approvals: 2 }, approvers: ['group:sre'], ladder: [{ who: ['group:sre'], wait: '10m' }] }],
  });
  tab = await openTab(browser);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('workflow progress on the dashboard', () => {
  it('shows the count and the step, updates it live, and counts a vote made in the page', async () => {
    await signIn(tab, server);
    const id = await fileRequest(server, bashRequest('kubectl apply -f prod.yaml', { tags: ['prod'], title: 'Deploy <b>prod</b>' }));
    await tab.page.goto(`${server.url}/#/r/${id}`);
    const progress = `section.progress[data-progress-for="${id}"]`;
    await tab.page.waitForSelector(progress);
    assert.match((await tab.page.textContent(progress)) ?? '', /0 of 2 approvals.*Step 1 of 1: asked alice \(member of sre\), bob \(member of sre\)/s);
    assert.match((await tab.page.textContent(progress)) ?? '', /Needs 2 distinct approvers of: alice, bob\./);
    // Only plain votes are offered: no "always", no edit.
    assert.equal(await tab.page.locator(`article.detail[data-id="${id}"] [data-act=approve-once]`).count(), 1);
    assert.equal(await tab.page.locator(`article.detail[data-id="${id}"] button:has-text("Always")`).count(), 0);
    assert.equal(await tab.page.locator(`article.detail[data-id="${id}"] [data-act=approve-edited]`).count(), 0);
    // bob votes elsewhere: the page follows without a reload.
    const bob = await server.call('otherApprover', 'POST', `/v1/requests/${id}/decision`, { outcome: 'approved' });
    assert.equal(bob.body.status, 'pending');
    await tab.page.waitForSelector(`${progress}:has-text("1 of 2 approvals — bob approved")`, { timeout: 5000 });
    await screenshot(tab.page, 'workflow-progress');
    // alice completes it from the page; the agent's waiting call returns.
    const waiting = server.call('agent', 'GET', `/v1/requests/${id}/wait?timeout_sec=30`);
    await tab.page.click(`article.detail[data-id="${id}"] [data-act=approve-once]`);
    const res = await waiting;
    assert.equal(res.body.status, 'approved');
    assert.equal(res.body.decision.decided_by, 'bob, alice');
    assert.deepEqual(res.body.workflow.progress.slice(0, 1), ['2 of 2 approvals — bob and alice approved']);
    await tab.page.waitForSelector(`article.detail dd:has-text("2 of 2 approvals — bob and alice approved")`, { timeout: 5000 });
    await screenshot(tab.page, 'workflow-decided');
    assertNoProblems(tab);
  });
});
