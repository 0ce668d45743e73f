// The dashboard's HTTP surface: the page at `/`, its assets, sign-in, and the one read the v1 API
// lacks (the configured policy rules). Everything else the page does goes through the v1 API with
// the session cookie, under the same requireAuth and gate checks as a key.
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../http/context.js';
import { requireAuth } from '../http/middleware.js';
import { IMMUTABLE, PAGE_HEADERS, loadAssets, type Asset, type AssetBundle } from './assets.js';
import { authRoutes } from './auth-routes.js';
import type { WebConfig } from './web-config.js';

function send(c: Ctx, a: Asset, cache: string): Response {
  const headers = { ...PAGE_HEADERS, 'Content-Type': a.type, 'Cache-Control': cache, ETag: a.etag };
  if (c.req.header('if-none-match') === a.etag) return c.body(null, 304, headers);
  return c.body(new Uint8Array(a.body), 200, headers);
}

export function webRoutes(web: WebConfig, bundle: AssetBundle = loadAssets()): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/', (c) => {
    if (bundle.problem || !bundle.shell) return c.text(bundle.problem ?? 'The dashboard is not available.', 503, { ...PAGE_HEADERS, 'Cache-Control': 'no-store' });
    return send(c, bundle.shell, 'no-cache');
  });

  app.get('/assets/:build/:file{.+}', (c) => {
    const file = bundle.files.get(c.req.param('file'));
    if (!file) return c.text('Not found', 404, { ...PAGE_HEADERS, 'Cache-Control': 'no-store' });
    // An older page asking for an older build gets today's file, but must not cache it for a year.
    return send(c, file, c.req.param('build') === bundle.build ? IMMUTABLE : 'no-cache');
  });

  app.route('/', authRoutes(web, () => bundle.base));

  app.get('/web/api/policy', requireAuth(['approver', 'admin']), (c) => {
    const { config } = c.get('deps');
    return c.json({
      global: config.policy,
      projects: config.projects.map((p) => ({ name: p.name, directories: p.directories, sandboxed: p.sandboxed, allow: p.allow, ask: p.ask, deny: p.deny })),
    });
  });

  return app;
}
