// Step-up second factors in SQLite (the totp_factors and passkeys tables of migration 7). Each function is one
// statement, run inside the store's group commit; the compare-and-sets are single UPDATEs.
import type Database from 'better-sqlite3';
import type { PasskeyRecord, TotpFactor } from '../store.js';

export const TOTP_COLUMNS = ['approver', 'secret', 'confirmed_at', 'last_step', 'failures', 'failures_since', 'created_at'] as const;

/** A failure window that started at or before @cut is over: the count starts again. */
export const FAIL_TOTP_SQL = (p: (name: string) => string) => `UPDATE totp_factors SET
  failures = CASE WHEN failures_since IS NULL OR failures_since <= ${p('cut')} THEN 1 ELSE failures + 1 END,
  failures_since = CASE WHEN failures_since IS NULL OR failures_since <= ${p('cut')} THEN ${p('at')} ELSE failures_since END
  WHERE approver = ${p('approver')} RETURNING failures`;

export const CONFIRM_TOTP_SQL = (p: (name: string) => string) =>
  `UPDATE totp_factors SET confirmed_at = ${p('at')}, last_step = ${p('step')}, failures = 0, failures_since = NULL WHERE approver = ${p('approver')} AND confirmed_at IS NULL`;

export const PASSKEY_COLUMNS = ['id', 'approver', 'public_key', 'counter', 'transports', 'created_at', 'last_used_at'] as const;

/** The counter moves forward, or stays 0 on an authenticator that keeps none. */
export const USE_PASSKEY_SQL = (p: (name: string) => string) =>
  `UPDATE passkeys SET counter = ${p('counter')}, last_used_at = ${p('at')} WHERE id = ${p('id')} AND (counter < ${p('counter')} OR (counter = 0 AND ${p('counter')} = 0))`;

export const passkeyToRow = (p: PasskeyRecord) => ({ ...p, transports: JSON.stringify(p.transports) });
export function rowToPasskey(row: Record<string, unknown>): PasskeyRecord {
  let transports: unknown = [];
  try {
    transports = JSON.parse(String(row.transports));
  } catch {
    transports = [];
  }
  return { id: String(row.id), approver: String(row.approver), public_key: String(row.public_key), counter: Number(row.counter), transports: Array.isArray(transports) ? transports.map(String) : [], created_at: Number(row.created_at), last_used_at: row.last_used_at === null ? null : Number(row.last_used_at) };
}

export const SPEND_TOTP_SQL = (p: (name: string) => string) =>
  `UPDATE totp_factors SET last_step = ${p('step')}, failures = 0, failures_since = NULL WHERE approver = ${p('approver')} AND confirmed_at IS NOT NULL AND (last_step IS NULL OR last_step < ${p('step')})`;

const named = (name: string) => `@${name}`;

export interface FactorStatements {
  get: Database.Statement;
  put: Database.Statement;
  confirm: Database.Statement;
  spend: Database.Statement;
  fail: Database.Statement;
  delete: Database.Statement;
  addPasskey: Database.Statement;
  getPasskey: Database.Statement;
  listPasskeys: Database.Statement;
  usePasskey: Database.Statement;
  deletePasskey: Database.Statement;
}

export function prepareFactorStatements(db: Database.Database): FactorStatements {
  return {
    get: db.prepare('SELECT * FROM totp_factors WHERE approver = ?'),
    put: db.prepare(`INSERT OR REPLACE INTO totp_factors (${TOTP_COLUMNS.join(', ')}) VALUES (${TOTP_COLUMNS.map(named).join(', ')})`),
    confirm: db.prepare(CONFIRM_TOTP_SQL(named)),
    spend: db.prepare(SPEND_TOTP_SQL(named)),
    fail: db.prepare(FAIL_TOTP_SQL(named)),
    delete: db.prepare('DELETE FROM totp_factors WHERE approver = ?'),
    addPasskey: db.prepare(`INSERT INTO passkeys (${PASSKEY_COLUMNS.join(', ')}) VALUES (${PASSKEY_COLUMNS.map(named).join(', ')})`),
    getPasskey: db.prepare('SELECT * FROM passkeys WHERE id = ?'),
    listPasskeys: db.prepare('SELECT * FROM passkeys WHERE approver = ? ORDER BY created_at, id'),
    usePasskey: db.prepare(USE_PASSKEY_SQL(named)),
    deletePasskey: db.prepare('DELETE FROM passkeys WHERE id = ? AND approver = ?'),
  };
}

export const getTotp = (st: FactorStatements, approver: string): TotpFactor | null => (st.get.get(approver) as TotpFactor | undefined) ?? null;
export const putTotp = (st: FactorStatements, f: TotpFactor): void => void st.put.run(f);
export const confirmTotp = (st: FactorStatements, approver: string, step: number, at: number): boolean => st.confirm.run({ approver, step, at }).changes === 1;
export const spendTotpStep = (st: FactorStatements, approver: string, step: number): boolean => st.spend.run({ approver, step }).changes === 1;
export const failTotp = (st: FactorStatements, approver: string, at: number, windowMs: number): number =>
  (st.fail.get({ approver, at, cut: at - windowMs }) as { failures: number } | undefined)?.failures ?? 0;
export const deleteTotp = (st: FactorStatements, approver: string): boolean => st.delete.run(approver).changes === 1;

export const addPasskey = (st: FactorStatements, p: PasskeyRecord): void => void st.addPasskey.run(passkeyToRow(p));
export const getPasskey = (st: FactorStatements, id: string): PasskeyRecord | null => {
  const row = st.getPasskey.get(id) as Record<string, unknown> | undefined;
  return row ? rowToPasskey(row) : null;
};
export const listPasskeys = (st: FactorStatements, approver: string): PasskeyRecord[] => (st.listPasskeys.all(approver) as Record<string, unknown>[]).map(rowToPasskey);
export const usePasskey = (st: FactorStatements, id: string, counter: number, at: number): boolean => st.usePasskey.run({ id, counter, at }).changes === 1;
export const deletePasskey = (st: FactorStatements, id: string, approver: string): boolean => st.deletePasskey.run(id, approver).changes === 1;
