// The web dashboard: served at `/` by the same process. See docs/dashboard.md.
//   webChannel                 channel factory (name `web`): routes only, no outbox items
//   sessionPrincipal(c)        the hook requireAuth calls when no key was sent (cookie → principal, CSRF)
//   signInLinks(ctx)           one-time sign-in links for other channels to send
//   hashPassword / verifyPassword   the scrypt format of approvers[].password_hash
export { webChannel, signInLinks, type SignInLinks } from './web-channel.js';
export { sessionPrincipal, SESSION_COOKIE, CSRF_HEADER } from './session-auth.js';
export { hashPassword, verifyPassword } from './password.js';
export { WebConfigSchema, webConfigOf, type WebConfig } from './web-config.js';
