// First run: with no admin in the config and none in the store, create one admin key and hand it
// to the caller to print once.
import { createKey } from './auth/keys-service.js';
import type { Config } from './config/schema.js';
import type { Clock } from './core/ids.js';
import type { Store } from './store/store.js';

export interface FirstRunKey {
  id: string;
  name: string;
  secret: string;
}

export async function ensureFirstAdmin(config: Config, store: Store, clock: Clock): Promise<FirstRunKey | null> {
  if (config.admins.length > 0) return null;
  if (await store.getMeta('first_admin_created')) return null;
  const existing = (await store.listKeys()).some((k) => k.role === 'admin' && k.revoked_at === null);
  if (existing) return null;
  const { record, secret } = await createKey(store, clock, { kind: 'system', name: 'first-run' }, { role: 'admin', name: 'admin' });
  await store.setMeta('first_admin_created', String(clock.now()));
  return { id: record.id, name: record.name, secret };
}
