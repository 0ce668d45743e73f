// Meta is the store's small shared key/value space. Several instances use it at once, so writes
// that must happen once (a single-use link, a generated secret, the first admin key) go through
// the compare-and-set, and entries that should not live forever carry an expiry.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { T0 } from '../fixtures.js';
import type { StoreHandle } from './handle.js';

export function metaContract(h: StoreHandle): void {
  it('reads an entry with an expiry until then, and as absent from then on when asked with a time', async () => {
    await h.store.setMeta('web:session:a', 'alice', { expires_at: T0 + 100 });
    assert.equal(await h.store.getMeta('web:session:a', T0 + 99), 'alice');
    assert.equal(await h.store.getMeta('web:session:a', T0 + 100), null);
    assert.equal(await h.store.getMeta('web:session:a'), 'alice', 'without a time, expiry is not checked');
    await h.store.setMeta('web:session:a', 'again');
    assert.equal(await h.store.getMeta('web:session:a', T0 + 1e9), 'again', 'a plain overwrite drops the expiry');
  });

  it('keeps an empty string as a value, not as absence', async () => {
    await h.store.setMeta('k', '');
    assert.equal(await h.store.getMeta('k'), '');
  });

  it('compare-and-sets: creates only when absent, replaces only the expected value, deletes with null', async () => {
    assert.equal(await h.store.swapMeta('nonce', null, 'used'), true);
    assert.equal(await h.store.swapMeta('nonce', null, 'used again'), false);
    assert.equal(await h.store.swapMeta('nonce', 'something else', 'x'), false);
    assert.equal(await h.store.getMeta('nonce'), 'used');
    assert.equal(await h.store.swapMeta('nonce', 'used', 'released', { expires_at: T0 + 5 }), true);
    assert.equal(await h.store.getMeta('nonce', T0), 'released');
    assert.equal(await h.store.swapMeta('nonce', 'released', null), true);
    assert.equal(await h.store.getMeta('nonce'), null);
    assert.equal(await h.store.swapMeta('nonce', 'released', null), false);
  });

  it('treats an expired entry as absent to a compare-and-set given the time, and only then', async () => {
    await h.store.setMeta('lock', 'old', { expires_at: T0 + 10 });
    assert.equal(await h.store.swapMeta('lock', null, 'new', { now: T0 + 9 }), false);
    assert.equal(await h.store.swapMeta('lock', null, 'new'), false, 'without a time the entry is there');
    assert.equal(await h.store.swapMeta('lock', 'old', 'x', { now: T0 + 10 }), false, 'an expired value no longer matches');
    assert.equal(await h.store.swapMeta('lock', null, 'new', { now: T0 + 10, expires_at: T0 + 50 }), true);
    assert.equal(await h.store.getMeta('lock', T0 + 49), 'new');
  });

  it('lets exactly one of 20 concurrent creates win', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => h.store.swapMeta('first_admin_created', null, `instance-${i}`)));
    assert.equal(results.filter(Boolean).length, 1);
    assert.equal(await h.store.getMeta('first_admin_created'), `instance-${results.indexOf(true)}`);
  });

  it('deletes a key, saying whether it was there', async () => {
    await h.store.setMeta('a', '1');
    assert.equal(await h.store.deleteMeta('a'), true);
    assert.equal(await h.store.deleteMeta('a'), false);
    assert.equal(await h.store.getMeta('a'), null);
  });

  it('purges expired entries only, up to a limit', async () => {
    await h.store.setMeta('forever', '1');
    for (let i = 0; i < 5; i++) await h.store.setMeta(`short-${i}`, String(i), { expires_at: T0 + i });
    await h.store.setMeta('later', '1', { expires_at: T0 + 1000 });
    assert.equal(await h.store.purgeExpiredMeta(T0 + 3, 2), 2);
    assert.equal(await h.store.purgeExpiredMeta(T0 + 3, 10), 2);
    assert.equal(await h.store.purgeExpiredMeta(T0 + 3, 10), 0);
    assert.equal(await h.store.getMeta('short-4'), '4');
    assert.equal(await h.store.getMeta('forever'), '1');
    assert.equal(await h.store.getMeta('later'), '1');
    assert.equal(await h.store.getMeta('short-0'), null);
  });
}
