// Step-up second factors for the in-memory store: the same behaviour as the SQLite and Postgres
// tables (src/store/contract/step-up-contract.ts), rows copied in and out.
import type { PasskeyRecord, TotpFactor } from '../store.js';

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

  readonly #passkeys = new Map<string, PasskeyRecord>();

  addPasskey(p: PasskeyRecord): void {
    if (this.#passkeys.has(p.id)) throw new Error(`passkey ${p.id} is already registered`);
    this.#passkeys.set(p.id, { ...p, transports: [...p.transports] });
  }

  getPasskey(id: string): PasskeyRecord | null {
    const p = this.#passkeys.get(id);
    return p ? { ...p, transports: [...p.transports] } : null;
  }

  listPasskeys(approver: string): PasskeyRecord[] {
    return [...this.#passkeys.values()].filter((p) => p.approver === approver).sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : 1)).map((p) => this.getPasskey(p.id)!);
  }

  usePasskey(id: string, counter: number, at: number): boolean {
    const p = this.#passkeys.get(id);
    if (!p || !(p.counter < counter || (p.counter === 0 && counter === 0))) return false;
    Object.assign(p, { counter, last_used_at: at });
    return true;
  }

  deletePasskey(id: string, approver: string): boolean {
    return this.#passkeys.get(id)?.approver === approver && this.#passkeys.delete(id);
  }
}
