// Passkeys (WebAuthn) for step-up, through @simplewebauthn/server: an approver registers a passkey
// in the dashboard, then approves a step-up request with it instead of a code. Every ceremony uses
// a challenge made here, kept in the store's meta for five minutes and spent once (so a replayed
// answer is refused on every instance), bound to the approver and, for an approval, to the one
// request. The expected origin and RP ID are the server's public URL, never what the browser says.
import type { AuthenticationResponseJSON, AuthenticatorTransportFuture, PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { GreenlightError } from '../core/errors.js';
import type { Clock } from '../core/ids.js';
import type { PasskeyRecord, Store } from '../store/store.js';
import type { Record } from './totp.js';
import { lazy } from '../lazy.js';

// Loaded on the first passkey ceremony (with its X.509 and CBOR parsers, ~25 MB an idle server need not carry).
const webauthn = lazy(() => import('@simplewebauthn/server'));

const CHALLENGE_TTL_MS = 5 * 60_000;
const MAX_PASSKEYS = 10;

export interface Passkeys {
  list(approver: string): Promise<PasskeyRecord[]>;
  registrationOptions(approver: string): Promise<PublicKeyCredentialCreationOptionsJSON>;
  register(approver: string, response: unknown): Promise<PasskeyRecord>;
  remove(approver: string, id: string): Promise<boolean>;
  /** The challenge for approving one request with a passkey. */
  approvalOptions(approver: string, requestId: string): Promise<PublicKeyCredentialRequestOptionsJSON>;
  /** Checks a passkey's answer for an approval; throws STEP_UP_PASSKEY_INVALID saying nothing was decided. */
  check(approver: string, requestId: string, response: unknown, via: string): Promise<void>;
}

type Purpose = { approver: string; purpose: 'register' | 'approve'; request_id: string | null };

const invalid = (why: string) => new GreenlightError('STEP_UP_PASSKEY_INVALID', `The passkey's answer was refused (${why}); nothing was decided. Try again from the dashboard.`);

/** A credential response as the browser library sends it: an object with string ids, or a clear refusal. */
function credentialResponse<T>(raw: unknown): T {
  const r = raw as { id?: unknown; rawId?: unknown; response?: unknown; type?: unknown } | null;
  if (!r || typeof r !== 'object' || Array.isArray(r) || typeof r.id !== 'string' || r.id.length === 0 || r.id.length > 1400 || typeof r.rawId !== 'string' || typeof r.response !== 'object' || r.response === null || r.type !== 'public-key') {
    throw new GreenlightError('VALIDATION_FAILED', 'A passkey answer is the object the browser gave (id, rawId, type "public-key", response).');
  }
  return raw as T;
}

export function createPasskeys(deps: { store: Store; clock: Clock; origin: () => string; rpName: string; record: Record }): Passkeys {
  const { store, clock, record } = deps;
  const site = () => {
    const url = new URL(deps.origin());
    return { origin: url.origin, rpID: url.hostname };
  };
  const key = (challenge: string) => `step_up:challenge:${challenge}`;
  const remember = (challenge: string, p: Purpose) => store.setMeta(key(challenge), JSON.stringify(p), { expires_at: clock.now() + CHALLENGE_TTL_MS });
  /** Spends a challenge made for exactly this purpose; false when unknown, expired, used or made for something else. */
  const spend = async (challenge: string, p: Purpose): Promise<boolean> => typeof challenge === 'string' && challenge.length <= 200 && store.swapMeta(key(challenge), JSON.stringify(p), null, { now: clock.now() });

  const explain = async (err: unknown, approver: string, via: string, requestId: string | null): Promise<never> => {
    if (err instanceof GreenlightError) throw err;
    const reason = String((err as Error)?.message ?? err).replace(/[^\x20-\x7e]/g, '?').slice(0, 300);
    await record(approver, 'step_up.passkey_refused', { reason }, via, requestId);
    throw invalid(/challenge/i.test(reason) ? 'an unknown, expired or already used challenge' : /origin/i.test(reason) ? 'it was made for another site' : 'it does not verify');
  };

  return {
    list: (approver) => store.listPasskeys(approver),

    async registrationOptions(approver) {
      const existing = await store.listPasskeys(approver);
      if (existing.length >= MAX_PASSKEYS) throw new GreenlightError('VALIDATION_FAILED', `You have ${MAX_PASSKEYS} passkeys already: remove one first.`);
      const { rpID } = site();
      const options = await (await webauthn()).generateRegistrationOptions({
        rpName: deps.rpName,
        rpID,
        userName: approver,
        userID: new TextEncoder().encode(`greenlight:${approver}`),
        attestationType: 'none',
        excludeCredentials: existing.map((p) => ({ id: p.id, transports: p.transports as AuthenticatorTransportFuture[] })),
        authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
      });
      await remember(options.challenge, { approver, purpose: 'register', request_id: null });
      return options;
    },

    async register(approver, raw) {
      const response = credentialResponse<RegistrationResponseJSON>(raw);
      const { origin, rpID } = site();
      try {
        const v = await (await webauthn()).verifyRegistrationResponse({ response, expectedChallenge: (c) => spend(c, { approver, purpose: 'register', request_id: null }), expectedOrigin: origin, expectedRPID: rpID, requireUserVerification: false });
        if (!v.verified) throw new Error('registration did not verify');
        const c = v.registrationInfo.credential;
        if (await store.getPasskey(c.id)) throw new GreenlightError('VALIDATION_FAILED', 'That passkey is registered already.');
        const passkey: PasskeyRecord = { id: c.id, approver, public_key: Buffer.from(c.publicKey).toString('base64url'), counter: c.counter, transports: (c.transports ?? []).map(String), created_at: clock.now(), last_used_at: null };
        await store.addPasskey(passkey);
        await record(approver, 'step_up.passkey_added', { passkey: passkey.id.slice(0, 64) }, 'dashboard', null);
        return passkey;
      } catch (err) {
        return explain(err, approver, 'dashboard', null);
      }
    },

    async remove(approver, id) {
      const removed = await store.deletePasskey(id, approver);
      if (removed) await record(approver, 'step_up.passkey_removed', { passkey: id.slice(0, 64) }, 'dashboard', null);
      return removed;
    },

    async approvalOptions(approver, requestId) {
      const mine = await store.listPasskeys(approver);
      if (mine.length === 0) throw new GreenlightError('STEP_UP_NOT_ENROLLED', 'You have no passkey yet: add one on the Security page, or use the code from your authenticator app.');
      const options = await (await webauthn()).generateAuthenticationOptions({ rpID: site().rpID, allowCredentials: mine.map((p) => ({ id: p.id, transports: p.transports as AuthenticatorTransportFuture[] })), userVerification: 'preferred' });
      await remember(options.challenge, { approver, purpose: 'approve', request_id: requestId });
      return options;
    },

    async check(approver, requestId, raw, via) {
      const response = credentialResponse<AuthenticationResponseJSON>(raw);
      const passkey = await store.getPasskey(response.id);
      if (!passkey || passkey.approver !== approver) {
        await record(approver, 'step_up.passkey_refused', { reason: 'not one of your passkeys' }, via, requestId);
        throw invalid('not one of your passkeys');
      }
      const { origin, rpID } = site();
      try {
        const v = await (await webauthn()).verifyAuthenticationResponse({
          response,
          expectedChallenge: (c) => spend(c, { approver, purpose: 'approve', request_id: requestId }),
          expectedOrigin: origin,
          expectedRPID: rpID,
          credential: { id: passkey.id, publicKey: Buffer.from(passkey.public_key, 'base64url'), counter: passkey.counter, transports: passkey.transports as AuthenticatorTransportFuture[] },
          requireUserVerification: false,
        });
        if (!v.verified) throw new Error('assertion did not verify');
        if (!(await store.usePasskey(passkey.id, v.authenticationInfo.newCounter, clock.now()))) throw new Error('the signature counter did not move forward (a cloned passkey?)');
      } catch (err) {
        return explain(err, approver, via, requestId);
      }
    },
  };
}
