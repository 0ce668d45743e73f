// The sessions feature as the server wires it: the bus, the state, the manager (contexts), the
// tracker (every session the gate sees), the API routes, and the chat controller channels attach
// to. createSessions does no I/O; start() marks turns a restart cut off and begins tracking.
// On several instances (cluster), turns run where they started and the relay shows every change
// live on every instance (docs/sessions.md, "Several instances").
import { soleInstance, type InstanceParts } from '../cluster/cluster.js';
import type { Config } from '../config/schema.js';
import type { Gate } from '../core/gate.js';
import type { Clock } from '../core/ids.js';
import type { Principal } from '../core/types.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { createChatController, type ChatController } from './chat.js';
import { createClaudeRunner } from './claude-runner.js';
import { createSessionBus, type SessionBus } from './live.js';
import { createSessionManager, type SessionManager } from './manager.js';
import { createSessionRelay } from './relay.js';
import { sessionRoutes } from './routes.js';
import type { SessionRunner } from './runner.js';
import { createSessionState } from './state.js';
import { createTracker } from './tracker.js';

export interface SessionsDeps {
  gate: Gate;
  store: Store;
  config: Config;
  clock: Clock;
  logger: Logger;
  /** Several instances (default: this one alone). */
  cluster?: InstanceParts;
  /** Replaces the Claude Code runner (tests). */
  runner?: SessionRunner;
}

export interface Sessions {
  bus: SessionBus;
  manager: SessionManager;
  chat: ChatController;
  /** A hooked agent's report (the hook endpoint calls it for every payload it authenticates). */
  onHook(principal: Principal, host: string, payload: Record<string, unknown>): Promise<void>;
  routes: ReturnType<typeof sessionRoutes>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export function createSessions(deps: SessionsDeps): Sessions {
  const { gate, store, config, clock, logger } = deps;
  const cluster = deps.cluster ?? soleInstance();
  const bus = createSessionBus((err) => logger.error('sessions: a listener failed', { err }));
  const state = createSessionState({ store, bus, clock, logger, maxEvents: config.sessions.max_transcript_events, maxEventChars: config.sessions.max_event_chars, alone: cluster.alone });
  let runner: SessionRunner | null = deps.runner ?? null;
  const manager = createSessionManager({ gate, store, config, clock, logger, bus, state, cluster, runner: () => (runner ??= createClaudeRunner({ executable: config.sessions.claude_path })) });
  const relay = createSessionRelay({ cluster, store, bus, logger });
  const tracker = createTracker({ store, state, bus, clock, logger });
  const chat = createChatController({ manager, bus, store, logger });
  let unsubscribe: (() => void) | null = null;
  return {
    bus,
    manager,
    chat,
    onHook: (principal, host, payload) => tracker.onHook(principal, host, payload),
    routes: sessionRoutes({ manager, bus, store }),
    async start() {
      // Only this instance's own request events: on several instances, each change is tracked once.
      unsubscribe = gate.deps.events.subscribeOwn((e) => tracker.onRequest(e));
      relay.start();
      const cut = await manager.start();
      if (cut) logger.warn('sessions: turns cut off by the restart were marked; resume them to continue', { count: cut });
    },
    async close() {
      unsubscribe?.();
      await manager.close();
      await relay.close();
    },
  };
}
