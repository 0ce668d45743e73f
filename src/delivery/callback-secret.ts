// The secret that signs per-request callbacks. Configured (delivery.callback_secret), or generated
// on first start and kept in the store, so it stays the same across restarts and instances.
import { newSecret } from '../core/ids.js';
import type { Store } from '../store/store.js';

export const CALLBACK_SECRET_META_KEY = 'delivery.callback_secret';

export async function resolveCallbackSecret(store: Pick<Store, 'getMeta' | 'swapMeta'>, configured: string | null): Promise<{ secret: string; source: 'config' | 'store' | 'generated' }> {
  if (configured) return { secret: configured, source: 'config' };
  const stored = await store.getMeta(CALLBACK_SECRET_META_KEY);
  if (stored) return { secret: stored, source: 'store' };
  const secret = newSecret('glcb');
  // Written only if still absent: instances starting together all end up with the first one's.
  if (await store.swapMeta(CALLBACK_SECRET_META_KEY, null, secret)) return { secret, source: 'generated' };
  return { secret: (await store.getMeta(CALLBACK_SECRET_META_KEY))!, source: 'store' };
}
