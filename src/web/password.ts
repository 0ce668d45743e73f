// Dashboard passwords: scrypt from node:crypto, stored as `scrypt$N$r$p$salt$hash` (salt and hash
// base64url). `greenlight password hash` prints one for approvers[].password_hash.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { cli } from '../invocation.js';

export const SCRYPT_DEFAULTS = { N: 2 ** 15, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const;
const MAX = { N: 2 ** 20, r: 32, p: 16 };

function scrypt(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password.normalize('NFC'), salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key))));
}

const maxmem = (N: number, r: number) => 128 * N * r * 2 + 1024 * 1024;

export interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

/** Parses a stored hash; null when it is not in our format (so it never matches). */
export function parsePasswordHash(stored: string): ParsedHash | null {
  const m = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9_-]{16,128})\$([A-Za-z0-9_-]{32,256})$/.exec(stored.trim());
  if (!m) return null;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (N < 2 || N > MAX.N || (N & (N - 1)) !== 0 || r < 1 || r > MAX.r || p < 1 || p > MAX.p) return null;
  return { N, r, p, salt: Buffer.from(m[4], 'base64url'), hash: Buffer.from(m[5], 'base64url') };
}

/** Why a configured password_hash is unusable, or null when it is fine (for config checks). */
export function describeBadHash(stored: string): string | null {
  return parsePasswordHash(stored) ? null : `password_hash must look like scrypt$N$r$p$salt$hash; make one with "${cli('password hash')}"`;
}

export async function hashPassword(password: string, params: Partial<Pick<ParsedHash, 'N' | 'r' | 'p'>> = {}): Promise<string> {
  if (password.length < 8) throw new Error('A dashboard password needs at least 8 characters.');
  if (password.length > 1024) throw new Error('A dashboard password may have at most 1024 characters.');
  const N = params.N ?? SCRYPT_DEFAULTS.N;
  const r = params.r ?? SCRYPT_DEFAULTS.r;
  const p = params.p ?? SCRYPT_DEFAULTS.p;
  const salt = randomBytes(SCRYPT_DEFAULTS.saltLength);
  const hash = await scrypt(password, salt, SCRYPT_DEFAULTS.keyLength, { N, r, p, maxmem: maxmem(N, r) });
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

// A fixed hash to check against when the name is unknown, so timing does not tell names apart.
const DUMMY = `scrypt$${SCRYPT_DEFAULTS.N}$8$1$${Buffer.alloc(16, 7).toString('base64url')}$${Buffer.alloc(32, 9).toString('base64url')}`;

/** Constant-time check of a password against a stored hash; a malformed hash never matches. */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const parsed = parsePasswordHash(stored ?? '') ?? parsePasswordHash(DUMMY)!;
  const real = Boolean(stored && parsePasswordHash(stored));
  if (password.length > 1024) return false;
  const got = await scrypt(password, parsed.salt, parsed.hash.length, { N: parsed.N, r: parsed.r, p: parsed.p, maxmem: maxmem(parsed.N, parsed.r) });
  return timingSafeEqual(got, parsed.hash) && real;
}
