// What every TokenBuckets implementation must do (in memory, and the Postgres table shared by
// instances): run by token-buckets.test.ts and store/postgres/pg-cluster.test.ts.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { TokenBuckets } from './token-buckets.js';

/** `make` gives one or more handles on the same buckets (two: two instances). */
export function tokenBucketBehaviour(make: () => Promise<TokenBuckets[]>): void {
  const rate = { perMinute: 60, burst: 3 };
  it('gives out the burst, then refuses with the wait for the next token, then refills', async () => {
    const [a, b] = await make();
    const t = 1_000_000;
    assert.deepEqual([await a.take('k', 1, rate, t), await b.take('k', 1, rate, t), await a.take('k', 1, rate, t)], [0, 0, 0]);
    assert.equal(await b.take('k', 1, rate, t), 1000, 'one token a second: the next in 1000 ms');
    assert.equal(await a.take('other', 1, rate, t), 0, 'keys are separate');
    assert.ok((await a.take('k', 1, rate, t + 999)) > 0, 'not yet at 999 ms');
    assert.equal(await b.take('k', 1, rate, t + 1000), 0);
  });

  it('only looks with cost 0', async () => {
    const [a] = await make();
    for (let i = 0; i < 5; i++) assert.equal(await a.take('peek', 0, rate, 5), 0);
    for (let i = 0; i < 3; i++) assert.equal(await a.take('peek', 1, rate, 5), 0);
    assert.ok((await a.take('peek', 0, rate, 5)) > 0);
  });

  it('never gives out more than the burst to concurrent takers', async () => {
    const buckets = await make();
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => buckets[i % buckets.length].take('race', 1, rate, 42)));
    assert.equal(results.filter((w) => w === 0).length, 3);
  });
}

