// Step-up factors: one TOTP enrolment per approver. Replays and wrong codes are decided by the
// store's compare-and-sets, so two instances given the same code accept it once, and the failure
// window counts every wrong code whichever instance saw it.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { T0 } from '../fixtures.js';
import type { PasskeyRecord, TotpFactor } from '../store.js';
import type { StoreHandle } from './handle.js';

const factor = (o: Partial<TotpFactor> = {}): TotpFactor => ({ approver: 'alice', secret: 'sealed:v1:abc', confirmed_at: null, last_step: null, failures: 0, failures_since: null, created_at: T0, ...o });

export function stepUpContract(h: StoreHandle): void {
  it('keeps an enrolment as written and replaces it whole on a new enrolment', async () => {
    assert.equal(await h.store.getTotp('alice'), null);
    await h.store.putTotp(factor());
    assert.deepEqual(await h.store.getTotp('alice'), factor());
    await h.store.putTotp(factor({ secret: 'sealed:v1:new', created_at: T0 + 5 }));
    assert.deepEqual(await h.store.getTotp('alice'), factor({ secret: 'sealed:v1:new', created_at: T0 + 5 }));
    assert.equal(await h.store.getTotp('bob'), null, 'per approver');
  });

  it('confirms a waiting enrolment once, with the step of its first code', async () => {
    await h.store.putTotp(factor({ failures: 2, failures_since: T0 }));
    assert.equal(await h.store.confirmTotp('alice', 100, T0 + 1), true);
    assert.equal(await h.store.confirmTotp('alice', 101, T0 + 2), false, 'already confirmed');
    assert.equal(await h.store.confirmTotp('bob', 100, T0), false, 'not enrolled');
    assert.deepEqual(await h.store.getTotp('alice'), factor({ confirmed_at: T0 + 1, last_step: 100, failures: 0, failures_since: null }));
  });

  it('spends a time step once: the same step or an older one is a replay; an unconfirmed factor spends nothing', async () => {
    await h.store.putTotp(factor());
    assert.equal(await h.store.spendTotpStep('alice', 5), false, 'not confirmed yet');
    await h.store.confirmTotp('alice', 100, T0);
    assert.equal(await h.store.spendTotpStep('alice', 100), false, 'the confirming code is spent');
    assert.equal(await h.store.spendTotpStep('alice', 101), true);
    const [a, b] = await Promise.all([h.store.spendTotpStep('alice', 102), h.store.spendTotpStep('alice', 102)]);
    assert.equal(Number(a) + Number(b), 1, 'the same step twice at once: exactly one wins');
    assert.equal(await h.store.spendTotpStep('alice', 101), false, 'older');
    assert.equal((await h.store.getTotp('alice'))?.last_step, 102);
  });

  it('counts wrong codes within a window, starts over after it, and clears on a good code', async () => {
    await h.store.putTotp(factor());
    await h.store.confirmTotp('alice', 100, T0);
    assert.equal(await h.store.failTotp('alice', T0 + 10, 1000), 1);
    assert.equal(await h.store.failTotp('alice', T0 + 20, 1000), 2);
    assert.equal(await h.store.failTotp('alice', T0 + 1009, 1000), 3, 'still inside the window that began at T0 + 10');
    assert.equal(await h.store.failTotp('alice', T0 + 1010, 1000), 1, 'the window is over: a new one starts');
    assert.equal((await h.store.getTotp('alice'))?.failures_since, T0 + 1010);
    assert.equal(await h.store.spendTotpStep('alice', 101), true);
    assert.deepEqual([(await h.store.getTotp('alice'))?.failures, (await h.store.getTotp('alice'))?.failures_since], [0, null]);
    assert.equal(await h.store.failTotp('bob', T0, 1000), 0, 'nobody enrolled: nothing to count');
  });

  it('removes an enrolment', async () => {
    await h.store.putTotp(factor());
    assert.equal(await h.store.deleteTotp('alice'), true);
    assert.equal(await h.store.deleteTotp('alice'), false);
    assert.equal(await h.store.getTotp('alice'), null);
  });

  const passkey = (o: Partial<PasskeyRecord> = {}): PasskeyRecord => ({ id: 'cred-1', approver: 'alice', public_key: 'pQECAyYgASFYIA', counter: 0, transports: ['internal', 'hybrid'], created_at: T0, last_used_at: null, ...o });

  it('keeps passkeys per approver, refuses a credential id twice, and removes only the approver\'s own', async () => {
    await h.store.addPasskey(passkey());
    await h.store.addPasskey(passkey({ id: 'cred-2', created_at: T0 + 1, transports: [] }));
    await h.store.addPasskey(passkey({ id: 'cred-3', approver: 'bob' }));
    await assert.rejects(h.store.addPasskey(passkey({ approver: 'bob' })), 'the same credential id again');
    assert.deepEqual(await h.store.getPasskey('cred-1'), passkey());
    assert.equal(await h.store.getPasskey('nope'), null);
    assert.deepEqual((await h.store.listPasskeys('alice')).map((p) => [p.id, p.transports]), [['cred-1', ['internal', 'hybrid']], ['cred-2', []]]);
    assert.equal(await h.store.deletePasskey('cred-3', 'alice'), false, 'not hers');
    assert.equal(await h.store.deletePasskey('cred-2', 'alice'), true);
    assert.deepEqual((await h.store.listPasskeys('alice')).map((p) => p.id), ['cred-1']);
    assert.deepEqual((await h.store.listPasskeys('bob')).map((p) => p.id), ['cred-3']);
  });

  it('records a use only when the counter moves forward, or stays 0 on an authenticator that keeps none', async () => {
    await h.store.addPasskey(passkey());
    assert.equal(await h.store.usePasskey('cred-1', 0, T0 + 1), true, '0 and 0: no counter kept');
    assert.equal(await h.store.usePasskey('cred-1', 5, T0 + 2), true);
    assert.equal(await h.store.usePasskey('cred-1', 5, T0 + 3), false, 'the same counter again: a clone');
    assert.equal(await h.store.usePasskey('cred-1', 0, T0 + 3), false, 'back to 0 after counting');
    assert.equal(await h.store.usePasskey('nope', 9, T0), false);
    assert.deepEqual(await h.store.getPasskey('cred-1'), passkey({ counter: 5, last_used_at: T0 + 2 }));
  });
}
