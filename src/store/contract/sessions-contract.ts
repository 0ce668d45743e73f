import assert from 'node:assert/strict';
import { it } from 'node:test';
import { T0, makeAgentSession, makeSessionEvent } from '../fixtures.js';
import type { StoreHandle } from './handle.js';

export function sessionsContract(h: StoreHandle): void {
  it('saves an agent session, reads it back, and replaces it by id', async () => {
    const s = makeAgentSession({ cost_usd: 0.25, input_tokens: 10, output_tokens: 20, project: 'web' });
    await h.store.saveAgentSession(s);
    assert.deepEqual(await h.store.getAgentSession(s.id), s);
    const next = { ...s, status: 'working' as const, current_tool: 'Bash', external_id: 'cc-1', turns: 1, updated_at: T0 + 5 };
    await h.store.saveAgentSession(next);
    assert.deepEqual(await h.store.getAgentSession(s.id), next);
    assert.equal(await h.store.getAgentSession('ses_missing'), null);
  });

  it('keeps the transcript when the session is saved again', async () => {
    const s = makeAgentSession();
    await h.store.saveAgentSession(s);
    await h.store.appendSessionEvents(s.id, [makeSessionEvent({ text: 'before' })], 100);
    await h.store.saveAgentSession({ ...s, status: 'working', updated_at: T0 + 1 });
    assert.deepEqual((await h.store.listSessionEvents(s.id, { limit: 10 })).map((e) => e.text), ['before']);
  });

  it('finds a session by agent and host session id, and by nothing else', async () => {
    const a = makeAgentSession({ agent: 'agent-a', kind: 'hook', context: null, external_id: 'cc-1' });
    const b = makeAgentSession({ agent: 'agent-b', kind: 'hook', context: null, external_id: 'cc-1', created_at: T0 + 1 });
    await h.store.saveAgentSession(a);
    await h.store.saveAgentSession(b);
    assert.equal((await h.store.findAgentSession('agent-a', 'cc-1'))?.id, a.id);
    assert.equal((await h.store.findAgentSession('agent-b', 'cc-1'))?.id, b.id);
    assert.equal(await h.store.findAgentSession('agent-a', 'cc-2'), null);
  });

  it('lists sessions by latest activity, active ones or by status and kind, up to the limit', async () => {
    const old = makeAgentSession({ updated_at: T0 + 1, status: 'ended', ended_at: T0 + 1 });
    const mid = makeAgentSession({ updated_at: T0 + 2, status: 'waiting_approval', kind: 'hook' });
    const recent = makeAgentSession({ updated_at: T0 + 3, status: 'working' });
    for (const s of [mid, old, recent]) await h.store.saveAgentSession(s);
    assert.deepEqual((await h.store.listAgentSessions({ limit: 10 })).map((s) => s.id), [recent.id, mid.id, old.id]);
    assert.deepEqual((await h.store.listAgentSessions({ active: true, limit: 10 })).map((s) => s.id), [recent.id, mid.id]);
    assert.deepEqual((await h.store.listAgentSessions({ status: ['working', 'ended'], limit: 10 })).map((s) => s.id), [recent.id, old.id]);
    assert.deepEqual((await h.store.listAgentSessions({ kind: 'hook', limit: 10 })).map((s) => s.id), [mid.id]);
    assert.deepEqual((await h.store.listAgentSessions({ limit: 1 })).map((s) => s.id), [recent.id]);
  });

  it('appends transcript events with increasing seqs per session and pages them oldest first', async () => {
    const a = makeAgentSession();
    const b = makeAgentSession({ created_at: T0 + 1 });
    await h.store.saveAgentSession(a);
    await h.store.saveAgentSession(b);
    const first = await h.store.appendSessionEvents(a.id, [makeSessionEvent({ kind: 'prompt', text: 'fix <b>it</b>' }), makeSessionEvent({ text: 'ok', data: { n: 1 } })], 100);
    assert.deepEqual(first.map((e) => [e.session_id, e.seq, e.kind, e.text, e.data]), [[a.id, 1, 'prompt', 'fix <b>it</b>', null], [a.id, 2, 'text', 'ok', { n: 1 }]]);
    await h.store.appendSessionEvents(b.id, [makeSessionEvent({ text: 'other' })], 100);
    const more = await h.store.appendSessionEvents(a.id, [makeSessionEvent({ kind: 'tool', text: 'Bash: ls' })], 100);
    assert.equal(more[0].seq, 3);
    assert.deepEqual((await h.store.listSessionEvents(a.id, { limit: 10 })).map((e) => e.seq), [1, 2, 3]);
    assert.deepEqual((await h.store.listSessionEvents(a.id, { after_seq: 1, limit: 1 })).map((e) => e.text), ['ok']);
    assert.deepEqual((await h.store.listSessionEvents(b.id, { limit: 10 })).map((e) => e.text), ['other']);
  });

  it('keeps only the newest events of a session, and seqs go on after pruning', async () => {
    const s = makeAgentSession();
    await h.store.saveAgentSession(s);
    for (let i = 1; i <= 5; i++) await h.store.appendSessionEvents(s.id, [makeSessionEvent({ text: `e${i}` })], 3);
    assert.deepEqual((await h.store.listSessionEvents(s.id, { limit: 10 })).map((e) => [e.seq, e.text]), [[3, 'e3'], [4, 'e4'], [5, 'e5']]);
    const next = await h.store.appendSessionEvents(s.id, [makeSessionEvent({ text: 'e6' }), makeSessionEvent({ text: 'e7' })], 3);
    assert.deepEqual(next.map((e) => e.seq), [6, 7]);
    assert.deepEqual((await h.store.listSessionEvents(s.id, { limit: 10 })).map((e) => e.seq), [5, 6, 7]);
  });

  it('prunes ended sessions idle since before the cutoff, with their events, and keeps the rest', async () => {
    const gone = makeAgentSession({ status: 'ended', updated_at: T0 + 1, ended_at: T0 + 1 });
    const recentEnd = makeAgentSession({ status: 'ended', updated_at: T0 + 10, ended_at: T0 + 10 });
    const idleOld = makeAgentSession({ status: 'idle', updated_at: T0 + 1 });
    for (const s of [gone, recentEnd, idleOld]) await h.store.saveAgentSession(s);
    await h.store.appendSessionEvents(gone.id, [makeSessionEvent()], 10);
    assert.equal(await h.store.pruneAgentSessions(T0 + 5), 1);
    assert.equal(await h.store.getAgentSession(gone.id), null);
    assert.deepEqual(await h.store.listSessionEvents(gone.id, { limit: 10 }), []);
    assert.ok(await h.store.getAgentSession(recentEnd.id));
    assert.ok(await h.store.getAgentSession(idleOld.id));
  });
}
