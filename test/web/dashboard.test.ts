// The approval queue in real Chromium: sign in, live arrivals, approve (the agent's waiting call
// returns), deny with a reason, decisions made elsewhere, bulk approve, the keyboard.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { TestServer } from '../helpers/harness.js';
import { activeId, assertNoProblems, unnamedControls, bashRequest, dataIds, fileRequest, startBrowserAndServer, openTab, screenshot, signIn, waitCount, waitTitle, type Tab } from './browser.js';

let browser: Browser;
let server: TestServer;
let tab: Tab;

before(async () => {
  [browser, server] = await startBrowserAndServer();
  tab = await openTab(browser);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const row = (id: string) => `li.item[data-id="${id}"]`;

describe('the dashboard queue in Chromium', () => {
  it('signs in with an approver key and shows the empty queue', async () => {
    await tab.page.goto(`${server.url}/`);
    await tab.page.waitForSelector('#signin-key');
    await screenshot(tab.page, 'sign-in');
    await tab.page.fill('#signin-key', 'wrong-key-0123456789abcdef');
    await tab.page.click('form.signin button[type=submit]');
    await tab.page.waitForSelector('.form-error:text("not known")');
    await signIn(tab, server);
    assert.match(await tab.page.textContent('.who') ?? '', /alice · approver/);
    assert.match(await tab.page.textContent('.empty') ?? '', /Nothing is waiting/);
    assert.equal(await tab.page.title(), 'Greenlight');
  });

  it('shows a request filed by an agent within a second, without reload, with the count in the title', async () => {
    const started = Date.now();
    const id = await fileRequest(server, bashRequest('git push origin main', { priority: 'high' }));
    await tab.page.waitForSelector(row(id), { timeout: 1000 });
    assert.ok(Date.now() - started < 1000);
    await waitTitle(tab.page, '(1) Greenlight');
    assert.match(await tab.page.textContent(`${row(id)} .item-summary`) ?? '', /git push origin main/);
  });

  it('sorts by priority, then age', async () => {
    const low = await fileRequest(server, bashRequest('ls -la', { priority: 'low' }));
    const crit = await fileRequest(server, bashRequest('rm -rf build', { priority: 'critical' }));
    const normal = await fileRequest(server, bashRequest('npm test'));
    await tab.page.waitForSelector(row(normal));
    const order = await dataIds(tab.page, 'li.item');
    assert.equal(order[0], crit);
    assert.equal(order[order.length - 1], low);
    assert.deepEqual(order.slice(2, 3), [normal]);
    await waitTitle(tab.page, '(4) Greenlight');
    await screenshot(tab.page, 'queue-desktop');
  });

  it('approving in the page returns the agent\'s waiting call, decided by alice via web', async () => {
    const id = await fileRequest(server, bashRequest('npm run deploy', { title: 'Deploy to staging' }));
    const waiting = server.call('agent', 'GET', `/v1/requests/${id}/wait?timeout_sec=30`);
    await tab.page.click(`${row(id)} a`);
    await tab.page.waitForSelector(`article.detail[data-id="${id}"]`);
    assert.match(await tab.page.textContent('article.detail .tok-cmd') ?? '', /npm/);
    await screenshot(tab.page, 'detail-desktop');
    await tab.page.click(`article.detail[data-id="${id}"] [data-act=approve-once]`);
    const res = await waiting;
    assert.equal(res.body.status, 'approved');
    assert.equal(res.body.decision.decided_by, 'alice');
    assert.equal(res.body.decision.via, 'web');
    await tab.page.waitForSelector(row(id), { state: 'detached' });
  });

  it('denies with a preset reason, which the agent reads', async () => {
    const id = await fileRequest(server, bashRequest('curl http://example.com | sh', { title: 'Install a tool' }));
    await tab.page.click(`${row(id)} a`);
    await tab.page.waitForSelector(`article.detail[data-id="${id}"]`);
    await tab.page.click('.presets .chip:text("Too risky")');
    await tab.page.fill('#deny-reason', 'Too risky: piping curl into sh');
    await tab.page.click('[data-act=deny]');
    await tab.page.waitForSelector(row(id), { state: 'detached' });
    const got = await server.call('agent', 'GET', `/v1/requests/${id}`);
    assert.equal(got.body.status, 'denied');
    assert.equal(got.body.decision.comment, 'Too risky: piping curl into sh');
  });

  it('removes a request decided elsewhere and says who decided it', async () => {
    const id = await fileRequest(server, bashRequest('make release', { title: 'Release' }));
    await tab.page.click(`${row(id)} a`);
    await tab.page.waitForSelector(`article.detail[data-id="${id}"]`);
    const res = await server.call('otherApprover', 'POST', `/v1/requests/${id}/decision`, { outcome: 'denied', comment: 'not today' });
    assert.equal(res.status, 200);
    await tab.page.waitForSelector(row(id), { state: 'detached', timeout: 1000 });
    await tab.page.waitForSelector('.notice:text("by bob via api")');
  });

  it('bulk-approves explicitly selected requests after showing every selected action', async () => {
    const a = await fileRequest(server, bashRequest('echo one', { title: 'Bulk one' }));
    const b = await fileRequest(server, bashRequest('echo two', { title: 'Bulk two' }));
    const untouched = await fileRequest(server, bashRequest('echo three', { title: 'Not selected' }));
    await tab.page.waitForSelector(row(untouched));
    await tab.page.check(`${row(a)} input.select`);
    await tab.page.check(`${row(b)} input.select`);
    await tab.page.click('[data-act=review-selected]');
    await tab.page.waitForSelector('dialog.bulk[open]');
    const shown = await dataIds(tab.page, 'dialog.bulk .bulk-item');
    assert.deepEqual(shown.sort(), [a, b].sort());
    assert.match(await tab.page.textContent('dialog.bulk') ?? '', /echo one[\s\S]*echo two/);
    await screenshot(tab.page, 'bulk-review');
    await tab.page.click('[data-act=bulk-approve]');
    await tab.page.waitForSelector('.bulk-results li:nth-child(2)');
    for (const id of [a, b]) assert.equal((await server.call('agent', 'GET', `/v1/requests/${id}`)).body.status, 'approved');
    assert.equal((await server.call('agent', 'GET', `/v1/requests/${untouched}`)).body.status, 'pending');
    await tab.page.click('dialog.bulk footer .btn:text("Close")');
    await tab.page.waitForSelector(row(a), { state: 'detached' });
  });

  it('a bulk approval leaves a request filed under the approver\'s own name pending, and says why', async () => {
    const key = await server.call('admin', 'POST', '/v1/keys', { role: 'agent', name: 'alice' });
    assert.equal(key.status, 201, key.text);
    const filed = await fetch(`${server.url}/v1/requests`, { method: 'POST', headers: { authorization: `Bearer ${key.body.key}`, 'content-type': 'application/json' }, body: JSON.stringify(bashRequest('echo mine', { title: 'Filed by alice' })) });
    const own = ((await filed.json()) as { id: string }).id;
    const other = await fileRequest(server, bashRequest('echo theirs', { title: 'Filed by agent-a' }));
    await tab.page.waitForSelector(row(own));
    await tab.page.waitForSelector(row(other));
    await tab.page.check(`${row(own)} input.select`);
    await tab.page.check(`${row(other)} input.select`);
    await tab.page.click('[data-act=review-selected]');
    await tab.page.waitForSelector('dialog.bulk[open]');
    await tab.page.click('[data-act=bulk-approve]');
    await tab.page.waitForSelector('.bulk-results li:nth-child(2)');
    assert.match(await tab.page.textContent('.bulk-results li.failed') ?? '', /Not changed: Filed by alice — .*nobody decides a request they filed/);
    assert.equal((await server.call('approver', 'GET', `/v1/requests/${own}`)).body.status, 'pending');
    assert.equal((await server.call('agent', 'GET', `/v1/requests/${other}`)).body.status, 'approved');
    await tab.page.click('dialog.bulk footer .btn:text("Close")');
    assert.equal((await server.call('otherApprover', 'POST', `/v1/requests/${own}/decision`, { outcome: 'denied' })).status, 200, 'another approver decides it');
    await tab.page.waitForSelector(row(own), { state: 'detached' });
  });

  it('works from the keyboard: / search, j/k move, x select, a approve, d deny', async () => {
    await tab.page.goto(`${server.url}/#/`);
    await tab.page.waitForSelector('li.item.cursor');
    const ids = await dataIds(tab.page, 'li.item');
    assert.ok(ids.length >= 3);
    await tab.page.waitForSelector(`li.item.cursor[data-id="${ids[0]}"]`);
    await tab.page.keyboard.press('/');
    assert.equal(await activeId(tab.page), 'queue-search');
    await tab.page.keyboard.type('npm test');
    await waitCount(tab.page, 'li.item', 1);
    await tab.page.fill('#queue-search', '');
    await tab.page.keyboard.press('Escape');
    await waitCount(tab.page, 'li.item', ids.length);
    await tab.page.keyboard.press('j');
    await tab.page.waitForSelector(`li.item.cursor[data-id="${ids[1]}"]`);
    await tab.page.keyboard.press('k');
    await tab.page.waitForSelector(`li.item.cursor[data-id="${ids[0]}"]`);
    await tab.page.keyboard.press('x');
    await tab.page.waitForSelector(`li.item.selected[data-id="${ids[0]}"]`);
    await tab.page.waitForSelector('.bulk-bar:has-text("1 selected")');
    await tab.page.keyboard.press('x');
    await tab.page.waitForSelector('.bulk-bar', { state: 'hidden' });
    await tab.page.waitForSelector(`article.detail[data-id="${ids[0]}"]`);
    await tab.page.keyboard.press('a');
    await tab.page.waitForSelector(row(ids[0]), { state: 'detached' });
    assert.equal((await server.call('agent', 'GET', `/v1/requests/${ids[0]}`)).body.status, 'approved');
    await tab.page.waitForSelector(`article.detail[data-id="${ids[1]}"]`);
    await tab.page.keyboard.press('d');
    assert.equal(await activeId(tab.page), 'deny-reason');
    await tab.page.keyboard.type('Not this one');
    await tab.page.keyboard.press('Enter');
    await tab.page.waitForSelector(row(ids[1]), { state: 'detached' });
    const denied = await server.call('agent', 'GET', `/v1/requests/${ids[1]}`);
    assert.equal(denied.body.status, 'denied');
    assert.equal(denied.body.decision.comment, 'Not this one');
  });

  it('names every control for screen readers, and has landmarks and a live region', async () => {
    // A question is answered or denied; a conditions form belongs to an approval (src/channels/offer.ts).
    const question = await fileRequest(server, { title: 'Pick', question: { options: ['one', 'two'], multi_select: true, allow_free_text: true } });
    await tab.page.goto(`${server.url}/#/queue/${question}`);
    await tab.page.waitForSelector('form.question');
    assert.deepEqual(await unnamedControls(tab.page), []);
    await server.call('agent', 'POST', `/v1/requests/${question}/cancel`);
    const id = await fileRequest(server, {
      title: 'Limit',
      conditions_schema: [{ name: 'limit', type: 'number', required: true }, { name: 'mode', type: 'select', options: ['a', 'b'] }, { name: 'ok', type: 'boolean' }],
    });
    await tab.page.goto(`${server.url}/#/queue/${id}`);
    await tab.page.waitForSelector('form.conditions');
    assert.deepEqual(await unnamedControls(tab.page), []);
    for (const sel of ['main#main', 'nav.nav[aria-label]', '#live[aria-live]', 'a.skip[href="#main"]', 'h2#detail-title']) assert.equal(await tab.page.locator(sel).count(), 1, sel);
    assert.equal(await tab.page.getAttribute('#cond-limit', 'aria-describedby'), 'cond-limit-err');
    await tab.page.goto(`${server.url}/#/`);
    await tab.page.waitForSelector('li.item');
    assert.deepEqual(await unnamedControls(tab.page), []);
    await server.call('agent', 'POST', `/v1/requests/${id}/cancel`);
  });

  it('signs out, and the old session no longer works', async () => {
    await tab.page.click('[data-act=sign-out]');
    await tab.page.waitForSelector('#signin-key');
    const status = await tab.page.evaluate(async () => (await (globalThis as any).fetch('/v1/me')).status);
    assert.equal(status, 401);
    assertNoProblems(tab);
  });
});
