// Dashboard sessions and one-time sign-in links, kept in the store's meta table so they survive a
// restart and work on every instance. Only the SHA-256 of a token is stored: `web:session:<sha256>`
// and `web:link:<sha256>`, each with its expiry (the sweeper purges them after). An ended session
// is deleted; a link is used up by a compare-and-set, so it signs in once across all instances.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hashKey } from '../auth/keyring.js';
import type { Config } from '../config/schema.js';
import type { Clock } from '../core/ids.js';
import type { Principal } from '../core/types.js';
import type { Store } from '../store/store.js';

export type SignInMethod = 'key' | 'password' | 'link';
export type HumanRole = 'approver' | 'admin';

export interface SessionRecord {
  v: 1;
  name: string;
  role: HumanRole;
  key_id: string;
  projects: string[];
  csrf: string;
  method: SignInMethod;
  created_at: number;
  expires_at: number;
  /** method key: SHA-256 of the key, so the session ends when that key is revoked or removed. */
  key_hash?: string;
  /** method password: fingerprint of the stored hash, so changing the password ends the session. */
  pw?: string;
}

interface LinkRecord {
  v: 1;
  name: string;
  role: HumanRole;
  expires_at: number;
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const sessionKey = (token: string) => `web:session:${sha256(token)}`;
const linkKey = (token: string) => `web:link:${sha256(token)}`;
export const newToken = () => randomBytes(32).toString('base64url');
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

export const fingerprint = (passwordHash: string) => sha256(`pw:${passwordHash}`).slice(0, 32);

export function constantEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function parse<T extends { v: 1; expires_at: number }>(raw: string | null, now: number): T | null {
  if (!raw) return null;
  try {
    const rec = JSON.parse(raw) as T;
    return rec && rec.v === 1 && typeof rec.expires_at === 'number' && rec.expires_at > now ? rec : null;
  } catch {
    return null;
  }
}

export async function createSession(
  store: Store,
  clock: Clock,
  ttlSec: number,
  principal: Principal & { role: HumanRole },
  method: SignInMethod,
  extra: Pick<SessionRecord, 'key_hash' | 'pw'> = {},
): Promise<{ token: string; record: SessionRecord }> {
  const token = newToken();
  const now = clock.now();
  const record: SessionRecord = {
    v: 1,
    name: principal.name,
    role: principal.role,
    key_id: principal.keyId,
    projects: principal.projects,
    csrf: newToken(),
    method,
    created_at: now,
    expires_at: now + ttlSec * 1000,
    ...extra,
  };
  await store.setMeta(sessionKey(token), JSON.stringify(record), { expires_at: record.expires_at });
  return { token, record };
}

export async function readSession(store: Store, clock: Clock, token: string | undefined): Promise<SessionRecord | null> {
  if (!token || !TOKEN_RE.test(token)) return null;
  const now = clock.now();
  return parse<SessionRecord>(await store.getMeta(sessionKey(token), now), now);
}

export async function endSession(store: Store, token: string | undefined): Promise<void> {
  if (token && TOKEN_RE.test(token)) await store.deleteMeta(sessionKey(token));
}

/** Whether the credential a session was made from still exists (key not revoked, approver still configured, password unchanged). */
export async function sessionStillValid(rec: SessionRecord, config: Pick<Config, 'approvers' | 'admins'>, store: Store): Promise<boolean> {
  const list = rec.role === 'admin' ? config.admins : config.approvers;
  const entry = list.find((p) => p.name === rec.name);
  if (rec.method === 'key') {
    if (!rec.key_hash) return false;
    if (rec.key_id.startsWith('config:')) {
      const hex = entry ? (entry.key ? hashKey(entry.key) : entry.key_sha256?.toLowerCase()) : undefined;
      return hex !== undefined && constantEqual(hex, rec.key_hash);
    }
    const stored = await store.findKeyByHash(rec.key_hash);
    return Boolean(stored && stored.revoked_at === null && stored.id === rec.key_id && stored.role === rec.role);
  }
  if (!entry) return false;
  if (rec.method === 'password') return Boolean(entry.password_hash && rec.pw && constantEqual(fingerprint(entry.password_hash), rec.pw));
  return true;
}

export const principalOfSession = (rec: SessionRecord): Principal => ({ keyId: rec.key_id, role: rec.role, name: rec.name, projects: rec.projects });

/** A configured approver (or admin) by name, as a principal: how password and link sign-ins find who they are. */
export function configuredHuman(config: Pick<Config, 'approvers' | 'admins'>, name: string, role?: HumanRole): (Principal & { role: HumanRole; passwordHash?: string }) | null {
  if (role !== 'admin') {
    const a = config.approvers.find((x) => x.name === name);
    if (a) return { keyId: `web:approver:${a.name}`, role: 'approver', name: a.name, projects: a.projects, passwordHash: a.password_hash };
  }
  if (role !== 'approver') {
    const a = config.admins.find((x) => x.name === name);
    if (a) return { keyId: `web:admin:${a.name}`, role: 'admin', name: a.name, projects: [], passwordHash: a.password_hash };
  }
  return null;
}

// --- one-time sign-in links ---

export async function createLinkToken(store: Store, clock: Clock, ttlSec: number, name: string, role: HumanRole): Promise<string> {
  const token = newToken();
  const rec: LinkRecord = { v: 1, name, role, expires_at: clock.now() + ttlSec * 1000 };
  await store.setMeta(linkKey(token), JSON.stringify(rec), { expires_at: rec.expires_at });
  return token;
}

/** Who a link signs in, without using it up (for the confirmation page). */
export async function peekLink(store: Store, clock: Clock, token: string | undefined): Promise<LinkRecord | null> {
  if (!token || !TOKEN_RE.test(token)) return null;
  const now = clock.now();
  return parse<LinkRecord>(await store.getMeta(linkKey(token), now), now);
}

/** Uses a link up: the first caller, on any instance, gets who it signs in; every later or concurrent one null. */
export async function consumeLink(store: Store, clock: Clock, token: string | undefined): Promise<LinkRecord | null> {
  if (!token || !TOKEN_RE.test(token)) return null;
  const key = linkKey(token);
  const now = clock.now();
  const raw = await store.getMeta(key, now);
  const rec = parse<LinkRecord>(raw, now);
  if (!rec || !(await store.swapMeta(key, raw, null, { now }))) return null;
  return rec;
}
