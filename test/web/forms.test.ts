// The forms a request brings with it, in real Chromium: the conditional-approval form generated
// from conditions_schema (with a required field), answering a question (one option, several
// options, free text), and editing the action before approving it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { KEYS, type TestServer } from '../helpers/harness.js';
import { activeId, assertNoProblems, bashRequest, fileRequest, startBrowserAndServer, openTab, screenshot, signIn, type Tab } from './browser.js';

let browser: Browser;
let server: TestServer;
let tab: Tab;

before(async () => {
  // agent-b files under the name "alice": the approver who signs in here filed those requests.
  [browser, server] = await startBrowserAndServer({ agents: [{ name: 'agent-a', key: KEYS.agent }, { name: 'alice', key: KEYS.otherAgent }] });
  tab = await openTab(browser);
  await signIn(tab, server);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function open(id: string): Promise<void> {
  await tab.page.goto(`${server.url}/#/queue/${id}`);
  await tab.page.waitForSelector(`article.detail[data-id="${id}"] .decide`);
}

describe('forms in Chromium', () => {
  it('approves with conditions from conditions_schema, refusing to send without the required field', async () => {
    const id = await fileRequest(server, {
      title: 'Spend on the cloud account',
      preview: 'Create 3 GPU instances',
      conditions_schema: {
        fields: [
          { name: 'max_cost_usd', type: 'number', label: 'Spending cap (USD)', required: true, description: 'The agent stops at this amount.' },
          { name: 'region', type: 'select', options: ['eu-west-1', 'us-east-1'] },
          { name: 'notify', type: 'boolean', label: 'Tell the team' },
          { name: 'note', type: 'text' },
        ],
      },
    });
    const waiting = server.call('agent', 'GET', `/v1/requests/${id}/wait?timeout_sec=30`);
    await open(id);
    await tab.page.click('form.conditions button[type=submit]');
    await tab.page.waitForSelector('#cond-max_cost_usd[aria-invalid=true]');
    assert.match(await tab.page.textContent('#cond-max_cost_usd-err') ?? '', /required/);
    assert.equal(await activeId(tab.page), 'cond-max_cost_usd');
    await tab.page.fill('#cond-max_cost_usd', 'lots');
    await tab.page.click('form.conditions button[type=submit]');
    await tab.page.waitForSelector('#cond-max_cost_usd-err:text("must be a number")');
    await screenshot(tab.page, 'conditions-invalid');
    assert.equal((await server.call('agent', 'GET', `/v1/requests/${id}`)).body.status, 'pending', 'nothing was sent');
    await tab.page.fill('#cond-max_cost_usd', '250');
    await tab.page.selectOption('#cond-region', 'eu-west-1');
    await tab.page.check('#cond-notify');
    await tab.page.click('form.conditions button[type=submit]');
    const res = await waiting;
    assert.equal(res.body.status, 'conditional');
    assert.deepEqual(res.body.decision.conditions, { max_cost_usd: 250, region: 'eu-west-1', notify: true });
  });

  it('answers a single-choice question with an option', async () => {
    const id = await fileRequest(server, { title: 'Which database?', question: { options: ['Postgres', { label: 'SQLite', description: 'one file' }] } });
    await open(id);
    assert.equal(await tab.page.locator('.decide-bar').isVisible(), false, 'the phone bar stays hidden on a desk');
    await tab.page.click('form.question button[type=submit]');
    await tab.page.waitForSelector('form.question .form-error:text("Pick an option")');
    await tab.page.check('#q-B');
    await screenshot(tab.page, 'question');
    await tab.page.click('form.question button[type=submit]');
    await tab.page.waitForSelector(`li.item[data-id="${id}"]`, { state: 'detached' });
    const got = await server.call('agent', 'GET', `/v1/requests/${id}`);
    assert.equal(got.body.status, 'answered');
    assert.equal(got.body.decision.answer, 'B');
  });

  it('answers a multi-select question with several options', async () => {
    const id = await fileRequest(server, { title: 'Which checks?', question: { options: ['lint', 'unit', 'e2e'], multi_select: true } });
    await open(id);
    await tab.page.check('#q-A');
    await tab.page.check('#q-C');
    await tab.page.click('form.question button[type=submit]');
    await tab.page.waitForSelector(`li.item[data-id="${id}"]`, { state: 'detached' });
    assert.deepEqual((await server.call('agent', 'GET', `/v1/requests/${id}`)).body.decision.answer, ['A', 'C']);
  });

  it('answers with free text', async () => {
    const id = await fileRequest(server, { title: 'What should the release be called?', question: { options: [] } });
    await open(id);
    await tab.page.fill('#q-free', 'Blue Heron');
    await tab.page.click('form.question button[type=submit]');
    await tab.page.waitForSelector(`li.item[data-id="${id}"]`, { state: 'detached' });
    assert.equal((await server.call('agent', 'GET', `/v1/requests/${id}`)).body.decision.answer, 'Blue Heron');
  });

  it('edits a Bash command, then approves the edited command', async () => {
    const id = await fileRequest(server, bashRequest('rm -rf ./build ./dist'));
    const waiting = server.call('agent', 'GET', `/v1/requests/${id}/wait?timeout_sec=30`);
    await open(id);
    await tab.page.click('details.edit summary');
    assert.equal(await tab.page.inputValue('#edit-action'), 'rm -rf ./build ./dist');
    await tab.page.fill('#edit-action', 'rm -rf ./build');
    await tab.page.click('[data-act=approve-edited]');
    const res = await waiting;
    assert.equal(res.body.status, 'approved');
    assert.deepEqual(res.body.decision.updated_input, { command: 'rm -rf ./build', description: 'from the test' });
  });

  it('edits a JSON input, refusing invalid JSON', async () => {
    const id = await fileRequest(server, { title: 'Call the API', tool: 'mcp__crm__update', input: { customer: 7, plan: 'pro' } });
    await open(id);
    await tab.page.click('details.edit summary');
    await tab.page.fill('#edit-action', '{"customer": 7, "plan": ');
    await tab.page.click('[data-act=approve-edited]');
    await tab.page.waitForSelector('details.edit .form-error:text("not valid JSON")');
    await tab.page.fill('#edit-action', '{"customer": 7, "plan": "basic"}');
    await tab.page.click('[data-act=approve-edited]');
    await tab.page.waitForSelector(`li.item[data-id="${id}"]`, { state: 'detached' });
    assert.deepEqual((await server.call('agent', 'GET', `/v1/requests/${id}`)).body.decision.updated_input, { customer: 7, plan: 'basic' });
  });

  it('shows an Edit as a diff and a Write as the file content', async () => {
    const id = await fileRequest(server, { title: 'Edit config', tool: 'Edit', input: { file_path: '/app/config.ts', old_string: 'const a = 1;\nconst b = 2;\nconst c = 3;', new_string: 'const a = 1;\nconst b = 20;\nconst c = 3;' } });
    await open(id);
    assert.deepEqual(await tab.page.locator('.diff-del').allTextContents(), ['- const b = 2;\n']);
    assert.deepEqual(await tab.page.locator('.diff-ins').allTextContents(), ['+ const b = 20;\n']);
    await screenshot(tab.page, 'edit-diff');
    const long = Array.from({ length: 400 }, (_, i) => `line ${i}`).join('\n');
    const w = await fileRequest(server, { title: 'Write a file', tool: 'Write', input: { file_path: '/app/big.txt', content: long } });
    await open(w);
    const box = await tab.page.locator('.action pre.code').first().boundingBox();
    assert.ok(box && box.height < 500, 'long content scrolls inside its block');
    assert.ok(await tab.page.locator('.action pre.code').first().evaluate((el: any) => el.scrollHeight > el.clientHeight));
    assertNoProblems(tab);
  });

  it('offers nothing on a request filed under the viewer\'s own name, and says another approver decides it', async () => {
    const id = await fileRequest(server, bashRequest('make release'), 'otherAgent');
    await tab.page.goto(`${server.url}/#/queue/${id}`);
    await tab.page.waitForSelector(`article.detail[data-id="${id}"] .filer-note`);
    assert.equal((await tab.page.textContent(`article.detail[data-id="${id}"] .filer-note`))?.trim(), 'You filed this request; another approver decides it.');
    assert.equal(await tab.page.locator(`article.detail[data-id="${id}"] button`).count(), 0, 'no Approve, no Deny');
    assert.equal(await tab.page.locator('.decide-bar').count(), 0);
    // The server would refuse anyway: the page does not offer what cannot work.
    assert.equal((await server.call('approver', 'POST', `/v1/requests/${id}/decision`, { outcome: 'approved' })).body.error.code, 'FILER_CANNOT_DECIDE');
    assertNoProblems(tab);
  });
});
