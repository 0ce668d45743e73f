// The real HTTP app over a MemoryStore, as the OpenAPI tests need it: no listener, no I/O. Like
// main, it runs the real policy and mounts the channels' routes (Telegram, with a stand-in Bot API).
import type { Transformer } from 'grammy';
import { createKeyring } from '../../src/auth/keyring.js';
import { buildChannels, createChannelContext } from '../../src/channels/registry.js';
import { createTelegramChannelFactory } from '../../src/channels/telegram/telegram-channel.js';
import { ntfyChannelFactory } from '../../src/channels/ntfy/ntfy-channel.js';
import { discordChannelFactory } from '../../src/channels/discord/discord-channel.js';
import { slackChannelFactory } from '../../src/channels/slack/slack-channel.js';
import { createHealthBook } from '../../src/channels/health.js';
import { channelRoutes as channelHealthRoutes } from '../../src/http/routes/channels.js';
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
import { createPolicyService, type PolicyService } from '../../src/policy-service.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { createStepUp } from '../../src/step-up/service.js';
import { stepUpRoutes } from '../../src/step-up/routes.js';
import { createSessions } from '../../src/sessions/service.js';
import { createWorkflowPlanner, workflowSettings } from '../../src/workflows/planner.js';

export const KEYS = {
  agent: 'openapi-agent-key-0123456789',
  approver: 'openapi-approver-key-01234567',
  admin: 'openapi-admin-key-0123456789ab',
} as const;

export type KeyRole = keyof typeof KEYS;

export const TEST_VERSION = '9.9.9-test';

/** Routes that serve the docs themselves: not compared against the document. */
export const DOC_ROUTES = new Set(['GET /openapi.json', 'GET /docs', 'GET /docs/app.js', 'GET /docs/app.css']);

export const TELEGRAM_SECRET = 'openapi-telegram-secret-0123456789';
export const SLACK_SIGNING_SECRET = 'openapiSlackSigningSecret0123456';

/** The Bot API methods the Telegram routes call, answered here: no network. */
const fakeBotApi: Transformer = async (prev, method, payload, signal) => {
  if (method === 'getMe') return { ok: true, result: { id: 42, is_bot: true, first_name: 'Greenlight', username: 'greenlight_test_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false } } as never;
  if (method === 'setWebhook' || method === 'deleteWebhook') return { ok: true, result: true } as never;
  return { ok: false, error_code: 400, description: `Bad Request: ${method} is not stood in for by the OpenAPI fixture` } as never;
};

/** The policy service is built asynchronously (it loads the bash grammar); callers await it per call. */
function lazyPolicy(ready: Promise<PolicyService>): PolicyService {
  return {
    evaluateRequest: async (request) => (await ready).evaluateRequest(request),
    dryRun: async (action, scope) => (await ready).dryRun(action, scope),
    resolveCovered: async (gate, grants, source) => (await ready).resolveCovered(gate, grants, source),
    projectContext: async (project) => (await ready).projectContext(project),
  };
}

/** `extra`: more config (groups, workflows, approvers, ...) on top of the principals. */
export function buildDeps(withPrincipals = true, extra: Record<string, unknown> = {}): HttpDeps {
  const config = ConfigSchema.parse(
    withPrincipals
      ? {
          agents: [{ name: 'agent-a', key: KEYS.agent }],
          approvers: [{ name: 'alice', key: KEYS.approver, telegram_user_id: 111, discord_user_id: '1400000000000000001', slack_user_id: 'U0ALICE01' }],
          admins: [{ name: 'root', key: KEYS.admin }],
          rate_limit: { per_minute: 0 },
          policy: { allow: ['Bash(git *)'], deny: ['Bash(git push --force *)'] },
          channels: {
            telegram: { bot_token: '123456:openapi-fixture-token-abcdefghij', api_root: 'http://127.0.0.1:9', chats: [-100123], webhook: { secret_token: TELEGRAM_SECRET } },
            ntfy: { server_url: 'http://127.0.0.1:9', topics: [{ topic: 'openapi-alice', approver: 'alice' }] },
            discord: { application_id: '1100000000000000001', public_key: '0'.repeat(64), bot_token: 'MTEwMDAwMDAwMDAwMDAwMDAwMQ.GxYzAb.openapi-fixture-token-0123456789', channel_id: '1500000000000000001', api_root: 'http://127.0.0.1:9' },
            slack: { mode: 'http', bot_token: 'xoxb-1111-2222-openapifixturetoken', signing_secret: SLACK_SIGNING_SECRET, channel: 'C0APPROVE', api_url: 'http://127.0.0.1:9' },
          },
          ...extra,
        }
      : {},
  );
  const store = new MemoryStore();
  const policy = lazyPolicy(createPolicyService({ config, configFile: null, store, logger: silentLogger, now: () => Date.now() }));
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
    policy: (request) => policy.evaluateRequest(request),
    onGrants: (grants, source) => void policy.resolveCovered(gate, grants, source),
    ...(config.workflows.length ? { workflows: createWorkflowPlanner(workflowSettings(config), store) } : {}),
  });
  return { gate, keyring: createKeyring(config, store), config, metrics: createMetrics(), logger: silentLogger, policy, ready: async () => true, version: TEST_VERSION };
}

/** The channels' route groups, as main mounts them (the Telegram channel's Bot API stood in for). */
function channelRoutes(deps: HttpDeps) {
  const ctx = createChannelContext({ gate: deps.gate, store: deps.gate.deps.store, config: deps.config, clock: systemClock, logger: silentLogger, metrics: deps.metrics, publicUrl: () => 'https://greenlight.example.com' });
  // Telegram, ntfy, Discord and Slack (http mode) are configured here; the other channels' factories would return null.
  const channels = buildChannels(ctx, [createTelegramChannelFactory({ transformers: [fakeBotApi] }), ntfyChannelFactory, discordChannelFactory, slackChannelFactory]);
  const health = createHealthBook({ store: ctx.store, clock: systemClock });
  return [channelHealthRoutes(() => health.report(channels)), ...channels.flatMap((c) => (c.routes ? [c.routes()] : []))];
}

/** The agent-sessions routes, as main mounts them (no context: nothing runs). */
const sessionRoutes = (deps: HttpDeps) => createSessions({ gate: deps.gate, store: deps.gate.deps.store, config: deps.config, clock: systemClock, logger: silentLogger }).routes;

/** The app exactly as main builds it (native routes + extra groups + sessions + channels), without the docs routes. */
export const buildApp = (deps = buildDeps()) => createHttpApp(deps, [...extraRouteGroups(), sessionRoutes(deps), stepUpRoutesOf(deps), ...channelRoutes(deps)]);

/** The app with the docs routes mounted, as the lead registers them. */
export const buildAppWithDocs = (deps = buildDeps()) => createHttpApp(deps, [...extraRouteGroups(), sessionRoutes(deps), stepUpRoutesOf(deps), ...channelRoutes(deps), openapiRoutes(TEST_VERSION)]);

/** The step-up routes over the fixture's store (passkeys bound to a loopback origin). */
export const stepUpRoutesOf = (deps: HttpDeps) => stepUpRoutes(createStepUp({ store: deps.gate.deps.store, clock: systemClock, config: deps.config.step_up, origin: () => 'http://localhost:8787' }));

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

/** Calls the app in-process with a role's key (a string body is sent as it is, e.g. a form; anything else as JSON). */
export async function call(app: ReturnType<typeof buildApp>, role: KeyRole | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const h: Record<string, string> = { ...headers };
  if (role) h.authorization = `Bearer ${KEYS[role]}`;
  if (body !== undefined) h['content-type'] ??= 'application/json';
  const res = await app.request(path, { method, headers: h, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
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

/**
 * Endpoints registered with `app.all` that are real routes, not middleware, and the methods they
 * serve: /mcp is the MCP Streamable HTTP transport (POST, GET, DELETE; anything else gets 405).
 */
export const ALL_METHOD_ROUTES: Record<string, readonly string[]> = { '/mcp': ['POST', 'GET', 'DELETE'] };

/** `METHOD /path` for every route the app really registered (middleware and other `ALL` left out). */
export function registeredRoutes(app: ReturnType<typeof buildApp>): Set<string> {
  const out = new Set<string>();
  for (const r of app.routes) {
    if (r.method === 'ALL') {
      for (const m of ALL_METHOD_ROUTES[toOpenApiPath(r.path)] ?? []) out.add(`${m} ${toOpenApiPath(r.path)}`);
      continue;
    }
    out.add(`${r.method} ${toOpenApiPath(r.path)}`);
  }
  return out;
}
