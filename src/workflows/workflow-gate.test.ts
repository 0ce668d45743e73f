// The gate with the real planner over the memory store: concurrent votes each counted once (the
// compare-and-set retried on the fresh state), a ladder walked with a fake clock to its
// fail-closed end, absences and delegates resolved when a step starts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLocalEventBus } from '../core/events.js';
import { createGate, type GateDeps } from '../core/gate.js';
import { GreenlightError } from '../core/errors.js';
import { ManualClock } from '../core/ids.js';
import type { Principal, RequestEvent } from '../core/types.js';
import { MemoryStore } from '../store/memory/memory-store.js';
import { makeGrant, NO_EFFECTS } from '../store/fixtures.js';
import { setAway } from './away.js';
import { GroupSchema, WorkflowSchema } from './config-schema.js';
import { createWorkflowPlanner } from './planner.js';

const agent: Principal = { keyId: 'k', role: 'agent', name: 'bot', projects: [] };
const person = (name: string): Principal => ({ keyId: `k-${name}`, role: 'approver', name, projects: [] });
const T = Date.UTC(2026, 2, 2, 10, 0); // Monday 2 March 2026, 10:00 UTC

function setup(workflow: Record<string, unknown>, store = new MemoryStore(), extra: Partial<GateDeps> = {}) {
  const clock = new ManualClock(T);
  const events = createLocalEventBus();
  const seen: RequestEvent[] = [];
  events.subscribe((e) => seen.push(e));
  const groups = [GroupSchema.parse({ name: 'sre', members: ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'], on_call: { rotation: 'daily', time_zone: 'Europe/Berlin', start: '2026-03-02', hand_over: '09:00' } })];
  const planner = createWorkflowPlanner({ groups, workflows: [WorkflowSchema.parse({ name: 'prod', ...workflow })], owners: new Map([['bot', 'frank']]) }, store);
  const gate = createGate({ store, events, clock, routing: { projects: [], approvers: [] }, defaults: { defaultExpiresSec: 7200, maxExpiresSec: 86400, allowApproveOnTimeout: false, maxWaitSec: 60 }, workflows: planner, ...extra });
  return { gate, store, clock, seen };
}

describe('workflows in the gate', () => {
  it('counts each of many concurrent votes once and decides on the third distinct approval', async () => {
    let lost = 0;
    const store = new MemoryStore();
    const advance = store.advanceWorkflow.bind(store);
    store.advanceWorkflow = async (...args) => {
      await new Promise((r) => setImmediate(r)); // let the other votes read the same revision
      const r = await advance(...args);
      if (!r.ok) lost++;
      return r;
    };
    const { gate, seen } = setup({ quorum: { approvals: 3 }, approvers: ['group:sre'] }, store);
    const { request } = await gate.request(agent, { title: 'deploy' });
    assert.deepEqual(request.workflow?.eligible, ['alice', 'bob', 'carol', 'dave', 'erin'], 'frank owns the agent');
    const names = ['alice', 'bob', 'carol', 'dave', 'erin'];
    const results = await Promise.allSettled(Array.from({ length: 15 }, (_, i) => gate.decide(person(names[i % 5]), request.id, { outcome: 'approved' }, 'api')));
    const codes = results.map((r) => (r.status === 'fulfilled' ? r.value.status : (r.reason as GreenlightError).code));
    assert.equal(codes.filter((c) => c === 'pending' || c === 'approved').length, 3, codes.join());
    assert.ok(lost > 0, 'the race was real: some writes lost and were recounted');
    const done = (await gate.get(person('alice'), request.id));
    assert.equal(done.status, 'approved');
    assert.equal(done.workflow!.votes.length, 3);
    assert.equal(new Set(done.workflow!.votes.map((v) => v.approver)).size, 3);
    assert.deepEqual(seen.filter((e) => e.request.id === request.id).map((e) => e.type), ['request.created', 'request.updated', 'request.updated', 'request.decided']);
  });

  it('walks a ladder with a fake clock through every step to a fail-closed deny', async () => {
    const { gate, clock, seen } = setup({
      quorum: { approvals: 2 },
      approvers: ['group:sre'],
      ladder: [
        { who: ['oncall:sre'], channels: ['telegram'], wait: '5m' },
        { who: ['group:sre'], targets: ['telegram:-100200'], wait: '15m' },
        { who: ['carol'], channels: ['email'], wait: '10m' },
      ],
    });
    const { request } = await gate.request(agent, { title: 'deploy' });
    const wf = request.workflow!;
    assert.deepEqual(wf.ladder!.started.map((s) => s.paged), [[{ name: 'alice', why: 'on call for sre until 2026-03-03 09:00 Europe/Berlin' }]]);
    assert.equal(wf.next_at, T + 5 * 60_000);
    await gate.decide(person('bob'), request.id, { outcome: 'approved' }, 'email'); // a vote does not move the ladder
    clock.advance(5 * 60_000 - 1);
    assert.equal(await gate.escalateDue(), 0);
    clock.advance(1);
    assert.equal(await gate.escalateDue(), 1);
    let r = await gate.get(person('alice'), request.id);
    assert.deepEqual(r.workflow!.ladder!.started.at(-1)!.paged.map((p) => p.name), ['alice', 'bob', 'carol', 'dave', 'erin']);
    assert.equal(r.workflow!.votes.length, 1, 'votes survive the step');
    assert.equal(seen.at(-1)?.step, 1);
    clock.advance(15 * 60_000);
    assert.equal(await gate.escalateDue(), 1);
    r = await gate.get(person('alice'), request.id);
    assert.equal(r.workflow!.ladder!.started.length, 3);
    assert.equal(r.workflow!.next_at, T + 30 * 60_000);
    clock.advance(10 * 60_000);
    assert.equal(await gate.escalateDue(), 1);
    r = await gate.get(person('alice'), request.id);
    assert.equal(r.status, 'denied');
    assert.equal(r.decision!.decided_by, 'escalation');
    assert.match(r.decision!.comment!, /Nobody completed the approval after 3 escalation steps \(1 of 2 approvals — bob approved\): the prod workflow ends denied, failing closed\./);
    assert.equal(r.workflow!.next_at, null);
    assert.equal(await gate.escalateDue(), 0);
    // Earlier buttons kept working until the end; now the request is settled for everyone.
    await assert.rejects(gate.decide(person('alice'), request.id, { outcome: 'approved' }, 'telegram'), (e: unknown) => e instanceof GreenlightError && e.code === 'ALREADY_DECIDED');
    const audit = (await gate.audit(person('alice'), { request_id: request.id, limit: 50, order: 'asc' })).map((a) => a.action);
    assert.deepEqual(audit, ['request.created', 'request.voted', 'request.escalated', 'request.escalated', 'request.denied']);
  });

  it('asks the delegate of someone away, and the next in the rotation when the one on call is away without one', async () => {
    const store = new MemoryStore();
    const { gate } = setup({ ladder: [{ who: ['oncall:sre', 'dave'], wait: '5m' }] }, store);
    await setAway(store, { approver: 'alice', until: T + 3_600_000, delegate: null, note: null, set_by: 'alice', set_at: T });
    await setAway(store, { approver: 'dave', until: T + 3_600_000, delegate: 'erin', note: null, set_by: 'dave', set_at: T });
    const { request } = await gate.request(agent, { title: 'deploy' });
    assert.deepEqual(request.workflow!.ladder!.started[0].paged, [
      { name: 'bob', why: 'standing in on call for sre (alice is away)' },
      { name: 'erin', why: 'delegate of dave, away until 2026-03-02 11:00 UTC' },
    ]);
    assert.ok(request.workflow!.eligible.includes('erin'));
    // Once back (the entry lapses by itself), they are asked again.
    const later = setup({ ladder: [{ who: ['dave'], wait: '5m' }] }, store);
    later.clock.set(T + 3_600_000);
    const { request: r2 } = await later.gate.request(agent, { title: 'deploy again' });
    assert.deepEqual(r2.workflow!.ladder!.started[0].paged, [{ name: 'dave', why: 'named' }]);
  });

  it('never lets one approver\'s grant stand in for a quorum, at filing or afterwards', async () => {
    const store = new MemoryStore();
    const grantAllows = { policy: () => ({ verdict: 'allow' as const, rule: 'Bash(kubectl *)', reason: 'allowed by a grant alice gave', grantIds: ['grt_1'] }) };
    const { gate } = setup({ quorum: { approvals: 2 }, approvers: ['group:sre'] }, store, grantAllows);
    const { request } = await gate.request(agent, { title: 'deploy', tool: 'Bash', input: { command: 'kubectl apply' } });
    assert.equal(request.status, 'pending');
    assert.equal(request.workflow?.quorum.required, 2);
    assert.match(request.policy!.reason, /allowed by a grant alice gave — but the prod workflow needs 2 approvals, which a grant cannot give\./);
    assert.equal(await gate.autoApprove(request.id, { rule: 'Bash(kubectl *)', via: 'grant', comment: 'covered' }), false);
    assert.equal((await store.getRequest(request.id))!.status, 'pending');
    // A single-approver workflow still takes the grant (one that exists and has a use to spend).
    const singleStore = new MemoryStore();
    await singleStore.insertGrant(makeGrant({ id: 'grt_1', rule: 'Bash(kubectl *)' }), NO_EFFECTS);
    const single = setup({ approvers: ['group:sre'] }, singleStore, grantAllows);
    assert.equal((await single.gate.request(agent, { title: 'deploy' })).request.status, 'approved');
    assert.equal((await singleStore.getGrant('grt_1'))!.uses, 1, 'the grant spent one use');
    // A grant with no use left (here: none in the store) is never relied on: a human decides.
    const none = setup({ approvers: ['group:sre'] }, new MemoryStore(), grantAllows);
    const asked = (await none.gate.request(agent, { title: 'deploy' })).request;
    assert.equal(asked.status, 'pending');
    assert.match(asked.policy!.reason, /grant grt_1 has no use left/);
  });
});
