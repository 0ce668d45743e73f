// Limits on a grant from the dashboard, in real Chromium: an approver approves "always, for 30
// minutes, at most 2 times" from the request page; the gate allows exactly what is left; the policy
// page shows the uses left and the expiry, and revoking it makes the next request ask again. A
// request that names its machine offers "Only on <host>": the grant then fits that machine only.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { TestServer } from '../helpers/harness.js';
import { assertNoProblems, bashRequest, fileRequest, openTab, signIn, startBrowserAndServer, type Tab } from './browser.js';

let browser: Browser;
let server: TestServer;
let tab: Tab;

before(async () => {
  // The real policy (the dashboard tests leave it out by default): grants are what this is about.
  [browser, server] = await startBrowserAndServer({}, { policy: undefined });
  tab = await openTab(browser);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('grant limits on the dashboard', () => {
  it('approves always for 30 minutes and at most 2 times; the policy page shows what is left and revokes it', async () => {
    await signIn(tab, server);
    const command = 'make lint-fix';
    const id = await fileRequest(server, bashRequest(command));
    await tab.page.goto(`${server.url}/#/r/${id}`);
    const panel = `article.detail[data-id="${id}"]`;
    await tab.page.waitForSelector(`${panel} fieldset.grant-limits`);
    await tab.page.fill(`${panel} #grant-minutes`, '30');
    await tab.page.fill(`${panel} #grant-uses`, '2');
    await tab.page.click(`${panel} button:text("Always")`);
    await tab.page.click(`${panel} button:text("Click again: always allow")`);
    const decided = async () => (await server.call('admin', 'GET', `/v1/requests/${id}`)).body;
    for (let i = 0; i < 100 && (await decided()).status === 'pending'; i++) await new Promise((r) => setTimeout(r, 50));
    const r = await decided();
    assert.equal(r.status, 'approved');
    assert.equal(r.decision.scope, 'always');
    const grant = (await server.call('admin', 'GET', '/v1/grants?include_revoked=true')).body.items.find((g: any) => g.source_request_id === id);
    assert.equal(grant.max_uses, 2);
    assert.equal(Date.parse(grant.expires_at) - Date.parse(grant.created_at), 30 * 60_000);

    // One use spent by the agent; the policy page says one is left and when it ends.
    const next = await server.call('agent', 'POST', '/v1/requests', bashRequest(command));
    assert.equal(next.body.status, 'approved');
    const admin = await openTab(browser);
    await signIn(admin, server, 'admin');
    await admin.page.goto(`${server.url}/#/policy`);
    const row = `.card:has(#grants-title) tr[data-id="${grant.id}"]`;
    await admin.page.waitForSelector(`${row}:has-text("1 / 2 (1 left)")`);
    assert.ok(await admin.page.locator(`${row} time[data-expires]`).count(), 'the expiry is shown');
    await admin.page.click(`${row} button:text("Revoke")`);
    await admin.page.click(`${row} button:text("Click again to revoke")`);
    await admin.page.waitForSelector(row, { state: 'detached' });
    const asked = await server.call('agent', 'POST', '/v1/requests', bashRequest(command));
    assert.equal(asked.body.status, 'pending', 'revoked: the next one asks');
    await admin.context.close();
    assertNoProblems(tab);
  });

  it('shows the machine a request came from, approves "only on" it, and the grants table says so', async () => {
    const command = 'make host-only';
    const host = 'build-7.example.internal';
    const id = await fileRequest(server, bashRequest(command, { host }));
    await tab.page.goto(`${server.url}/#/r/${id}`);
    const panel = `article.detail[data-id="${id}"]`;
    await tab.page.waitForSelector(`${panel} dl.meta dd:text-is("${host}")`);
    await tab.page.check(`${panel} #grant-host`);
    assert.equal(await tab.page.textContent(`${panel} label[for="grant-host"]`), ` Only on ${host}`);
    await tab.page.click(`${panel} button:text("For this session")`);
    const decided = async () => (await server.call('admin', 'GET', `/v1/requests/${id}`)).body;
    for (let i = 0; i < 100 && (await decided()).status === 'pending'; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal((await decided()).status, 'approved');
    const grant = (await server.call('admin', 'GET', '/v1/grants')).body.items.find((g: any) => g.source_request_id === id);
    assert.equal(grant.host, host);
    assert.equal((await server.call('agent', 'POST', '/v1/requests', bashRequest(command, { host }))).body.status, 'approved');
    assert.equal((await server.call('agent', 'POST', '/v1/requests', bashRequest(command, { host: 'other-box' }))).body.status, 'pending', 'another machine asks');

    const admin = await openTab(browser);
    await signIn(admin, server, 'admin');
    await admin.page.goto(`${server.url}/#/policy`);
    await admin.page.waitForSelector(`.card:has(#grants-title) tr[data-id="${grant.id}"]:has-text("session · only on ${host}")`);
    await admin.context.close();

    // A request that names no machine offers no host limit.
    const plain = await fileRequest(server, bashRequest('make no-host'));
    await tab.page.goto(`${server.url}/#/r/${plain}`);
    await tab.page.waitForSelector(`article.detail[data-id="${plain}"] fieldset.grant-limits`);
    assert.equal(await tab.page.locator(`article.detail[data-id="${plain}"] #grant-host`).count(), 0);
    assertNoProblems(tab);
  });
});
