// Group commit loses nothing it acknowledged: the real server (SQLite file) takes creates that
// wait for a human, creates the policy allows, and decisions from 16 clients at once, and dies by
// SIGKILL in the middle of it — the instant its 400th answer has left
// (test/helpers/kill-on-answer.ts), the moment a store that answers before it commits would lose
// that write. Afterwards every request and decision a client got an answer for is in the file and
// served again by the restarted server, no request is half-written (each has its audit rows, each
// decision its own), the audit chain verifies, and an idempotent retry of a call that got no
// answer finds at most the one request it made. (kill -9 keeps the page cache, so this proves
// answers wait for their commit; that they also wait for the fdatasync of the WAL, which a power
// loss needs, is src/store/sqlite/wal-sync.test.ts.)
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { verifyAuditChain } from '../../src/core/audit-chain.js';
import { AUDIT_HEAD_META_KEY, parseAuditHead } from '../../src/store/adapter-kit.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { runCli, startCli } from '../cli/cli-helpers.js';
import type { ApprovalRequest } from '../../src/core/types.js';

const AGENT = 'crash-agent-key-0123456789abc';
const APPROVER = 'crash-approver-key-0123456789';
const LANES = 16;
/** Bounds: the server dies as it gives this answer; no lane sends more than MAX_PER_LANE calls. */
const KILL_AFTER = 400;
const KILLER = new URL('../helpers/kill-on-answer.js', import.meta.url).href;
const MAX_PER_LANE = 200;

async function startServer(config: string, killAfter?: number): Promise<{ child: ChildProcess; url: string }> {
  const server = startCli(['serve', '--config', config], killAfter ? { env: { KILL_ON_ANSWER: String(killAfter) }, nodeArgs: ['--import', KILLER] } : {});
  const [, url] = await server.waitFor(/running at (http:\/\/\S+)/);
  return { child: server.child, url };
}

/** One call on its own connection (none is reused across the kill); rejects when the server dies under it. */
function call(url: string, key: string, method: string, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const payload = body === undefined ? '' : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${path}`, { method, agent: false, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

describe('kill -9 under load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'greenlight-crash-'));
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every create and decision it answered, with a whole audit chain', async () => {
    const config = join(dir, 'greenlight.yaml');
    writeFileSync(
      config,
      [
        'server: { host: 127.0.0.1, port: 0 }',
        `data_dir: ${JSON.stringify(join(dir, 'data'))}`,
        'log: { level: error }',
        'rate_limit: { per_minute: 0 }',
        'policy: { allow: ["Bash(git status *)"] }',
        `agents: [{ name: bot, key: ${AGENT} }]`,
        `approvers: [{ name: alice, key: ${APPROVER} }]`,
      ].join('\n'),
    );
    const server = await startServer(config, KILL_AFTER);
    children.push(server.child);
    const exited = new Promise<NodeJS.Signals | null>((r) => server.child.once('exit', (_code, signal) => r(signal)));

    const created = new Map<string, { id: string; status: string }>(); // idempotency key → as answered
    const decided = new Set<string>();
    const unanswered: { key: string; body: unknown }[] = []; // creates cut off by the kill
    const cutOffDecisions = new Set<string>();
    let answers = 0;
    let killed = false;
    void exited.then(() => (killed = true));
    const answered = () => void answers++;
    const lane = async (n: number) => {
      for (let i = 0; i < MAX_PER_LANE && !killed; i++) {
        const key = `crash-${n}-${i}`;
        // Every third call is one the policy allows at once; the others wait for a human.
        const body = i % 3 === 0 ? { title: 'git status', tool: 'Bash', input: { command: `git status --short f${n}-${i}` }, idempotency_key: key } : { title: `deploy ${n}-${i}`, preview: `deploy ${n}-${i}`, idempotency_key: key };
        let r;
        try {
          r = await call(server.url, AGENT, 'POST', '/v1/requests', body);
        } catch {
          unanswered.push({ key, body });
          return;
        }
        assert.equal(r.status, 201, JSON.stringify(r.body));
        created.set(key, { id: r.body.id, status: r.body.status });
        answered();
        if (r.body.status !== 'pending' || i % 2 === 0) continue;
        try {
          const d = await call(server.url, APPROVER, 'POST', `/v1/requests/${r.body.id}/decision`, { outcome: 'approved', comment: key });
          assert.equal(d.status, 200, JSON.stringify(d.body));
          decided.add(key);
          answered();
        } catch {
          cutOffDecisions.add(key); // this decision may or may not have landed
          return;
        }
      }
    };
    await Promise.all(Array.from({ length: LANES }, (_, n) => lane(n)));
    assert.equal(await exited, 'SIGKILL', 'the server was killed during the load');
    assert.equal(answers, KILL_AFTER, 'the answer it died giving reached its client, and none came after');
    assert.ok(unanswered.length + cutOffDecisions.size > 0, 'calls were in flight when it died');

    const store = new SqliteStore({ path: join(dir, 'data', 'greenlight.db') });
    await store.migrate();
    try {
      for (const [key, answer] of created) {
        const r = await store.getRequest(answer.id);
        assert.ok(r, `answered request ${answer.id} (${key}) is missing`);
        assert.equal(r.idempotency_key, key);
        const allowed = decided.has(key) ? ['approved'] : cutOffDecisions.has(key) ? [answer.status, 'approved'] : [answer.status];
        assert.ok(allowed.includes(r.status), `${key} is ${r.status}; answered ${answer.status}${decided.has(key) ? ', then decided' : ''}`);
        if (decided.has(key)) assert.equal(r.decision?.comment, key);
        assert.ok((await store.listAudit({ request_id: r.id, limit: 10 })).some((e) => e.action === 'request.created'), `${key}: its audit row`);
      }
      // Nothing half-written: every request in the file, answered or not, is whole.
      const all = await store.listRequests({ order: 'newest', limit: 10_000 });
      assert.ok(all.items.length <= created.size + unanswered.length, `${all.items.length} requests for ${created.size} answered and ${unanswered.length} cut-off creates`);
      for (const r of all.items) await assertWhole(store, r);
      const audit = await store.listAudit({ limit: 1_000_000 });
      const chain = verifyAuditChain(audit, parseAuditHead(await store.getMeta(AUDIT_HEAD_META_KEY)));
      assert.equal(chain.ok, true, chain.problem ?? '');
    } finally {
      await store.close();
    }

    // A client retries what got no answer: it finds the request if it landed (200), else files it now (201).
    const again = await startServer(config);
    children.push(again.child);
    for (const [key, answer] of created) {
      const r = await call(again.url, AGENT, 'GET', `/v1/requests/${answer.id}`, undefined);
      assert.equal(r.status, 200, `${key} after the restart: ${JSON.stringify(r.body)}`);
    }
    const retried = await Promise.all(unanswered.map(({ body }) => call(again.url, AGENT, 'POST', '/v1/requests', body)));
    assert.deepEqual([...new Set(retried.map((r) => r.status))].filter((s) => s !== 200 && s !== 201), []);
    const verify = await runCli(['audit', 'verify', '--config', config]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    process.stdout.write(`# killed after ${answers} answers (${created.size} creates, ${decided.size} decisions); ${unanswered.length} calls cut off\n`);
  });
});

/** A request's audit rows are there with it: its creation, and the decision that settled it. */
async function assertWhole(store: SqliteStore, r: ApprovalRequest): Promise<void> {
  const actions = (await store.listAudit({ request_id: r.id, limit: 10 })).map((e) => e.action);
  assert.ok(actions.includes('request.created'), `${r.id} (${r.idempotency_key}) has no creation audit row: ${actions.join(', ')}`);
  const settledBy = r.status === 'pending' ? [] : r.decision?.decided_by_kind === 'policy' ? ['request.auto_approved'] : [`request.${r.status}`];
  assert.deepEqual(actions.filter((a) => a !== 'request.created'), settledBy, `${r.id} (${r.idempotency_key}) is ${r.status} with audit rows ${actions.join(', ')}`);
}
