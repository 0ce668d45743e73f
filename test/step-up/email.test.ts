// Step-up by email, with a real SMTP server on loopback and the confirmation page in real Chromium:
// the mail says the request needs a code, its Approve link opens the confirmation page that asks
// for it, a malformed or wrong code shows the page again (the link stays usable, nothing decided),
// the right code approves once; an approver without a second factor is told to set one up (and
// may still deny); a reply cannot approve such a request.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { MovableClock } from '../helpers/clock.js';
import type { TestServer } from '../helpers/harness.js';
import { INBOUND_SECRET, TestSmtp, decideByLink, fileRequest, linksOf, openLink, rawReply, replyTarget, startEmailServer } from '../email/fixtures.js';
import { launchChromium, openTab, screenshot } from '../web/browser.js';
import { codeAt, enrol } from './helpers.js';

describe('step-up by email (SMTP, the confirmation page in Chromium)', () => {
  let smtp: TestSmtp;
  let s: TestServer;
  let browser: Browser;
  const clock = new MovableClock();
  let secret = '';
  before(async () => {
    smtp = await TestSmtp.start();
    s = await startEmailServer(smtp, { step_up: { priorities: ['critical'] } }, { clock });
    browser = await launchChromium();
    secret = await enrol(s, clock, 'approver');
    clock.offset += 60_000;
  });
  after(async () => {
    await browser?.close();
    await s?.stop();
    await smtp?.close();
  });

  const critical = (extra: Record<string, unknown> = {}) => fileRequest(s, { title: 'Deploy to production', action_type: 'deploy', preview: 'kubectl apply -f prod.yaml', priority: 'critical', ...extra });
  const statusOf = async (id: string) => (await s.store.getRequest(id))!.status;

  it('the Approve link opens a page that asks for the code; bad codes show it again and use nothing; the right code approves', async () => {
    const id = await critical();
    const mail = await smtp.announcement(id);
    assert.match(mail.parsed.text ?? '', /Needs your code/);
    assert.doesNotMatch(mail.parsed.text ?? '', /1 or approve/, 'no reply shortcut for approving');
    const url = linksOf(mail).get('Approve once')!;
    const tab = await openTab(browser);
    await tab.page.goto(url);
    assert.ok(await tab.page.$('input#code[autocomplete="one-time-code"]'), 'a code box');
    assert.match((await tab.page.textContent('body')) ?? '', /Needs your code/);
    await tab.page.fill('#code', 'abc\u202e12');
    await tab.page.click('button[type=submit]');
    await tab.page.waitForSelector('p.error');
    assert.match((await tab.page.textContent('p.error')) ?? '', /6 digits \(0–9\)/);
    assert.equal(await tab.page.inputValue('#code'), '', 'a code is never written back into the page');
    const wrong = String((Number(codeAt(secret, clock.now())) + 1) % 1_000_000).padStart(6, '0');
    await tab.page.fill('#code', wrong);
    await tab.page.click('button[type=submit]');
    await tab.page.waitForFunction(() => /Wrong code/.test((globalThis as any).document.querySelector('p.error')?.textContent ?? ''));
    assert.equal(await statusOf(id), 'pending');
    await screenshot(tab.page, 'step-up-email-page');
    await tab.page.fill('#code', codeAt(secret, clock.now()));
    await tab.page.click('button[type=submit]');
    await tab.page.waitForSelector('h1:has-text("Done")');
    const done = (await s.store.getRequest(id))!;
    assert.equal(done.status, 'approved');
    assert.equal(done.decision?.decided_by, 'alice');
    assert.equal(done.decision?.via, 'email');
    // The page answers a refused form with 400 (shown again with the reason): expected here.
    assert.deepEqual(tab.problems.filter((p) => !/status of 400/.test(p)), []);
    await tab.context.close();
  });

  it('an approver without a second factor is told to set one up; the link stays unused and Deny still works', async () => {
    const id = await critical({ project: 'ops' });
    const links = linksOf(await smtp.announcement(id, 'Bob@Example.com'));
    const page = await openLink(links.get('Approve once')!);
    assert.equal(page.status, 403);
    assert.match(page.html, /Set up a second factor first/);
    assert.match(page.html, /dashboard/);
    const denied = await decideByLink(links.get('Deny')!);
    assert.equal(denied.status, 200, denied.html);
    assert.equal(await statusOf(id), 'denied');
  });

  it('a reply cannot approve it, and says where to', async () => {
    const id = await critical();
    const t = await replyTarget(smtp, id);
    const res = await fetch(`${s.url}/v1/inbox/email`, { method: 'POST', headers: { 'content-type': 'message/rfc822', 'x-greenlight-inbound-secret': INBOUND_SECRET }, body: rawReply({ from: 'alice@example.com', to: t.to, subject: `Re: ${t.subject}`, inReplyTo: t.messageId, text: 'approve' }) });
    const body = (await res.json()) as { result: string };
    assert.notEqual(body.result, 'decided', JSON.stringify(body));
    assert.match(JSON.stringify(body), /Approve link/);
    assert.equal(await statusOf(id), 'pending');
  });
});
