import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStore } from '../../store/memory/memory-store.js';
import { checkCsrf, csrfToken, linkExpiry, LINK_SECRET_META_KEY, replyToken, resolveLinkSecret, signLink, verifyLink, verifyReplyToken } from './links.js';

const SECRET = 'k'.repeat(40);
const claims = { requestId: 'req_01jzzzzzzzzzzzzzzzzzzzzzzz', approver: 'alice', action: 'approve', expiresAt: 1_800_000_000_000, nonce: 'n0nce' };

describe('action link tokens', () => {
  it('round-trip and refuse any change, another key, or junk', () => {
    const token = signLink(SECRET, claims);
    assert.deepEqual(verifyLink(SECRET, token), claims);
    assert.equal(verifyLink('x'.repeat(40), token), null);
    const [p, sig] = token.split('.');
    const changed = Buffer.from(JSON.stringify({ v: 1, r: claims.requestId, a: 'bob', x: 'approve', e: claims.expiresAt, n: 'n0nce' })).toString('base64url');
    assert.equal(verifyLink(SECRET, `${changed}.${sig}`), null);
    assert.equal(verifyLink(SECRET, `${p}.${sig.slice(1)}A`), null);
    for (const junk of ['', '.', 'a.b', `${p}.`, `${p}.${sig}.x`, 'x'.repeat(5000)]) assert.equal(verifyLink(SECRET, junk), null, junk);
  });

  it('expire with the request, never later than the TTL', () => {
    assert.equal(linkExpiry(10_000, 0, 60), 10_000);
    assert.equal(linkExpiry(10_000_000, 0, 60), 60_000);
  });
});

describe('reply tokens', () => {
  it('name the request and approver; lower-cased by a mail system they still verify', () => {
    const t = replyToken(SECRET, claims.requestId, 'bob');
    assert.match(t, /^[0-9a-z]{26}\.[0-9a-z]{16}$/);
    assert.deepEqual(verifyReplyToken(SECRET, t.toUpperCase(), ['alice', 'bob']), { requestId: claims.requestId, approver: 'bob' });
    assert.equal(verifyReplyToken(SECRET, t, ['alice']), null, 'bob is not configured');
    assert.equal(verifyReplyToken(SECRET, t.replace(/^./, 'z'), ['alice', 'bob']), null, 'another request');
    assert.equal(verifyReplyToken('y'.repeat(40), t, ['alice', 'bob']), null);
  });
});

describe('CSRF tokens', () => {
  it('bind the page nonce to the link', () => {
    const t = csrfToken(SECRET, 'link-a', 'nonce-1');
    assert.equal(checkCsrf(SECRET, 'link-a', 'nonce-1', t), true);
    assert.equal(checkCsrf(SECRET, 'link-b', 'nonce-1', t), false);
    assert.equal(checkCsrf(SECRET, 'link-a', 'nonce-2', t), false);
    assert.equal(checkCsrf(SECRET, 'link-a', undefined, t), false);
    assert.equal(checkCsrf(SECRET, 'link-a', 'nonce-1', undefined), false);
  });
});

describe('resolveLinkSecret', () => {
  it('uses the configured secret, else generates one once and keeps it in the store', async () => {
    const store = new MemoryStore();
    assert.equal(await resolveLinkSecret(store, SECRET), SECRET);
    assert.equal(await store.getMeta(LINK_SECRET_META_KEY), null);
    const first = await resolveLinkSecret(store, null);
    assert.ok(first.length >= 40);
    assert.equal(await resolveLinkSecret(store, null), first);
  });
});
