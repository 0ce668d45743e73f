#!/usr/bin/env node
// Copies the browser libraries the dashboard loads into its own build (dist/web-client/vendor/),
// so it serves them from its own origin: no CDN, and the strict CSP (script-src 'self') holds.
// @simplewebauthn/browser: its single-file bundle, which sets globalThis.SimpleWebAuthnBrowser when
// imported as a module (src/web/client/passkeys.ts loads it only when a passkey is used).
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const pkg = join(dirname(require.resolve('@simplewebauthn/browser')), '..'); // its main is script/index.js
const out = join('dist', 'web-client', 'vendor');
mkdirSync(out, { recursive: true });
copyFileSync(join(pkg, 'dist', 'bundle', 'index.umd.min.js'), join(out, 'simplewebauthn-browser.js'));
