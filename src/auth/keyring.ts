// Keys: random, shown once, stored as SHA-256, compared in constant time. Keys come from the
// config file (plain `key` or `key_sha256`) and from the store (created with `greenlight keys`).
import { timingSafeEqual } from 'node:crypto';
import { sha256Hex } from '../core/sha256.js';
import type { Config } from '../config/schema.js';
import type { Principal, Role } from '../core/types.js';
import type { Store } from '../store/store.js';

export const hashKey = (key: string): string => sha256Hex(key);

export interface Keyring {
  /** The principal a presented secret belongs to, or null (unknown or revoked). */
  authenticate(secret: string): Promise<Principal | null>;
}

interface Entry {
  hash: Buffer;
  principal: Principal;
}

export function createKeyring(config: Pick<Config, 'agents' | 'approvers' | 'admins'>, store: Store): Keyring {
  const fromConfig = new Map<string, Entry>();
  const add = (role: Role, p: { name: string; key?: string; key_sha256?: string; projects?: string[] }) => {
    const hex = p.key ? hashKey(p.key) : p.key_sha256?.toLowerCase();
    if (!hex) return; // approvers may exist only through channel identities
    fromConfig.set(hex, { hash: Buffer.from(hex, 'hex'), principal: { keyId: `config:${role}:${p.name}`, role, name: p.name, projects: p.projects ?? [] } });
  };
  config.agents.forEach((a) => add('agent', a));
  config.approvers.forEach((a) => add('approver', a));
  config.admins.forEach((a) => add('admin', a));

  return {
    async authenticate(secret) {
      if (!secret || secret.length > 512) return null;
      const hex = hashKey(secret);
      const presented = Buffer.from(hex, 'hex');
      const configured = fromConfig.get(hex);
      if (configured && timingSafeEqual(configured.hash, presented)) return configured.principal;
      const stored = await store.findKeyByHash(hex);
      if (!stored || stored.revoked_at !== null) return null;
      if (!timingSafeEqual(Buffer.from(stored.hash, 'hex'), presented)) return null;
      return { keyId: stored.id, role: stored.role, name: stored.name, projects: stored.projects };
    },
  };
}

/** Reads the key from `Authorization: Bearer <key>` or `X-API-Key: <key>` (Chock's header). */
export function presentedKey(headers: { authorization?: string | null; apiKey?: string | null }): string | null {
  const auth = headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m) return m[1];
  }
  return headers.apiKey?.trim() || null;
}
