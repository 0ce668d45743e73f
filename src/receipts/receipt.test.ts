import assert from 'node:assert/strict';
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { canonicalAction, canonicalJson } from '../core/canonical.cjs';
import { makeDecision, makeRequest } from '../store/fixtures.js';
import { actionHashes, actionSha256, createReceiptSigner, keyIdOf, RECEIPT_FIELDS, signedText, verifyReceipt, type Receipt } from './receipt.js';

function signer() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return createReceiptSigner(privateKey, publicKey);
}

const by = { actor: { kind: 'approver' as const, name: 'alice' }, via: 'telegram', at: Date.UTC(2026, 0, 1, 12) };

function approved(edit: unknown = null) {
  return makeRequest({
    id: 'req_01',
    status: 'approved',
    tool: 'Bash',
    input: { command: 'rm -rf build', description: 'clean' },
    cwd: '/srv/app',
    decision: makeDecision({ updated_input: edit, conditions: { minutes: 30 }, decided_by: 'alice', via: 'telegram' }),
  });
}

/** A value of the same shape as `v` that differs from it. */
function another(field: string, v: unknown): unknown {
  switch (field) {
    case 'receipt_version':
      return 2;
    case 'action_sha256':
    case 'edited_action_sha256':
      return 'f'.repeat(64) === v ? 'e'.repeat(64) : 'f'.repeat(64);
    case 'outcome':
      return v === 'denied' ? 'approved' : 'denied';
    case 'scope':
      return v === 'always' ? 'once' : 'always';
    case 'approvers':
      return [{ name: 'mallory', kind: 'approver', via: 'web' }];
    case 'conditions':
      return { minutes: 600 };
    case 'decided_at':
    case 'issued_at':
      return '2030-01-01T00:00:00.000Z';
    case 'key_id':
      return 'ed25519:0000000000000000';
    case 'signature': {
      const b = Buffer.from(v as string, 'base64url');
      b[0] ^= 1;
      return b.toString('base64url');
    }
    default:
      return `${String(v)}x`;
  }
}

describe('decision receipts', () => {
  it('hashes the canonical action: sorted keys, no whitespace, absent parts as null', () => {
    assert.equal(canonicalAction('Bash', { b: 1, a: [true, null, 'é\u2028'] }, null), '{"cwd":null,"input":{"a":[true,null,"é\u2028"],"b":1},"tool":"Bash"}');
    assert.equal(canonicalJson({ z: undefined, y: { d: 1, c: 2 } }), '{"y":{"c":2,"d":1}}');
    const expected = createHash('sha256').update('{"cwd":"/srv","input":{"command":"ls"},"tool":"Bash"}').digest('hex');
    assert.equal(actionSha256('Bash', { command: 'ls' }, '/srv'), expected);
  });

  it('signs a decision and verifies offline with only the public key', () => {
    const s = signer();
    const receipt = s.issue(approved(), by);
    // Only the PEM text and the JSON cross over, as from GET /v1/receipts/public-key and a file.
    const check = verifyReceipt(JSON.parse(JSON.stringify(receipt)), createPublicKey(s.publicKeyPem));
    assert.equal(check.ok, true, JSON.stringify(check));
    assert.deepEqual(Object.keys(receipt).sort(), [...RECEIPT_FIELDS].sort());
    assert.equal(receipt.outcome, 'approved');
    assert.deepEqual(receipt.approvers, [{ name: 'alice', kind: 'approver', via: 'telegram' }]);
    assert.deepEqual(receipt.conditions, { minutes: 30 });
    assert.equal(receipt.edited_action_sha256, null);
    assert.equal(receipt.action_sha256, actionSha256('Bash', { command: 'rm -rf build', description: 'clean' }, '/srv/app'));
    assert.equal(receipt.key_id, keyIdOf(s.publicKey));
  });

  it('an edited action carries the hash of the action as edited (the edit applied as the hooks apply it)', () => {
    const string = actionHashes(approved('rm -rf build/tmp'));
    assert.equal(string.edited_action_sha256, actionSha256('Bash', { command: 'rm -rf build/tmp', description: 'clean' }, '/srv/app'));
    const object = actionHashes(approved({ command: 'ls' }));
    assert.equal(object.edited_action_sha256, actionSha256('Bash', { command: 'ls', description: 'clean' }, '/srv/app'));
    assert.equal(object.action_sha256, string.action_sha256);
  });

  for (const field of RECEIPT_FIELDS) {
    it(`fails verification when ${field} alone is changed`, () => {
      const s = signer();
      const receipt = s.issue(approved('rm -rf build/tmp'), by) as unknown as Record<string, unknown>;
      const tampered = { ...receipt, [field]: another(field, receipt[field]) };
      const check = verifyReceipt(tampered, s.publicKey);
      assert.equal(check.ok, false, `${field} changed yet verified`);
      if (!check.ok) assert.ok(['signature', 'key_id', field].includes(check.field), `${field}: blamed ${check.field}: ${check.message}`);
    });
  }

  it('names a missing, added or malformed field', () => {
    const s = signer();
    const receipt = s.issue(approved(), by) as unknown as Record<string, unknown>;
    const { agent: _a, ...missing } = receipt;
    assert.deepEqual(pick(verifyReceipt(missing, s.publicKey)), { ok: false, field: 'agent' });
    assert.deepEqual(pick(verifyReceipt({ ...receipt, extra: 1 }, s.publicKey)), { ok: false, field: 'extra' });
    assert.deepEqual(pick(verifyReceipt({ ...receipt, action_sha256: 'ABC' }, s.publicKey)), { ok: false, field: 'action_sha256' });
    assert.deepEqual(pick(verifyReceipt({ ...receipt, approvers: [{ name: '<b>x</b>', kind: 'approver' }] }, s.publicKey)), { ok: false, field: 'approvers' });
    assert.deepEqual(pick(verifyReceipt({ ...receipt, decided_at: 'yesterday' }, s.publicKey)), { ok: false, field: 'decided_at' });
    assert.deepEqual(pick(verifyReceipt([receipt], s.publicKey)), { ok: false, field: '(receipt)' });
    assert.deepEqual(pick(verifyReceipt(null, s.publicKey)), { ok: false, field: '(receipt)' });
  });

  it('fails with another key, naming key_id; and a re-signed receipt under a forged key_id fails its signature', () => {
    const s = signer();
    const other = signer();
    const receipt = s.issue(approved(), by);
    assert.deepEqual(pick(verifyReceipt(receipt, other.publicKey)), { ok: false, field: 'key_id' });
    const claimed = { ...receipt, key_id: other.keyId };
    assert.deepEqual(pick(verifyReceipt(claimed, other.publicKey)), { ok: false, field: 'signature' });
  });

  it('signs the canonical JSON of every field but the signature', () => {
    const s = signer();
    const receipt: Receipt = s.issue(approved(), by);
    const text = signedText(receipt as unknown as Record<string, unknown>);
    assert.ok(!text.includes('signature'));
    assert.equal(text, canonicalJson({ ...receipt, signature: undefined }));
  });

  it('receipts of expiry and cancel name the system or the canceller', () => {
    const s = signer();
    const cancelled = s.issue(makeRequest({ status: 'cancelled', decision: null }), { actor: { kind: 'agent', name: 'bot' }, via: 'api', at: by.at });
    assert.deepEqual(cancelled.approvers, [{ name: 'bot', kind: 'agent', via: 'api' }]);
    assert.equal(cancelled.outcome, 'cancelled');
    assert.equal(cancelled.scope, null);
    assert.equal(verifyReceipt(cancelled, s.publicKey).ok, true);
  });
});

function pick(c: ReturnType<typeof verifyReceipt>) {
  return c.ok ? { ok: true } : { ok: false, field: c.field };
}

