// The dashboard's channel page in real Chromium, over a real ntfy channel (the loopback fake ntfy
// server): the state, last delivery, last error and backlog GET /v1/channels reports, escaped.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { ntfyChannelFactory } from '../../src/channels/ntfy/ntfy-channel.js';
import { webChannel } from '../../src/web/web-channel.js';
import { eventually } from '../email/fixtures.js';
import { KEYS, type TestServer } from '../helpers/harness.js';
import { FakeNtfy } from '../ntfy/fake-ntfy.js';
import { assertNoProblems, launchChromium, openTab, screenshot, signIn, startDashboardServer, type Tab } from './browser.js';

let browser: Browser;
let server: TestServer;
let ntfy: FakeNtfy;
let tab: Tab;

before(async () => {
  ntfy = await FakeNtfy.start();
  [browser, server] = await Promise.all([
    launchChromium(),
    startDashboardServer(
      {
        approvers: [{ name: 'alice', key: KEYS.approver }],
        // Retries stay quick, but never run out while the page loads on a busy machine.
        delivery: { backoff_base_ms: 50, backoff_max_ms: 200, max_attempts: 100 },
        channels: { ntfy: { server_url: ntfy.url, topics: [{ topic: 'gl-alice-page', approver: 'alice' }] } },
      },
      { channels: [webChannel, ntfyChannelFactory] },
    ),
  ]);
  tab = await openTab(browser);
  await signIn(tab, server);
});
after(async () => {
  await browser?.close();
  await server?.stop();
  await ntfy?.close();
});

const file = async () => (await server.call('agent', 'POST', '/v1/requests', { title: 'Push me', tool: 'Bash', input: { command: 'make deploy' } })).body.id as string;

describe('the channels page', { timeout: 120_000 }, () => {
  it('shows each channel, a failing send with its error and backlog, then OK once it delivers', async () => {
    ntfy.outage = 503;
    const id = await file();
    await eventually(async () => ((await server.store.listOutbox({ request_id: id, limit: 5 })).some((i) => i.attempts >= 1) ? true : undefined));
    await tab.page.click('nav a[data-page=channels]');
    await tab.page.waitForSelector('table.channels tr[data-id=ntfy] [data-state=failing]');
    const row = await tab.page.textContent('table.channels tr[data-id=ntfy]') ?? '';
    assert.match(row, /ntfy answered 503/);
    assert.match(row, /1 waiting/);
    assert.match(row, /server: http:\/\/127\.0\.0\.1/);
    assert.ok(await tab.page.$('table.channels tr[data-id=web]'), 'the dashboard itself is listed');
    await screenshot(tab.page, 'channels-failing');
    ntfy.outage = null;
    await eventually(async () => (ntfy.forRequest(id).length ? true : undefined));
    await tab.page.reload();
    await tab.page.waitForSelector('table.channels tr[data-id=ntfy] [data-state=ok]');
    assert.match(await tab.page.textContent('table.channels tr[data-id=ntfy]') ?? '', /0 waiting/);
    await screenshot(tab.page, 'channels-ok');
    assertNoProblems(tab);
  });
});
