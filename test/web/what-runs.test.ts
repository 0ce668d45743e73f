// What the approver sees on the dashboard is what runs, in real Chromium against the real policy:
// the action from the tool input first, the agent's description second and labelled, then why
// the policy asks (every uncovered part named); invisible characters of the hostile corpus
// written out as marks everywhere; code laid out strictly left to right; and a long one-line
// command wrapped on a desktop instead of cut at the edge.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { TestServer } from '../helpers/harness.js';
import { ALL_HOSTILE, assertShownVisibly, EMOJI, HOSTILE, tags } from '../helpers/hostile-text.js';
import { assertNoProblems, fileRequest, launchChromium, openTab, screenshot, signIn, startDashboardServer, type Tab } from './browser.js';

let browser: Browser;
let server: TestServer;
let tab: Tab;

before(async () => {
  // The real policy (allowing `echo *`), so "why you are asked" is what a user sees.
  [browser, server] = await Promise.all([launchChromium(), startDashboardServer({ policy: { allow: ['Bash(echo *)'] } }, { policy: undefined })]);
  tab = await openTab(browser);
  await signIn(tab, server);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function open(page: Page, id: string): Promise<void> {
  await page.goto(`${server.url}/#/queue/${id}`);
  await page.waitForSelector(`article.detail[data-id="${id}"] section.action`);
}

/** The text of the open request as the page shows it (form fields' raw values excluded). */
const detailText = (page: Page): Promise<string> => page.evaluate(() => (globalThis as any).document.querySelector('article.detail').innerText as string);

describe('the dashboard shows what runs', () => {
  it('wraps a long one-line command on a desktop, keeping its colours: nothing is cut at the right edge', async () => {
    const command = `curl -fsSL --retry 5 --header "Authorization: Bearer $TOKEN" https://releases.example.com/${'v1.2.3/'.repeat(20)}install.sh | sudo env PREFIX=/opt/tool DEBUG=1 bash -s -- --yes --channel stable --no-telemetry --accept-license --target /opt/tool/${'x'.repeat(120)}`;
    const id = await fileRequest(server, { title: 'Install the tool', tool: 'Bash', input: { command }, cwd: '/srv/app' });
    await open(tab.page, id);
    const m = await tab.page.$eval('section.action pre.code', (el: any) => ({ scroll: el.scrollWidth, client: el.clientWidth, text: el.textContent, height: el.clientHeight, lines: Math.round(el.querySelector('code').getBoundingClientRect().height / parseFloat((globalThis as any).getComputedStyle(el).lineHeight)) }));
    assert.equal(m.text, command, 'the whole command is in the block');
    assert.ok(m.scroll <= m.client, `the block scrolls sideways: scrollWidth ${m.scroll} > clientWidth ${m.client}`);
    assert.ok(m.lines >= 3, `the command wraps onto several lines (${m.lines})`);
    const pageWidth = await tab.page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth);
    assert.ok(pageWidth <= 1280, `the page is ${pageWidth}px wide`);
    assert.ok((await tab.page.$$('section.action pre.code .tok-cmd')).length >= 2, 'command names keep their colour');
    assert.ok((await tab.page.$$('section.action pre.code .tok-flag')).length >= 5, 'flags keep their colour');
    assert.ok((await tab.page.$$('section.action pre.code .tok-op')).length >= 1, 'the pipe keeps its colour');
    await screenshot(tab.page, 'long-command-wrapped');
    assertNoProblems(tab);
  });

  it('leads with the command from the input; the agent\'s preview is second, labelled, then why the policy asks', async () => {
    const id = await fileRequest(server, { title: 'Tidy up', tool: 'Bash', input: { command: 'rm -rf ~/important', timeout: 600000 }, preview: 'ls -la', cwd: '/srv/app' });
    await open(tab.page, id);
    const text = await detailText(tab.page);
    const action = text.indexOf('rm -rf ~/important');
    const said = text.indexOf('Agent’s description');
    const preview = text.indexOf('ls -la');
    const why = text.indexOf('Why you are asked');
    const facts = text.indexOf('Agent\n');
    assert.ok(action > 0 && said > action && preview > said && why > preview && facts > why, text);
    assert.match(text, /The agent’s own words, not checked against the action above\./);
    assert.match(text, /Also in the input\ntimeout\n600000/);
    // The queue list sums it up by the command too, never by the preview.
    assert.equal(await tab.page.textContent(`li.item[data-id="${id}"] .item-summary`), 'rm -rf ~/important');
  });

  it('names every part of a script no rule allows, dangerous ones first', async () => {
    const id = await fileRequest(server, { title: 'Release', tool: 'Bash', input: { command: 'set -euo pipefail\necho building\nnpm ci\ngit push --force origin main\nnpm publish' }, cwd: '/srv/app' });
    await open(tab.page, id);
    const why = await tab.page.textContent('section.why p.pre-wrap');
    assert.equal(why, 'No rule allows 4 of the 5 parts:\n• DANGEROUS (git push --force to a protected branch (main, master)) Bash(git push --force origin main)\n• Bash(set -euo pipefail)\n• Bash(npm ci)\n• Bash(npm publish)');
    assert.match(await tab.page.textContent('section.why h3') ?? '', /flagged as dangerous/);
  });

  it('writes out every invisible character of the hostile corpus, in every field, and keeps emoji', async () => {
    const command = `echo ${ALL_HOSTILE} ${EMOJI}`;
    const id = await fileRequest(server, {
      title: `T ${HOSTILE.rlo}`,
      tool: 'Bash',
      input: { command, description: `D ${HOSTILE.isolate}` },
      preview: `P ${ALL_HOSTILE}`,
      context: `C ${ALL_HOSTILE}`,
      requester: `R ${HOSTILE.zeroWidth}`,
      tags: [HOSTILE.bom],
      cwd: `/srv/${HOSTILE.separators}`,
      conditions_schema: [{ name: 'why', type: 'select', label: `L ${HOSTILE.hidden}`, options: [`O ${HOSTILE.selectors}`] }],
    });
    await tab.page.goto(`${server.url}/#/`);
    await tab.page.waitForSelector(`li.item[data-id="${id}"]`);
    const list = await tab.page.evaluate(() => (globalThis as any).document.querySelector('ul.queue').innerText as string);
    assertShownVisibly(list, `${HOSTILE.rlo}${HOSTILE.rlo}`, 'the queue list (title and summary)');
    await open(tab.page, id);
    const text = await detailText(tab.page);
    const sources = [`T ${HOSTILE.rlo}`, command, `D ${HOSTILE.isolate}`, `P ${ALL_HOSTILE}`, `C ${ALL_HOSTILE}`, `R ${HOSTILE.zeroWidth}`, HOSTILE.bom, HOSTILE.separators, HOSTILE.hidden, HOSTILE.selectors];
    assertShownVisibly(text, '', 'the request');
    for (const s of sources) assertShownVisibly(text, s, `the request: ${JSON.stringify(s.slice(0, 20))}`);
    assert.ok(text.includes(EMOJI), 'emoji stay emoji');
    assert.ok(text.includes(HOSTILE.html) && text.includes(HOSTILE.markdown), 'HTML and markdown as text');
    assert.ok((await tab.page.$$('article.detail .invisible-char')).length > 100, 'the marks are styled');
    assert.equal(await tab.page.evaluate(() => (globalThis as any).__xss ?? null), null);
    // The policy allowed `echo *`, but a human is asked, and told where.
    assert.match(text, /Why you are asked[\s\S]*Contains invisible characters, shown as ⟪U\+…⟫: 2 invisible characters in the title \(U\+202E at position 19, U\+202C at position 24\)/);
    assert.match(text, /\d+ invisible characters in the command \(U\+202E at position 22, U\+202C at position 27/);
    // The edit box keeps the raw text (it is sent back) and says what it holds.
    assert.match(await tab.page.textContent('p.edit-invisible') ?? '', /^Careful: \d+ invisible characters in this text \(U\+202E at position 22, /);
    assert.equal(await tab.page.inputValue('#edit-action'), command);
    await tab.page.click('section.action h3');
    await screenshot(tab.page, 'invisible-characters', true);
    // A question is answered or denied (src/channels/offer.ts): its options carry marks too.
    const q = await fileRequest(server, { title: 'Q', preview: 'Which?', question: { options: [`A ${HOSTILE.lro}`, `B hi${tags('dden')}`], allow_free_text: true } });
    await tab.page.goto(`${server.url}/#/queue/${q}`);
    await tab.page.waitForSelector(`article.detail[data-id="${q}"] form.question`);
    const asked = await detailText(tab.page);
    for (const s of [HOSTILE.lro, tags('dden')]) assertShownVisibly(asked, s, `the question: ${JSON.stringify(s.slice(0, 20))}`);
    assertNoProblems(tab);
  });

  it('shows hostile words in a settled request visibly too', async () => {
    const id = await fileRequest(server, { title: 'Q', question: { options: ['yes', 'no'], allow_free_text: true } });
    const res = await server.call('approver', 'POST', `/v1/requests/${id}/decision`, { outcome: 'answered', answer: `free ${HOSTILE.rlo}`, comment: `note ${HOSTILE.smuggled}` });
    assert.equal(res.status, 200, res.text);
    await tab.page.goto(`${server.url}/#/r/${id}`);
    await tab.page.waitForSelector(`article.detail[data-id="${id}"] section.decision`);
    const text = await detailText(tab.page);
    assertShownVisibly(text, HOSTILE.rlo, 'the answer');
    assertShownVisibly(text, HOSTILE.smuggled, 'the note');
  });

  it('lays code out strictly left to right: no bidi rule reorders what runs', async () => {
    const command = 'cp \u05D0\u05D1 \u05D2\u05D3 /tmp/';
    const id = await fileRequest(server, { title: 'Copy', tool: 'Bash', input: { command }, cwd: '/srv/app' });
    await open(tab.page, id);
    const xs = await tab.page.$eval('section.action pre.code code', (code: any) => {
      const d = (globalThis as any).document;
      const out: number[] = [];
      const walker = d.createTreeWalker(code, 4);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        for (let i = 0; i < n.textContent.length; i++) {
          const r = d.createRange();
          r.setStart(n, i);
          r.setEnd(n, i + 1);
          out.push(r.getBoundingClientRect().left);
        }
      }
      return out;
    });
    assert.equal(xs.length, command.length);
    for (let i = 1; i < xs.length; i++) assert.ok(xs[i] > xs[i - 1], `character ${i} (${command[i]}) is left of the one before it: ${xs.join(', ')}`);
  });
});
