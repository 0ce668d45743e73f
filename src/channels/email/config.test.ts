import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imapOptions, parseEmailConfig, parseMailbox, smtpOptions } from './config.js';

const base = { smtp_url: 'smtps://user%40x.com:p%40ss@smtp.example.com', from: 'Greenlight <approvals@example.com>' };

describe('channels.email config', () => {
  it('fills in defaults and splits the reply address', () => {
    const cfg = parseEmailConfig(base);
    assert.equal(cfg.fromAddress, 'approvals@example.com');
    assert.equal(cfg.fromName, 'Greenlight');
    assert.equal(cfg.replyLocal, 'approvals');
    assert.equal(cfg.replyDomain, 'example.com');
    assert.equal(cfg.link_ttl_sec, 86400);
    assert.equal(cfg.imap, null);
    const other = parseEmailConfig({ ...base, reply_address: 'in@inbound.example.net' });
    assert.deepEqual([other.replyLocal, other.replyDomain], ['in', 'inbound.example.net']);
  });

  it('says what to fix', () => {
    assert.throws(() => parseEmailConfig({ ...base, smtp_url: 'http://x' }), /channels\.email\.smtp_url: use smtp:\/\/ or smtps:\/\//);
    assert.throws(() => parseEmailConfig({ ...base, from: 'not an address' }), /channels\.email\.from must be an address/);
    assert.throws(() => parseEmailConfig({ ...base, link_secret: 'short' }), /link_secret must be at least 32 characters/);
    assert.throws(() => parseEmailConfig({ ...base, smtp: 'typo' }), /channels\.email/);
    assert.throws(() => parseEmailConfig({ ...base, imap: { url: 'https://x' } }), /imap\.url/);
  });

  it('parses mailboxes', () => {
    assert.deepEqual(parseMailbox('"Ops, Team" <ops@example.com>'), { name: 'Ops, Team', address: 'ops@example.com' });
    assert.deepEqual(parseMailbox('ops@example.com'), { name: null, address: 'ops@example.com' });
    assert.equal(parseMailbox('Ops <nope>'), null);
  });

  it('SMTP: TLS for smtps, STARTTLS required for smtp unless loopback or turned off', () => {
    const tls = smtpOptions(parseEmailConfig(base));
    assert.deepEqual([tls.host, tls.port, tls.secure, tls.requireTLS, tls.auth], ['smtp.example.com', 465, true, false, { user: 'user@x.com', pass: 'p@ss' }]);
    const starttls = smtpOptions(parseEmailConfig({ ...base, smtp_url: 'smtp://smtp.example.com' }));
    assert.deepEqual([starttls.port, starttls.secure, starttls.requireTLS], [587, false, true]);
    assert.equal(smtpOptions(parseEmailConfig({ ...base, smtp_url: 'smtp://127.0.0.1:2525' })).requireTLS, false);
    assert.equal(smtpOptions(parseEmailConfig({ ...base, smtp_url: 'smtp://relay.internal:25', require_tls: false })).requireTLS, false);
    assert.equal(smtpOptions(parseEmailConfig({ ...base, smtp_url: 'smtp://localhost:25', require_tls: true })).requireTLS, true);
  });

  it('IMAP: imaps on 993, imap on 143, credentials decoded', () => {
    assert.deepEqual(imapOptions('imaps://a%40b.c:pw@imap.example.com'), { host: 'imap.example.com', port: 993, secure: true, auth: { user: 'a@b.c', pass: 'pw' } });
    assert.equal(imapOptions('imap://imap.example.com').port, 143);
  });
});
