// Serves the OpenAPI document and the browsable, offline /docs page (HTML + script + stylesheet,
// all from this process: no CDN, no inline script, a strict CSP).
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../context.js';
import { DOCS_CSP, DOCS_CSS, DOCS_HTML } from './docs-page.js';
import { DOCS_SCRIPT } from './docs-script.js';

const CACHE = 'public, max-age=300';

interface Asset {
  body: string;
  type: string;
  etag: string;
}

const asset = (body: string, type: string): Asset => ({ body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` });

function send(c: Ctx, a: Asset, extra: Record<string, string> = {}): Response {
  const headers: Record<string, string> = { 'Content-Type': a.type, 'Cache-Control': CACHE, ETag: a.etag, ...extra };
  if (c.req.header('if-none-match') === a.etag) return c.body(null, 304, headers);
  return c.body(a.body, 200, headers);
}

export function openapiRoutes(version: string): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  let spec: Promise<Asset> | null = null; // built on first use, then cached; its modules load then too
  const html = asset(DOCS_HTML, 'text/html; charset=utf-8');
  const script = asset(DOCS_SCRIPT, 'text/javascript; charset=utf-8');
  const css = asset(DOCS_CSS, 'text/css; charset=utf-8');
  const csp = { 'Content-Security-Policy': DOCS_CSP, 'X-Frame-Options': 'DENY' };

  app.get('/openapi.json', async (c) => {
    spec ??= import('./spec.js').then(({ buildOpenApiSpec }) => asset(JSON.stringify(buildOpenApiSpec(version)), 'application/json; charset=utf-8'));
    return send(c, await spec, { 'Access-Control-Allow-Origin': '*' });
  });
  app.get('/docs', (c) => send(c, html, csp));
  app.get('/docs/app.js', (c) => send(c, script, csp));
  app.get('/docs/app.css', (c) => send(c, css, csp));
  return app;
}
