// Two instances on one PostgreSQL database: votes spread over both at once are each counted once
// (the compare-and-set holds across connections), both sweeping the same due ladder step start it
// once, and a waiter on one instance hears the decision the other made, with the count.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/core/ids.js';
import { KEYS, startTestServer, type TestServer } from '../helpers/harness.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { CAROL_KEY, people } from './rig.js';

const CONFIG = {
  ...people(),
  groups: [{ name: 'sre', members: ['alice', 'bob', 'carol', 'dave', 'erin'] }],
  workflows: [
    { name: 'prod', match: { projects: ['prod'] }, quorum: { approvals: 2 }, approvers: ['group:sre'], ladder: [{ who: ['alice'], wait: '5m' }, { who: ['group:sre'], wait: '15m' }] },
  ],
};

describe('workflows on two PostgreSQL instances', () => {
  let pg: TestPostgres;
  let a: TestServer;
  let b: TestServer;
  const clock = new ManualClock(Date.now());
  before(async () => {
    pg = await startPostgres();
    const url = await pg.createDatabase('workflows');
    a = await startTestServer({ ...CONFIG, store: { url } }, { clock });
    b = await startTestServer({ ...CONFIG, store: { url } }, { clock });
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await pg?.stop();
  });

  const vote = async (on: TestServer, key: string, id: string) => {
    const res = await fetch(`${on.url}/v1/requests/${id}/decision`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ outcome: 'approved' }) });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('counts exactly two of 40 votes spread over both instances at once', async () => {
    for (let round = 0; round < 3; round++) {
      const filed = await a.call('agent', 'POST', '/v1/requests', { title: `deploy ${round}`, preview: 'kubectl apply', project: 'prod' });
      const id = filed.body.id as string;
      const keys = [KEYS.approver, KEYS.otherApprover, CAROL_KEY];
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => vote(i % 2 ? a : b, keys[i % 3], id)));
      const ok = results.filter((r) => r.status === 200);
      assert.equal(ok.length, 2, JSON.stringify(results.map((r) => r.body.error?.code ?? r.body.status)));
      for (const r of results) if (r.status !== 200) assert.ok(['ALREADY_VOTED', 'ALREADY_DECIDED'].includes(r.body.error.code), r.body.error.code);
      const stored = (await b.store.getRequest(id))!;
      assert.equal(stored.status, 'approved');
      assert.equal(stored.workflow!.votes.length, 2);
      const voted = (await a.store.listAudit({ request_id: id, limit: 100 })).filter((e) => e.action === 'request.voted');
      assert.equal(voted.length, 2);
    }
  });

  it('starts a due ladder step once when both instances sweep it, and wakes a waiter on the other with the count', async () => {
    const filed = await a.call('agent', 'POST', '/v1/requests', { title: 'deploy ladder', preview: 'kubectl apply', project: 'prod' });
    const id = filed.body.id as string;
    clock.advance(5 * 60_000);
    const moved = await Promise.all([a.gate.escalateDue(), b.gate.escalateDue(), a.gate.escalateDue(), b.gate.escalateDue()]);
    assert.equal(moved.reduce((x, y) => x + y, 0), 1, `moved: ${moved}`);
    const escalated = (await a.store.listAudit({ request_id: id, limit: 100 })).filter((e) => e.action === 'request.escalated');
    assert.equal(escalated.length, 1);
    const waiting = a.call('agent', 'GET', `/v1/requests/${id}/wait?timeout_sec=20`);
    assert.equal((await vote(b, KEYS.approver, id)).body.workflow.progress[0], '1 of 2 approvals — alice approved');
    assert.equal((await vote(b, CAROL_KEY, id)).body.status, 'approved');
    const woke = await waiting;
    assert.equal(woke.body.status, 'approved');
    assert.equal(woke.body.workflow.progress[0], '2 of 2 approvals — alice and carol approved');
  });
});
