// TOTP (RFC 6238) for step-up, through otplib: an approver enrols (a secret made here, shown once
// as a QR code and as text, confirmed by a first valid code), then approves step-up requests with
// the 6 digits their authenticator app shows. Wrong codes are counted per approver and refused for
// the rest of the window once there were too many; a code whose time step was already used is a
// replay. Every refusal and every enrolment change is audited. The secret is sealed (seal.ts)
// before the store sees it and never leaves the server again after enrolment.
import type { StepUpConfig } from '../config/schema.js';
import { GreenlightError } from '../core/errors.js';
import type { Clock } from '../core/ids.js';
import { ENROL_HINT, parseCode } from '../core/step-up.js';
import type { Store } from '../store/store.js';
import { windowOver } from '../store/memory/memory-factors.js';
import { lazy } from '../lazy.js';
import type { Sealer } from './seal.js';

const PERIOD_SEC = 30;

// Loaded on the first enrolment or code: an idle server that never sees one does not carry them.
const otplib = lazy(() => import('otplib'));
const qrcode = lazy(async () => (await import('qrcode')).default);

export interface TotpEnrolment {
  /** Base32, as apps take it typed in. */
  secret: string;
  otpauth_uri: string;
  /** The URI as a QR code, a PNG data: URL (the dashboard's CSP allows data: images). */
  qr_png: string;
}

export type TotpState = 'none' | 'pending' | 'enrolled';

/** Where a refusal is written down (the audit log), with the approver and what they were deciding. */
export type Record = (approver: string, action: string, detail: { [k: string]: unknown } | null, via: string | null, requestId: string | null) => Promise<void>;

export interface Totp {
  state(approver: string): Promise<{ state: TotpState; enrolled_at: number | null }>;
  start(approver: string): Promise<TotpEnrolment>;
  confirm(approver: string, code: unknown): Promise<void>;
  remove(approver: string, by: string): Promise<boolean>;
  /** Checks a code for an approval; throws a STEP_UP_* error saying what to do. */
  check(approver: string, code: unknown, via: string, requestId: string | null): Promise<void>;
}

export function createTotp(deps: { store: Store; clock: Clock; config: StepUpConfig; sealer: Sealer; record: Record }): Totp {
  const { store, clock, config, sealer, record } = deps;
  const windowMs = config.failure_window_sec * 1000;
  const minutes = Math.round(config.failure_window_sec / 60);

  const malformed = (code: unknown): string => {
    const parsed = parseCode(code);
    if ('error' in parsed) throw new GreenlightError('STEP_UP_CODE_MALFORMED', parsed.error);
    return parsed.code;
  };

  /** The time step a right code belongs to (one step of clock drift either way), or null. */
  const stepOf = async (secret: string, code: string): Promise<number | null> => {
    const epoch = Math.floor(clock.now() / 1000);
    const result = (await otplib()).verifySync({ secret, token: code, epoch, epochTolerance: PERIOD_SEC, period: PERIOD_SEC });
    return result.valid ? Math.floor(epoch / PERIOD_SEC) + result.delta : null;
  };

  const locked = (since: number | null): GreenlightError => {
    const retry = Math.max(1, Math.ceil(((since ?? clock.now()) + windowMs - clock.now()) / 1000));
    return new GreenlightError('STEP_UP_LOCKED', `Too many wrong codes: codes are refused for ${Math.ceil(retry / 60)} more minute(s). Try again then, or deny instead (denying needs no code).`, { details: { retry_after_sec: retry } });
  };

  const notEnrolled = () => new GreenlightError('STEP_UP_NOT_ENROLLED', `This request needs a second factor to approve, and you have none yet. ${ENROL_HINT} You can still deny it.`);

  return {
    async state(approver) {
      const f = await store.getTotp(approver);
      return { state: !f ? 'none' : f.confirmed_at === null ? 'pending' : 'enrolled', enrolled_at: f?.confirmed_at ?? null };
    },

    async start(approver) {
      const current = await store.getTotp(approver);
      if (current?.confirmed_at != null) throw new GreenlightError('STEP_UP_ALREADY_ENROLLED', 'You already have an authenticator app set up. Remove it first (with a current code) to set up another.');
      const { generateSecret, generateURI } = await otplib();
      const secret = generateSecret();
      await store.putTotp({ approver, secret: await sealer.seal(approver, secret), confirmed_at: null, last_step: null, failures: 0, failures_since: null, created_at: clock.now() });
      await record(approver, 'step_up.totp_started', null, 'dashboard', null);
      const otpauth_uri = generateURI({ issuer: config.issuer, label: approver, secret, period: PERIOD_SEC });
      return { secret, otpauth_uri, qr_png: await (await qrcode()).toDataURL(otpauth_uri, { errorCorrectionLevel: 'M', margin: 2, width: 240 }) };
    },

    async confirm(approver, raw) {
      const code = malformed(raw);
      const f = await store.getTotp(approver);
      if (!f || f.confirmed_at !== null) throw new GreenlightError('NOT_PENDING', 'No set-up is waiting for a code: start setting up the authenticator app again.');
      const secret = await sealer.open(approver, f.secret);
      const step = secret === null ? null : await stepOf(secret, code);
      if (step === null) {
        await record(approver, 'step_up.code_wrong', { during: 'enrolment' }, 'dashboard', null);
        throw new GreenlightError('STEP_UP_CODE_WRONG', 'That code does not match: check the app shows Greenlight for this account and its clock is right, then type the code it shows now.');
      }
      if (!(await store.confirmTotp(approver, step, clock.now()))) throw new GreenlightError('NOT_PENDING', 'No set-up is waiting for a code: start setting up the authenticator app again.');
      await record(approver, 'step_up.totp_enrolled', null, 'dashboard', null);
    },

    async remove(approver, by) {
      const removed = await store.deleteTotp(approver);
      if (removed) await record(approver, 'step_up.totp_removed', { by }, 'dashboard', null);
      return removed;
    },

    async check(approver, raw, via, requestId) {
      const f = await store.getTotp(approver);
      if (!f || f.confirmed_at === null) throw notEnrolled();
      const code = malformed(raw);
      if (f.failures >= config.max_failures && !windowOver(f.failures_since, clock.now(), windowMs)) {
        await record(approver, 'step_up.refused_locked', null, via, requestId);
        throw locked(f.failures_since);
      }
      const secret = await sealer.open(approver, f.secret);
      if (secret === null) throw new GreenlightError('STEP_UP_NOT_ENROLLED', `Your authenticator set-up cannot be read any more (the server's step_up.secret_key changed). Set it up again in the dashboard. You can still deny.`);
      const step = await stepOf(secret, code);
      const spent = step !== null && (await store.spendTotpStep(approver, step));
      if (spent) return;
      const failures = await store.failTotp(approver, clock.now(), windowMs);
      await record(approver, step === null ? 'step_up.code_wrong' : 'step_up.code_replayed', { failures }, via, requestId);
      if (failures >= config.max_failures) throw locked((await store.getTotp(approver))?.failures_since ?? clock.now());
      const left = `${config.max_failures - failures} more wrong code(s) and codes are refused for ${minutes} minutes.`;
      if (step !== null) throw new GreenlightError('STEP_UP_CODE_REPLAYED', `That code was already used. Wait for the next one your app shows (every ${PERIOD_SEC} s). ${left}`);
      throw new GreenlightError('STEP_UP_CODE_WRONG', `Wrong code. ${left}`, { details: { failures, max_failures: config.max_failures } });
    },
  };
}
