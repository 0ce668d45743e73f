// The step-up service: the gate's `stepUp` port (is this approval's second factor right?), the
// approver's TOTP enrolment and passkeys, and the audit rows of all of them. Created by the server with the store; the
// routes (routes.ts) and every channel reach it through the gate or the HTTP API.
import type { StepUpConfig } from '../config/schema.js';
import { GreenlightError } from '../core/errors.js';
import type { Clock } from '../core/ids.js';
import { ENROL_HINT, type StepUpPass, type StepUpProof } from '../core/step-up.js';
import type { ApprovalRequest, Principal } from '../core/types.js';
import type { Store } from '../store/store.js';
import { createSealer, resolveSealKey } from './seal.js';
import { createPasskeys, type Passkeys } from './passkeys.js';
import { createTotp, type Record, type Totp } from './totp.js';

export interface StepUp {
  totp: Totp;
  passkeys: Passkeys;
  /** The gate's port: passes, or throws a STEP_UP_* error that says what to do. */
  verify(principal: Principal, request: ApprovalRequest, proof: StepUpProof | undefined, via: string): Promise<StepUpPass>;
}

/** `origin`: the server's public URL, whose origin and host name passkeys are bound to. */
export function createStepUp(deps: { store: Store; clock: Clock; config: StepUpConfig; origin: () => string }): StepUp {
  const { store, clock } = deps;
  const sealer = createSealer(() => resolveSealKey(store, deps.config.secret_key));
  const record: Record = (approver, action, detail, via, requestId) => store.appendAudit([{ at: clock.now(), actor_kind: 'approver', actor_name: approver, action, request_id: requestId, via, detail }]);
  const totp = createTotp({ ...deps, sealer, record });
  const passkeys = createPasskeys({ store, clock, origin: deps.origin, rpName: deps.config.issuer, record });
  return {
    totp,
    passkeys,
    async verify(principal, request, proof, via) {
      const has = { totp: (await totp.state(principal.name)).state === 'enrolled', passkey: (await passkeys.list(principal.name)).length > 0 };
      if (!has.totp && !has.passkey) throw new GreenlightError('STEP_UP_NOT_ENROLLED', `Request ${request.id} needs a second factor to approve, and you have none yet. ${ENROL_HINT} You can still deny it.`);
      if (proof && 'code' in proof) {
        await totp.check(principal.name, proof.code, via, request.id);
        return { method: 'totp' };
      }
      if (proof && 'passkey' in proof) {
        await passkeys.check(principal.name, request.id, proof.passkey, via);
        return { method: 'passkey' };
      }
      const methods = [...(has.totp ? ['totp'] : []), ...(has.passkey ? ['passkey'] : [])];
      throw new GreenlightError('STEP_UP_REQUIRED', `Request ${request.id} needs a second factor to approve: ${has.totp ? 'send the 6-digit code from your authenticator app with the approval (step_up: {"code": "123456"})' : 'approve it on the dashboard with your passkey'}.`, { details: { methods } });
    },
  };
}
