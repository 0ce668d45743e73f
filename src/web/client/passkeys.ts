// Passkeys in the dashboard: registering one and answering an approval's challenge with it, through
// @simplewebauthn/browser. The library is part of the dashboard's own build (scripts/vendor-web.js
// copies it to vendor/), loaded from this origin only when a passkey is used: no CDN, CSP unchanged.
import type * as WebAuthn from '@simplewebauthn/browser';
import { api } from './api.js';

let loaded: Promise<typeof WebAuthn> | null = null;
function library(): Promise<typeof WebAuthn> {
  loaded ??= import(new URL('../../vendor/simplewebauthn-browser.js', import.meta.url).href).then(() => (globalThis as unknown as { SimpleWebAuthnBrowser: typeof WebAuthn }).SimpleWebAuthnBrowser);
  return loaded;
}

export const passkeysSupported = (): boolean => typeof window.PublicKeyCredential === 'function';

/** Registers a passkey for the signed-in approver; resolves to the server's new step-up status. */
export async function addPasskey<T>(): Promise<T> {
  const optionsJSON = await api<WebAuthn.PublicKeyCredentialCreationOptionsJSON>('POST', '/v1/step-up/passkeys/options');
  const response = await (await library()).startRegistration({ optionsJSON });
  return api<T>('POST', '/v1/step-up/passkeys', { response });
}

/** A passkey's answer to the challenge for approving one request (sent as step_up.passkey). */
export async function passkeyProof(requestId: string): Promise<unknown> {
  const optionsJSON = await api<WebAuthn.PublicKeyCredentialRequestOptionsJSON>('POST', '/v1/step-up/passkeys/challenge', { request_id: requestId });
  return (await library()).startAuthentication({ optionsJSON });
}
