// Sending: what the mail says and how, against a real SMTP server on loopback, parsed by
// postal-mime. Threading, escaping, header injection, retries through the durable outbox.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { TestServer } from '../helpers/harness.js';
import { decideByLink, eventually, fileRequest, linksOf, startEmailServer, TestSmtp } from './fixtures.js';

describe('email channel: sending', () => {
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

  it('announces a pending request to each routed approver only, as HTML and text, with a signed reply address', async () => {
    const id = await fileRequest(s);
    const [mail] = await smtp.forRequest(id);
    assert.deepEqual(mail.envelope.to, ['alice@example.com'], 'bob decides project ops only');
    const p = mail.parsed;
    assert.equal(p.from && 'address' in p.from ? p.from.address : null, 'approvals@example.com');
    assert.match(p.subject ?? '', new RegExp(`Deploy webapp \\(${id}\\)$`));
    assert.equal(p.messageId, `<${id}.alice@greenlight>`);
    assert.equal(mail.header('auto-submitted'), 'auto-generated');
    const replyTo = p.replyTo?.[0]?.address ?? '';
    assert.match(replyTo, new RegExp(`^approvals\\+${id.slice(4)}\\.[0-9a-z]{16}@example\\.com$`));
    assert.ok(p.html?.includes('Deploy webapp') && p.text?.includes('kubectl rollout restart deploy/web'));
    assert.deepEqual([...linksOf(mail).keys()], ['Approve once', 'Approve for this session', 'Always approve', 'Deny']);
    assert.match(p.text ?? '', /1 or approve/);
    assert.match(p.text ?? '', /nothing is decided until you press the button/);
    const refs = await eventually(async () => ((await s.store.listChannelMessages(id)).length ? s.store.listChannelMessages(id) : undefined));
    assert.deepEqual(refs.map((r) => [r.channel, r.target, r.message_id]), [['email', 'alice@example.com', `<${id}.alice@greenlight>`]]);
  });

  it('sends requests of a project to every approver of it, each with their own links and reply address', async () => {
    const id = await fileRequest(s, { project: 'ops', title: 'Rotate keys' });
    const mails = await smtp.forRequest(id, 2);
    const byRcpt = new Map(mails.map((m) => [m.envelope.to[0].toLowerCase(), m]));
    assert.deepEqual([...byRcpt.keys()].sort(), ['alice@example.com', 'bob@example.com']);
    const [a, b] = [byRcpt.get('alice@example.com')!, byRcpt.get('bob@example.com')!];
    assert.equal(b.parsed.messageId, `<${id}.bob@greenlight>`);
    assert.notEqual(a.parsed.replyTo?.[0]?.address, b.parsed.replyTo?.[0]?.address);
    assert.notEqual(linksOf(a).get('Deny'), linksOf(b).get('Deny'));
    // The decision made with bob's link is bob's.
    const res = await decideByLink(linksOf(b).get('Deny')!, { comment: 'not today' });
    assert.equal(res.status, 200, res.html);
    const r = await s.call('approver', 'GET', `/v1/requests/${id}`);
    assert.equal(r.body.status, 'denied');
    assert.equal(r.body.decision.decided_by, 'bob');
    assert.equal(r.body.decision.via, 'email');
  });

  it('escapes hostile agent text in the HTML part and keeps CRLF out of the headers', async () => {
    const id = await fileRequest(s, {
      title: '</title><script>alert(1)</script>\r\nBcc: evil@example.com',
      preview: '"><img src=x onerror=alert(1)> & <b>bold</b>',
      context: "<a href='javascript:alert(1)'>click</a>",
      session_id: null,
    });
    const [mail] = await smtp.forRequest(id);
    const html = mail.parsed.html ?? '';
    for (const bad of ['<script', '<img', '<b>bold', "<a href='javascript", '</title><script']) assert.ok(!html.includes(bad), `raw ${bad} in the HTML`);
    assert.ok(html.includes('&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(html.includes('&quot;&gt;&lt;img src=x onerror=alert(1)&gt; &amp; &lt;b&gt;bold&lt;/b&gt;'));
    assert.ok(html.includes('&lt;a href=&#39;javascript:alert(1)&#39;&gt;click&lt;/a&gt;'));
    assert.deepEqual(mail.envelope.to, ['alice@example.com']);
    const headerBlock = mail.raw.split(/\r?\n\r?\n/, 1)[0];
    assert.doesNotMatch(headerBlock, /^bcc:/im, 'no injected header');
    assert.doesNotMatch(mail.parsed.subject ?? '', /[\r\n]/);
    assert.match(mail.parsed.subject ?? '', new RegExp(`\\(${id}\\)$`));
    // The plain-text part carries the text as it is (no HTML there to inject into).
    assert.ok(mail.parsed.text?.includes('"><img src=x onerror=alert(1)>'));
    assert.ok(!linksOf(mail).has('Approve for this session'), 'no session link without a session');
  });

  it('threads the outcome of a decision made elsewhere into the same conversation', async () => {
    const id = await fileRequest(s, { title: 'Drop table' });
    const first = await smtp.announcement(id);
    await eventually(async () => ((await s.store.listChannelMessages(id)).length ? true : undefined));
    const d = await s.call('approver', 'POST', `/v1/requests/${id}/decision`, { outcome: 'approved', scope: 'session', comment: '<i>careful</i>' });
    assert.equal(d.status, 200, d.text);
    const update = await smtp.update(id);
    assert.equal(update.parsed.inReplyTo, first.parsed.messageId);
    assert.equal(update.parsed.references, first.parsed.messageId);
    assert.equal(update.parsed.subject, `Re: ${first.parsed.subject}`);
    assert.match(update.parsed.text ?? '', /was approved \(session\) by alice via api/);
    assert.ok(update.parsed.html?.includes('&lt;i&gt;careful&lt;/i&gt;') && !update.parsed.html.includes('<i>careful'));
    assert.equal(update.parsed.messageId, `<${id}.alice.approved@greenlight>`);
  });

  it('sends nothing for a request the policy decided', async () => {
    const policyServer = await startEmailServer(smtp, {}, { policy: (r) => (r.title === 'auto' ? { verdict: 'allow', rule: 'test', reason: 'allowed by test' } : null) });
    try {
      const id = await fileRequest(policyServer, { title: 'auto' });
      const r = await policyServer.call('agent', 'GET', `/v1/requests/${id}`);
      assert.equal(r.body.status, 'approved');
      const items = await policyServer.store.listOutbox({ request_id: id, limit: 10 });
      assert.deepEqual(items.filter((i) => i.kind === 'email'), []);
    } finally {
      await policyServer.stop();
    }
  });
});

describe('email channel: failed sends', () => {
  let smtp: TestSmtp;
  let s: TestServer;
  before(async () => {
    smtp = await TestSmtp.start();
    s = await startEmailServer(smtp);
  });
  afterEach(() => {
    smtp.rcptPolicy = () => null;
  });
  after(async () => {
    await s.stop();
    await smtp.close();
  });

  const refusal = (code: number, msg: string) => Object.assign(new Error(msg), { responseCode: code });

  it('a temporary SMTP failure leaves the request pending and visible, and the outbox retries until the mail goes out', async () => {
    let refused = 0;
    smtp.rcptPolicy = () => (refused++ < 2 ? refusal(451, 'try again later') : null);
    const id = await fileRequest(s, { title: 'Retry me' });
    const pending = await s.call('approver', 'GET', '/v1/requests/pending');
    assert.ok(pending.body.items.some((r: { id: string }) => r.id === id), 'visible to other channels while mail fails');
    const [mail] = await smtp.forRequest(id);
    assert.match(mail.parsed.subject ?? '', /Retry me/);
    assert.equal(refused, 3, 'two refusals, then delivered');
    const item = await eventually(async () => (await s.store.listOutbox({ request_id: id, state: 'delivered', limit: 10 })).find((i) => i.kind === 'email'));
    assert.equal(item.attempts, 3, 'two failed attempts and the one that went out');
  });

  it('a request decided while its announcement waits for a retry mails that approver nothing: no dead links, no orphan update', async () => {
    smtp.rcptPolicy = () => refusal(451, 'greylisted');
    const id = await fileRequest(s, { title: 'Slow mail' });
    await eventually(async () => (await s.store.listOutbox({ request_id: id, limit: 10 })).find((i) => i.kind === 'email' && i.attempts > 0));
    // Decided while the SMTP server still greylists; it recovers only once the announcement's next
    // attempt has settled, which it can only do by not sending. (Recovering before the decision let
    // a retry under load mail the announcement before the decision landed.)
    const d = await s.call('approver', 'POST', `/v1/requests/${id}/decision`, { outcome: 'denied', comment: 'no' });
    assert.equal(d.status, 200, d.text);
    const deadline = Date.now() + 10_000;
    await eventually(async () => {
      const announce = (await s.store.listOutbox({ request_id: id, limit: 10 })).find((i) => i.kind === 'email' && (i.payload as { type: string }).type === 'announce');
      assert.ok(Date.now() < deadline, `the announcement of a decided request was not settled without mail: ${JSON.stringify(announce)}`);
      return announce?.state === 'delivered' ? announce : undefined;
    });
    smtp.rcptPolicy = () => null;
    const items = await eventually(async () => {
      const all = (await s.store.listOutbox({ request_id: id, limit: 10 })).filter((i) => i.kind === 'email');
      return all.length === 2 && all.every((i) => i.state === 'delivered') ? all : undefined;
    });
    assert.deepEqual(items.map((i) => (i.payload as { type: string }).type).sort(), ['announce', 'update']);
    assert.deepEqual(smtp.mails.filter((m) => m.header('x-greenlight-request') === id), []);
  });

  it('a permanent SMTP refusal kills the item but never the request', async () => {
    smtp.rcptPolicy = () => refusal(550, 'no such mailbox');
    const id = await fileRequest(s, { title: 'Nobody home' });
    const dead = await eventually(async () => (await s.store.listOutbox({ request_id: id, state: 'dead', limit: 10 })).find((i) => i.kind === 'email'));
    assert.equal(dead.attempts, 1, 'not retried');
    assert.match(dead.last_error ?? '', /550|no such mailbox/);
    const r = await s.call('approver', 'GET', `/v1/requests/${id}`);
    assert.equal(r.body.status, 'pending');
  });
});
