// The dashboard's static files: the HTML shell (web/index.html, never cached), and the assets under
// /assets/<build>/ (web/*.css|svg, and the compiled client in dist/web-client/: web/client/*.js plus
// the shared modules it imports from src/, e.g. text/invisible.js, at their paths relative to src/),
// cached for a year as immutable. <build> is a hash over every asset, so any change gives every file
// a new URL and the client's relative module imports stay on one build.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the package lives: this file is dist/src/web/assets.js. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** Headers every dashboard page and asset gets. */
export const PAGE_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CSP,
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
};

export const IMMUTABLE = 'public, max-age=31536000, immutable';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
};

export interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

export interface AssetBundle {
  /** `/assets/<build>` */
  base: string;
  build: string;
  shell: Asset | null;
  files: Map<string, Asset>;
  /** Why the dashboard cannot be served (client not built), or null. */
  problem: string | null;
}

const etagOf = (body: Buffer) => `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
const asset = (body: Buffer, type: string): Asset => ({ body, type, etag: etagOf(body) });

const SAFE_NAME = /^[a-z0-9][a-z0-9._-]*$/;

// Names in code-unit order: the same on every machine whatever its locale, and without
// localeCompare, whose first call loads ICU's collation data (about 3 MB resident for good).
const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Reads the servable files under `dir` (subfolders too, for `deep`) as `a/b.js` → body. */
function readDir(dir: string, into: Map<string, Buffer>, deep = false, prefix = ''): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort(byName)) {
    if (!SAFE_NAME.test(entry.name)) continue;
    if (entry.isDirectory()) {
      if (deep) readDir(join(dir, entry.name), into, deep, `${prefix}${entry.name}/`);
    } else if (TYPES[extname(entry.name)]) {
      into.set(prefix + entry.name, readFileSync(join(dir, entry.name)));
    }
  }
}

/** Where the client's entry module is among the assets. */
export const CLIENT_ENTRY = 'web/client/main.js';

/** Reads the shell and assets once (at startup). */
export function loadAssets(root = PACKAGE_ROOT): AssetBundle {
  const raw = new Map<string, Buffer>();
  readDir(join(root, 'web'), raw);
  readDir(join(root, 'dist', 'web-client'), raw, true);
  const shellPath = join(root, 'web', 'index.html');
  const hash = createHash('sha256');
  for (const [name, body] of raw) hash.update(name).update('\0').update(body).update('\0');
  const build = hash.digest('hex').slice(0, 16);
  const base = `/assets/${build}`;
  const files = new Map<string, Asset>();
  for (const [name, body] of raw) files.set(name, asset(body, TYPES[extname(name)]));
  let problem: string | null = null;
  if (!files.has(CLIENT_ENTRY)) problem = `The dashboard client is not built (dist/web-client/${CLIENT_ENTRY} is missing). Run "npm run build".`;
  if (!existsSync(shellPath)) problem = `The dashboard shell ${shellPath} is missing.`;
  const shell = existsSync(shellPath) ? asset(Buffer.from(readFileSync(shellPath, 'utf8').replaceAll('%ASSETS%', base)), 'text/html; charset=utf-8') : null;
  return { base, build, shell, files, problem };
}

export function contentTypeOf(name: string): string | undefined {
  return TYPES[extname(name)];
}
