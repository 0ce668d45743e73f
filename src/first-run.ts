// First run: with no admin in the config and none in the store, create one admin key and hand it
// to the caller to print once.
import { createKey } from './auth/keys-service.js';
import type { Config } from './config/schema.js';
import type { Clock } from './core/ids.js';
import type { Store } from './store/store.js';

const FIRST_ADMIN_META_KEY = 'first_admin_created';

export interface FirstRunKey {
  id: string;
  name: string;
  secret: string;
}

export async function ensureFirstAdmin(config: Config, store: Store, clock: Clock): Promise<FirstRunKey | null> {
  if (config.admins.length > 0) return null;
  if (await store.getMeta(FIRST_ADMIN_META_KEY)) return null;
  const existing = (await store.listKeys()).some((k) => k.role === 'admin' && k.revoked_at === null);
  if (existing) return null;
  // Claimed before the key is made: of several instances starting on one empty database, one
  // creates (and prints) the admin key.
  if (!(await store.swapMeta(FIRST_ADMIN_META_KEY, null, String(clock.now())))) return null;
  try {
    const { record, secret } = await createKey(store, clock, { kind: 'system', name: 'first-run' }, { role: 'admin', name: 'admin' });
    return { id: record.id, name: record.name, secret };
  } catch (err) {
    await store.deleteMeta(FIRST_ADMIN_META_KEY).catch(() => {});
    throw err;
  }
}
