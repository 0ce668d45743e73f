// Replies: `POST /v1/inbox/email` (raw MIME, admin key or inbound secret) and IMAP polling turn an
// approver's reply into a decision — only if it went to that approver's per-request reply address
// AND comes From their configured address. Quoted history and signatures are not read.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createEmailChannel, type EmailChannel } from '../../src/channels/email/email-channel.js';
import { parseEmailConfig } from '../../src/channels/email/config.js';
import type { TestServer } from '../helpers/harness.js';
import { FakeMailbox, fileRequest, INBOUND_SECRET, rawReply, replyTarget, startEmailServer, TestSmtp } from './fixtures.js';

const statusOf = async (s: TestServer, id: string) => (await s.call('approver', 'GET', `/v1/requests/${id}`)).body;

async function postMime(s: TestServer, raw: string, headers: Record<string, string> = { 'x-greenlight-inbound-secret': INBOUND_SECRET }) {
  const res = await fetch(`${s.url}/v1/inbox/email`, { method: 'POST', headers: { 'content-type': 'message/rfc822', ...headers }, body: raw });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const quoted = (t: { subject: string; text: string }) =>
  ['', '', 'On Tue, Jan 6, 2026 at 10:00 AM Greenlight <', 'approvals@example.com> wrote:', ...t.text.split('\n').map((l) => `> ${l}`)].join('\n');

describe('email channel: replies by POST /v1/inbox/email', () => {
  let smtp: TestSmtp;
  let s: TestServer;
  before(async () => {
    smtp = await TestSmtp.start();
    s = await startEmailServer(smtp);
  });
  after(async () => {
    await s.stop();
    await smtp.close();
  });

  /** Files a request, replies to its mail as `from` with `text` above the quoted mail. */
  async function reply(text: string, body: Record<string, unknown> = {}, from = 'Alice <ALICE@example.com>') {
    const id = await fileRequest(s, body);
    const t = await replyTarget(smtp, id);
    const res = await postMime(s, rawReply({ from, to: t.to, subject: `Re: ${t.subject}`, inReplyTo: t.messageId, text: text + quoted(t) }));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return { id, res: res.body, request: await statusOf(s, id) };
  }

  it('needs the inbound secret (header or Basic password) or an admin key; agents and approvers are refused', async () => {
    const raw = rawReply({ from: 'alice@example.com', to: 'approvals@example.com', text: '1' });
    assert.equal((await postMime(s, raw, {})).status, 401);
    assert.equal((await postMime(s, raw, { 'x-greenlight-inbound-secret': 'wrong-secret-0123456789abcdef' })).status, 401);
    assert.equal((await postMime(s, raw, { authorization: `Basic ${Buffer.from('x:nope').toString('base64')}` })).status, 401);
    assert.equal((await postMime(s, raw, { authorization: 'Bearer agent-key-0123456789abcdef' })).status, 403);
    assert.equal((await postMime(s, raw, { authorization: 'Bearer approver-key-0123456789abcdef' })).status, 403);
    const admin = await postMime(s, raw, { authorization: 'Bearer admin-key-0123456789abcdefgh' });
    assert.equal(admin.status, 200);
    assert.equal(admin.body.result, 'ignored');
    const basic = await postMime(s, raw, { authorization: `Basic ${Buffer.from(`inbound:${INBOUND_SECRET}`).toString('base64')}` });
    assert.equal(basic.status, 200);
    const empty = await postMime(s, '');
    assert.equal(empty.status, 400);
  });

  it('1 / approve approve once, 2 session, 6 / always always — as the approver, via email', async () => {
    for (const [text, scope] of [['1', 'once'], ['Approve!', 'once'], ['2', 'session'], ['session', 'session'], ['6', 'always'], ['always', 'always']] as const) {
      const { res, request } = await reply(text);
      assert.equal(res.result, 'decided', `${text}: ${JSON.stringify(res)}`);
      assert.equal(request.status, 'approved', text);
      assert.equal(request.decision.scope, scope, text);
      assert.equal(request.decision.decided_by, 'alice');
      assert.equal(request.decision.via, 'email');
    }
  });

  it('3 <reason> and deny <reason> deny with the reason; 4 <note> approves with it; 5 <command> edits the action', async () => {
    for (const text of ['3 too risky\non a Friday', 'deny: too risky\non a Friday', 'Deny too risky\non a Friday']) {
      const { request } = await reply(text);
      assert.equal(request.status, 'denied', text);
      assert.equal(request.decision.comment, 'too risky\non a Friday', text);
    }
    const note = await reply('4 go, but watch the logs');
    assert.equal(note.request.status, 'approved');
    assert.equal(note.request.decision.comment, 'go, but watch the logs');
    const edit = await reply('5 git push --dry-run', { input: { command: 'git push --force' } });
    assert.equal(edit.request.status, 'approved');
    assert.deepEqual(edit.request.decision.updated_input, { command: 'git push --dry-run' });
  });

  it('an option letter answers a question; other text is the free answer; a question cannot be approved', async () => {
    const q = { question: { options: ['Use Postgres', 'Use SQLite', 'Use both'], allow_free_text: true } };
    const letter = await reply('b', q);
    assert.equal(letter.request.status, 'answered');
    assert.equal(letter.request.decision.answer, 'B');
    const free = await reply('Neither <b>— use "DuckDB"</b>', q);
    assert.equal(free.request.status, 'answered');
    assert.equal(free.request.decision.answer, 'Neither <b>— use "DuckDB"</b>');
    const multi = await reply('A, C', { question: { options: ['x', 'y', 'z'], multi_select: true } });
    assert.deepEqual(multi.request.decision.answer, ['A', 'C']);
    const closed = await reply('maybe later', { question: { options: ['x', 'y'] } });
    assert.equal(closed.res.result, 'unrecognized');
    assert.equal(closed.request.status, 'pending');
  });

  it('reads only the new text: quoted history, signatures and HTML quotes are ignored', async () => {
    // The quoted mail lists "1 or approve"; the new text says deny.
    const { request } = await reply('3 not today\n\n-- \nAlice\nSent from my phone');
    assert.equal(request.status, 'denied');
    assert.equal(request.decision.comment, 'not today');
    // Nothing above the quote: nothing is decided, whatever the quote says.
    const empty = await reply('');
    assert.equal(empty.res.result, 'unrecognized');
    assert.equal(empty.request.status, 'pending');
    // An Outlook-style reply: the header block of the quoted mail ends the new text.
    const outlook = await reply('approve\r\n\r\n________________________________\r\nFrom: Greenlight <approvals@example.com>\r\nSent: Tuesday\r\nSubject: x\r\n\r\n3 deny');
    assert.equal(outlook.request.status, 'approved');
    // HTML only, Gmail style.
    const id = await fileRequest(s);
    const t = await replyTarget(smtp, id);
    const html = `<div dir="ltr">deny&nbsp;not &lt;now&gt;</div><br><div class="gmail_quote"><div>On Tue wrote:</div><blockquote>1 or approve</blockquote></div>`;
    const res = await postMime(s, rawReply({ from: 'alice@example.com', to: t.to, html }));
    assert.equal(res.body.result, 'decided');
    const r = await statusOf(s, id);
    assert.equal(r.status, 'denied');
    assert.equal(r.decision.comment, 'not <now>');
  });

  it('a spoofed From is refused and audited; the request stays pending', async () => {
    const { id, res, request } = await reply('1', {}, 'Mallory <mallory@evil.example>');
    assert.equal(res.result, 'refused');
    assert.match(res.reason, /not the address of approver alice/);
    assert.equal(request.status, 'pending');
    const audit = await s.call('admin', 'GET', `/v1/audit?request_id=${id}`);
    const entry = audit.body.items.find((e: { action: string }) => e.action === 'email.reply_refused');
    assert.ok(entry, JSON.stringify(audit.body));
    assert.equal(entry.via, 'email');
    assert.equal(entry.detail.from, 'mallory@evil.example');
  });

  it('another approver\'s From on alice\'s reply address, a forged address, and the bare address are refused', async () => {
    const id = await fileRequest(s, { project: 'ops' }); // alice and bob both decide "ops"
    const t = await replyTarget(smtp, id);
    const asBob = await postMime(s, rawReply({ from: 'bob@example.com', to: t.to, text: '1' }));
    assert.equal(asBob.body.result, 'refused');
    const forgedTo = t.to.replace(/\.[0-9a-z]{16}@/, '.0000000000000000@');
    const forged = await postMime(s, rawReply({ from: 'alice@example.com', to: forgedTo, text: '1' }));
    assert.equal(forged.body.result, 'refused');
    const bare = await postMime(s, rawReply({ from: 'alice@example.com', to: 'approvals@example.com', subject: `Re: ${id}`, text: '1' }));
    assert.equal(bare.body.result, 'ignored', 'the request id alone proves nothing');
    assert.equal((await statusOf(s, id)).status, 'pending');
    // Bob's own address and From work, and the decision is his.
    const b = await replyTarget(smtp, id, 'bob@example.com');
    const ok = await postMime(s, rawReply({ from: 'bob@example.com', to: b.to, text: 'deny' }));
    assert.equal(ok.body.result, 'decided');
    assert.equal((await statusOf(s, id)).decision.decided_by, 'bob');
  });

  it('ignores auto-replies; answers "already decided" for a settled request; a truncated action cannot be approved by reply', async () => {
    const q = { question: { options: [], allow_free_text: true } };
    const id = await fileRequest(s, q);
    const t = await replyTarget(smtp, id);
    const ooo = await postMime(s, rawReply({ from: 'alice@example.com', to: t.to, text: 'I am out of the office until Monday.', headers: { 'Auto-Submitted': 'auto-replied' } }));
    assert.equal(ooo.body.result, 'ignored');
    assert.equal((await statusOf(s, id)).status, 'pending');
    await s.call('approver', 'POST', `/v1/requests/${id}/decision`, { outcome: 'denied' });
    const late = await postMime(s, rawReply({ from: 'alice@example.com', to: t.to, text: 'yes' }));
    assert.deepEqual(late.body, { result: 'already_decided', request_id: id, status: 'denied', decided_by: 'alice', via: 'api' });

    const long = await reply('1', { preview: 'y'.repeat(9000) });
    assert.equal(long.res.result, 'unrecognized');
    assert.match(long.res.reason, /cannot approve/);
    const denied = await reply('3', { preview: 'y'.repeat(9000) });
    assert.equal(denied.request.status, 'denied', 'denying what you could not see in full is fine');
  });

  it('accepts a provider\'s form post (SendGrid "email" field) and a JSON "raw" body', async () => {
    const id = await fileRequest(s);
    const t = await replyTarget(smtp, id);
    const form = new FormData();
    form.set('email', rawReply({ from: 'alice@example.com', to: t.to, text: '1' }));
    const res = await fetch(`${s.url}/v1/inbox/email`, { method: 'POST', headers: { 'x-greenlight-inbound-secret': INBOUND_SECRET }, body: form });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { result: string }).result, 'decided');
    const id2 = await fileRequest(s);
    const t2 = await replyTarget(smtp, id2);
    const json = await s.call('admin', 'POST', '/v1/inbox/email', { raw: rawReply({ from: 'alice@example.com', to: t2.to, text: '3' }) });
    assert.equal(json.status, 200, json.text);
    assert.equal(json.body.result, 'decided');
  });
});

describe('email channel: replies by IMAP polling', () => {
  let smtp: TestSmtp;
  let s: TestServer;
  const mailbox = new FakeMailbox();
  before(async () => {
    smtp = await TestSmtp.start();
    s = await startEmailServer(smtp, {}, { channels: [(ctx) => createEmailChannel(ctx, parseEmailConfig(ctx.config.channels.email), { openMailbox: mailbox.open })] });
  });
  after(async () => {
    await s.stop();
    await smtp.close();
  });

  it('each poll decides from the unseen replies, marks every handled message seen, and closes the session', async () => {
    const channel = s.channels.find((c) => c.name === 'email') as EmailChannel;
    const id = await fileRequest(s);
    const t = await replyTarget(smtp, id);
    const spoofed = mailbox.add(rawReply({ from: 'mallory@evil.example', to: t.to, text: '1' }));
    const unrelated = mailbox.add(rawReply({ from: 'someone@example.org', to: 'approvals@example.com', text: 'newsletter' }));
    const real = mailbox.add(rawReply({ from: 'alice@example.com', to: t.to, text: `3 no${quoted(t)}` }));
    assert.equal(await channel.pollInbox(), 3);
    assert.deepEqual(mailbox.messages.filter((m) => [spoofed, unrelated, real].includes(m.uid)).map((m) => m.seen), [true, true, true]);
    const r = await statusOf(s, id);
    assert.equal(r.status, 'denied');
    assert.equal(r.decision.comment, 'no');
    assert.equal(r.decision.via, 'email');
    assert.equal(mailbox.closed, mailbox.opened, 'every session closed');
    assert.equal(await channel.pollInbox(), 0, 'seen messages are not read again');
  });

  it('/v1/channels shows whether replies reach the channel: failing while the mailbox refuses, ok once a reply is read', async () => {
    const channel = s.channels.find((c) => c.name === 'email') as EmailChannel;
    const inbound = async () => (await s.call('admin', 'GET', '/v1/channels')).body.items.find((c: { name: string }) => c.name === 'email').inbound;
    mailbox.down = 'Invalid credentials (Failure)';
    await assert.rejects(channel.pollInbox());
    const failing = await inbound();
    assert.equal(failing.state, 'failing');
    assert.equal(failing.detail, 'IMAP: Invalid credentials (Failure)');
    mailbox.down = null;
    const id = await fileRequest(s);
    const t = await replyTarget(smtp, id);
    mailbox.add(rawReply({ from: 'alice@example.com', to: t.to, text: '1' }));
    assert.equal(await channel.pollInbox(), 1);
    const ok = await inbound();
    assert.equal(ok.state, 'ok');
    assert.equal(ok.detail, 'a reply came in (IMAP)');
  });
});
