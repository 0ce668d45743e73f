import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GreenlightError } from './errors.js';
import { createLocalEventBus } from './events.js';
import { createGate, type GateDeps } from './gate.js';
import { ManualClock } from './ids.js';
import type { Principal, RequestEvent } from './types.js';
import { MemoryStore } from '../store/memory/memory-store.js';
import { verifyAuditChain } from './audit-chain.js';

const agent: Principal = { keyId: 'k1', role: 'agent', name: 'bot', projects: [] };
const approver: Principal = { keyId: 'k2', role: 'approver', name: 'alice', projects: [] };
const admin: Principal = { keyId: 'k3', role: 'admin', name: 'root', projects: [] };

function setup(overrides: Partial<GateDeps> = {}) {
  const clock = new ManualClock();
  const store = new MemoryStore();
  const events = createLocalEventBus();
  const seen: RequestEvent[] = [];
  events.subscribe((e) => seen.push(e));
  const gate = createGate({
    store,
    events,
    clock,
    routing: { projects: [], approvers: [] },
    defaults: { defaultExpiresSec: 3600, maxExpiresSec: 86400, allowApproveOnTimeout: false, maxWaitSec: 60 },
    ...overrides,
  });
  return { gate, store, clock, events, seen };
}

const code = (fn: () => Promise<unknown>) =>
  fn().then(
    () => 'resolved',
    (e: unknown) => (e instanceof GreenlightError ? e.code : `not a GreenlightError: ${e}`),
  );

describe('gate', () => {
  it('persists a request before announcing it', async () => {
    const { gate, store, events } = setup();
    let storedWhenAnnounced: unknown = 'not announced';
    events.subscribe((e) => void store.getRequest(e.request.id).then((r) => (storedWhenAnnounced = r?.status)));
    const { request } = await gate.request(agent, { title: 't' });
    await new Promise((r) => setImmediate(r));
    assert.equal(storedWhenAnnounced, 'pending');
    assert.equal(request.agent, 'bot');
  });

  it('applies a policy allow as an approval by the rule, and counts the grant use', async () => {
    const used: string[] = [];
    const { gate, store, seen } = setup({ policy: () => ({ verdict: 'allow', rule: 'Bash(git status)', reason: 'allowed by rule', grantIds: ['g1'] }) });
    store.useGrant = async (id) => (used.push(id), true);
    const { request } = await gate.request(agent, { title: 'git status', tool: 'Bash', input: { command: 'git status' } });
    assert.equal(request.status, 'approved');
    assert.equal(request.decision?.decided_by_kind, 'policy');
    assert.equal(request.decision?.decided_by, 'Bash(git status)');
    assert.equal(request.policy?.rule, 'Bash(git status)');
    assert.deepEqual(used, ['g1']);
    assert.deepEqual(seen.map((e) => e.type), ['request.created', 'request.decided']);
  });

  it('applies a policy deny, and a policy ask leaves the request pending with the reason', async () => {
    const { gate } = setup({ policy: (r) => (r.title === 'bad' ? { verdict: 'deny', rule: 'Bash(rm *)', reason: 'denied by rule' } : { verdict: 'ask', rule: null, reason: 'no rule allows it' }) });
    assert.equal((await gate.request(agent, { title: 'bad' })).request.status, 'denied');
    const asked = (await gate.request(agent, { title: 'other' })).request;
    assert.equal(asked.status, 'pending');
    assert.equal(asked.policy?.reason, 'no rule allows it');
  });

  it('writes outbox items in the same unit as the state change, and nudges the worker', async () => {
    let nudged = 0;
    const { gate, store } = setup({
      deliveries: (e) => [{ id: `ob_${e.type}_${e.request.id}`, kind: 'webhook', target: 'http://x', request_id: e.request.id, payload: { event: e.type }, created_at: 0, next_attempt_at: 0 }],
      onOutbox: () => nudged++,
    });
    const { request } = await gate.request(agent, { title: 't' });
    await gate.decide(approver, request.id, { outcome: 'denied' }, 'api');
    const items = await store.listOutbox({ request_id: request.id, limit: 10 });
    assert.deepEqual(items.map((i) => i.payload.event).sort(), ['request.created', 'request.decided']);
    assert.equal(nudged, 2);
  });

  it('expires overdue requests as denials and tells waiters', async () => {
    const { gate, clock } = setup();
    const { request } = await gate.request(agent, { title: 't', expires_in_sec: 10 });
    const waiting = gate.wait(agent, request.id, 60_000);
    clock.advance(9_000);
    assert.equal(await gate.expireDue(), 0);
    clock.advance(2_000);
    assert.equal(await gate.expireDue(), 1);
    const r = await waiting;
    assert.equal(r.status, 'expired');
    assert.equal(r.decision?.outcome, 'denied');
  });

  it('refuses a decision past the deadline even before the sweeper ran, and expires the request', async () => {
    const { gate, clock } = setup();
    const { request } = await gate.request(agent, { title: 't', expires_in_sec: 10 });
    clock.advance(10_001);
    assert.equal(await code(() => gate.decide(approver, request.id, { outcome: 'approved' }, 'api')), 'ALREADY_DECIDED');
    assert.equal((await gate.get(admin, request.id)).status, 'expired');
  });

  it('approves on timeout only when the server allows it', async () => {
    const { gate, clock } = setup({ defaults: { defaultExpiresSec: 10, maxExpiresSec: 100, allowApproveOnTimeout: true, maxWaitSec: 60 } });
    const { request } = await gate.request(agent, { title: 't', on_timeout: 'approve' });
    clock.advance(11_000);
    await gate.expireDue();
    assert.equal((await gate.get(admin, request.id)).status, 'approved');
  });

  it('a wait returns the request as it is when aborted or timed out', async () => {
    const { gate } = setup();
    const { request } = await gate.request(agent, { title: 't' });
    const ctrl = new AbortController();
    const waiting = gate.wait(agent, request.id, 60_000, ctrl.signal);
    ctrl.abort();
    assert.equal((await waiting).status, 'pending');
    assert.equal((await gate.wait(agent, request.id, 5)).status, 'pending');
  });

  it('refuses an agent deciding, and names the winner of a race', async () => {
    const { gate } = setup();
    const { request } = await gate.request(agent, { title: 't' });
    assert.equal(await code(() => gate.decide(agent, request.id, { outcome: 'approved' }, 'api')), 'AGENT_CANNOT_DECIDE');
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => gate.decide(approver, request.id, { outcome: 'approved' }, 'api')));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  });

  it('keeps the audit chain valid across creates, decisions, cancels and expiries', async () => {
    const { gate, store, clock } = setup();
    for (let i = 0; i < 5; i++) {
      const { request } = await gate.request(agent, { title: `t${i}`, expires_in_sec: 5 });
      if (i === 0) await gate.decide(approver, request.id, { outcome: 'approved' }, 'api');
      if (i === 1) await gate.cancel(agent, request.id);
    }
    clock.advance(6000);
    await gate.expireDue();
    const rows = await store.listAudit({ limit: 1000, order: 'asc' });
    assert.equal(rows.length, 5 + 1 + 1 + 3);
    assert.equal(verifyAuditChain(rows).ok, true);
  });

  it('refuses a denial that carries an edited action or a wider scope', async () => {
    const { gate } = setup();
    const { request } = await gate.request(agent, { title: 't' });
    assert.equal(await code(() => gate.decide(approver, request.id, { outcome: 'denied', updated_input: { command: 'x' } }, 'api')), 'VALIDATION_FAILED');
    assert.equal(await code(() => gate.decide(approver, request.id, { outcome: 'denied', scope: 'always' }, 'api')), 'VALIDATION_FAILED');
  });

  it('an approval may carry the edited action', async () => {
    const { gate } = setup();
    const { request } = await gate.request(agent, { title: 't', tool: 'Bash', input: { command: 'rm -rf build' } });
    const decided = await gate.decide(approver, request.id, { outcome: 'approved', updated_input: { command: 'rm -rf build/tmp' } }, 'api');
    assert.deepEqual(decided.decision?.updated_input, { command: 'rm -rf build/tmp' });
  });

  it('accepts a target only as a hint naming a destination the server routes the request to', async () => {
    const asked: (string | null)[] = [];
    const { gate } = setup({
      destinations: (r) => {
        asked.push(r.target);
        return [{ channel: 'telegram', target: '-100200' }, { channel: 'email', target: 'alice@example.com' }];
      },
    });
    assert.equal((await gate.request(agent, { title: 't', channel: 'telegram', target: '-100200' })).request.target, '-100200');
    assert.equal(asked.at(-1), null, 'destinations are asked of the request without the agent\'s hint');
    assert.equal(await code(() => gate.request(agent, { title: 't', target: 'ALICE@example.com' })), 'resolved');
    assert.equal(await code(() => gate.request(agent, { title: 't', channel: 'email', target: '-100200' })), 'TARGET_NOT_ROUTED');
    assert.equal(await code(() => gate.request(agent, { title: 't', channel: 'telegram', target: '-999' })), 'TARGET_NOT_ROUTED');
    assert.equal(await code(() => setup().gate.request(agent, { title: 't', target: '-100200' })), 'TARGET_NOT_ROUTED');
  });

  it('files for agent keys only, and nobody decides a request filed under their name', async () => {
    const { gate } = setup();
    assert.equal(await code(() => gate.request(approver, { title: 't' })), 'AGENT_KEY_REQUIRED');
    assert.equal(await code(() => gate.request(admin, { title: 't' })), 'AGENT_KEY_REQUIRED');
    const { request } = await gate.request({ ...agent, name: 'alice' }, { title: 't' });
    assert.equal(await code(() => gate.decide(approver, request.id, { outcome: 'approved' }, 'api')), 'FILER_CANNOT_DECIDE');
    assert.equal((await gate.decide(admin, request.id, { outcome: 'approved' }, 'api')).status, 'approved');
  });
});
