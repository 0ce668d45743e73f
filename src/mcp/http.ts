// MCP over Streamable HTTP at /mcp: stateless (a fresh server per call), the agent's key as Bearer,
// and the Origin header checked (DNS-rebinding guard): absent, same-origin, or in server.allowed_origins.
import { Hono, type MiddlewareHandler } from 'hono';
import { GreenlightError } from '../core/errors.js';
import type { RouteGroup } from '../http/app.js';
import { principalOf, type AppEnv } from '../http/context.js';
import { requireAuth } from '../http/middleware.js';
import { executeApprovedFrom } from './config.js';
import { gateClient } from './gate-client.js';

/** Refuses browser calls from origins the config does not list. */
export function checkOrigin(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (origin !== undefined) {
      const allowed = c.get('deps').config.server.allowed_origins ?? [];
      const self = new URL(c.req.url);
      const host = c.req.header('host') ?? self.host;
      const sameOrigin = origin === `${self.protocol}//${host}`;
      if (!sameOrigin && !allowed.includes(origin) && !allowed.includes('*')) {
        throw new GreenlightError('FORBIDDEN', `Origin ${origin.slice(0, 200)} may not call /mcp; add it to server.allowed_origins.`);
      }
    }
    await next();
  };
}

export function mcpRouteGroup(): RouteGroup {
  const app = new Hono<AppEnv>();
  app.all('/mcp', checkOrigin(), requireAuth(['agent', 'admin']), async (c) => {
    const deps = c.get('deps');
    // The MCP SDK loads on the first call, so a server nobody uses it on does not carry it.
    const [{ WebStandardStreamableHTTPServerTransport }, { createMcpServer }] = await Promise.all([
      import('@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'),
      import('./server.js'),
    ]);
    const server = createMcpServer(gateClient(deps.gate, principalOf(c)), {
      executeApproved: executeApprovedFrom(deps.config),
      defaultWaitSec: Math.min(300, deps.config.requests.max_wait_sec),
    });
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw);
    } finally {
      await server.close().catch(() => {});
    }
  });
  return app;
}
