// OpenAPI paths of the step-up API (src/step-up/routes.ts; docs/security.md "Step-up"): an
// approver's authenticator app and passkeys, which approving a request that needs step-up asks for.
import { isoTime, nullable, obj, ref, str, type Schema } from './components.js';
import { jsonResponse, operation, TOO_DEEP } from './operation.js';

type Json = Record<string, unknown>;

const TAG = 'step-up';
const HUMANS = ['approver', 'admin'] as const;
const BODY_400 = `VALIDATION_FAILED, INVALID_JSON or ${TOO_DEEP}.`;
const CODE_400 = `STEP_UP_CODE_MALFORMED (not 6 digits), INVALID_JSON or ${TOO_DEEP}.`;
const webauthnJson = (description: string): Schema => ({ type: 'object', description, additionalProperties: true });

export const STEP_UP_SCHEMAS: Record<string, Schema> = {
  StepUpStatus: obj(
    {
      approver: str('Whose second factors these are.'),
      totp: obj({ state: { type: 'string', enum: ['none', 'pending', 'enrolled'], description: '`pending`: set-up started, not yet confirmed with a code.' }, enrolled_at: nullable(isoTime('When the first code confirmed it.')) }),
      passkeys: { type: 'array', items: obj({ id: str('The credential id (base64url).'), created_at: isoTime('When it was registered.'), last_used_at: nullable(isoTime('When it last approved something.')) }) },
    },
    'The second factors of the signed-in approver. Never contains the TOTP secret.',
  ),
  TotpEnrolment: {
    allOf: [
      ref('StepUpStatus'),
      obj({
        secret: str('The TOTP secret (base32), to type into an app. Shown this once: never returned again.'),
        otpauth_uri: str('The `otpauth://totp/...` URI the QR code holds.'),
        qr_png: str('The URI as a QR code: a `data:image/png;base64,...` URL.'),
      }),
    ],
    description: 'A set-up started: the secret, shown once, as text and as a QR code.',
  },
  StepUpCode: { type: 'object', properties: { code: str('The 6 digits the authenticator app shows now (spaces allowed).', { maxLength: 64 }) }, required: ['code'] },
  PasskeyRegistration: { type: 'object', properties: { response: webauthnJson("The browser's answer to the registration options (@simplewebauthn/browser's startRegistration).") }, required: ['response'] },
  PasskeyChallengeRequest: { type: 'object', properties: { request_id: str('The request you approve (`req_...`).') }, required: ['request_id'] },
};

export function stepUpPaths(): Record<string, Json> {
  return {
    '/v1/step-up': {
      get: operation({
        operationId: 'getStepUp',
        tag: TAG,
        summary: 'Your second factors',
        description: 'Whether you have an authenticator app set up, and your passkeys.',
        roles: HUMANS,
        responses: { '200': jsonResponse('Your second factors.', ref('StepUpStatus')) },
      }),
    },
    '/v1/step-up/totp': {
      post: operation({
        operationId: 'startTotp',
        tag: TAG,
        summary: 'Start setting up an authenticator app',
        description: 'Makes a new TOTP secret (RFC 6238: 6 digits, 30 s) and returns it once, as text and as a QR code. Codes count only after POST /v1/step-up/totp/confirm. Starting again replaces an unconfirmed set-up. `Cache-Control: no-store`. Audited as `step_up.totp_started`.',
        roles: HUMANS,
        responses: { '201': jsonResponse('The secret, shown this once.', ref('TotpEnrolment')) },
        errors: { 409: 'STEP_UP_ALREADY_ENROLLED: remove the current one first (with a code).' },
      }),
    },
    '/v1/step-up/totp/confirm': {
      post: operation({
        operationId: 'confirmTotp',
        tag: TAG,
        summary: 'Finish setting up an authenticator app',
        description: 'The first code the app shows confirms the set-up; from then on approvals of step-up requests take codes. Audited as `step_up.totp_enrolled`.',
        roles: HUMANS,
        body: { schema: ref('StepUpCode'), example: { code: '123456' } },
        responses: { '200': jsonResponse('Set up.', ref('StepUpStatus')) },
        errors: { 400: CODE_400, 403: 'STEP_UP_CODE_WRONG (audited), or FORBIDDEN for agent keys.', 409: 'NOT_PENDING: no set-up is waiting for a code.' },
      }),
    },
    '/v1/step-up/totp/remove': {
      post: operation({
        operationId: 'removeTotp',
        tag: TAG,
        summary: 'Remove your authenticator app',
        description: 'A current code proves it is you (it is checked like an approval: counted, rate-limited, audited). Audited as `step_up.totp_removed`.',
        roles: HUMANS,
        body: { schema: ref('StepUpCode'), example: { code: '123456' } },
        responses: { '200': jsonResponse('Removed.', ref('StepUpStatus')) },
        errors: { 400: CODE_400, 403: 'STEP_UP_CODE_WRONG, or FORBIDDEN for agent keys.', 409: 'STEP_UP_CODE_REPLAYED', 429: 'STEP_UP_LOCKED or RATE_LIMITED.' },
      }),
    },
    '/v1/step-up/totp/{approver}': {
      delete: operation({
        operationId: 'resetTotp',
        tag: TAG,
        summary: "Remove someone's authenticator app",
        description: 'For a lost phone: the approver sets up a new one afterwards. Audited as `step_up.totp_removed` with who did it.',
        roles: ['admin'],
        parameters: [{ name: 'approver', in: 'path', required: true, description: 'The approver\'s name.', schema: { type: 'string' } }],
        responses: { '200': jsonResponse('Removed.', ref('StepUpStatus')) },
        errors: { 404: 'NOT_FOUND: that approver has no authenticator app.' },
      }),
    },
    '/v1/step-up/passkeys/options': {
      post: operation({
        operationId: 'passkeyRegistrationOptions',
        tag: TAG,
        summary: 'Start registering a passkey',
        description: "WebAuthn registration options for you (hand them to @simplewebauthn/browser's startRegistration). The challenge is spent by the registration and lapses after 5 minutes. RP ID and origin: server.public_url.",
        roles: HUMANS,
        responses: { '200': jsonResponse('Registration options.', webauthnJson('PublicKeyCredentialCreationOptionsJSON.')) },
        errors: { 400: 'VALIDATION_FAILED: 10 passkeys already.' },
      }),
    },
    '/v1/step-up/passkeys': {
      post: operation({
        operationId: 'registerPasskey',
        tag: TAG,
        summary: 'Register a passkey',
        description: "Verifies the browser's answer against a challenge made for you, from the server's origin, and keeps the credential's public key. Audited as `step_up.passkey_added`.",
        roles: HUMANS,
        body: { schema: ref('PasskeyRegistration') },
        responses: { '201': jsonResponse('Registered.', ref('StepUpStatus')) },
        errors: { 400: BODY_400, 403: 'STEP_UP_PASSKEY_INVALID (another origin, an unknown, expired or used challenge, a bad signature), or FORBIDDEN for agent keys.' },
      }),
    },
    '/v1/step-up/passkeys/{id}': {
      delete: operation({
        operationId: 'removePasskey',
        tag: TAG,
        summary: 'Remove one of your passkeys',
        description: 'Audited as `step_up.passkey_removed`.',
        roles: HUMANS,
        parameters: [{ name: 'id', in: 'path', required: true, description: 'The credential id.', schema: { type: 'string' } }],
        responses: { '200': jsonResponse('Removed.', ref('StepUpStatus')) },
        errors: { 404: 'NOT_FOUND: you have no such passkey.' },
      }),
    },
    '/v1/step-up/passkeys/challenge': {
      post: operation({
        operationId: 'passkeyApprovalChallenge',
        tag: TAG,
        summary: 'The challenge to approve a request with a passkey',
        description: "WebAuthn authentication options for approving one request (hand them to startAuthentication, then send the answer as `step_up.passkey` with the approval). The challenge is bound to you and that request, spent by the approval, and lapses after 5 minutes.",
        roles: HUMANS,
        body: { schema: ref('PasskeyChallengeRequest'), example: { request_id: 'req_01jbz9m6x8k2v4n7q1w3e5r7t9' } },
        responses: { '200': jsonResponse('Authentication options.', webauthnJson('PublicKeyCredentialRequestOptionsJSON.')) },
        errors: { 400: BODY_400, 403: 'STEP_UP_NOT_ENROLLED (no passkey yet), or FORBIDDEN for agent keys.', 404: 'NOT_FOUND: no such request.' },
      }),
    },
  };
}
