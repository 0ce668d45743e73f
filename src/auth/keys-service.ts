// Creating and revoking keys at run time (CLI and admin API share this).
import { GreenlightError, notFound } from '../core/errors.js';
import { newId, newSecret, type Clock } from '../core/ids.js';
import type { Actor, Role } from '../core/types.js';
import type { KeyRecord, Store } from '../store/store.js';
import { hashKey } from './keyring.js';

const SECRET_PREFIX: Record<Role, string> = { agent: 'gla', approver: 'glp', admin: 'glx' };

export interface CreatedKey {
  record: KeyRecord;
  /** The secret itself: shown once, never stored. */
  secret: string;
}

export async function createKey(store: Store, clock: Clock, actor: Actor, input: { role: Role; name: string; projects?: string[] }): Promise<CreatedKey> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/.test(input.name)) {
    throw new GreenlightError('VALIDATION_FAILED', 'A key name is 1–100 letters, digits, . _ @ - and starts with a letter or digit.');
  }
  const secret = newSecret(SECRET_PREFIX[input.role]);
  const now = clock.now();
  const record: KeyRecord = { id: newId('key', now), role: input.role, name: input.name, hash: hashKey(secret), projects: input.projects ?? [], created_at: now, revoked_at: null };
  await store.insertKey(record, {
    audit: [{ at: now, actor_kind: actor.kind, actor_name: actor.name, action: 'key.created', request_id: null, via: null, detail: { key_id: record.id, role: record.role, name: record.name } }],
    outbox: [],
  });
  return { record, secret };
}

export async function revokeKey(store: Store, clock: Clock, actor: Actor, id: string): Promise<KeyRecord> {
  const now = clock.now();
  const revoked = await store.revokeKey(id, now, {
    audit: [{ at: now, actor_kind: actor.kind, actor_name: actor.name, action: 'key.revoked', request_id: null, via: null, detail: { key_id: id } }],
    outbox: [],
  });
  if (!revoked) throw notFound('Key', id);
  return revoked;
}

/** The public view of a key record: never the hash. */
export const keyToWire = (k: KeyRecord) => ({
  id: k.id,
  role: k.role,
  name: k.name,
  projects: k.projects,
  created_at: new Date(k.created_at).toISOString(),
  revoked_at: k.revoked_at === null ? null : new Date(k.revoked_at).toISOString(),
});
