// Signed decision receipts end to end: every settlement (a person, the policy, the deadline, a
// cancel) carries a receipt in the API, the long-poll and the event stream; the receipt route and
// the public key; the signing key in the data dir, kept across restarts, and a replaced key refused.
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/core/ids.js';
import { actionSha256, verifyReceipt } from '../../src/receipts/receipt.js';
import { startServer } from '../../src/server.js';
import { silentLogger } from '../../src/log.js';
import { KEYS, startTestServer, testConfig, type TestServer } from '../helpers/harness.js';
import { watchSse } from '../helpers/sse.js';
import { HOSTILE } from '../helpers/hostile-text.js';
import { runCli } from '../cli/cli-helpers.js';

const root = mkdtempSync(join(tmpdir(), 'greenlight-receipts-'));
after(() => rmSync(root, { recursive: true, force: true }));

async function publicKeyOf(s: TestServer) {
  const res = await s.call(null, 'GET', '/v1/receipts/public-key');
  assert.equal(res.status, 200, res.text);
  return { ...res.body, key: createPublicKey(res.body.public_key_pem) };
}

describe('decision receipts over the API', () => {
  let s: TestServer;
  const clock = new ManualClock(Date.now());
  before(async () => {
    s = await startTestServer({ policy: { allow: ['Bash(git status)'] } }, { clock });
  });
  after(() => s.stop());

  it('a human decision carries one signed receipt in GET, wait, the SSE decided event and GET /receipt', async () => {
    const created = await s.call('agent', 'POST', '/v1/requests', { title: 'clean', tool: 'Bash', input: { command: 'rm -rf build' }, cwd: '/srv/app', preview: 'rm -rf build' });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.receipt, null, 'pending: no receipt yet');
    const id = created.body.id;
    const sse = watchSse(`${s.url}/v1/events?request_id=${id}`, KEYS.agent, (e) => e.event === 'request.decided');
    await sse.ready;
    const waited = s.call('agent', 'GET', `/v1/requests/${id}/wait?timeout_sec=10`);
    const decided = await s.call('approver', 'POST', `/v1/requests/${id}/decision`, { outcome: 'conditional', conditions: { minutes: 30 }, comment: 'ok' });
    assert.equal(decided.status, 200, decided.text);
    const receipt = decided.body.receipt;
    assert.ok(receipt, 'the decision answer carries the receipt');
    assert.deepEqual((await waited).body.receipt, receipt);
    assert.deepEqual((await sse.done).data.request.receipt, receipt);
    assert.deepEqual((await s.call('agent', 'GET', `/v1/requests/${id}`)).body.receipt, receipt);
    const own = await s.call('agent', 'GET', `/v1/requests/${id}/receipt`);
    assert.equal(own.status, 200, own.text);
    assert.deepEqual(own.body, receipt);

    const { key, key_id } = await publicKeyOf(s);
    assert.equal(receipt.key_id, key_id);
    assert.deepEqual(verifyReceipt(receipt, key), { ok: true, receipt });
    assert.equal(receipt.action_sha256, actionSha256('Bash', { command: 'rm -rf build' }, '/srv/app'));
    assert.equal(receipt.outcome, 'conditional');
    assert.deepEqual(receipt.approvers, [{ name: 'alice', kind: 'approver', via: 'api' }]);
    assert.deepEqual(receipt.conditions, { minutes: 30 });
  });

  it('an edited approval signs the edited action too', async () => {
    const created = await s.call('agent', 'POST', '/v1/requests', { title: 'x', tool: 'Bash', input: { command: 'rm -rf /' }, cwd: '/srv' });
    const decided = await s.call('approver', 'POST', `/v1/requests/${created.body.id}/decision`, { outcome: 'approved', updated_input: 'rm -rf ./tmp' });
    assert.equal(decided.status, 200, decided.text);
    assert.equal(decided.body.receipt.edited_action_sha256, actionSha256('Bash', { command: 'rm -rf ./tmp' }, '/srv'));
    assert.equal(decided.body.receipt.action_sha256, actionSha256('Bash', { command: 'rm -rf /' }, '/srv'));
  });

  it('the policy, the deadline and a cancel settle with receipts too', async () => {
    const { key } = await publicKeyOf(s);
    const auto = await s.call('agent', 'POST', '/v1/requests', { title: 'status', tool: 'Bash', input: { command: 'git status' } });
    assert.equal(auto.body.status, 'approved');
    assert.deepEqual(auto.body.receipt.approvers, [{ name: 'Bash(git status)', kind: 'policy', via: 'policy' }]);
    assert.equal(verifyReceipt(auto.body.receipt, key).ok, true);

    const cancelled = await s.call('agent', 'POST', '/v1/requests', { title: 'c', preview: 'deploy' });
    const c = await s.call('agent', 'POST', `/v1/requests/${cancelled.body.id}/cancel`, { reason: 'not needed' });
    assert.equal(c.body.receipt.outcome, 'cancelled');
    assert.deepEqual(c.body.receipt.approvers, [{ name: 'agent-a', kind: 'agent', via: 'api' }]);
    assert.equal(verifyReceipt(c.body.receipt, key).ok, true);

    const late = await s.call('agent', 'POST', '/v1/requests', { title: 'late', preview: 'x', expires_in_sec: 60 });
    clock.advance(61_000);
    await s.gate.expireDue();
    const expired = await s.call('agent', 'GET', `/v1/requests/${late.body.id}/receipt`);
    assert.equal(expired.status, 200, expired.text);
    assert.equal(expired.body.outcome, 'expired');
    assert.deepEqual(expired.body.approvers, [{ name: 'timeout', kind: 'system', via: 'timeout' }]);
    assert.equal(verifyReceipt(expired.body, key).ok, true);
  });

  it('GET /receipt refuses no key, other agents, pending requests, unknown and hostile ids with clear errors', async () => {
    const created = await s.call('agent', 'POST', '/v1/requests', { title: 'p', preview: 'x' });
    const path = `/v1/requests/${created.body.id}/receipt`;
    assert.equal((await s.call(null, 'GET', path)).body.error.code, 'UNAUTHENTICATED');
    assert.equal((await s.call('otherAgent', 'GET', path)).body.error.code, 'NOT_FOUND');
    const pending = await s.call('agent', 'GET', path);
    assert.equal(pending.status, 409);
    assert.equal(pending.body.error.code, 'RECEIPT_PENDING');
    for (const id of ['req_nope', encodeURIComponent(HOSTILE.html), 'x'.repeat(5000), encodeURIComponent('\u202e\u0000')]) {
      const r = await s.call('agent', 'GET', `/v1/requests/${id}/receipt`);
      assert.equal(r.status, 404, `${id.slice(0, 20)}: ${r.text.slice(0, 200)}`);
      assert.equal(r.body.error.code, 'NOT_FOUND');
      assert.match(r.headers.get('content-type') ?? '', /^application\/json/, 'an id is only ever echoed inside JSON');
    }
  });

  it('serves the public key without a key: JSON with key id, and PEM', async () => {
    const json = await s.call(null, 'GET', '/v1/receipts/public-key');
    assert.equal(json.body.algorithm, 'Ed25519');
    assert.match(json.body.key_id, /^ed25519:[0-9a-f]{16}$/);
    const pem = await fetch(`${s.url}/v1/receipts/public-key?format=pem`);
    assert.match(pem.headers.get('content-type') ?? '', /x-pem-file/);
    assert.equal(await pem.text(), json.body.public_key_pem);
    assert.match(json.body.public_key_pem, /^-----BEGIN PUBLIC KEY-----/);
    // Any other format, hostile or long, gets the JSON; a key sent along changes nothing.
    const odd = await s.call('agent', 'GET', `/v1/receipts/public-key?format=${encodeURIComponent(HOSTILE.html)}${'x'.repeat(3000)}`);
    assert.equal(odd.status, 200);
    assert.equal(odd.body.key_id, json.body.key_id);
  });
});

describe('the receipt signing key', () => {
  it('is generated 0600 in the data dir, kept across restarts; a replaced key refuses to start until rotate-key records it', async () => {
    const dataDir = join(root, 'keyed');
    const first = await startTestServer({}, { dataDir });
    const keyFile = join(dataDir, 'receipt-key.pem');
    const id1 = (await first.call(null, 'GET', '/v1/receipts/public-key')).body.key_id;
    await first.stop();
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);

    const again = await startTestServer({}, { dataDir });
    assert.equal((await again.call(null, 'GET', '/v1/receipts/public-key')).body.key_id, id1, 'the same key after a restart');
    await again.stop();

    writeFileSync(keyFile, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    await assert.rejects(startServer(testConfig(dataDir), { logger: silentLogger }), (err: Error) => err.name === 'StartupError' && /receipts in this store are signed with key ed25519:[0-9a-f]{16}, but this instance's key is/.test(err.message) && /receipt rotate-key/.test(err.message));

    const rotated = await runCli(['receipt', 'rotate-key', '--data-dir', dataDir]);
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.match(rotated.stdout, new RegExp(`earlier keys \\(${id1}\\)`));
    const third = await startTestServer({}, { dataDir });
    const key = (await third.call(null, 'GET', '/v1/receipts/public-key')).body;
    assert.notEqual(key.key_id, id1);
    assert.deepEqual(key.previous.map((p: { key_id: string }) => p.key_id), [id1], 'receipts of the old key stay checkable');
    await third.stop();
  });

  it('refuses a key file other users can read, and a key that is not Ed25519', async () => {
    const dataDir = join(root, 'loose');
    const first = await startTestServer({}, { dataDir });
    await first.stop();
    const { chmodSync } = await import('node:fs');
    chmodSync(join(dataDir, 'receipt-key.pem'), 0o644);
    await assert.rejects(startServer(testConfig(dataDir), { logger: silentLogger }), /can be read by other users \(mode 644\): run chmod 600/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    await assert.rejects(startServer(testConfig(join(root, 'rsa'), { receipts: { signing_key: rsa } }), { logger: silentLogger }), /is an rsa key; receipts are signed with Ed25519/);
    await assert.rejects(startServer(testConfig(join(root, 'junk'), { receipts: { signing_key: 'not a key' } }), { logger: silentLogger }), /receipts.signing_key .* is not a PEM private key/);
  });

  it('takes the key from the config (GREENLIGHT_RECEIPTS_SIGNING_KEY) and writes no key file', async () => {
    const pair = generateKeyPairSync('ed25519');
    const dataDir = join(root, 'configured');
    const s = await startTestServer({ receipts: { signing_key: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) } }, { dataDir });
    try {
      const key = (await s.call(null, 'GET', '/v1/receipts/public-key')).body;
      assert.equal(key.public_key_pem, pair.publicKey.export({ type: 'spki', format: 'pem' }));
      assert.throws(() => readFileSync(join(dataDir, 'receipt-key.pem')), /ENOENT/);
    } finally {
      await s.stop();
    }
  });
});
