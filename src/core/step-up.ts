// Step-up: the words every part shares about the second factor an approval of a high-risk request
// needs (docs/security.md, "Step-up"). Which requests need it is decided when they are filed
// (src/step-up/requirement.ts, kept on the request as `policy.step_up`); the gate refuses to
// approve such a request without a proof it verifies through its `stepUp` port; every channel asks
// for the code the same way. Pure and free of Node: the dashboard's browser build imports it.

/** What an approver sends with an approval that needs step-up. */
export type StepUpProof = { code: string } | { passkey: unknown };

/** What the gate's port answers for a proof it accepted. */
export interface StepUpPass {
  method: 'totp' | 'passkey';
}

export const CODE_DIGITS = 6;

/** Where an approver enrols, said on every channel that refuses someone who has not. */
export const ENROL_HINT = 'Set up a second factor in the dashboard first (Security: authenticator app or passkey).';

/**
 * The 6 digits of a code as typed (spaces and a dash between groups are fine), or what is wrong with
 * it — never echoing the text, which may be anything (a bidi override, 10 KB of junk).
 */
export function parseCode(raw: unknown): { code: string } | { error: string } {
  if (typeof raw !== 'string') return { error: 'Send the 6-digit code from your authenticator app.' };
  if (raw.length > 64) return { error: `That is not a code: a code is ${CODE_DIGITS} digits (got ${raw.length} characters).` };
  const compact = raw.trim().replace(/[\s-]/g, '');
  if (!/^[0-9]+$/.test(compact)) return { error: `A code is ${CODE_DIGITS} digits (0–9) from your authenticator app, nothing else.` };
  if (compact.length !== CODE_DIGITS) return { error: `A code is ${CODE_DIGITS} digits; that was ${compact.length}.` };
  return { code: compact };
}

/** Whether a request was filed needing a second factor to approve (the policy's verdict says so). */
export const needsStepUp = (r: { policy: { step_up?: boolean } | null }): boolean => r.policy?.step_up === true;
