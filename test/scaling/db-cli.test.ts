// `greenlight db migrate|status|copy` through the real CLI, against a real PostgreSQL: a
// single-box SQLite install, used by a real server (requests decided and pending, grants, keys,
// outbox items in every state, channel message refs, a dashboard session, a hooked agent's session
// and its transcript), moves to Postgres with every row intact, and `audit verify` passes on the
// copy.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { createSession } from '../../src/web/sessions.js';
import { PostgresStore } from '../../src/store/postgres/pg-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { ROW_KINDS, type Store } from '../../src/store/store.js';
import { runCli } from '../cli/cli-helpers.js';
import { startTestServer } from '../helpers/harness.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { eventually } from '../telegram/emulator.js';

let pg: TestPostgres;
const root = mkdtempSync(join(tmpdir(), 'greenlight-db-cli-'));
before(async () => {
  pg = await startPostgres();
});
after(async () => {
  await pg?.stop();
  rmSync(root, { recursive: true, force: true });
});

async function exportAll(store: Store) {
  const out: Record<string, unknown[]> = {};
  for (const kind of ROW_KINDS) {
    out[kind] = [];
    let next: string | null = null;
    do {
      const page: Awaited<ReturnType<Store['exportRows']>> = await store.exportRows(kind, next, 500);
      out[kind].push(...page.rows);
      next = page.next;
    } while (next);
  }
  return out;
}

/** A SQLite install that a real server has used; returns its file. */
async function usedInstall(name: string): Promise<string> {
  const dataDir = join(root, name);
  const s = await startTestServer({ webhooks: [{ url: 'http://127.0.0.1:9/hook', secret: 'webhook-secret-0123456789' }] }, { dataDir });
  try {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await s.call('agent', 'POST', '/v1/requests', { title: `copy me ${i}`, preview: `echo ${i}\u202e`, tags: ['move'], session_id: i === 0 ? 's1' : `other-${i}`, tool: 'Bash', input: { command: `echo ${i}` } });
      assert.equal(r.status, 201, r.text);
      ids.push(r.body.id);
    }
    assert.equal((await s.call('approver', 'POST', `/v1/requests/${ids[0]}/decision`, { outcome: 'approved', scope: 'session', grant_rule: 'Bash(echo *)' })).status, 200);
    assert.equal((await s.call('approver', 'POST', `/v1/requests/${ids[1]}/decision`, { outcome: 'denied', comment: 'no' })).status, 200);
    assert.equal((await s.call('agent', 'POST', `/v1/requests/${ids[2]}/cancel`, {})).status, 200);
    const key = await s.call('admin', 'POST', '/v1/keys', { role: 'agent', name: 'runtime-agent' });
    assert.equal(key.status, 201, key.text);
    await s.store.addChannelMessage({ request_id: ids[3], channel: 'telegram', target: '-100', message_id: '7', created_at: Date.now() });
    await createSession(s.store, s.gate.deps.clock, 3600, { keyId: 'config:alice', role: 'approver', name: 'alice', projects: [] }, 'key');
    // A hooked agent's session: its reports become a session row and a transcript.
    const hook = (p: Record<string, unknown>) => s.call('agent', 'POST', '/v1/hooks/claude-code', { session_id: 'cc-copied', cwd: '/srv/app', ...p });
    await hook({ hook_event_name: 'SessionStart', source: 'startup' });
    await hook({ hook_event_name: 'UserPromptSubmit', prompt: 'tidy up \u0000 <b>the</b> build' });
    await hook({ hook_event_name: 'Stop', stop_hook_active: false });
    const copied = await eventually(() => s.store.findAgentSession('agent-a', 'cc-copied'), 'the hooked session recorded');
    await eventually(async () => (await s.store.listSessionEvents(copied.id, { limit: 10 })).length === 3, 'its transcript recorded');
    const outbox = await s.store.listOutbox({ limit: 1000 });
    assert.ok(outbox.length >= 5, 'webhooks were queued');
  } finally {
    await s.stop();
  }
  return join(dataDir, 'greenlight.db');
}

describe('greenlight db', () => {
  it('copies a used SQLite install into PostgreSQL with every row intact; audit verify passes on the copy', async () => {
    const file = await usedInstall('one');
    const url = await pg.createDatabase('copy');
    const copied = await runCli(['db', 'copy', '--from', `sqlite:${file}`, '--to', url]);
    assert.equal(copied.code, 0, copied.stderr);
    assert.match(copied.stdout, /the audit chain verifies/);

    const verify = await runCli(['audit', 'verify', '--database-url', url]);
    assert.equal(verify.code, 0, verify.stderr);
    assert.match(verify.stdout, /audit log OK: \d+ rows/);

    const [source, target] = [new SqliteStore({ path: file }), new PostgresStore({ url })];
    await source.migrate();
    await target.migrate();
    try {
      const [a, b] = [await exportAll(source), await exportAll(target)];
      for (const kind of ROW_KINDS) assert.ok(a[kind].length > 0, `the install has ${kind}`);
      assert.deepEqual(b, a);
      // Named, not only through ROW_KINDS: the hooked agent's session and transcript arrived.
      const session = await target.findAgentSession('agent-a', 'cc-copied');
      assert.ok(session, 'the agent session was copied');
      assert.deepEqual((await target.listSessionEvents(session.id, { limit: 10 })).map((e) => e.text), ['Session started (startup).', 'tidy up \u0000 <b>the</b> build', 'Finished.']);
    } finally {
      await source.close();
      await target.close();
    }

    // The copy serves: a key created at run time on the single box works against Postgres.
    const keys = await runCli(['keys', 'list', '--json', '--database-url', url]);
    assert.equal(keys.code, 0, keys.stderr);
    assert.ok(keys.stdout.includes('runtime-agent'));
  });

  it('refuses to copy into a database that holds data, and a source whose audit log was edited', async () => {
    const file = await usedInstall('two');
    const url = await pg.createDatabase('busy');
    assert.equal((await runCli(['db', 'copy', '--from', `sqlite:${file}`, '--to', url])).code, 0);
    const again = await runCli(['db', 'copy', '--from', `sqlite:${file}`, '--to', url]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /is not empty \(it holds requests/);

    const db = new Database(file);
    db.exec("DROP TRIGGER audit_no_update; UPDATE audit SET actor_name = 'mallory' WHERE seq = 2");
    db.close();
    const tampered = await runCli(['db', 'copy', '--from', `sqlite:${file}`, '--to', await pg.createDatabase('tampered')]);
    assert.equal(tampered.code, 1);
    assert.match(tampered.stderr, /does not verify/);
    const bad = await runCli(['db', 'copy', '--from', 'mysql://x', '--to', url]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /neither sqlite:PATH nor a postgres:\/\/ URL/);
  });

  it('status shows pending migrations (exit 1) until migrate applies them (exit 0)', async () => {
    const url = await pg.createDatabase('status');
    const before = await runCli(['db', 'status', '--database-url', url]);
    assert.equal(before.code, 1);
    assert.match(before.stdout, /pending 1 init/);
    const migrated = await runCli(['db', 'migrate', '--database-url', url]);
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.match(migrated.stdout, /Applied 1 \(init\), 2 \(agent_sessions\)/);
    const again = await runCli(['db', 'migrate', '--database-url', url]);
    assert.match(again.stdout, /is up to date/);
    const status = await runCli(['db', 'status', '--database-url', url]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /store: +postgres postgres:\/\/greenlight@127\.0\.0\.1/);
    assert.match(status.stdout, /Up to date/);
    const unreachable = await runCli(['db', 'status', '--database-url', 'postgres://nobody:secret-pw@127.0.0.1:1/x']);
    assert.equal(unreachable.code, 1);
    assert.doesNotMatch(unreachable.stderr + unreachable.stdout, /secret-pw/);
  });

  it('a database that does not exist, or a user PostgreSQL does not know, is one line naming it (serve and db migrate)', async () => {
    const missing = `postgres://greenlight@127.0.0.1:${pg.port}/no_such_db`;
    const stranger = `postgres://stranger:secret-pw-456@127.0.0.1:${pg.port}/postgres`;
    for (const args of [['serve', '--port', '0'], ['db', 'migrate']]) {
      const a = await runCli([...args, '--database-url', missing]);
      assert.equal(a.code, 1, a.stderr);
      assert.match(a.stderr, new RegExp(`^greenlight ${args[0]}\\b.*the database "no_such_db" does not exist on PostgreSQL at 127\\.0\\.0\\.1:${pg.port}\\. Create it \\(createdb no_such_db`));
      const b = await runCli([...args, '--database-url', stranger]);
      assert.equal(b.code, 1, b.stderr);
      assert.match(b.stderr, /refused the login of user "stranger" \(PostgreSQL: role "stranger" does not exist\)\. Fix the user name and password in --database-url/);
      for (const r of [a, b]) {
        assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
        assert.doesNotMatch(r.stderr + r.stdout, /secret-pw-456|^\s+at /m);
      }
    }
  });
});
