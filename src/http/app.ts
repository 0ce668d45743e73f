// The HTTP app: a cheap, side-effect-free factory shared by `serve` and the tests.
import { Hono } from 'hono';
import type { AppEnv, HttpDeps } from './context.js';
import { bodyLimit, envelope } from './envelope.js';
import { errorBody, handleError } from './middleware.js';
import { adminRoutes } from './routes/admin.js';
import { eventRoutes } from './routes/events.js';
import { requestRoutes } from './routes/requests.js';
import { systemRoutes } from './routes/system.js';
import { policyRoutes } from './routes/policy.js';
import { insightsRoutes } from './routes/insights.js';
import { openapiRoutes } from './openapi/routes.js';

/** Extra route groups (compat dialects, docs, channels' webhooks) mounted by main. */
export type RouteGroup = Hono<AppEnv>;

export function createHttpApp(deps: HttpDeps, extra: RouteGroup[] = []): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', envelope(deps));
  app.use('*', bodyLimit(deps.config.server.body_limit_bytes));
  app.onError((err, c) => handleError(err, c));
  app.notFound((c) => c.json(errorBody('NOT_FOUND', `There is no route ${c.req.method} ${c.req.path}. See /openapi.json.`, c.get('requestId') ?? 'unknown'), 404));

  for (const group of [systemRoutes(), requestRoutes(), eventRoutes(), adminRoutes(), policyRoutes(), insightsRoutes(), openapiRoutes(deps.version), ...extra]) app.route('/', group);
  return app;
}
