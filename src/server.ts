// Wiring: config → store → gate → delivery → HTTP listener. `greenlight serve` calls startServer.
import { setMaxListeners } from 'node:events';
import type { ServerType } from '@hono/node-server';
import { createKeyring } from './auth/keyring.js';
import type { Config } from './config/schema.js';
import { createGate, type Gate, type GateDeps, type PolicyOutcome } from './core/gate.js';
import type { ApprovalRequest } from './core/types.js';
import type { EventBus } from './core/events.js';
import { createLocalCluster, type Cluster } from './cluster/cluster.js';
import { createPostgresCluster } from './store/postgres/pg-cluster.js';
import { PostgresStore } from './store/postgres/pg-store.js';
import { systemClock, type Clock } from './core/ids.js';
import { createHttpApp, type RouteGroup } from './http/app.js';
import { createMetrics, type Metrics } from './http/metrics.js';
import { createLogger, type Logger } from './log.js';
import { ensureFirstAdmin, type FirstRunKey } from './first-run.js';
import { createExpiryScheduler } from './expiry-scheduler.js';
import { describeStore, openStore } from './store/open.js';
import { StartupError } from './startup-error.js';
import { closeListener, listen, within } from './listener.js';
import { ConfigError } from './config/load.js';
import type { Store } from './store/store.js';
import { createDelivery, type DeliveryWiring } from './delivery-wiring.js';
import type { Channel, ChannelFactory } from './channels/channel.js';
import { buildChannels, createChannelContext, loadChannelFactories } from './channels/registry.js';
import { extraRouteGroups } from './http/route-groups.js';
import { channelRoutes } from './http/routes/channels.js';
import { createHealthBook } from './channels/health.js';
import { measuredGate, registerServerMetrics } from './metrics-wiring.js';
import { currentTrace, traced } from './trace.js';
import { createSecretMasker } from './secrets/masker.js';
import { createMaskingAudit } from './secrets/audit.js';
import { VERSION } from './version.js';
import { cli } from './invocation.js';
import { createPolicyService } from './policy-service.js';
import { createStepUp } from './step-up/service.js';
import { stepUpRoutes } from './step-up/routes.js';
import { DIGEST_KIND } from './insights/digest.js';
import { checkDigestChannel, createDigestScheduler, digestSender } from './insights/digest-scheduler.js';
import { createInsights } from './insights/service.js';
import { createSessions, type Sessions } from './sessions/service.js';
import type { SessionRunner } from './sessions/runner.js';
import { createWorkflowPlanner, workflowSettings } from './workflows/planner.js';
import { loadSigningKey, recordSigningKey } from './receipts/signing-key.js';

export interface ServerOptions {
  clock?: Clock;
  logger?: Logger;
  /** Use this store instead of opening the configured one (tests). It is migrated already. */
  store?: Store;
  /** Print the first-run admin key (serve does; tests read it from the result). */
  onFirstRunKey?: (key: FirstRunKey, url: string) => void;
  /** Replaces the configured policy (tests). */
  policy?: (request: ApprovalRequest) => Promise<PolicyOutcome | null> | PolicyOutcome | null;
  /** Channel factories to use instead of the built-in ones (tests). */
  channels?: ChannelFactory[];
  /** The config file the config came from (the policy protects it from agents). */
  configFile?: string | null;
  /** Runs context sessions instead of Claude Code through the Agent SDK (tests). */
  sessionRunner?: SessionRunner;
}

export interface RunningServer {
  url: string;
  port: number;
  gate: Gate;
  store: Store;
  events: EventBus;
  cluster: Cluster;
  metrics: Metrics;
  channels: Channel[];
  sessions: Sessions;
  firstRunKey: FirstRunKey | null;
  /**
   * Graceful shutdown: stops accepting, answers every waiter (503 SHUTTING_DOWN with Retry-After;
   * event streams get a `shutdown` event), hands leader work to another instance, lets answers and
   * outbox sends under way finish within `graceMs` (default server.shutdown_grace_sec), stops the
   * channels, closes the store.
   */
  close(graceMs?: number): Promise<void>;
}

export { openStore, sqlitePathOf } from './store/open.js';

/** Several instances on Postgres, or one on its own. */
function clusterFor(store: Store, logger: Logger): Cluster {
  if (store instanceof PostgresStore) return createPostgresCluster({ store, url: store.url, logger });
  return createLocalCluster({ logger, ping: () => store.getMeta('ready') });
}

export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.log.level, config.log.format);
  const store = options.store ?? (await openStore(config));
  try {
    return await startOn(store, config, options, clock, logger);
  } catch (err) {
    if (!options.store) await store.close().catch(() => {});
    throw err;
  }
}

async function startOn(store: Store, config: Config, options: ServerOptions, clock: Clock, logger: Logger): Promise<RunningServer> {
  const metrics = createMetrics();
  const cluster = clusterFor(store, logger);
  const events = cluster.events;
  // Aborted by close(): the gate files nothing new and answers every waiter; streams end; /ready says draining.
  const closing = new AbortController();
  setMaxListeners(0, closing.signal); // every waiter listens on it: thousands are normal, not a leak

  // The gate, channels and delivery refer to each other: the gate plans outbox items with the
  // channels, channels decide through the gate, the worker sends with the channels' senders.
  const policy = await createPolicyService({ config, configFile: options.configFile ?? null, store, logger, now: () => clock.now() });
  const stepUp = createStepUp({ store, clock, config: config.step_up, origin: () => publicUrl() });
  let channels: Channel[] = [];
  let delivery: DeliveryWiring | null = null;
  const routing = { projects: config.projects, approvers: config.approvers };
  // The receipt key: from the config or the data dir, and the one the store records (or refused).
  const receipts = loadSigningKey(config).signer;
  await recordSigningKey(store, receipts, clock.now());
  const gateDeps: GateDeps = {
    store,
    events,
    clock,
    routing,
    defaults: {
      defaultExpiresSec: config.requests.default_expires_in_sec,
      maxExpiresSec: config.requests.max_expires_in_sec,
      allowApproveOnTimeout: config.requests.allow_approve_on_timeout,
      maxWaitSec: config.requests.max_wait_sec,
    },
    policy: options.policy ?? ((request, o) => policy.evaluateRequest(request, o)),
    onGrants: (grants, source) => void policy.resolveCovered(gate, grants, source).catch((err) => logger.error('resolving requests covered by a grant failed', { err })),
    deliveries: (event) => traced([...(delivery?.plan(event) ?? []), ...channels.flatMap((c) => c.plan(event))]),
    trace: currentTrace,
    destinations: (request) => channels.flatMap((c) => (c.destinations?.(request) ?? []).map((target) => ({ channel: c.name, target }))),
    checkCallbackUrl: (url) => (delivery ? delivery.checkUrl(url) : 'delivery is not ready'),
    onOutbox: () => delivery?.nudge(),
    closing: closing.signal,
    // Always there: ladders stored by an earlier config keep moving even if workflows[] is now empty.
    workflows: createWorkflowPlanner(workflowSettings(config), store),
    receipts,
    stepUp: (principal, request, proof, via) => stepUp.verify(principal, request, proof, via),
  };
  const gate = measuredGate(createGate(gateDeps), metrics);
  const keyring = createKeyring(config, store);
  const publicUrl = () => config.server.public_url ?? boundUrl;
  let boundUrl = `http://${config.server.host}:${config.server.port}`;
  const sessions = createSessions({ gate, store, config, clock, logger, cluster, runner: options.sessionRunner });
  const secrets = createSecretMasker(config.secrets);
  const masking = createMaskingAudit({ store, clock, logger, masker: secrets });
  channels = buildChannels(createChannelContext({ gate, store, config, clock, logger, metrics, publicUrl, leader: cluster.leader, sessions, secrets, stepUpEnrolled: async (name) => (await stepUp.totp.state(name)).state === 'enrolled' }), options.channels ?? (await loadChannelFactories(config)));
  const health = createHealthBook({ store, clock });
  checkDigestChannel(config, channels);
  delivery = await createDelivery({ config, store, clock, logger, metrics, version: VERSION, secrets, onMasked: (item, report) => masking.record(item.request_id ?? '', item.kind, report), senders: { ...Object.fromEntries(channels.map((c) => [c.name, masking.wrap(c.name, health.counted(c))])), [DIGEST_KIND]: digestSender(() => channels, secrets) } });
  const digest = createDigestScheduler({ config, store, insights: createInsights({ store, config, policy, clock }), clock, logger, publicUrl, nudge: () => delivery?.nudge() });
  cluster.leader.register({ name: 'insights digest', start: () => digest.start(), stop: () => digest.stop() });
  const expiry = createExpiryScheduler({ gate, store, clock, events, logger });
  cluster.leader.register({ name: 'expiry sweeper', start: () => expiry.start(), stop: () => expiry.stop() });
  const stopRemoteOutbox = cluster.onRemoteOutbox(() => delivery?.nudge());

  const stopMetrics = registerServerMetrics({ metrics, store, events, cluster, health, channels: () => channels, clock, logger });

  const extra: RouteGroup[] = [...extraRouteGroups(), sessions.routes, stepUpRoutes(stepUp), channelRoutes(() => health.report(channels)), ...channels.flatMap((c) => (c.routes ? [c.routes()] : []))];
  const ready = async () => {
    const r = await cluster.readiness();
    const checks = {
      store: r.store ? 'ok' : 'the store does not answer',
      migrations: r.migrations ? 'ok' : `the database schema is not this version's: run ${cli('db migrate')} (or upgrade this instance)`,
      events: r.events ? 'ok' : closing.signal.aborted ? 'closed (shutting down)' : 'not listening for other instances\' events (reconnecting)',
      draining: closing.signal.aborted ? 'shutting down' : 'ok',
    };
    return { ready: Object.values(checks).every((v) => v === 'ok'), checks };
  };
  const app = createHttpApp({ gate, keyring, config, metrics, logger, version: VERSION, policy, sessions, ready, limits: cluster.limits }, extra);

  const server: ServerType = await listen(app.fetch, config.server.host, config.server.port);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  boundUrl = url;

  // Stop accepting and answer every waiter; let answers and sends under way finish until the
  // grace period ends; then stop the channels, leave the cluster and close the store.
  let closed: Promise<void> | null = null;
  const close = (graceMs = config.server.shutdown_grace_sec * 1000): Promise<void> =>
    (closed ??= (async () => {
      const deadline = Date.now() + graceMs;
      closing.abort();
      stopRemoteOutbox();
      stopMetrics();
      // Turns of agent sessions running here are interrupted and marked cut off, as a restart would.
      const sessionsStopped = within(sessions.close().catch((err: unknown) => logger.warn('shutdown: stopping agent sessions failed', { err })), Math.max(deadline, Date.now() + 1000));
      // Hand the leader's work (polling, the expiry sweeper) on at once rather than after the
      // drain: it stops here and the leader lock is released, so another instance takes over
      // while this one finishes its answers and sends.
      const handover = within(cluster.close().catch((err: unknown) => logger.warn('shutdown: leaving the cluster failed', { err })), Math.max(deadline, Date.now() + 1000));
      if (!(await closeListener(server, deadline))) logger.warn('shutdown: connections still open when the grace period ended were cut', { grace_sec: graceMs / 1000 });
      if (delivery && !(await within(delivery.stop(), deadline))) logger.warn('shutdown: outbox sends still under way when the grace period ended; they are retried on the next start', { grace_sec: graceMs / 1000 });
      for (const c of channels) {
        if (c.stop && !(await within(c.stop().catch((err: unknown) => logger.warn('channel stop failed', { channel: c.name, err })), Math.max(deadline, Date.now() + 1000)))) {
          logger.warn('shutdown: a channel did not stop in time', { channel: c.name });
        }
      }
      if (!(await handover)) logger.warn('shutdown: leader work did not stop in time');
      if (!(await sessionsStopped)) logger.warn('shutdown: agent session turns did not stop in time; the next start marks them cut off');
      if (!options.store) await store.close();
    })());

  try {
    // Only once the port is open: a key created for a server that failed to start would never be shown.
    const firstRunKey = await ensureFirstAdmin(config, store, clock);
    delivery.start();
    await sessions.start();
    for (const c of channels) {
      try {
        await c.start?.();
      } catch (err) {
        throw err instanceof ConfigError || err instanceof StartupError ? err : new StartupError(`the ${c.name} channel did not start: ${(err as Error)?.message ?? String(err)}`, { cause: err });
      }
    }
    // Leader work (the expiry sweeper, polling channels) starts here: at once on one instance, on
    // Postgres once this instance holds the leader lock.
    await cluster.start();
    if (firstRunKey) options.onFirstRunKey?.(firstRunKey, config.server.public_url ?? url);
    logger.info('greenlight listening', { url, store: options.store ? 'custom' : describeStore(config) });
    return { url, port, gate, store, events, cluster, metrics, channels, sessions, firstRunKey, close };
  } catch (err) {
    await close(0);
    throw err;
  }
}
