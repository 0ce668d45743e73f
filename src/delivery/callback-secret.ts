// The secret that signs per-request callbacks. Configured (delivery.callback_secret), or generated
// on first start and kept in the store, so it stays the same across restarts and instances.
import { newSecret } from '../core/ids.js';
import type { Store } from '../store/store.js';

export const CALLBACK_SECRET_META_KEY = 'delivery.callback_secret';

export async function resolveCallbackSecret(store: Pick<Store, 'getMeta' | 'setMeta'>, configured: string | null): Promise<{ secret: string; source: 'config' | 'store' | 'generated' }> {
  if (configured) return { secret: configured, source: 'config' };
  const stored = await store.getMeta(CALLBACK_SECRET_META_KEY);
  if (stored) return { secret: stored, source: 'store' };
  const secret = newSecret('glcb');
  await store.setMeta(CALLBACK_SECRET_META_KEY, secret);
  // Another instance may have written one first: whatever is stored now wins.
  return { secret: (await store.getMeta(CALLBACK_SECRET_META_KEY)) ?? secret, source: 'generated' };
}
