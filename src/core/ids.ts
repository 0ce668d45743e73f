import { randomBytes, randomFillSync } from 'node:crypto';

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests can move by hand. */
export class ManualClock implements Clock {
  constructor(private t = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
  set(ms: number): void {
    this.t = ms;
  }
}

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

// Random bytes for ids come from the CSPRNG 4 KiB at a time: several ids are made per request,
// and one call into the CSPRNG per id costs more than the rest of newId.
const pool = Buffer.alloc(4096);
let poolAt = pool.length;
function randomSlice(n: number): Buffer {
  if (poolAt + n > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  poolAt += n;
  return pool.subarray(poolAt - n, poolAt);
}

/**
 * Time-ordered, unguessable ids: 10 chars of millisecond time + 16 random chars (80 bits), so
 * sorting by id sorts by creation time. Prefix says what the id names (`req_`, `key_`, ...).
 */
export function newId(prefix: string, now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomSlice(10);
  let rand = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      rand += CROCKFORD[(acc >> bits) & 31];
    }
  }
  return `${prefix}_${time}${rand}`;
}

/** A secret with 256 bits of entropy, URL-safe, with a role-revealing prefix for humans. */
export function newSecret(prefix = 'gl'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}
