// Limits on a grant are enforced by the gate, not left to the agent: an approval "always, at most
// 3 times" allows exactly three more requests and then asks; "for 30 minutes" ends with the clock;
// requests at once never spend more uses than the grant has (each use is a compare-and-set, and a
// request that lost the last use is evaluated again without the grant); a grant that covers
// pending requests approves no more of them than it has uses; "only under ./src" allows file
// actions under that directory only (normalised; `..`, symlinks out of it and shell commands do
// not count as under it).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually } from '../email/fixtures.js';
import { MovableClock } from '../helpers/clock.js';
import { startTestServer, type TestServer } from '../helpers/harness.js';

describe('grant limits the gate enforces', () => {
  const project = mkdtempSync(join(tmpdir(), 'greenlight-limits-'));
  // Outside every project, so reads ask: a repository with src/, a secret beside it, and a link out.
  const repo = mkdtempSync(join(tmpdir(), 'greenlight-limits-repo-'));
  const secrets = mkdtempSync(join(tmpdir(), 'greenlight-limits-secrets-'));
  const clock = new MovableClock();
  let s: TestServer;
  let n = 0;

  before(async () => {
    mkdirSync(join(repo, 'src', 'deep'), { recursive: true });
    for (const f of ['src/a.ts', 'src/b.ts', 'src/deep/c.ts', 'README.md']) writeFileSync(join(repo, f), 'x');
    writeFileSync(join(secrets, 'key.txt'), 'secret');
    symlinkSync(secrets, join(repo, 'src', 'link-out'));
    s = await startTestServer({ projects: [{ name: 'webapp', directories: [project] }] }, { clock });
  });
  after(async () => {
    await s.stop();
    for (const d of [project, repo, secrets]) rmSync(d, { recursive: true, force: true });
  });

  const ask = async (command: string) => {
    const r = await s.call('agent', 'POST', '/v1/requests', { title: `Bash: ${command}`, tool: 'Bash', input: { command }, cwd: project, session_id: 'sess-1' });
    assert.equal(r.status, 201, r.text);
    return r.body;
  };
  const decide = (id: string, body: Record<string, unknown>) => s.call('approver', 'POST', `/v1/requests/${id}/decision`, body);
  const grantOf = async (requestId: string) => (await s.call('admin', 'GET', '/v1/grants?include_revoked=true')).body.items.find((g: { source_request_id: string }) => g.source_request_id === requestId);

  it('"always, at most 3 times" allows exactly three more requests, then asks; the grant shows its uses and is audited with its limits', async () => {
    const command = `make deploy-${++n}`;
    const first = await ask(command);
    assert.equal(first.status, 'pending');
    const decided = await decide(first.id, { outcome: 'approved', scope: 'always', grant_limits: { max_uses: 3 } });
    assert.equal(decided.status, 200, decided.text);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await ask(command)).status);
    assert.deepEqual(statuses, ['approved', 'approved', 'approved', 'pending']);
    const grant = await grantOf(first.id);
    assert.equal(grant.max_uses, 3);
    assert.equal(grant.uses, 3);
    const audit = await s.call('admin', 'GET', `/v1/audit?request_id=${first.id}&order=asc`);
    const created = audit.body.items.find((e: { action: string }) => e.action === 'grant.created');
    assert.equal(created.detail.max_uses, 3);
  });

  it('never spends more uses than the grant has when twelve requests arrive at once', async () => {
    const command = `make race-${++n}`;
    const first = await ask(command);
    assert.equal((await decide(first.id, { outcome: 'approved', scope: 'always', grant_limits: { max_uses: 3 } })).status, 200);
    const results = await Promise.all(Array.from({ length: 12 }, () => ask(command)));
    const approved = results.filter((r) => r.status === 'approved');
    assert.equal(approved.length, 3, JSON.stringify(results.map((r) => r.status)));
    assert.ok(results.filter((r) => r.status !== 'approved').every((r) => r.status === 'pending'), 'the rest ask a human');
    assert.equal((await grantOf(first.id)).uses, 3);
  });

  it('"for 30 minutes" allows until the clock passes it, then asks', async () => {
    const command = `make preview-${++n}`;
    const first = await ask(command);
    assert.equal((await decide(first.id, { outcome: 'approved', scope: 'session', grant_limits: { expires_in_sec: 1800 } })).status, 200);
    const grant = await grantOf(first.id);
    assert.equal(Date.parse(grant.expires_at), Date.parse(grant.created_at) + 1800 * 1000);
    assert.equal((await ask(command)).status, 'approved');
    clock.offset += 29 * 60_000;
    assert.equal((await ask(command)).status, 'approved');
    clock.offset += 2 * 60_000;
    assert.equal((await ask(command)).status, 'pending', 'expired: a human is asked again');
  });

  it('a revoked limited grant allows nothing more', async () => {
    const command = `make revoke-${++n}`;
    const first = await ask(command);
    assert.equal((await decide(first.id, { outcome: 'approved', scope: 'always', grant_limits: { max_uses: 5 } })).status, 200);
    assert.equal((await ask(command)).status, 'approved');
    const grant = await grantOf(first.id);
    assert.equal((await s.call('admin', 'DELETE', `/v1/grants/${grant.id}`)).status, 200);
    assert.equal((await ask(command)).status, 'pending');
  });

  it('approves no more covered pending requests than the grant has uses', async () => {
    const command = `make covered-${++n}`;
    const pending: { id: string; status: string }[] = [];
    for (let i = 0; i < 4; i++) pending.push(await ask(command));
    assert.ok(pending.every((r) => r.status === 'pending'));
    assert.equal((await decide(pending[0].id, { outcome: 'approved', scope: 'always', grant_limits: { max_uses: 2 } })).status, 200);
    // The grant resolves covered requests after the decision returns: wait until it spent its uses, then a moment more.
    const statuses = () => Promise.all(pending.slice(1).map(async (r) => (await s.call('admin', 'GET', `/v1/requests/${r.id}`)).body.status as string));
    await eventually(async () => (await grantOf(pending[0].id)).uses === 2 || null, 'the grant spent on covered requests');
    await new Promise((r) => setTimeout(r, 200));
    const after = await statuses();
    assert.equal(after.filter((x) => x === 'approved').length, 2, JSON.stringify(after));
    assert.equal(after.filter((x) => x === 'pending').length, 1, 'the third covered request still asks');
    assert.equal((await grantOf(pending[0].id)).uses, 2);
  });

  it('refuses limits without a grant, and malformed limits, deciding nothing', async () => {
    const r = await ask(`make bad-${++n}`);
    for (const body of [
      { outcome: 'approved', grant_limits: { max_uses: 3 } },
      { outcome: 'approved', scope: 'always', grant_limits: { max_uses: 0 } },
      { outcome: 'approved', scope: 'always', grant_limits: { max_uses: '3' } },
      { outcome: 'approved', scope: 'always', grant_limits: { expires_in_sec: -5 } },
      { outcome: 'approved', scope: 'always', grant_limits: { uses: 3 } },
      { outcome: 'approved', scope: 'always', grant_limits: { max_uses: 1e12 } },
      { outcome: 'approved', scope: 'always', grant_limits: [{ max_uses: 3 }] },
    ]) {
      const res = await decide(r.id, body);
      assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.text}`);
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
    }
    assert.equal((await s.call('admin', 'GET', `/v1/requests/${r.id}`)).body.status, 'pending');
  });

  it('"only under ./src" allows reads under src, and asks for anything else: outside, .., a symlink out, a shell command', async () => {
    const read = async (file_path: string) => {
      const r = await s.call('agent', 'POST', '/v1/requests', { title: 'read', tool: 'Read', input: { file_path }, cwd: repo, session_id: 'sess-1' });
      assert.equal(r.status, 201, r.text);
      return r.body;
    };
    const first = await read(join(repo, 'src', 'a.ts'));
    assert.equal(first.status, 'pending');
    const tool = first.policy.suggestions.find((g: { rule: string }) => g.rule === 'Read');
    assert.ok(tool, JSON.stringify(first.policy.suggestions));
    const d = await decide(first.id, { outcome: 'approved', scope: 'session', grant_rule: 'Read', grant_limits: { path_prefix: './src/' } });
    assert.equal(d.status, 200, d.text);
    const grant = await grantOf(first.id);
    assert.equal(grant.path_prefix, join(repo, 'src'), 'normalised to an absolute directory');
    assert.equal((await read(join(repo, 'src', 'b.ts'))).status, 'approved');
    assert.equal((await read('src/deep/c.ts')).status, 'approved', 'relative to the cwd');
    assert.equal((await read(join(repo, 'README.md'))).status, 'pending', 'outside the prefix');
    assert.equal((await read(`${join(repo, 'src')}/../README.md`)).status, 'pending', '.. climbs out');
    assert.equal((await read(join(repo, 'src', 'link-out', 'key.txt'))).status, 'pending', 'a symlink under src that points outside');
    assert.equal((await read(`${join(repo, 'src')}-evil/x.ts`)).status, 'pending', 'a sibling with the same prefix string');
    const bash = await s.call('agent', 'POST', '/v1/requests', { title: 'cat', tool: 'Bash', input: { command: 'cat src/a.ts' }, cwd: repo, session_id: 'sess-1' });
    assert.equal(bash.body.status, 'pending', 'a shell command is never under a path limit');
  });

  it('refuses a path limit with .., ~, control characters, the root, or relative without a cwd', async () => {
    const r = await ask(`make path-${++n}`);
    for (const path_prefix of ['../src', 'src/../../etc', '~/src', 'src\u0000x', '/', '  ', 'x'.repeat(1001)]) {
      const res = await decide(r.id, { outcome: 'approved', scope: 'always', grant_limits: { path_prefix } });
      assert.equal(res.status, 400, `${JSON.stringify(path_prefix)}: ${res.text}`);
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
    }
    const noCwd = await s.call('agent', 'POST', '/v1/requests', { title: 'x', tool: 'Bash', input: { command: `make nocwd-${++n}` } });
    const res = await decide(noCwd.body.id, { outcome: 'approved', scope: 'always', grant_limits: { path_prefix: 'src' } });
    assert.equal(res.status, 400);
    assert.match(res.body.error.message, /no absolute cwd/);
    assert.equal((await s.call('admin', 'GET', `/v1/requests/${r.id}`)).body.status, 'pending');
  });
});
