// The step-up service: the gate's `stepUp` port (is this approval's second factor right?), the
// approver's TOTP enrolment, and the audit rows of both. Created by the server with the store; the
// routes (routes.ts) and every channel reach it through the gate or the HTTP API.
import type { StepUpConfig } from '../config/schema.js';
import { GreenlightError } from '../core/errors.js';
import type { Clock } from '../core/ids.js';
import { ENROL_HINT, type StepUpPass, type StepUpProof } from '../core/step-up.js';
import type { ApprovalRequest, Principal } from '../core/types.js';
import type { Store } from '../store/store.js';
import { createSealer, resolveSealKey } from './seal.js';
import { createTotp, type Totp } from './totp.js';

export interface StepUp {
  totp: Totp;
  /** The gate's port: passes, or throws a STEP_UP_* error that says what to do. */
  verify(principal: Principal, request: ApprovalRequest, proof: StepUpProof | undefined, via: string): Promise<StepUpPass>;
}

export async function createStepUp(deps: { store: Store; clock: Clock; config: StepUpConfig }): Promise<StepUp> {
  const { store, clock } = deps;
  const sealer = createSealer(await resolveSealKey(store, deps.config.secret_key));
  const totp = createTotp({
    ...deps,
    sealer,
    record: (approver, action, detail, via, requestId) => store.appendAudit([{ at: clock.now(), actor_kind: 'approver', actor_name: approver, action, request_id: requestId, via, detail }]),
  });
  return {
    totp,
    async verify(principal, request, proof, via) {
      if (!proof) {
        const { state } = await totp.state(principal.name);
        if (state !== 'enrolled') throw new GreenlightError('STEP_UP_NOT_ENROLLED', `Request ${request.id} needs a second factor to approve, and you have none yet. ${ENROL_HINT} You can still deny it.`);
        throw new GreenlightError('STEP_UP_REQUIRED', `Request ${request.id} needs a second factor to approve: send the 6-digit code from your authenticator app with the approval (step_up: {"code": "123456"}).`, { details: { methods: ['totp'] } });
      }
      if ('code' in proof) {
        await totp.check(principal.name, proof.code, via, request.id);
        return { method: 'totp' };
      }
      throw new GreenlightError('STEP_UP_REQUIRED', 'Passkeys are not set up on this server: send the 6-digit code from your authenticator app instead.');
    },
  };
}
