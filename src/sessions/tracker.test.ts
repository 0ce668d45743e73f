import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Principal, RequestEvent } from '../core/types.js';
import { T0, makeRequest } from '../store/fixtures.js';
import { ManualClock } from '../core/ids.js';
import { createLogger, silentLogger } from '../log.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { createSessionBus } from './live.js';
import { createSessionState } from './state.js';
import { createTracker } from './tracker.js';

const agent: Principal = { keyId: 'key_1', name: 'coder', role: 'agent', projects: [] } as unknown as Principal;
const report = (event: string, extra: Record<string, unknown> = {}) => ({ hook_event_name: event, session_id: 'host-session-1', cwd: '/work', ...extra });

/** The real SQLite store, with its session reads counted. */
function counted(store: Store) {
  const reads = { find: 0, get: 0 };
  const proxy = new Proxy(store, {
    get(target, name, receiver) {
      if (name === 'findAgentSession') return (...a: [string, string]) => (reads.find++, target.findAgentSession(...a));
      if (name === 'getAgentSession') return (id: string) => (reads.get++, target.getAgentSession(id));
      const value = Reflect.get(target, name, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: proxy, reads };
}

describe('session tracking of hooked agents', () => {
  let dir: string;
  let sqlite: SqliteStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'greenlight-tracker-'));
    sqlite = new SqliteStore({ path: join(dir, 'greenlight.db') });
    await sqlite.migrate();
  });
  afterEach(async () => {
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function tracking(alone: boolean) {
    const { store, reads } = counted(sqlite);
    const clock = new ManualClock(Date.UTC(2026, 11, 3));
    const bus = createSessionBus((err) => assert.fail(String(err)));
    const state = createSessionState({ store, bus, clock, logger: silentLogger, maxEvents: 100, maxEventChars: 1000, alone });
    const tracker = createTracker({ store, state, bus, clock, logger: createLogger('error', 'text', (line) => assert.fail(line)) });
    // onHook is fire-and-forget; each report the test sends adds a transcript line, published once stored.
    const send = async (event: string, extra?: Record<string, unknown>) => {
      const stored = new Promise<void>((resolve) => {
        const off = bus.subscribe((change) => change.kind === 'event' && (off(), resolve()));
      });
      tracker.onHook(agent, 'claude-code', report(event, extra));
      await stored;
    };
    const settled = async (e: RequestEvent) => {
      tracker.onRequest(e);
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    };
    return { reads, clock, send, settled };
  }

  it('alone on its store, a busy agent\'s tool calls read no session row after the first', async () => {
    const { reads, clock, send } = tracking(true);
    await send('SessionStart');
    const first = { ...reads };
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      await send('PreToolUse', { tool_name: 'Bash', tool_input: { command: `ls ${i}` } });
    }
    assert.deepEqual(reads, first, 'no reads after the first report');
    const [session] = await sqlite.listAgentSessions({ limit: 10 });
    assert.equal(session.status, 'working');
    assert.equal(session.current_tool, 'Bash');
    assert.equal((await sqlite.listSessionEvents(session.id, { after_seq: 0, limit: 100 })).length, 6);
  });

  it('alone, a request filed under a session id no agent reported reads the store once, until a report makes the row', async () => {
    const { reads, send, settled } = tracking(true);
    const decided = (n: number): RequestEvent => ({ type: 'request.decided', request: makeRequest({ id: `req_${n}`, agent: 'coder', session_id: 'host-session-1', status: 'approved' }), at: T0 });
    await settled(decided(1));
    await settled(decided(2));
    await settled(decided(3));
    assert.equal(reads.find, 1, 'that there is no such row is remembered');
    await send('SessionStart');
    const [row] = await sqlite.listAgentSessions({ limit: 10 });
    assert.equal(row.external_id, 'host-session-1');
    assert.equal(reads.find, 1, 'the report found the pair absent without a read and made its row');
    await send('Notification', { message: 'May I?', notification_type: 'permission_prompt' });
    assert.equal((await sqlite.listAgentSessions({ limit: 10 }))[0].status, 'waiting_approval');
    await settled(decided(4));
    assert.equal((await sqlite.listAgentSessions({ limit: 10 }))[0].status, 'working', 'the decision found the new row and moved it on');
  });

  it('with other instances on the store, every report reads the row as stored', async () => {
    const { reads, clock, send } = tracking(false);
    await send('SessionStart');
    const first = reads.find + reads.get;
    for (let i = 0; i < 3; i++) {
      clock.advance(1000);
      await send('PreToolUse', { tool_name: 'Bash', tool_input: { command: `ls ${i}` } });
    }
    assert.ok(reads.find + reads.get >= first + 6, `each report reads the row (${reads.find + reads.get} reads)`);
  });

  it('an ended session is not answered from memory: once pruned, the next report starts a new row', async () => {
    const { reads, clock, send } = tracking(true);
    await send('SessionStart');
    await send('SessionEnd');
    const [ended] = await sqlite.listAgentSessions({ limit: 10 });
    assert.equal(ended.status, 'ended');
    clock.advance(10_000);
    assert.equal(await sqlite.pruneAgentSessions(clock.now()), 1);
    const before = reads.find;
    await send('SessionStart');
    assert.equal(reads.find, before + 1, 'the ended row was looked up in the store');
    const rows = await sqlite.listAgentSessions({ limit: 10 });
    assert.equal(rows.length, 1);
    assert.notEqual(rows[0].id, ended.id);
    assert.equal(rows[0].status, 'idle');
  });
});
