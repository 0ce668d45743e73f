import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStore } from '../store/memory/memory-store.js';
import { singleUse, tokenKit } from './action-token.js';

const claims = { requestId: 'req_01jzzzzzzzzzzzzzzzzzzzzzzz', approver: 'alice', action: 'approve', expiresAt: 1_800_000_000_000, nonce: 'n0nce' };
const SECRET = 's'.repeat(40);

describe('action tokens', () => {
  it('are bound to their channel: a token signed for email is no token for ntfy with the same secret', () => {
    const email = tokenKit('email').sign(SECRET, claims);
    assert.deepEqual(tokenKit('email').verify(SECRET, email), claims);
    assert.equal(tokenKit('ntfy', 'action').verify(SECRET, email), null);
    assert.equal(tokenKit('email', 'other').verify(SECRET, email), null);
  });

  it('are spent once, across instances sharing a store, and can be given back when nothing was decided', async () => {
    const store = new MemoryStore();
    const here = singleUse(store, 'ntfy');
    const there = singleUse(store, 'ntfy');
    let runs = 0;
    const decide = async () => ++runs;
    const [a, b] = await Promise.all([here.spend('n1', {}, decide), here.spend('n1', {}, decide)]);
    assert.deepEqual([a.spent, b.spent].sort(), [false, true]);
    assert.deepEqual(await there.spend('n1', {}, decide), { spent: false });
    assert.equal(runs, 1);
    await here.release('n1');
    assert.deepEqual(await there.spend('n1', {}, decide), { spent: true, value: 2 });
    assert.equal(await singleUse(store, 'email').used('n1'), false, 'nonces are per channel');
  });
});
