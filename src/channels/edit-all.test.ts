import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeliveryError } from '../delivery/delivery-error.js';
import { editAll, type EditAllRules } from './edit-all.js';

/** Each message fails as its name says: gone, rate, permanent, flaky, or ok. */
function run(refs: string[]) {
  const edited: string[] = [];
  const left: string[] = [];
  const rules: EditAllRules<string> = {
    skip: (err) => (err as Error).message === 'gone',
    toDeliveryError: (err) => {
      const m = (err as Error).message;
      return new DeliveryError(m, { permanent: m === 'permanent', retryAfterMs: m === 'rate' ? 1000 : null });
    },
    leave: (ref) => left.push(ref),
  };
  const done = editAll(refs, async (ref) => {
    if (ref !== 'ok') throw new Error(ref);
    edited.push(ref);
  }, rules);
  return { done, edited, left };
}

describe('editAll', () => {
  it('skips gone messages and leaves permanent refusals, editing the rest', async () => {
    const r = run(['gone', 'permanent', 'ok']);
    await r.done;
    assert.deepEqual(r.edited, ['ok']);
    assert.deepEqual(r.left, ['permanent']);
  });

  it('stops at a rate limit, with its wait', async () => {
    const r = run(['rate', 'ok']);
    await assert.rejects(r.done, (e: DeliveryError) => e.retryAfterMs === 1000);
    assert.deepEqual(r.edited, []);
  });

  it('tries the rest after a passing failure, then fails the round with the first', async () => {
    const r = run(['flaky', 'ok']);
    await assert.rejects(r.done, /flaky/);
    assert.deepEqual(r.edited, ['ok']);
  });
});
