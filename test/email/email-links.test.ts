// Action links: a GET or HEAD never decides (mail scanners fetch links and run scripts); the POST
// from the confirmation page decides once; expired, tampered, used, and other approvers' links are
// refused; links of a request settled elsewhere say who settled it and how.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { nonceMetaKey, signLink, verifyLink } from '../../src/channels/email/links.js';
import { ManualClock } from '../../src/core/ids.js';
import type { TestServer } from '../helpers/harness.js';
import { decideByLink, fileRequest, LINK_SECRET, linksOf, openLink, startEmailServer, submit, TestSmtp, tokenOf } from './fixtures.js';

const statusOf = async (s: TestServer, id: string) => (await s.call('approver', 'GET', `/v1/requests/${id}`)).body;

describe('email channel: action links', () => {
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

  async function linksFor(body: Record<string, unknown> = {}) {
    const id = await fileRequest(s, body);
    return { id, links: linksOf(await smtp.announcement(id)) };
  }

  it('GET and HEAD of every link show the action and decide nothing, use nothing up, run no script', async () => {
    const { id, links } = await linksFor();
    assert.equal(links.size, 4);
    for (const [label, url] of links) {
      for (let i = 0; i < 2; i++) {
        const page = await openLink(url);
        assert.equal(page.status, 200, `${label}: ${page.html.slice(0, 200)}`);
        assert.ok(page.html.includes(`<h1>${label}?</h1>`));
        assert.match(page.html, /<form method="post" action="[A-Za-z0-9_.-]+">/);
        assert.doesNotMatch(page.html, /<script|javascript:|\son\w+=/i, 'no script a scanner could run');
        assert.equal(page.headers.get('content-security-policy'), "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
        assert.equal(page.headers.get('cache-control'), 'no-store');
        assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
        assert.equal(page.headers.get('x-frame-options'), 'DENY');
        const head = await fetch(url, { method: 'HEAD' });
        assert.equal(head.status, 200);
        assert.equal(await head.text(), '');
      }
      assert.equal(await s.store.getMeta(nonceMetaKey(verifyLink(LINK_SECRET, tokenOf(url))!.nonce)), null, 'a GET uses nothing up');
    }
    assert.equal((await statusOf(s, id)).status, 'pending');
    // Scanner-style fetches of every link did not spend any: the approver's click still works.
    const res = await decideByLink(links.get('Approve once')!);
    assert.equal(res.status, 200, res.html);
    assert.equal((await statusOf(s, id)).status, 'approved');
  });

  it('a POST without the page\'s cookie and CSRF token, or from another site, decides nothing', async () => {
    const { id, links } = await linksFor();
    const url = links.get('Approve once')!;
    const page = await openLink(url);
    const noCookie = await submit(url, { cookie: null, csrf: page.csrf });
    assert.equal(noCookie.status, 403, 'token without cookie');
    const noToken = await submit(url, { cookie: page.cookie, csrf: null });
    assert.equal(noToken.status, 403, 'cookie without token');
    const otherPage = await openLink(links.get('Deny')!);
    const swapped = await submit(url, { cookie: page.cookie, csrf: otherPage.csrf });
    assert.equal(swapped.status, 403, 'token of another link');
    const crossSite = await submit(url, page, {}, { 'sec-fetch-site': 'cross-site' });
    assert.equal(crossSite.status, 403);
    const foreignOrigin = await submit(url, page, {}, { origin: 'https://evil.example' });
    assert.equal(foreignOrigin.status, 403);
    assert.equal((await statusOf(s, id)).status, 'pending');
    assert.match(page.headers.get('set-cookie') ?? '', /HttpOnly/i);
    assert.match(page.headers.get('set-cookie') ?? '', /SameSite=Strict/i);
  });

  it('the POST decides once as the link\'s approver; a second POST of the link is refused and names the winner', async () => {
    const { id, links } = await linksFor();
    const url = links.get('Deny')!;
    const page = await openLink(url);
    const first = await submit(url, page, { comment: 'not <b>now</b>' });
    assert.equal(first.status, 200, first.html);
    assert.match(first.html, /denied by alice via email/);
    const r = await statusOf(s, id);
    assert.equal(r.status, 'denied');
    assert.equal(r.decision.decided_by, 'alice');
    assert.equal(r.decision.via, 'email');
    assert.equal(r.decision.comment, 'not <b>now</b>');
    assert.notEqual(await s.store.getMeta(nonceMetaKey(verifyLink(LINK_SECRET, tokenOf(url))!.nonce)), null, 'the link is used up');
    const second = await submit(url, page, { comment: 'again' });
    assert.equal(second.status, 409);
    assert.match(second.html, /already denied by alice via email/);
    const other = await decideByLink(links.get('Approve once')!).catch((e: Error) => e);
    assert.ok(other instanceof Error && /page 409/.test(other.message), 'the other links are dead too');
    const audit = await s.call('admin', 'GET', `/v1/audit?request_id=${id}`);
    assert.equal(audit.body.items.filter((e: { action: string }) => e.action.startsWith('request.denied')).length, 1);
  });

  it('links of a request decided elsewhere answer "already decided by X via Y"', async () => {
    const { id, links } = await linksFor();
    const d = await s.call('approver', 'POST', `/v1/requests/${id}/decision`, { outcome: 'approved' });
    assert.equal(d.status, 200, d.text);
    for (const url of links.values()) {
      const page = await openLink(url);
      assert.equal(page.status, 409);
      assert.match(page.html, /already approved by alice via api/);
      assert.equal(page.csrf, null, 'no form');
    }
    const cancelled = await linksFor();
    await s.call('agent', 'POST', `/v1/requests/${cancelled.id}/cancel`);
    const page = await openLink(cancelled.links.get('Deny')!);
    assert.equal(page.status, 409);
    assert.match(page.html, /already cancelled by the agent/);
  });

  it('a tampered link, a link for another request, and a link signed with another key are refused', async () => {
    const { id, links } = await linksFor();
    const url = links.get('Approve once')!;
    const token = tokenOf(url);
    const [payload, sig] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = (p: Record<string, unknown>) => `${Buffer.from(JSON.stringify(p)).toString('base64url')}.${sig}`;
    const base = url.slice(0, url.length - token.length);
    const other = await fileRequest(s, { title: 'another' });
    for (const bad of [
      `${payload}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`,
      forged({ ...claims, x: 'always' }),
      forged({ ...claims, a: 'bob' }),
      forged({ ...claims, r: other }),
      forged({ ...claims, e: claims.e + 86_400_000 }),
      signLink('another-secret-0123456789abcdef0123456789', { requestId: id, approver: 'alice', action: 'approve', expiresAt: Date.now() + 60_000, nonce: 'n1' }),
      token.slice(0, 40),
    ]) {
      const page = await openLink(base + bad);
      assert.equal(page.status, 400, bad);
      assert.match(page.html, /This link is not valid/);
      const post = await submit(base + bad, { cookie: 'x=y', csrf: 'z' });
      assert.equal(post.status, 400);
    }
    assert.equal((await statusOf(s, id)).status, 'pending');
    assert.equal((await statusOf(s, other)).status, 'pending');
  });

  it('a validly signed link for an approver the request is not routed to is refused', async () => {
    const id = await fileRequest(s); // no project: alice's only, bob decides "ops"
    const token = signLink(LINK_SECRET, { requestId: id, approver: 'bob', action: 'approve', expiresAt: Date.now() + 60_000, nonce: 'bob-nonce' });
    const url = `${s.url}/email/a/${token}`;
    const page = await openLink(url);
    assert.equal(page.status, 403);
    assert.match(page.html, /not for you/);
    const post = await submit(url, { cookie: 'gl_csrf_x=1', csrf: 'x' });
    assert.equal(post.status, 403);
    const ghost = signLink(LINK_SECRET, { requestId: id, approver: 'mallory', action: 'approve', expiresAt: Date.now() + 60_000, nonce: 'm' });
    assert.equal((await openLink(`${s.url}/email/a/${ghost}`)).status, 403, 'an approver not configured');
    assert.equal((await statusOf(s, id)).status, 'pending');
  });

  it('a link the request does not offer is refused (always for a dangerous action, approve for a question)', async () => {
    const id = await fileRequest(s, { question: { options: ['Postgres', 'SQLite'] } });
    const approve = signLink(LINK_SECRET, { requestId: id, approver: 'alice', action: 'approve', expiresAt: Date.now() + 60_000, nonce: 'q1' });
    assert.equal((await openLink(`${s.url}/email/a/${approve}`)).status, 400);
  });

  it('the conditional form has the fields of conditions_schema; invalid values keep the link usable', async () => {
    const { id, links } = await linksFor({
      conditions_schema: [
        { name: 'max_rows', type: 'number', required: true, label: 'Max <rows>' },
        { name: 'env', type: 'select', options: ['staging', '"prod"'] },
        { name: 'dry_run', type: 'boolean' },
      ],
    });
    const url = links.get('Approve with conditions')!;
    const page = await openLink(url);
    assert.equal(page.status, 200);
    assert.match(page.html, /<input id="c\.max_rows" name="c\.max_rows" type="number" step="any" value="" required>/);
    assert.ok(page.html.includes('Max &lt;rows&gt;'));
    assert.ok(page.html.includes('<option value="&quot;prod&quot;">&quot;prod&quot;</option>'));
    assert.match(page.html, /<select id="c\.dry_run" name="c\.dry_run">/);
    const missing = await submit(url, page, { 'c.env': 'staging' });
    assert.equal(missing.status, 400);
    assert.match(missing.html, /Missing required conditions: max_rows/);
    assert.equal((await statusOf(s, id)).status, 'pending');
    const csrf = /name="csrf" value="([^"]+)"/.exec(missing.html)![1];
    const ok = await submit(url, { cookie: page.cookie, csrf }, { 'c.max_rows': '100', 'c.env': 'staging', 'c.dry_run': 'true', comment: 'only at night' });
    assert.equal(ok.status, 200, ok.html);
    const r = await statusOf(s, id);
    assert.equal(r.status, 'conditional');
    assert.deepEqual(r.decision.conditions, { max_rows: 100, env: 'staging', dry_run: true });
  });

  it('a question mails one link per option, a custom answer and deny; each decides as its label says', async () => {
    const q = { question: { options: ['Use Postgres', { key: 'S', label: 'Use <SQLite>' }], allow_free_text: true } };
    const a = await linksFor(q);
    assert.deepEqual([...a.links.keys()], ['Answer A: Use Postgres', 'Answer S: Use <SQLite>', 'Write an answer', 'Deny']);
    const res = await decideByLink(a.links.get('Answer S: Use <SQLite>')!);
    assert.equal(res.status, 200, res.html);
    assert.ok(res.html.includes('answered by alice via email'));
    assert.equal((await statusOf(s, a.id)).decision.answer, 'S');

    const b = await linksFor(q);
    const url = b.links.get('Write an answer')!;
    const page = await openLink(url);
    const empty = await submit(url, page, { answer: '  ' });
    assert.equal(empty.status, 400);
    const answer = '<script>alert(1)</script> use "both"';
    const done = await submit(url, { cookie: page.cookie, csrf: /name="csrf" value="([^"]+)"/.exec(empty.html)![1] }, { answer });
    assert.equal(done.status, 200, done.html);
    assert.equal((await statusOf(s, b.id)).decision.answer, answer);
    const update = await smtp.update(b.id);
    assert.ok(update.parsed.html?.includes('&lt;script&gt;alert(1)&lt;/script&gt; use &quot;both&quot;'));
    assert.ok(!update.parsed.html?.includes('<script>'));
  });

  it('the confirmation page shows the full action, escaped, even where the mail had to cut it', async () => {
    const long = `${'x'.repeat(9000)}<img src=x onerror=alert(1)>END`;
    const { links } = await linksFor({ title: '"><svg onload=alert(1)>', preview: long, cwd: '/srv/<app>', input: { command: '</pre><script>1</script>' } });
    const mail = (await smtp.waitFor((m) => (m.parsed.subject ?? '').includes('<svg')))[0];
    assert.match(mail.parsed.text ?? '', /Truncated: this mail shows 8000 of 9031 characters/);
    assert.ok(!(mail.parsed.text ?? '').includes('alert(1)>END'), 'the tail is cut (a random link token may hold "END")');
    const page = await openLink(links.get('Approve once')!);
    assert.ok(page.html.includes('&lt;img src=x onerror=alert(1)&gt;END'), 'all of the preview');
    assert.ok(page.html.includes('&quot;&gt;&lt;svg onload=alert(1)&gt;'));
    assert.ok(page.html.includes('/srv/&lt;app&gt;'));
    assert.ok(page.html.includes('&lt;/pre&gt;&lt;script&gt;1&lt;/script&gt;'));
    assert.doesNotMatch(page.html, /<svg|<img|<script/);
  });
});

describe('email channel: link and request expiry', () => {
  let smtp: TestSmtp;
  let s: TestServer;
  const clock = new ManualClock(Date.now());
  before(async () => {
    smtp = await TestSmtp.start();
    s = await startEmailServer(smtp, {}, { clock }, { link_ttl_sec: 600 });
  });
  after(async () => {
    await s.stop();
    await smtp.close();
  });

  it('a link expires after link_ttl_sec even while its request is pending', async () => {
    const id = await fileRequest(s, { expires_in_sec: 3600 });
    const url = linksOf(await smtp.announcement(id)).get('Approve once')!;
    const page = await openLink(url);
    assert.equal(page.status, 200);
    assert.equal(verifyLink(LINK_SECRET, tokenOf(url))!.expiresAt, clock.now() + 600_000, 'min(request expiry, ttl)');
    clock.advance(601_000);
    assert.equal((await openLink(url)).status, 410);
    const post = await submit(url, page);
    assert.equal(post.status, 410);
    assert.match(post.html, /expired/);
    assert.equal((await statusOf(s, id)).status, 'pending');
  });

  it('links of an expired request say so, and the thread hears that it expired', async () => {
    const id = await fileRequest(s, { expires_in_sec: 60 });
    const announcement = await smtp.announcement(id);
    const url = linksOf(announcement).get('Approve once')!;
    assert.equal(verifyLink(LINK_SECRET, tokenOf(url))!.expiresAt, clock.now() + 60_000, 'never outlives the request');
    const page = await openLink(url);
    clock.advance(61_000);
    const early = await submit(url, page);
    assert.equal(early.status, 409, 'past the deadline, before the sweep');
    assert.match(early.html, /expired/);
    await s.gate.expireDue();
    const late = await openLink(url);
    assert.equal(late.status, 409);
    assert.match(late.html, /already expired by timeout via timeout/);
    const update = await smtp.update(id);
    assert.equal(update.parsed.inReplyTo, announcement.parsed.messageId);
    assert.match(update.parsed.text ?? '', /was expired by timeout via timeout/);
    assert.equal((await statusOf(s, id)).status, 'expired');
  });
});
