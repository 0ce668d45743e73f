// MCP over Streamable HTTP at /mcp: stateless (a fresh server per call), the agent's key as Bearer,
// and the Origin header checked (DNS-rebinding guard): absent, same-origin, or in server.allowed_origins.
// The body is read by the one bounded JSON parser, not by the SDK: a refusal is a JSON-RPC parse error.
import { Hono, type MiddlewareHandler } from 'hono';
import { parseJson } from '../core/bounded-json.js';
import { GreenlightError, isGreenlightError } from '../core/errors.js';
import type { RouteGroup } from '../http/app.js';
import { principalOf, type AppEnv, type Ctx } from '../http/context.js';
import { requireAgentKey } from '../http/middleware.js';
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

/** A POST body as the transport's `parsedBody`, or the JSON-RPC parse error (400) that refuses it. */
async function readMessage(c: Ctx): Promise<{ parsedBody: unknown } | Response> {
  try {
    return { parsedBody: parseJson(await c.req.text(), 'The MCP message') };
  } catch (err) {
    if (!isGreenlightError(err)) throw err;
    return c.json({ jsonrpc: '2.0', error: { code: -32700, message: `Parse error: ${err.message}`, data: { code: err.code } }, id: null }, 400);
  }
}

export function mcpRouteGroup(): RouteGroup {
  const app = new Hono<AppEnv>();
  app.all('/mcp', checkOrigin(), requireAgentKey(), async (c) => {
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
    const message = c.req.method === 'POST' ? await readMessage(c) : undefined;
    if (message instanceof Response) return message;
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw, message);
    } finally {
      await server.close().catch(() => {});
    }
  });
  return app;
}
