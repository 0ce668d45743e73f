// Step-up second factors in Postgres (the totp_factors and passkeys tables of migration 6): the SQLite
// statements with numbered parameters. The compare-and-sets are single UPDATEs, atomic across
// instances (two instances spending the same code: one UPDATE matches, the other finds last_step moved).
import type pg from 'pg';
import type { PasskeyRecord, TotpFactor } from '../store.js';
import { CONFIRM_TOTP_SQL, FAIL_TOTP_SQL, PASSKEY_COLUMNS, SPEND_TOTP_SQL, TOTP_COLUMNS, USE_PASSKEY_SQL, passkeyToRow, rowToPasskey } from '../sqlite/sqlite-factors.js';

type Q = pg.Pool | pg.PoolClient;

/** Named parameters → $n, in the order given. */
function numbered(sql: (p: (name: string) => string) => string, names: readonly string[]): string {
  return sql((name) => `$${names.indexOf(name) + 1}`);
}

const CONFIRM = numbered(CONFIRM_TOTP_SQL, ['approver', 'step', 'at']);
const SPEND = numbered(SPEND_TOTP_SQL, ['approver', 'step']);
const FAIL = numbered(FAIL_TOTP_SQL, ['approver', 'at', 'cut']);
const PUT = `INSERT INTO totp_factors (${TOTP_COLUMNS.join(', ')}) VALUES (${TOTP_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
  ON CONFLICT (approver) DO UPDATE SET ${TOTP_COLUMNS.filter((c) => c !== 'approver').map((c) => `${c} = excluded.${c}`).join(', ')}`;

export async function getTotp(q: Q, approver: string): Promise<TotpFactor | null> {
  return (await q.query<TotpFactor>('SELECT * FROM totp_factors WHERE approver = $1', [approver])).rows[0] ?? null;
}

export async function putTotp(q: Q, f: TotpFactor): Promise<void> {
  await q.query(PUT, TOTP_COLUMNS.map((c) => f[c]));
}

export async function confirmTotp(q: Q, approver: string, step: number, at: number): Promise<boolean> {
  return (await q.query(CONFIRM, [approver, step, at])).rowCount === 1;
}

export async function spendTotpStep(q: Q, approver: string, step: number): Promise<boolean> {
  return (await q.query(SPEND, [approver, step])).rowCount === 1;
}

export async function failTotp(q: Q, approver: string, at: number, windowMs: number): Promise<number> {
  return (await q.query<{ failures: number }>(FAIL, [approver, at, at - windowMs])).rows[0]?.failures ?? 0;
}

export async function deleteTotp(q: Q, approver: string): Promise<boolean> {
  return (await q.query('DELETE FROM totp_factors WHERE approver = $1', [approver])).rowCount === 1;
}

const USE_PASSKEY = numbered(USE_PASSKEY_SQL, ['id', 'counter', 'at']);

export async function addPasskey(q: Q, p: PasskeyRecord): Promise<void> {
  const row = passkeyToRow(p);
  await q.query(`INSERT INTO passkeys (${PASSKEY_COLUMNS.join(', ')}) VALUES (${PASSKEY_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`, PASSKEY_COLUMNS.map((c) => row[c]));
}

export async function getPasskey(q: Q, id: string): Promise<PasskeyRecord | null> {
  const row = (await q.query('SELECT * FROM passkeys WHERE id = $1', [id])).rows[0];
  return row ? rowToPasskey(row) : null;
}

export async function listPasskeys(q: Q, approver: string): Promise<PasskeyRecord[]> {
  return (await q.query('SELECT * FROM passkeys WHERE approver = $1 ORDER BY created_at, id', [approver])).rows.map(rowToPasskey);
}

export async function usePasskey(q: Q, id: string, counter: number, at: number): Promise<boolean> {
  return (await q.query(USE_PASSKEY, [id, counter, at])).rowCount === 1;
}

export async function deletePasskey(q: Q, id: string, approver: string): Promise<boolean> {
  return (await q.query('DELETE FROM passkeys WHERE id = $1 AND approver = $2', [id, approver])).rowCount === 1;
}
