// `greenlight receipt verify` as an auditor runs it: offline with the server's PEM, or against the
// server; exit 0 valid, 1 invalid (naming the field), 2 usage, file or network trouble.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RECEIPT_FIELDS } from '../../src/receipts/receipt.js';
import { startTestServer, type TestServer } from '../helpers/harness.js';
import { ALL_HOSTILE } from '../helpers/hostile-text.js';
import { runCli } from './cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'greenlight-receipt-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const file = (content: string) => {
  const p = join(dir, `f${++files}.json`);
  writeFileSync(p, content);
  return p;
};

describe('greenlight receipt verify', () => {
  let s: TestServer;
  let request: any;
  let pem: string;
  before(async () => {
    s = await startTestServer();
    const created = await s.call('agent', 'POST', '/v1/requests', { title: ALL_HOSTILE, tool: 'Bash', input: { command: 'make deploy' }, cwd: '/srv' });
    request = (await s.call('approver', 'POST', `/v1/requests/${created.body.id}/decision`, { outcome: 'approved', updated_input: 'make deploy-staging' })).body;
    pem = file((await s.call(null, 'GET', '/v1/receipts/public-key')).body.public_key_pem);
  });
  after(() => s.stop());

  it('verifies a receipt offline with only the PEM file, and a whole request JSON too', async () => {
    await s.stop(); // offline: nothing to ask
    const r = await runCli(['receipt', 'verify', file(JSON.stringify(request.receipt)), '--public-key', pem]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^receipt valid: signed by ed25519:[0-9a-f]{16}$/m);
    assert.match(r.stdout, /outcome {3}approved/);
    assert.match(r.stdout, /by {8}alice \(approver\) via api/);
    const whole = await runCli(['receipt', 'verify', file(JSON.stringify(request)), '--public-key', pem]);
    assert.equal(whole.code, 0, whole.stderr);
    s = await startTestServer();
  });

  it('checks an action file against the edited action the approver approved', async () => {
    const edited = file(JSON.stringify({ tool: 'Bash', input: { command: 'make deploy-staging' }, cwd: '/srv' }));
    const ok = await runCli(['receipt', 'verify', file(JSON.stringify(request.receipt)), '--public-key', pem, '--action', edited]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /action matches the receipt's edited_action_sha256/);
    const original = file(JSON.stringify({ tool: 'Bash', input: { command: 'make deploy' }, cwd: '/srv' }));
    const no = await runCli(['receipt', 'verify', file(JSON.stringify(request.receipt)), '--public-key', pem, '--action', original]);
    assert.equal(no.code, 1);
    assert.match(no.stderr, /the action does NOT match/);
    assert.match(no.stderr, /^Field: edited_action_sha256$/m);
  });

  it('fails with exit 1 naming the field for a receipt changed in any single field', async () => {
    const receipt = request.receipt as Record<string, unknown>;
    for (const field of RECEIPT_FIELDS) {
      const v = receipt[field];
      const changed =
        field === 'signature'
          ? // A character in the middle: all six of its bits are signature bits (the last character's low bits are padding, which decoding ignores)
            `${(v as string).slice(0, 10)}${(v as string)[10] === 'A' ? 'B' : 'A'}${(v as string).slice(11)}`
          : field === 'approvers'
            ? [{ name: 'mallory', kind: 'approver', via: 'web' }]
            : field === 'receipt_version'
              ? 2
              : field === 'conditions' || field === 'scope' || field === 'edited_action_sha256'
                ? null
                : typeof v === 'string' && /^[0-9a-f]{64}$/.test(v)
                  ? v.replace(/^./, (c) => (c === '0' ? '1' : '0'))
                  : typeof v === 'string' && v.startsWith('20')
                    ? '2031-01-01T00:00:00.000Z'
                    : field === 'outcome'
                      ? 'denied'
                      : field === 'key_id'
                        ? 'ed25519:0123456789abcdef'
                        : `${String(v)}2`;
      if (JSON.stringify(changed) === JSON.stringify(v)) continue;
      const r = await runCli(['receipt', 'verify', file(JSON.stringify({ ...receipt, [field]: changed })), '--public-key', pem]);
      assert.equal(r.code, 1, `${field}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /^receipt INVALID: /m, field);
      assert.match(r.stderr, new RegExp(`^Field: (${field}|signature|key_id)$`, 'm'), field);
    }
  });

  it('fails with another server\'s key, naming key_id', async () => {
    const other = file(generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }) as string);
    const r = await runCli(['receipt', 'verify', file(JSON.stringify(request.receipt)), '--public-key', other]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /key_id is ed25519:[0-9a-f]{16} but the public key given is ed25519:[0-9a-f]{16}/);
    assert.match(r.stderr, /^Field: key_id$/m);
  });

  it('fetches the key with --server', async () => {
    const fresh = await s.call('agent', 'POST', '/v1/requests', { title: 't', preview: 'p' });
    const decided = (await s.call('approver', 'POST', `/v1/requests/${fresh.body.id}/decision`, { outcome: 'denied' })).body;
    const r = await runCli(['receipt', 'verify', file(JSON.stringify(decided.receipt)), '--server', s.url]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /outcome {3}denied/);
  });

  it('answers malformed, oversized, deeply nested and hostile input with exit 2 and what is wrong', async () => {
    const cases: [string[], RegExp][] = [
      [[file('{not json'), '--public-key', pem], /is not JSON/],
      [[file(`{"a":"${'x'.repeat(1_100_000)}"}`), '--public-key', pem], /a receipt file is at most 1048576/],
      [[file(`${'['.repeat(5000)}${']'.repeat(5000)}`), '--public-key', pem], /nests objects or arrays more than 64 levels/],
      [[join(dir, 'missing.json'), '--public-key', pem], /cannot read the receipt/],
      [[file('{}'), '--public-key', file('-----BEGIN PUBLIC KEY-----\ngarbage\n-----END PUBLIC KEY-----\n')], /is not an Ed25519 public key in PEM/],
      [[file('{}')], /give exactly one of --public-key PEM_FILE or --server URL/],
      [[file('{}'), '--public-key', pem, '--server', 'http://127.0.0.1:1'], /give exactly one/],
      [[file('{}'), '--server', 'http://127.0.0.1:1'], /cannot fetch the public key/],
      [[file('{}'), '--server', 'not a url'], /is not a URL/],
      [['--public-key', pem], /name the receipt file/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['receipt', 'verify', ...args]);
      assert.equal(r.code, 2, `${args.join(' ').slice(0, 80)}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
    const hostile = await runCli(['receipt', 'verify', file(JSON.stringify({ ...request.receipt, agent: ALL_HOSTILE })), '--public-key', pem]);
    assert.equal(hostile.code, 1, 'a hostile field is a changed field');
    assert.doesNotMatch(hostile.stderr + hostile.stdout, /[\u202e\u2066]/, 'no bidi controls reach the terminal');
    const notReceipt = await runCli(['receipt', 'verify', file('[1,2]'), '--public-key', pem]);
    assert.equal(notReceipt.code, 1);
    assert.match(notReceipt.stderr, /a receipt is a JSON object/);
  });
});
