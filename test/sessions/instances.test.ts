// Agent sessions on several instances of one PostgreSQL database (real servers in this process,
// a scripted runner for Claude Code on each): a turn runs on the instance that started it; another
// instance shows it live over SSE, refuses a second turn (SESSION_BUSY), and stops it through a
// cluster signal; two instances prompted at once start one turn; a graceful shutdown marks its
// turns cut off; and a starting instance marks the turns of an instance that is gone, but not
// those of one that runs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeAgentSession } from '../../src/store/fixtures.js';
import { PostgresStore } from '../../src/store/postgres/pg-store.js';
import { KEYS, startTestServer, type TestServer } from '../helpers/harness.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { watchSse } from '../helpers/sse.js';
import { eventually } from '../telegram/emulator.js';
import { scriptedRunner } from './fixtures.js';

let pg: TestPostgres;
before(async () => {
  pg = await startPostgres();
});
after(async () => {
  await pg?.stop();
});

async function instance(url: string) {
  const script = scriptedRunner();
  const srv = await startTestServer({ store: { url }, contexts: [{ name: 'web', directory: '/srv/web', approvers: ['alice'] }] }, { sessionRunner: script.runner, policy: () => null });
  return { srv, turns: script.turns };
}

const row = (srv: TestServer, id: string) => srv.store.getAgentSession(id);
const idle = (srv: TestServer, id: string) => eventually(async () => (await row(srv, id))?.status === 'idle' && !(await srv.sessions.manager.runsAnywhere(id)), `session ${id} idle`, 10_000);

/** Watches the agent-session event stream of `on` (every instance's changes). */
const sseUntil = (on: TestServer, query: string, match: (event: string, data: any) => boolean) =>
  watchSse(`${on.url}/v1/agent-sessions/events?${query}`, KEYS.approver, (e) => match(e.event, e.data));

describe('agent sessions on several instances', () => {
  it('runs a turn where it started; the other instance shows it live, refuses a second turn and stops it', async () => {
    const url = await pg.createDatabase('sessions');
    const a = await instance(url);
    const b = await instance(url);
    try {
      const started = await a.srv.call('approver', 'POST', '/v1/agent-sessions', { context: 'web', prompt: 'build it' });
      assert.equal(started.status, 201, started.text);
      const id = started.body.id as string;
      assert.equal(a.turns.length, 1);

      // B's dashboard watches the session A runs.
      const live = sseUntil(b.srv, `session_id=${id}`, (event, data) => event === 'transcript' && data.text === 'compiling <b>x</b> \u202e');
      await live.ready;
      a.turns[0].emit({ type: 'text', text: 'compiling <b>x</b> \u202e' });
      assert.equal((await live.done).data.session_id, id);
      assert.equal((await b.srv.call('approver', 'GET', `/v1/agent-sessions/${id}`)).body.running, true);

      // A second turn of the same session is refused on B: it would resume the same Claude Code session twice.
      const twice = await b.srv.call('approver', 'POST', `/v1/agent-sessions/${id}/prompt`, { text: 'and again' });
      assert.equal(twice.status, 409, twice.text);
      assert.equal(twice.body.error.code, 'SESSION_BUSY');
      assert.match(twice.body.error.message, /another Greenlight instance/);
      assert.equal(b.turns.length, 0);

      // Stop on B reaches the turn on A.
      const stopped = sseUntil(b.srv, `session_id=${id}`, (event, data) => event === 'session' && data.id === id && data.last_outcome === 'stopped');
      await stopped.ready;
      assert.deepEqual((await b.srv.call('approver', 'POST', `/v1/agent-sessions/${id}/stop`)).body, { stopped: true });
      await stopped.done;
      await idle(a.srv, id);
      assert.ok((await a.srv.store.listAudit({ limit: 100 })).some((e) => e.action === 'session.stopped' && e.detail?.session_id === id));

      // The lease went with the turn: B may run the next one.
      const next = await b.srv.call('approver', 'POST', `/v1/agent-sessions/${id}/prompt`, { text: 'continue' });
      assert.equal(next.status, 202, next.text);
      assert.equal(b.turns.length, 1);
      assert.equal(b.turns[0].spec.resume, 'cc-1');
      b.turns[0].end('completed');
      await idle(b.srv, id);

      // Prompted on both instances at once: one turn starts, the other caller gets SESSION_BUSY.
      const both = await Promise.all([a.srv, b.srv].map((s) => s.call('approver', 'POST', `/v1/agent-sessions/${id}/prompt`, { text: 'race' })));
      assert.deepEqual(both.map((r) => r.status).sort(), [202, 409], both.map((r) => r.text).join('\n'));
      assert.equal(a.turns.length + b.turns.length, 3);
      for (const t of [...a.turns, ...b.turns]) t.end('completed');
      await idle(a.srv, id);
    } finally {
      await a.srv.stop();
      await b.srv.stop();
    }
  });

  it('marks its own turns cut off at a graceful shutdown, and on start those of an instance that is gone, not of one that runs', async () => {
    const url = await pg.createDatabase('sessions_restart');
    const a = await instance(url);
    let b = await instance(url);
    try {
      const onA = (await a.srv.call('approver', 'POST', '/v1/agent-sessions', { context: 'web', prompt: 'long job on A' })).body.id as string;
      const onB = (await b.srv.call('approver', 'POST', '/v1/agent-sessions', { context: 'web', prompt: 'long job on B' })).body.id as string;

      // B shuts down while its turn runs: the turn is marked, not left "working".
      await b.srv.stop();
      const store = new PostgresStore({ url });
      await store.migrate();
      const orphan = makeAgentSession({ status: 'working', current_tool: 'Bash', created_at: Date.now(), updated_at: Date.now() });
      try {
        const cut = await store.getAgentSession(onB);
        assert.equal(cut?.status, 'idle');
        assert.equal(cut?.last_outcome, 'restarted');
        assert.match((await store.listSessionEvents(onB, { limit: 10 })).at(-1)!.text, /cut off: Greenlight shut down/);
        assert.equal(await store.getMeta(`sessions:turn:${onB}`), null, 'the lease went with the turn');

        // A crashed instance leaves a working row and its lease behind.
        await store.saveAgentSession(orphan);
        await store.setMeta(`sessions:turn:${orphan.id}`, 'crashed-instance');
      } finally {
        await store.close();
      }

      b = await instance(url);
      const orphanRow = await row(b.srv, orphan.id);
      assert.equal(orphanRow?.last_outcome, 'restarted');
      assert.equal(orphanRow?.status, 'idle');
      assert.match((await b.srv.store.listSessionEvents(orphan.id, { limit: 10 })).at(-1)!.text, /instance running it stopped/);
      // A still runs its turn: B leaves it alone.
      assert.equal((await row(b.srv, onA))?.status, 'working');
      assert.equal(a.srv.sessions.manager.isRunning(onA), true);
      a.turns[0].end('completed');
      await idle(a.srv, onA);
      assert.equal((await row(a.srv, onA))?.last_outcome, 'completed');
    } finally {
      await a.srv.stop();
      await b.srv.stop();
    }
  });
});
