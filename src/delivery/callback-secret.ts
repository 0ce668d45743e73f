// The secret that signs per-request callbacks. Configured (delivery.callback_secret), or generated
// on first start and kept in the store, so it stays the same across restarts and instances.
import type { Store } from '../store/store.js';
import { resolveStoredSecret } from '../store/stored-secret.js';

export const CALLBACK_SECRET_META_KEY = 'delivery.callback_secret';

export function resolveCallbackSecret(store: Pick<Store, 'getMeta' | 'swapMeta'>, configured: string | null): Promise<{ secret: string; source: 'config' | 'store' | 'generated' }> {
  return resolveStoredSecret(store, CALLBACK_SECRET_META_KEY, 'glcb', configured);
}
