import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStore } from '../store/memory/memory-store.js';
import { resolveCallbackSecret } from './callback-secret.js';

describe('resolveCallbackSecret', () => {
  it('uses the configured secret', async () => {
    assert.deepEqual(await resolveCallbackSecret(new MemoryStore(), 'configured-secret-0123456789'), { secret: 'configured-secret-0123456789', source: 'config' });
  });
  it('generates one on first start and keeps it', async () => {
    const store = new MemoryStore();
    const first = await resolveCallbackSecret(store, null);
    assert.equal(first.source, 'generated');
    assert.match(first.secret, /^glcb_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(await resolveCallbackSecret(store, null), { secret: first.secret, source: 'store' });
  });
});
