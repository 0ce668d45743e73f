// Group commit loses nothing it acknowledged: the real server (SQLite) takes creates that wait for
// a human, creates the policy allows, and decisions from 16 clients at once, and is killed with
// SIGKILL in the middle of it. Afterwards every request and decision a client got an answer for is
// in the database as answered, the audit chain verifies, and an idempotent retry of a call that
// got no answer finds at most the one request it made. (kill -9 keeps the page cache, so this
// proves answers wait for their commit; that the commit is on disk before the answer is the
// WAL sync in src/store/sqlite/wal-sync.ts, tested in src/store/sqlite/group-commit.test.ts.)
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { verifyAuditChain } from '../../src/core/audit-chain.js';
import { AUDIT_HEAD_META_KEY, parseAuditHead } from '../../src/store/adapter-kit.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { BIN, cleanEnv, runCli } from '../cli/cli-helpers.js';

const AGENT = 'crash-agent-key-0123456789abc';
const APPROVER = 'crash-approver-key-0123456789';
const LANES = 16;
/** Bounds: the kill comes after this many answers; no lane sends more than MAX_PER_LANE calls. */
const KILL_AFTER = 400;
const MAX_PER_LANE = 200;

function startServer(config: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--config', config], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d;
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) {
        child.stdout!.off('data', onData);
        resolve({ child, url: m[1] });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d));
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening:\n${out}`)));
  });
}

/** One call on its own connection (none is reused across the kill); rejects when the server dies under it. */
function call(url: string, key: string, method: string, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const payload = JSON.stringify(body);
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
    const server = await startServer(config);
    children.push(server.child);
    const exited = new Promise((r) => server.child.once('exit', r));

    const created = new Map<string, { id: string; status: string }>(); // idempotency key → as answered
    const decided = new Set<string>();
    const unanswered: { key: string; body: unknown }[] = []; // creates cut off by the kill
    const cutOffDecisions = new Set<string>();
    let answers = 0;
    let killed = false;
    const answered = () => {
      if (++answers === KILL_AFTER) {
        killed = true;
        server.child.kill('SIGKILL');
      }
    };
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
    await exited;
    assert.ok(killed, 'the server was killed during the load');
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
      const audit = await store.listAudit({ limit: 1_000_000 });
      const chain = verifyAuditChain(audit, parseAuditHead(await store.getMeta(AUDIT_HEAD_META_KEY)));
      assert.equal(chain.ok, true, chain.problem ?? '');
    } finally {
      await store.close();
    }

    // A client retries what got no answer: it finds the request if it landed (200), else files it now (201).
    const again = await startServer(config);
    children.push(again.child);
    const retried = await Promise.all(unanswered.map(({ body }) => call(again.url, AGENT, 'POST', '/v1/requests', body)));
    assert.deepEqual([...new Set(retried.map((r) => r.status))].filter((s) => s !== 200 && s !== 201), []);
    const verify = await runCli(['audit', 'verify', '--config', config]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    process.stdout.write(`# killed after ${answers} answers (${created.size} creates, ${decided.size} decisions); ${unanswered.length} calls cut off\n`);
  });
});
