// Step-up second factors for the in-memory store: the same behaviour as the SQLite and Postgres
// tables (src/store/contract/step-up-contract.ts), rows copied in and out.
import type { TotpFactor } from '../store.js';

/** Whether a failure window that started at `since` is over at `at`. */
export const windowOver = (since: number | null, at: number, windowMs: number): boolean => since === null || since <= at - windowMs;

export class MemoryFactors {
  readonly #totp = new Map<string, TotpFactor>();

  get(approver: string): TotpFactor | null {
    const f = this.#totp.get(approver);
    return f ? { ...f } : null;
  }

  put(factor: TotpFactor): void {
    this.#totp.set(factor.approver, { ...factor });
  }

  confirm(approver: string, step: number, at: number): boolean {
    const f = this.#totp.get(approver);
    if (!f || f.confirmed_at !== null) return false;
    Object.assign(f, { confirmed_at: at, last_step: step, failures: 0, failures_since: null });
    return true;
  }

  spend(approver: string, step: number): boolean {
    const f = this.#totp.get(approver);
    if (!f || f.confirmed_at === null || (f.last_step !== null && f.last_step >= step)) return false;
    Object.assign(f, { last_step: step, failures: 0, failures_since: null });
    return true;
  }

  fail(approver: string, at: number, windowMs: number): number {
    const f = this.#totp.get(approver);
    if (!f) return 0;
    if (windowOver(f.failures_since, at, windowMs)) Object.assign(f, { failures: 1, failures_since: at });
    else f.failures += 1;
    return f.failures;
  }

  delete(approver: string): boolean {
    return this.#totp.delete(approver);
  }
}
