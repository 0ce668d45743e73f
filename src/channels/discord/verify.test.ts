import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import { checkSignature, publicKeyFromHex } from './verify.js';

describe('discord signatures', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const hex = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex');
  const key = publicKeyFromHex(hex);
  const body = '{"type":1}';
  const now = 1_800_000_000_000;
  const ts = String(now / 1000);
  const sig = sign(null, Buffer.from(ts + body), privateKey).toString('hex');

  it('accepts a body signed over timestamp + body with the application key', () => {
    assert.deepEqual(checkSignature(key, sig, ts, body, now), { ok: true, at: now });
  });

  it('refuses missing, malformed, forged and stale signatures, each for its reason', () => {
    assert.deepEqual(checkSignature(key, undefined, ts, body, now), { ok: false, reason: 'missing' });
    assert.deepEqual(checkSignature(key, 'abc', ts, body, now), { ok: false, reason: 'malformed' });
    assert.deepEqual(checkSignature(key, sig, ts, body + ' ', now), { ok: false, reason: 'forged' });
    assert.deepEqual(checkSignature(key, sig, ts, body, now + 301_000), { ok: false, reason: 'stale' });
    assert.deepEqual(checkSignature(key, sig, ts, body, now - 301_000), { ok: false, reason: 'stale' });
  });
});
