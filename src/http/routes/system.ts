// Health, readiness and Prometheus metrics. For load balancers: `/health` (Chock's route, see
// compat/chock.ts) and `/healthz` say the process is alive; `/ready` and `/readyz` say whether it
// should get traffic now (the store answers, its migrations are done, it is not draining).
import { Hono } from 'hono';
import type { AppEnv, Ctx, ReadyReport } from '../context.js';

/** The server's readiness as a report, whatever shape `deps.ready` gives it in. */
export async function readiness(c: Ctx): Promise<ReadyReport> {
  try {
    const r = await c.get('deps').ready();
    return typeof r === 'boolean' ? { ready: r, checks: { server: r ? 'ok' : 'starting or stopping' } } : r;
  } catch (err) {
    return { ready: false, checks: { server: `readiness check failed: ${(err as Error).message}` } };
  }
}

export function systemRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/healthz', (c) => c.json({ status: 'ok', version: c.get('deps').version }));

  const ready = async (c: Ctx) => {
    const report = await readiness(c);
    return c.json({ status: report.ready ? 'ready' : 'not ready', checks: report.checks }, report.ready ? 200 : 503);
  };
  app.get('/ready', ready);
  app.get('/readyz', ready);

  app.get('/metrics', async (c) => {
    const { metrics } = c.get('deps');
    c.header('Content-Type', metrics.contentType);
    return c.body(await metrics.render());
  });

  return app;
}
