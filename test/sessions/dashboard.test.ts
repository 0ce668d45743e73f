// The dashboard's Agents view in real Chromium, with a session of the real Agent SDK and Claude
// Code (offline against the loopback Messages API mock): started from the page, its status moves
// live from working to "waiting for approval" when its Bash call is filed, and to idle once an
// approver approves and the turn ends; the session page streams its transcript. Agent text is shown
// as text, never markup.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic.js';
import type { TestServer } from '../helpers/harness.js';
import { eventually } from '../telegram/emulator.js';
import { launchChromium, openTab, screenshot, signIn, startDashboardServer, type Tab } from '../web/browser.js';
import { claudeEnv, claudeWorkspace } from './fixtures.js';

describe('the Agents view in Chromium with a real Claude Code session', () => {
  let browser: Browser;
  let server: TestServer;
  let mock: MockAnthropic;
  let tab: Tab;
  const { project, home, remove } = claudeWorkspace('greenlight-agents-view-');

  before(async () => {
    mock = await startMockAnthropic();
    server = await startDashboardServer({ contexts: [{ name: 'site', directory: project, approvers: ['alice'] }], sessions: { env: claudeEnv(mock.url, home) } });
    browser = await launchChromium();
    tab = await openTab(browser);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    await mock?.close();
    remove();
  });

  it('shows the session go from working to waiting for approval to idle, live, and its transcript', async () => {
    await signIn(tab, server, 'approver');
    const { page } = tab;
    await page.goto(`${server.url}/#/agents`);
    await page.waitForSelector('form.start-session');
    mock.setTool({ name: 'Bash', input: { command: 'touch from-dashboard.txt && echo "<img src=x onerror=alert(1)>"', description: 'Make a file' } });
    await page.fill('#s-prompt', 'make a file from the dashboard');
    await page.click('form.start-session button[type=submit]');
    await page.waitForURL(/#\/agents\/ses_/);
    const id = decodeURIComponent(page.url().split('#/agents/')[1]);

    // Back on the list: the row turns to "Waiting for approval" without a reload.
    await page.goto(`${server.url}/#/agents`);
    const badge = `table.sessions-table tr[data-id="${id}"] [data-status]`;
    await page.waitForSelector(`${badge}[data-status="waiting_approval"]`, { timeout: 60_000 });
    assert.match((await page.textContent(`table.sessions-table tr[data-id="${id}"]`)) ?? '', /Waiting for approval.*Bash/s);
    await screenshot(page, 'agents-waiting-for-approval');

    const pending = await eventually(async () => (await server.store.listRequests({ order: 'queue', status: ['pending'], agent: 'context:site', limit: 5 })).items[0], 'the filed Bash call');
    assert.ok(!existsSync(join(project, 'from-dashboard.txt')));
    const decided = await server.call('approver', 'POST', `/v1/requests/${pending.id}/decision`, { outcome: 'approved' });
    assert.equal(decided.status, 200, decided.text);
    await page.waitForSelector(`${badge}[data-status="idle"]`, { timeout: 60_000 });
    assert.ok(existsSync(join(project, 'from-dashboard.txt')));

    // The session page: the transcript, the tool line and the agent's text as text.
    await page.goto(`${server.url}/#/agents/${encodeURIComponent(id)}`);
    await page.waitForSelector('.transcript .t-result');
    const transcript = (await page.textContent('.transcript')) ?? '';
    assert.match(transcript, /make a file from the dashboard/);
    assert.match(transcript, /Bash: touch from-dashboard\.txt/);
    assert.match(transcript, /<img src=x onerror=alert\(1\)>/);
    assert.equal(await page.locator('.transcript img').count(), 0);
    await screenshot(page, 'agent-session-page');
    assert.deepEqual(tab.problems, []);
  });
});
