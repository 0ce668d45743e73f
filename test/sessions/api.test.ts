// The agent-sessions API and its rules, with a scripted runner standing in for Claude Code (the
// real one runs in telegram-e2e and dashboard tests): who may read and drive, malformed and
// hostile input, the bounds (concurrent turns, turn time, cost, transcript size), hooked agents'
// reports, and a turn cut off by a restart being marked on the next start.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { makeAgentSession } from '../../src/store/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/harness.js';
import { eventually } from '../telegram/emulator.js';
import { scriptedRunner } from './fixtures.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function start(extra: Record<string, unknown> = {}, runner = scriptedRunner(), dataDir?: string) {
  const srv = await startTestServer({ contexts: [{ name: 'web', directory: '/srv/web', approvers: ['alice'] }], ...extra }, { sessionRunner: runner.runner, policy: () => null, dataDir });
  return { srv, ...runner };
}

const idle = (srv: TestServer, id: string) => eventually(async () => (await srv.store.getAgentSession(id))?.status === 'idle' && !srv.sessions.manager.isRunning(id), `session ${id} idle`);

describe('agent sessions API', () => {
  it('lets only an approver the context names start, prompt, stop and resume; others read or get 401/403', async () => {
    const { srv, turns } = await start();
    try {
      assert.equal((await srv.call(null, 'GET', '/v1/agent-sessions')).status, 401);
      assert.equal((await srv.call('agent', 'GET', '/v1/agent-sessions')).status, 403);
      assert.equal((await srv.call('agent', 'POST', '/v1/agent-sessions', { context: 'web', prompt: 'hi' })).status, 403);
      const bob = await srv.call('otherApprover', 'POST', '/v1/agent-sessions', { context: 'web', prompt: 'hi' });
      assert.equal(bob.status, 403);
      assert.equal(bob.body.error.code, 'CONTEXT_NOT_ALLOWED');
      const admin = await srv.call('admin', 'POST', '/v1/agent-sessions', { context: 'web', prompt: 'hi' });
      assert.equal(admin.body.error.code, 'CONTEXT_NOT_ALLOWED');
      assert.equal(turns.length, 0);
      const audit = await srv.store.listAudit({ limit: 100 });
      assert.equal(audit.filter((a) => a.action === 'session.refused').length, 2);

      const ok = await srv.call('approver', 'POST', '/v1/agent-sessions', { context: 'web', prompt: 'hi <script>alert(1)</script> \u202E' });
      assert.equal(ok.status, 201, ok.text);
      assert.equal(turns[0].spec.prompt, 'hi <script>alert(1)</script> \u202E');
      assert.equal(turns[0].spec.cwd, '/srv/web');
      const list = await srv.call('admin', 'GET', '/v1/agent-sessions');
      assert.equal(list.body.items[0].status, 'working');
      assert.equal(list.body.contexts[0].may_drive, false);
      assert.equal((await srv.call('otherApprover', 'POST', `/v1/agent-sessions/${ok.body.id}/stop`)).body.error.code, 'CONTEXT_NOT_ALLOWED');
      const stop = await srv.call('approver', 'POST', `/v1/agent-sessions/${ok.body.id}/stop`);
      assert.deepEqual(stop.body, { stopped: true });
      await idle(srv, ok.body.id);
      const detail = await srv.call('approver', 'GET', `/v1/agent-sessions/${ok.body.id}`);
      assert.equal(detail.body.session.last_outcome, 'stopped');
      assert.deepEqual(detail.body.events.map((e: any) => e.kind), ['prompt', 'result']);
    } finally {
      await srv.stop();
    }
  });

  it('refuses malformed, oversized, deeply nested and unknown input with clear errors', async () => {
    const { srv, turns } = await start();
    try {
      const post = (body: unknown) => srv.call('approver', 'POST', '/v1/agent-sessions', body);
      assert.equal((await post('{"context":')).body.error.code, 'INVALID_JSON');
      assert.equal((await post([1])).body.error.code, 'VALIDATION_FAILED');
      assert.equal((await post({ context: 'web' })).body.error.code, 'VALIDATION_FAILED');
      assert.equal((await post({ context: 'web', prompt: 42 })).body.error.code, 'VALIDATION_FAILED');
      assert.equal((await post({ context: 'web', prompt: '   ' })).body.error.code, 'VALIDATION_FAILED');
      assert.equal((await post({ context: 'web', prompt: 'x'.repeat(20_001) })).body.error.code, 'VALIDATION_FAILED');
      assert.equal((await post({ context: 'nope', prompt: 'hi' })).status, 404);
      const deep = `{"context":"web","prompt":"hi","x":${'['.repeat(500)}${']'.repeat(500)}}`;
      assert.equal((await post(deep)).body.error.code, 'JSON_TOO_DEEP');
      assert.equal((await srv.call('approver', 'GET', '/v1/agent-sessions/ses_unknown')).status, 404);
      assert.equal((await srv.call('approver', 'GET', '/v1/agent-sessions/..%2f..%2fetc')).status, 404);
      assert.equal((await srv.call('approver', 'GET', '/v1/agent-sessions/events?session_id=<x>')).status, 400);
      assert.equal(turns.length, 0);
    } finally {
      await srv.stop();
    }
  });

  it('bounds sessions: one turn at a time, max concurrent, max cost, max turn time, transcript size', async () => {
    const { srv, turns } = await start({ sessions: { max_concurrent: 1, max_cost_usd: 1, max_turn_sec: 10, max_transcript_events: 50 } });
    try {
      const a = await srv.call('approver', 'POST', '/v1/agent-sessions', { context: 'web', prompt: 'one' });
      assert.equal((await srv.call('approver', 'POST', `/v1/agent-sessions/${a.body.id}/prompt`, { text: 'two' })).body.error.code, 'SESSION_BUSY');
      const b = await srv.call('approver', 'POST', '/v1/agent-sessions', { context: 'web', prompt: 'other' });
      assert.equal(b.status, 429);
      assert.equal(b.body.error.code, 'SESSION_LIMIT');
      for (let i = 0; i < 60; i++) turns[0].emit({ type: 'text', text: `line ${i}` });
      turns[0].emit({ type: 'usage', costUsd: 1.5, inputTokens: 10, outputTokens: 20 });
      turns[0].end('completed');
      await idle(srv, a.body.id);
      const events = await srv.store.listSessionEvents(a.body.id, { limit: 1000 });
      assert.equal(events.length, 50);
      assert.equal(events.at(-1)!.text, 'Finished.');
      assert.ok(turns[0].spec.maxBudgetUsd! <= 1);
      const spent = await srv.call('approver', 'POST', `/v1/agent-sessions/${a.body.id}/prompt`, { text: 'again' });
      assert.equal(spent.body.error.code, 'SESSION_BUDGET_SPENT');
    } finally {
      await srv.stop();
    }
  });

  it('interrupts a turn that runs past max_turn_sec', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { srv, turns } = await start({ sessions: { max_turn_sec: 10 } });
    try {
      const a = await srv.call('approver', 'POST', '/v1/agent-sessions', { context: 'web', prompt: 'slow' });
      assert.equal(turns.length, 1);
      t.mock.timers.tick(10_000);
      t.mock.timers.reset();
      await idle(srv, a.body.id);
      assert.equal((await srv.store.getAgentSession(a.body.id))?.last_outcome, 'timed_out');
    } finally {
      await srv.stop();
    }
  });

  it('keeps the server secrets out of the agent environment and passes sessions.env', async () => {
    process.env.GREENLIGHT_TEST_SECRET = 'do-not-leak';
    const { srv, turns } = await start({ sessions: { env: { ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' } } });
    try {
      await srv.call('approver', 'POST', '/v1/agent-sessions', { context: 'web', prompt: 'env?' });
      assert.equal(turns[0].spec.env.GREENLIGHT_TEST_SECRET, undefined);
      assert.equal(turns[0].spec.env.ANTHROPIC_BASE_URL, 'http://127.0.0.1:9');
    } finally {
      delete process.env.GREENLIGHT_TEST_SECRET;
      await srv.stop();
    }
  });

  it('a tool call waits for its human past requests.max_wait_sec, and gets the verdict as the SDK takes it', async () => {
    const { srv, turns } = await start({ requests: { max_wait_sec: 1 } });
    try {
      const a = await srv.call('approver', 'POST', '/v1/agent-sessions', { context: 'web', prompt: 'clean' });
      const signal = new AbortController().signal;
      const verdict = turns[0].spec.authorize({ tool: 'Bash', input: { command: 'rm -rf build' }, toolUseId: 'toolu_1', signal });
      const pending = await eventually(async () => (await srv.store.listRequests({ order: 'queue', status: ['pending'], agent: 'context:web', limit: 5 })).items[0], 'the call filed');
      assert.equal(pending.session_id, 'cc-1');
      assert.equal(pending.cwd, '/srv/web');
      await eventually(async () => (await srv.call('approver', 'GET', '/v1/agent-sessions')).body.items[0]?.status === 'waiting_approval', 'waiting for approval');
      await new Promise((r) => setTimeout(r, 1500)); // longer than one wait on the gate
      const decided = await srv.call('approver', 'POST', `/v1/requests/${pending.id}/decision`, { outcome: 'approved', updated_input: { command: 'rm -rf build/tmp' } });
      assert.equal(decided.status, 200, decided.text);
      assert.deepEqual(await verdict, { behavior: 'allow', updatedInput: { command: 'rm -rf build/tmp' } });
      const denied = turns[0].spec.authorize({ tool: 'Bash', input: { command: 'rm -rf dist' }, toolUseId: 'toolu_2', signal });
      const second = await eventually(async () => (await srv.store.listRequests({ order: 'queue', status: ['pending'], agent: 'context:web', limit: 5 })).items[0], 'the second call filed');
      await srv.call('approver', 'POST', `/v1/requests/${second.id}/decision`, { outcome: 'denied', comment: 'keep <b>dist</b>' });
      const d = await denied;
      assert.equal(d.behavior, 'deny');
      assert.match((d as { message: string }).message, /denied by alice via api: keep <b>dist<\/b>/);
      turns[0].end('completed');
      await idle(srv, a.body.id);
    } finally {
      await srv.stop();
    }
  });

  it('records hooked agents from their hook reports and requests, with status, tool and pending approvals', async () => {
    const { srv } = await start();
    try {
      const hook = (p: Record<string, unknown>) => srv.call('agent', 'POST', '/v1/hooks/claude-code', { session_id: 'cc-hooked', cwd: '/tmp', ...p });
      await hook({ hook_event_name: 'SessionStart', source: 'startup' });
      await hook({ hook_event_name: 'UserPromptSubmit', prompt: 'fix <b>it</b>' });
      const waiting = hook({ hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'rm -rf build' } });
      const s = await eventually(async () => {
        const list = await srv.call('approver', 'GET', '/v1/agent-sessions');
        return list.body.items.find((x: any) => x.external_id === 'cc-hooked' && x.status === 'waiting_approval');
      }, 'the hooked session waiting for approval');
      assert.equal(s.kind, 'hook');
      assert.equal(s.agent, 'agent-a');
      assert.equal(s.current_tool, 'Bash');
      assert.equal(s.pending_approvals, 1);
      const pending = (await srv.store.listRequests({ order: 'queue', status: ['pending'], limit: 5 })).items[0];
      await srv.call('approver', 'POST', `/v1/requests/${pending.id}/decision`, { outcome: 'denied' });
      await waiting;
      await eventually(async () => (await srv.store.getAgentSession(s.id))?.status === 'working', 'working again');
      await hook({ hook_event_name: 'Notification', message: 'Claude needs your permission \u202E', notification_type: 'permission_prompt' });
      await eventually(async () => (await srv.store.getAgentSession(s.id))?.status === 'waiting_approval', 'waiting_approval');
      await hook({ hook_event_name: 'Notification', message: 'Claude is waiting for your input', notification_type: 'idle_prompt' });
      await eventually(async () => (await srv.store.getAgentSession(s.id))?.status === 'waiting_input', 'waiting_input');
      await hook({ hook_event_name: 'Stop', stop_hook_active: false });
      await eventually(async () => (await srv.store.getAgentSession(s.id))?.status === 'idle', 'idle');
      await hook({ hook_event_name: 'SessionEnd', reason: 'exit' });
      await eventually(async () => (await srv.store.getAgentSession(s.id))?.status === 'ended', 'ended');
      const events = await eventually(async () => {
        const e = await srv.store.listSessionEvents(s.id, { limit: 100 });
        return e.length === 7 ? e : null;
      }, 'seven transcript events');
      assert.deepEqual(events.map((e) => e.kind), ['status', 'prompt', 'tool', 'notice', 'notice', 'result', 'status']);
      // A hooked session cannot be driven from Greenlight.
      assert.equal((await srv.call('approver', 'POST', `/v1/agent-sessions/${s.id}/prompt`, { text: 'hi' })).status, 400);
    } finally {
      await srv.stop();
    }
  });

  it('marks a turn a restart cut off, instead of losing it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'greenlight-restart-'));
    dirs.push(dataDir);
    const store = new SqliteStore({ path: join(dataDir, 'greenlight.db') });
    await store.migrate();
    const cut = makeAgentSession({ status: 'working', current_tool: 'Bash', external_id: 'cc-9', created_at: Date.now(), updated_at: Date.now() });
    await store.saveAgentSession(cut);
    await store.close();
    const { srv } = await start({}, scriptedRunner(), dataDir);
    try {
      const s = await srv.store.getAgentSession(cut.id);
      assert.equal(s?.status, 'idle');
      assert.equal(s?.last_outcome, 'restarted');
      const events = await srv.store.listSessionEvents(cut.id, { limit: 10 });
      assert.match(events.at(-1)!.text, /cut off: the Greenlight instance running it stopped/);
    } finally {
      await srv.stop();
    }
  });
});

