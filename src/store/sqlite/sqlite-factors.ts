// Step-up second factors in SQLite (the totp_factors table of migration 7). Each function is one
// statement, run inside the store's group commit; the compare-and-sets are single UPDATEs.
import type Database from 'better-sqlite3';
import type { TotpFactor } from '../store.js';

export const TOTP_COLUMNS = ['approver', 'secret', 'confirmed_at', 'last_step', 'failures', 'failures_since', 'created_at'] as const;

/** A failure window that started at or before @cut is over: the count starts again. */
export const FAIL_TOTP_SQL = (p: (name: string) => string) => `UPDATE totp_factors SET
  failures = CASE WHEN failures_since IS NULL OR failures_since <= ${p('cut')} THEN 1 ELSE failures + 1 END,
  failures_since = CASE WHEN failures_since IS NULL OR failures_since <= ${p('cut')} THEN ${p('at')} ELSE failures_since END
  WHERE approver = ${p('approver')} RETURNING failures`;

export const CONFIRM_TOTP_SQL = (p: (name: string) => string) =>
  `UPDATE totp_factors SET confirmed_at = ${p('at')}, last_step = ${p('step')}, failures = 0, failures_since = NULL WHERE approver = ${p('approver')} AND confirmed_at IS NULL`;

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
}

export function prepareFactorStatements(db: Database.Database): FactorStatements {
  return {
    get: db.prepare('SELECT * FROM totp_factors WHERE approver = ?'),
    put: db.prepare(`INSERT OR REPLACE INTO totp_factors (${TOTP_COLUMNS.join(', ')}) VALUES (${TOTP_COLUMNS.map(named).join(', ')})`),
    confirm: db.prepare(CONFIRM_TOTP_SQL(named)),
    spend: db.prepare(SPEND_TOTP_SQL(named)),
    fail: db.prepare(FAIL_TOTP_SQL(named)),
    delete: db.prepare('DELETE FROM totp_factors WHERE approver = ?'),
  };
}

export const getTotp = (st: FactorStatements, approver: string): TotpFactor | null => (st.get.get(approver) as TotpFactor | undefined) ?? null;
export const putTotp = (st: FactorStatements, f: TotpFactor): void => void st.put.run(f);
export const confirmTotp = (st: FactorStatements, approver: string, step: number, at: number): boolean => st.confirm.run({ approver, step, at }).changes === 1;
export const spendTotpStep = (st: FactorStatements, approver: string, step: number): boolean => st.spend.run({ approver, step }).changes === 1;
export const failTotp = (st: FactorStatements, approver: string, at: number, windowMs: number): number =>
  (st.fail.get({ approver, at, cut: at - windowMs }) as { failures: number } | undefined)?.failures ?? 0;
export const deleteTotp = (st: FactorStatements, approver: string): boolean => st.delete.run(approver).changes === 1;
