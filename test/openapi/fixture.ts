// The real HTTP app over a MemoryStore, as the OpenAPI tests need it: no listener, no I/O.
import { createKeyring } from '../../src/auth/keyring.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { createLocalEventBus } from '../../src/core/events.js';
import { createGate } from '../../src/core/gate.js';
import { systemClock } from '../../src/core/ids.js';
import { createHttpApp } from '../../src/http/app.js';
import type { HttpDeps } from '../../src/http/context.js';
import { createMetrics } from '../../src/http/metrics.js';
import { openapiRoutes } from '../../src/http/openapi/routes.js';
import { extraRouteGroups } from '../../src/http/route-groups.js';
import { silentLogger } from '../../src/log.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';

export const KEYS = {
  agent: 'openapi-agent-key-0123456789',
  approver: 'openapi-approver-key-01234567',
  admin: 'openapi-admin-key-0123456789ab',
} as const;

export type KeyRole = keyof typeof KEYS;

export const TEST_VERSION = '9.9.9-test';

/** Routes that serve the docs themselves: not compared against the document. */
export const DOC_ROUTES = new Set(['GET /openapi.json', 'GET /docs', 'GET /docs/app.js', 'GET /docs/app.css']);

export function buildDeps(withPrincipals = true): HttpDeps {
  const config = ConfigSchema.parse(
    withPrincipals
      ? {
          agents: [{ name: 'agent-a', key: KEYS.agent }],
          approvers: [{ name: 'alice', key: KEYS.approver }],
          admins: [{ name: 'root', key: KEYS.admin }],
          rate_limit: { per_minute: 0 },
        }
      : {},
  );
  const store = new MemoryStore();
  const gate = createGate({
    store,
    events: createLocalEventBus(),
    clock: systemClock,
    routing: { projects: config.projects, approvers: config.approvers },
    defaults: {
      defaultExpiresSec: config.requests.default_expires_in_sec,
      maxExpiresSec: config.requests.max_expires_in_sec,
      allowApproveOnTimeout: config.requests.allow_approve_on_timeout,
      maxWaitSec: config.requests.max_wait_sec,
    },
  });
  return { gate, keyring: createKeyring(config, store), config, metrics: createMetrics(), logger: silentLogger, ready: async () => true, version: TEST_VERSION };
}

/** The app exactly as main builds it (native routes + extra groups), without the docs routes. */
export const buildApp = (deps = buildDeps(false)) => createHttpApp(deps, extraRouteGroups());

/** The app with the docs routes mounted, as the lead registers them. */
export const buildAppWithDocs = (deps = buildDeps()) => createHttpApp(deps, [...extraRouteGroups(), openapiRoutes(TEST_VERSION)]);

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

/** Calls the app in-process with a role's key. */
export async function call(app: ReturnType<typeof buildApp>, role: KeyRole | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const h: Record<string, string> = { ...headers };
  if (role) h.authorization = `Bearer ${KEYS[role]}`;
  if (body !== undefined) h['content-type'] ??= 'application/json';
  const res = await app.request(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

/** Hono's `/v1/requests/:id` as OpenAPI's `/v1/requests/{id}` (custom patterns dropped). */
export const toOpenApiPath = (path: string): string => path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}');

/** `METHOD /path` for every route the app really registered (middleware and `ALL` left out). */
export function registeredRoutes(app: ReturnType<typeof buildApp>): Set<string> {
  const out = new Set<string>();
  for (const r of app.routes) {
    if (r.method === 'ALL') continue;
    out.add(`${r.method} ${toOpenApiPath(r.path)}`);
  }
  return out;
}
