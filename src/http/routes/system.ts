// Health, readiness and Prometheus metrics.
import { Hono } from 'hono';
import type { AppEnv } from '../context.js';

export function systemRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/healthz', (c) => c.json({ status: 'ok', version: c.get('deps').version }));

  app.get('/readyz', async (c) => {
    const ready = await c.get('deps').ready().catch(() => false);
    return c.json({ status: ready ? 'ready' : 'not ready' }, ready ? 200 : 503);
  });

  app.get('/metrics', async (c) => {
    c.header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8');
    return c.body(await c.get('deps').metrics.render());
  });

  return app;
}
