// The audit export (GET /v1/audit/export and `greenlight audit export`) and its offline check
// (`greenlight audit verify --file`): an intact export verifies; an edited, deleted, reordered or
// inserted line fails naming its line; hostile, oversized and malformed files get clear errors.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { auditHash } from '../../src/core/audit-chain.js';
import { startTestServer, type TestServer } from '../helpers/harness.js';
import { ALL_HOSTILE } from '../helpers/hostile-text.js';
import { runCli } from './cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'greenlight-audit-export-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const write = (text: string) => {
  const p = join(dir, `e${++n}.jsonl`);
  writeFileSync(p, text);
  return p;
};
const verifyFile = (path: string) => runCli(['audit', 'verify', '--file', path]);

describe('audit export and offline verify', () => {
  let s: TestServer;
  let lines: string[];
  before(async () => {
    s = await startTestServer();
    for (let i = 0; i < 4; i++) {
      const r = await s.call('agent', 'POST', '/v1/requests', { title: `${ALL_HOSTILE} ${i}`, preview: `step ${i}` });
      await s.call('approver', 'POST', `/v1/requests/${r.body.id}/decision`, { outcome: i % 2 ? 'denied' : 'approved', comment: ALL_HOSTILE });
    }
    const res = await fetch(`${s.url}/v1/audit/export`, { headers: { authorization: 'Bearer admin-key-0123456789abcdefgh' } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/x-ndjson/);
    const text = await res.text();
    lines = text.trimEnd().split('\n');
    assert.ok(lines.length >= 8, `${lines.length} rows`);
  });
  after(() => s.stop());

  it('the CLI export equals the API export, and both verify from the first row', async () => {
    const out = join(dir, 'cli.jsonl');
    const r = await runCli(['audit', 'export', '--data-dir', s.dataDir, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(out, 'utf8'), `${lines.join('\n')}\n`);
    const again = await runCli(['audit', 'export', '--data-dir', s.dataDir, '--out', out]);
    assert.equal(again.code, 1, 'never overwrites');
    assert.match(again.stderr, /it exists; an export never overwrites a file/);
    const v = await verifyFile(out);
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, new RegExp(`^audit export OK: ${lines.length} rows from the first row of the log, to row ${lines.length} \\(hash [0-9a-f]{64}\\)`, 'm'));
  });

  it('a range starts mid-log and reports the predecessor hash it rests on', async () => {
    const rows = lines.map((l) => JSON.parse(l));
    const since = rows[3].at;
    const r = await runCli(['audit', 'export', '--data-dir', s.dataDir, '--since', String(since)]);
    assert.equal(r.code, 0, r.stderr);
    const first = JSON.parse(r.stdout.split('\n')[0]);
    assert.ok(first.seq > 1);
    const v = await verifyFile(write(r.stdout));
    assert.equal(v.code, 0, v.stderr);
    assert.ok(v.stdout.includes(`whose predecessor (row ${first.seq - 1}, not in the file) has hash ${rows[first.seq - 2].hash}`), v.stdout);
    const api = await s.call('admin', 'GET', `/v1/audit/export?since=${new Date(since).toISOString()}&until=${rows.at(-1).at + 1}`);
    assert.equal(api.status, 200);
  });

  it('names the line of an edited, deleted, reordered or inserted row', async () => {
    const edited = [...lines];
    edited[4] = edited[4].replace(/"action":"[^"]+"/, '"action":"request.approved"').replace(/"actor_name":"[^"]+"/, '"actor_name":"mallory"');
    const swapped = [...lines];
    [swapped[2], swapped[3]] = [swapped[3], swapped[2]];
    const deleted = lines.filter((_, i) => i !== 5);
    // A forged row with a hash that is right for its own content, slipped in after line 3.
    const prev = JSON.parse(lines[2]);
    const forged = { seq: prev.seq + 1, at: prev.at, actor_kind: 'approver', actor_name: 'mallory', action: 'request.approved', request_id: null, via: 'api', detail: null, prev_hash: prev.hash, hash: '' };
    forged.hash = auditHash(prev.hash, forged.seq, forged);
    const inserted = [...lines.slice(0, 3), JSON.stringify(forged), ...lines.slice(3)];
    const cases: [string[], number, RegExp][] = [
      [edited, 5, /was edited: its content no longer matches its hash/],
      [swapped, 3, /is missing|does not link/],
      [deleted, 6, /is missing \(next row is \d+\): rows were deleted/],
      [inserted, 5, /is missing|does not link/],
    ];
    for (const [content, line, why] of cases) {
      const v = await verifyFile(write(`${content.join('\n')}\n`));
      assert.equal(v.code, 1, v.stdout);
      assert.match(v.stderr, new RegExp(`^audit export FAILED: line ${line} `, 'm'));
      assert.match(v.stderr, why);
    }
  });

  it('refuses malformed, oversized, deeply nested and hostile files with clear errors', async () => {
    const good = lines.slice(0, 3);
    const cases: [string, RegExp, number][] = [
      [`${good[0]}\n\n${good[1]}\n`, /line 2 is empty/, 1],
      [`${good[0]}\n{not json\n`, /line 2 is not JSON/, 1],
      [`${good[0]}\n${'['.repeat(200)}${']'.repeat(200)}\n`, /line 2 is not an audit row: it nests objects or arrays more than 64 levels/, 1],
      [`${good[0]}\n{"a":"${'x'.repeat(1_100_000)}"}\n${good[1]}\n`, /line 2 is longer than 1048576 bytes/, 1],
      [`${good[0].replace('{', '{"extra":1,')}\n`, /line 1 has a field "extra" no audit row has/, 1],
      [`${good[0].replace(/"seq":\d+/, '"seq":"1"')}\n`, /line 1 has a seq that is not a positive whole number/, 1],
      [`${good[0].replace(/"hash":"[0-9a-f]+"/, () => `"hash":${JSON.stringify(ALL_HOSTILE)}`)}\n`, /line 1 has a hash that is not a SHA-256 digest/, 1],
      [`[1,2,3]\n`, /line 1 is not a JSON object/, 1],
      [``, /the file is empty/, 1],
      [`\n\n`, /holds no audit rows/, 1],
      [`${good[1]}\n`.replace(/"prev_hash":"[0-9a-f]+"/, `"prev_hash":"${'1'.repeat(64)}"`).replace(/"seq":\d+/, '"seq":1'), /is row 1 but names a predecessor/, 1],
    ];
    for (const [text, why, code] of cases) {
      const v = await verifyFile(write(text));
      assert.equal(v.code, code, `${text.slice(0, 60)}: ${v.stdout}${v.stderr}`);
      assert.match(v.stderr, why);
      assert.doesNotMatch(v.stderr, /\u202e/, 'no bidi override reaches the terminal');
    }
    const missing = await verifyFile(join(dir, 'nope.jsonl'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read .*nope\.jsonl/);
  });

  it('GET /v1/audit/export is for admins, and refuses bad ranges', async () => {
    assert.equal((await s.call(null, 'GET', '/v1/audit/export')).body.error.code, 'UNAUTHENTICATED');
    assert.equal((await s.call('approver', 'GET', '/v1/audit/export')).body.error.code, 'FORBIDDEN');
    assert.equal((await s.call('agent', 'GET', '/v1/audit/export')).body.error.code, 'FORBIDDEN');
    for (const q of ['since=yesterday', `since=${'9'.repeat(50)}`, 'since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z', `until=${encodeURIComponent(ALL_HOSTILE)}`]) {
      const r = await s.call('admin', 'GET', `/v1/audit/export?${q}`);
      assert.equal(r.status, 400, q);
      assert.equal(r.body.error.code, 'VALIDATION_FAILED');
    }
    const cli = await runCli(['audit', 'export', '--data-dir', s.dataDir, '--since', 'soon']);
    assert.equal(cli.code, 2);
    assert.match(cli.stderr, /--since must be an ISO-8601 time/);
  });
});
