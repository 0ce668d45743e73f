import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { signBody, signedHeaders, verifySignature } from './sign.js';

const SECRET = 'whsec-0123456789abcdef';
const BODY = '{"event":"request.decided","request":{"id":"req_1"}}';
const TS = 1_767_268_800;

describe('signBody', () => {
  it('is HMAC-SHA256 over "<timestamp>.<body>" in hex, prefixed v1=', () => {
    const expected = createHmac('sha256', SECRET).update(`${TS}.${BODY}`).digest('hex');
    assert.equal(signBody(SECRET, TS, BODY), `v1=${expected}`);
  });
});

describe('signedHeaders', () => {
  it('carries timestamp, signature, event, delivery id and user agent', () => {
    const h = signedHeaders({ secret: SECRET, timestampSec: TS, body: BODY, event: 'request.decided', deliveryId: 'dlv_1', version: '1.2.3' });
    assert.equal(h['X-Greenlight-Timestamp'], String(TS));
    assert.equal(h['X-Greenlight-Signature'], `t=${TS},${signBody(SECRET, TS, BODY)}`);
    assert.equal(h['X-Greenlight-Event'], 'request.decided');
    assert.equal(h['X-Greenlight-Delivery'], 'dlv_1');
    assert.equal(h['User-Agent'], 'Greenlight/1.2.3');
    assert.equal(h['Content-Type'], 'application/json');
  });
});

describe('verifySignature', () => {
  const header = `t=${TS},${signBody(SECRET, TS, BODY)}`;

  it('accepts a valid signature within the tolerance', () => {
    assert.equal(verifySignature(SECRET, header, BODY, TS), true);
    assert.equal(verifySignature(SECRET, header, BODY, TS + 299), true);
  });
  it('rejects a tampered body', () => assert.equal(verifySignature(SECRET, header, BODY.replace('req_1', 'req_2'), TS), false));
  it('rejects a tampered timestamp', () => {
    const forged = header.replace(`t=${TS}`, `t=${TS + 10}`);
    assert.equal(verifySignature(SECRET, forged, BODY, TS + 10), false);
  });
  it('rejects an old (replayed) timestamp', () => assert.equal(verifySignature(SECRET, header, BODY, TS + 301), false));
  it('rejects a timestamp from the future beyond the tolerance', () => assert.equal(verifySignature(SECRET, header, BODY, TS - 301), false));
  it('rejects the wrong secret', () => assert.equal(verifySignature('another-secret-0123456789', header, BODY, TS), false));
  it('rejects malformed headers', () => {
    for (const h of [undefined, '', 'v1=abc', `t=${TS}`, `t=${TS},v1=zz`, `t=abc,${signBody(SECRET, TS, BODY)}`]) {
      assert.equal(verifySignature(SECRET, h, BODY, TS), false, String(h));
    }
  });
  it('accepts when any of several v1 signatures matches (secret rotation)', () => {
    const both = `t=${TS},${signBody('old-secret-0123456789abcdef', TS, BODY)},${signBody(SECRET, TS, BODY)}`;
    assert.equal(verifySignature(SECRET, both, BODY, TS), true);
  });
});
