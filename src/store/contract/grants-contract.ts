import assert from 'node:assert/strict';
import { it } from 'node:test';
import { NO_EFFECTS, T0, effectsFor, makeGrant } from '../fixtures.js';
import { allAudit, idsOf, type StoreHandle } from './handle.js';

export function grantsContract(h: StoreHandle): void {
  it('round-trips a grant and writes its effects', async () => {
    const grant = makeGrant({ scope: 'session', agent: 'claude', project: 'web', session_id: 's1', expires_at: T0 + 99, max_uses: 5, source_request_id: 'req_1', effect: 'deny' });
    await h.store.insertGrant(grant, effectsFor(null, 'grant.created', false));
    assert.deepEqual(await h.store.getGrant(grant.id), grant);
    assert.equal(await h.store.getGrant('grt_missing'), null);
    assert.deepEqual((await allAudit(h.store)).map((a) => a.action), ['grant.created']);
  });

  it('matches filters where the grant names the same value or none at all', async () => {
    const [anyone, claude, claudeWeb, claudeS1, codex] = [
      makeGrant({ created_at: T0 + 1 }),
      makeGrant({ agent: 'claude', created_at: T0 + 2 }),
      makeGrant({ agent: 'claude', project: 'web', created_at: T0 + 3 }),
      makeGrant({ agent: 'claude', session_id: 's1', scope: 'session', created_at: T0 + 4 }),
      makeGrant({ agent: 'codex', created_at: T0 + 5 }),
    ];
    for (const g of [anyone, claude, claudeWeb, claudeS1, codex]) await h.store.insertGrant(g, NO_EFFECTS);
    const ids = async (options: Parameters<typeof h.store.listGrants>[0]) => idsOf(await h.store.listGrants(options));
    assert.deepEqual(await ids({}), idsOf([anyone, claude, claudeWeb, claudeS1, codex]));
    assert.deepEqual(await ids({ agent: 'claude' }), idsOf([anyone, claude, claudeWeb, claudeS1]));
    assert.deepEqual(await ids({ agent: 'claude', project: 'api' }), idsOf([anyone, claude, claudeS1]));
    assert.deepEqual(await ids({ agent: 'claude', project: 'web', session_id: 's2' }), idsOf([anyone, claude, claudeWeb]));
    assert.deepEqual(await ids({ agent: 'claude', session_id: 's1' }), idsOf([anyone, claude, claudeWeb, claudeS1]));
    assert.deepEqual(await ids({ agent: 'gemini' }), idsOf([anyone]));
  });

  it('hides revoked, expired and used-up grants unless asked to include them', async () => {
    const [live, revoked, expired, usedUp, unlimited] = [
      makeGrant({ created_at: T0 + 1, expires_at: T0 + 1000 }),
      makeGrant({ created_at: T0 + 2 }),
      makeGrant({ created_at: T0 + 3, expires_at: T0 + 100 }),
      makeGrant({ created_at: T0 + 4, max_uses: 1 }),
      makeGrant({ created_at: T0 + 5 }),
    ];
    for (const g of [live, revoked, expired, usedUp, unlimited]) await h.store.insertGrant(g, NO_EFFECTS);
    await h.store.revokeGrant(revoked.id, T0 + 10, NO_EFFECTS);
    assert.equal(await h.store.useGrant(usedUp.id, T0 + 10), true);
    assert.deepEqual(idsOf(await h.store.listGrants({ now: T0 + 100 })), idsOf([live, unlimited]));
    assert.deepEqual(idsOf(await h.store.listGrants({ now: T0 + 99 })), idsOf([live, expired, unlimited]));
    assert.deepEqual(idsOf(await h.store.listGrants({})), idsOf([live, expired, unlimited]), 'without now, expiry is not checked');
    assert.deepEqual(idsOf(await h.store.listGrants({ include_revoked: true, now: T0 + 100 })), idsOf([live, revoked, expired, usedUp, unlimited]));
  });

  it('counts uses up to max_uses, and refuses expired, revoked and unknown grants', async () => {
    const limited = makeGrant({ max_uses: 2 });
    const expiring = makeGrant({ expires_at: T0 + 10 });
    const revoked = makeGrant();
    for (const g of [limited, expiring, revoked]) await h.store.insertGrant(g, NO_EFFECTS);
    await h.store.revokeGrant(revoked.id, T0, NO_EFFECTS);
    assert.equal(await h.store.useGrant(limited.id, T0), true);
    assert.equal(await h.store.useGrant(limited.id, T0), true);
    assert.equal(await h.store.useGrant(limited.id, T0), false);
    assert.equal((await h.store.getGrant(limited.id))?.uses, 2);
    assert.equal(await h.store.useGrant(expiring.id, T0 + 9), true);
    assert.equal(await h.store.useGrant(expiring.id, T0 + 10), false);
    assert.equal(await h.store.useGrant(revoked.id, T0), false);
    assert.equal((await h.store.getGrant(revoked.id))?.uses, 0);
    assert.equal(await h.store.useGrant('grt_missing', T0), false);
  });

  it('keeps a grant\'s path limit, and null when it has none', async () => {
    const limited = makeGrant({ path_prefix: '/srv/app/src' });
    const plain = makeGrant();
    for (const g of [limited, plain]) await h.store.insertGrant(g, NO_EFFECTS);
    assert.equal((await h.store.getGrant(limited.id))?.path_prefix, '/srv/app/src');
    assert.equal((await h.store.getGrant(plain.id))?.path_prefix, null);
    assert.equal((await h.store.listGrants({})).find((g) => g.id === limited.id)?.path_prefix, '/srv/app/src');
  });

  it('keeps a grant\'s host limit, and null when it has none', async () => {
    const limited = makeGrant({ host: 'Build-01.example.internal' });
    const plain = makeGrant();
    for (const g of [limited, plain]) await h.store.insertGrant(g, NO_EFFECTS);
    assert.equal((await h.store.getGrant(limited.id))?.host, 'Build-01.example.internal');
    assert.equal((await h.store.getGrant(plain.id))?.host, null);
    assert.equal((await h.store.listGrants({})).find((g) => g.id === limited.id)?.host, 'Build-01.example.internal');
  });

  it('never lets concurrent uses go past max_uses', async () => {
    const grant = makeGrant({ max_uses: 3 });
    await h.store.insertGrant(grant, NO_EFFECTS);
    const results = await Promise.all(Array.from({ length: 10 }, () => h.store.useGrant(grant.id, T0)));
    assert.equal(results.filter(Boolean).length, 3);
    assert.equal((await h.store.getGrant(grant.id))?.uses, 3);
  });

  it('revokes a grant once: effects only the first time, first revocation time kept', async () => {
    const grant = makeGrant();
    await h.store.insertGrant(grant, NO_EFFECTS);
    assert.deepEqual(await h.store.revokeGrant(grant.id, T0 + 5, effectsFor(null, 'grant.revoked', false)), { ...grant, revoked_at: T0 + 5 });
    assert.equal((await h.store.revokeGrant(grant.id, T0 + 9, effectsFor(null, 'grant.revoked.again', false)))?.revoked_at, T0 + 5);
    assert.deepEqual((await allAudit(h.store)).map((a) => a.action), ['grant.revoked']);
    assert.equal(await h.store.revokeGrant('grt_missing', T0, effectsFor(null, 'never', false)), null);
    assert.equal((await allAudit(h.store)).length, 1);
  });

  it("revokes every session grant of one agent's session and nothing else", async () => {
    const [mine1, mine2, always, otherSession, otherAgent] = [
      makeGrant({ scope: 'session', agent: 'claude', session_id: 's1' }),
      makeGrant({ scope: 'session', agent: 'claude', session_id: 's1', rule: 'Edit(./src/**)' }),
      makeGrant({ scope: 'always', agent: 'claude', session_id: 's1' }),
      makeGrant({ scope: 'session', agent: 'claude', session_id: 's2' }),
      makeGrant({ scope: 'session', agent: 'codex', session_id: 's1' }),
    ];
    for (const g of [mine1, mine2, always, otherSession, otherAgent]) await h.store.insertGrant(g, NO_EFFECTS);
    assert.equal(await h.store.revokeSessionGrants('claude', 's1', T0 + 7, effectsFor(null, 'session.cleared', false)), 2);
    assert.equal((await h.store.getGrant(mine1.id))?.revoked_at, T0 + 7);
    assert.equal((await h.store.getGrant(mine2.id))?.revoked_at, T0 + 7);
    for (const g of [always, otherSession, otherAgent]) assert.equal((await h.store.getGrant(g.id))?.revoked_at, null);
    assert.equal(await h.store.revokeSessionGrants('claude', 's1', T0 + 8, effectsFor(null, 'session.cleared.again', false)), 0);
    assert.deepEqual((await allAudit(h.store)).map((a) => a.action), ['session.cleared']);
  });
}
