// A server secret that is configured, or generated on first start and kept in the store's meta, so
// it stays the same across restarts and instances (the callback signing secret, the step-up sealing key).
import { newSecret } from '../core/ids.js';
import type { Store } from './store.js';

export async function resolveStoredSecret(store: Pick<Store, 'getMeta' | 'swapMeta'>, metaKey: string, prefix: string, configured: string | null): Promise<{ secret: string; source: 'config' | 'store' | 'generated' }> {
  if (configured) return { secret: configured, source: 'config' };
  const stored = await store.getMeta(metaKey);
  if (stored) return { secret: stored, source: 'store' };
  const secret = newSecret(prefix);
  // Written only if still absent: instances starting together all end up with the first one's.
  if (await store.swapMeta(metaKey, null, secret)) return { secret, source: 'generated' };
  return { secret: (await store.getMeta(metaKey))!, source: 'store' };
}
