// The session manager: runs the agent sessions of `contexts` (one turn at a time per session,
// through a SessionRunner), keeps each session's state and transcript in the store, and says what
// happens on the session bus. Every entry point (chat, dashboard, API) goes through it, so the
// rules hold everywhere: only the approvers a context names may drive it, everything is audited,
// and the bounds (concurrent turns, turn time, cost, transcript size) are enforced here.
// A turn runs on the instance that started it (turn-lease.ts); on several instances, a stop for
// a turn running elsewhere reaches it as a cluster signal, and a turn cut off by a shutdown or a
// crash is marked as such, never left "working".
import type { InstanceParts } from '../cluster/cluster.js';
import type { Config, ContextConfig } from '../config/schema.js';
import { GreenlightError, notFound } from '../core/errors.js';
import type { Gate } from '../core/gate.js';
import { newId, type Clock } from '../core/ids.js';
import type { Principal } from '../core/types.js';
import type { Logger } from '../log.js';
import type { AgentSession, SessionEvent, SessionEventInput, Store } from '../store/store.js';
import type { SessionBus, SessionNoticeKind } from './live.js';
import type { SessionState } from './state.js';
import type { RunnerEvent, RunningTurn, SessionRunner, TurnOutcome } from './runner.js';
import { contextAgent } from '../config/contexts.js';
import { authorizeTool } from './tool-gate.js';
import { createTurnLeases } from './turn-lease.js';
import { CUT_OFF, eventFromRunner, turnEndText } from './transcript.js';

export const MAX_PROMPT_CHARS = 20_000;

/** A chat that drives a session: its output and notifications go there. */
export interface ChatRef {
  channel: string;
  target: string;
}

export interface SessionManagerDeps {
  gate: Gate;
  store: Store;
  config: Config;
  clock: Clock;
  logger: Logger;
  bus: SessionBus;
  state: SessionState;
  /** The runner, created on first use (the Agent SDK loads only then). */
  runner: () => SessionRunner;
  cluster: InstanceParts;
}

export interface PromptInput {
  context: string;
  text: string;
  via: string;
  chat?: ChatRef | null;
  /** Continue this session (else a new one). */
  sessionId?: string | null;
}

interface Running {
  turn: RunningTurn;
  timer: NodeJS.Timeout;
  timedOut: boolean;
  /** Settles once the turn's end is recorded. */
  ended: Promise<void>;
}

const STOP_TOPIC = 'session.stop';
const ACTIVE: AgentSession['status'][] = ['working', 'waiting_approval', 'waiting_input'];

export type SessionManager = ReturnType<typeof createSessionManager>;

export function createSessionManager(deps: SessionManagerDeps) {
  const { store, config, clock, logger, bus } = deps;
  const limits = config.sessions;
  const running = new Map<string, Running>();
  /** Sessions whose turn is being set up (between the checks and `running`). */
  const starting = new Set<string>();
  const leases = createTurnLeases({ store, cluster: deps.cluster, clock, maxTurnSec: limits.max_turn_sec });
  /** Set by close(): turns interrupted from then on were cut off by the shutdown. */
  let shuttingDown = false;
  let unsubscribe: (() => void) | null = null;

  const contextNamed = (name: string): ContextConfig => {
    const c = config.contexts.find((x) => x.name === name);
    if (!c) throw new GreenlightError('NOT_FOUND', `There is no context "${name.slice(0, 100)}". Contexts: ${config.contexts.map((x) => x.name).join(', ') || 'none (add one under contexts[])'}.`);
    return c;
  };

  /** Whether `principal` may drive `context` (from `chat`, when one is given). */
  function mayDrive(principal: Principal, context: ContextConfig, chat?: ChatRef | null): boolean {
    if (principal.role !== 'approver') return false;
    if (context.approvers.length && !context.approvers.includes(principal.name)) return false;
    if (chat && context.chats.length && !context.chats.some((c) => c.channel === chat.channel && c.target === chat.target)) return false;
    return true;
  }

  async function assertMayDrive(principal: Principal, context: ContextConfig, via: string, chat?: ChatRef | null): Promise<void> {
    if (mayDrive(principal, context, chat)) return;
    await audit(principal, 'session.refused', null, via, { context: context.name, chat: chat ?? null, role: principal.role });
    throw new GreenlightError('CONTEXT_NOT_ALLOWED', `${principal.name} may not drive context "${context.name}"${chat && context.chats.length ? ` from this chat` : ''}: only ${context.approvers.length ? `the approvers ${context.approvers.join(', ')}` : 'approvers'}${context.chats.length ? ' in its configured chats' : ''} may. An admin can add you under contexts[].approvers.`);
  }

  const audit = (principal: Principal | { role: 'system'; name: string }, action: string, session: AgentSession | null, via: string, detail: Record<string, unknown>) =>
    deps.gate.record({ kind: principal.role, name: principal.name }, action, { ...(session ? { session_id: session.id, context: session.context } : {}), ...detail }, via);

  const { state } = deps;
  const record = (session: AgentSession, events: SessionEventInput[]): Promise<SessionEvent[]> => state.record(session, events);
  /** Replaces the stored row with `next` (in turn with every other change of the session). */
  const save = async (next: AgentSession): Promise<AgentSession> => (await state.mutate(next.id, () => next)) ?? next;

  function notice(session: AgentSession, kind: SessionNoticeKind, text: string): void {
    bus.publish({ kind: 'notice', session, notice: kind, text });
  }

  async function get(id: string): Promise<AgentSession> {
    const s = await store.getAgentSession(id);
    if (!s) throw notFound('Agent session', id);
    return s;
  }

  function newSession(context: ContextConfig, principal: Principal, chat: ChatRef | null | undefined): AgentSession {
    const now = clock.now();
    return {
      id: newId('ses', now),
      kind: 'run',
      agent: contextAgent(context.name),
      context: context.name,
      host: 'claude-code',
      external_id: null,
      cwd: context.directory,
      project: context.project,
      status: 'idle',
      current_tool: null,
      chat_channel: chat?.channel ?? null,
      chat_target: chat?.target ?? null,
      started_by: principal.name,
      cost_usd: null,
      input_tokens: null,
      output_tokens: null,
      turns: 0,
      last_outcome: null,
      created_at: now,
      updated_at: now,
      ended_at: null,
    };
  }

  /** The environment Claude Code gets: the server's, without Greenlight's own settings and secrets. */
  function agentEnv(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.toUpperCase().startsWith('GREENLIGHT_')) env[k] = v;
    return { ...env, ...limits.env };
  }

  const busy = (id: string, where: string) =>
    new GreenlightError('SESSION_BUSY', `Session ${id} is still working on its last prompt${where}. Stop it first (/stop, or Stop on the dashboard), or wait until it is idle.`);

  /** Interrupts the session's turn wherever it runs; false when none runs. */
  async function interrupt(id: string): Promise<boolean> {
    const here = running.get(id);
    if (here) {
      await here.turn.interrupt();
      return true;
    }
    const holder = await leases.holder(id);
    if (holder === null || holder === leases.self) return false;
    await deps.cluster.signal(STOP_TOPIC, { id });
    return true;
  }

  /** Ends a turn that no longer runs anywhere: the row says so, the transcript and the chat hear why. */
  async function markCutOff(id: string, text: string): Promise<boolean> {
    let cut = false;
    const saved = await state.mutate(id, (s) => (ACTIVE.includes(s.status) ? ((cut = true), { ...s, status: 'idle', current_tool: null, last_outcome: 'restarted' }) : null));
    if (!saved || !cut) return false;
    await record(saved, [{ at: clock.now(), kind: 'result', text, data: { outcome: 'restarted' } }]);
    notice(saved, 'interrupted', text);
    return true;
  }

  function assertRoomForATurn(): void {
    if (running.size + starting.size >= limits.max_concurrent) throw new GreenlightError('SESSION_LIMIT', `${running.size} agent sessions are working already (sessions.max_concurrent is ${limits.max_concurrent}). Wait for one to finish or stop one.`);
  }

  /** Starts one turn of `session` with `text`; returns at once (the turn runs on). */
  async function startTurn(session: AgentSession, context: ContextConfig, text: string, principal: Principal, via: string): Promise<AgentSession> {
    if (running.has(session.id) || starting.has(session.id)) throw busy(session.id, '');
    assertRoomForATurn();
    const spent = session.cost_usd ?? 0;
    if (spent >= limits.max_cost_usd) throw new GreenlightError('SESSION_BUDGET_SPENT', `Session ${session.id} has cost $${spent.toFixed(2)}, the most one session may (sessions.max_cost_usd = ${limits.max_cost_usd}). Start a new session (/new).`);
    starting.add(session.id);
    try {
      if (!(await leases.claim(session.id))) throw busy(session.id, ' on another Greenlight instance');
      try {
        return await launchTurn(session, context, text, principal, via, spent);
      } catch (err) {
        await leases.release(session.id).catch(() => undefined);
        throw err;
      }
    } finally {
      starting.delete(session.id);
    }
  }

  /** With the session's lease held: records the prompt and starts the runner. */
  async function launchTurn(session: AgentSession, context: ContextConfig, text: string, principal: Principal, via: string, spent: number): Promise<AgentSession> {
    let current: AgentSession = await save({ ...session, status: 'working', current_tool: null, ended_at: null, turns: session.turns + 1 });
    await record(current, [{ at: clock.now(), kind: 'prompt', text, data: { by: principal.name, via } }]);
    await audit(principal, 'session.prompted', current, via, { prompt: text.slice(0, 2000), prompt_chars: text.length, resume: session.external_id });

    // Events arrive while the turn runs; state applies them one after another.
    const update = async (fn: (s: AgentSession) => AgentSession | null, events: SessionEventInput[] = []) => {
      try {
        current = (await state.mutate(current.id, fn)) ?? current;
        if (events.length) await record(current, events);
      } catch (err) {
        logger.error('sessions: recording a session event failed', { session_id: current.id, err });
      }
    };
    let externalId = session.external_id;
    const onEvent = (e: RunnerEvent) => {
      const event = eventFromRunner(e, clock.now());
      if (e.type === 'session') {
        externalId = e.externalId; // at once: the first tool call may come before the row is written
        return void update((s) => ({ ...s, external_id: e.externalId }), []);
      }
      if (e.type === 'usage') return void update((s) => ({ ...s, cost_usd: e.costUsd ?? s.cost_usd, input_tokens: e.inputTokens ?? s.input_tokens, output_tokens: e.outputTokens ?? s.output_tokens }), []);
      if (e.type === 'tool') return void update((s) => ({ ...s, current_tool: e.tool }), event ? [event] : []);
      if (e.type === 'tool_result') return void update((s) => ({ ...s, current_tool: null }), event ? [event] : []);
      if (event) void update(() => null, [event]);
    };

    const turn = deps.runner().runTurn(
      {
        prompt: text,
        resume: session.external_id,
        cwd: context.directory,
        additionalDirectories: context.additional_directories,
        model: context.model,
        sandbox: { enabled: context.sandbox, allowedDomains: context.sandbox_allowed_domains },
        env: agentEnv(),
        maxBudgetUsd: Math.max(0.01, limits.max_cost_usd - spent),
        authorize: (call) => authorizeTool({ gate: deps.gate, context, sessionId: () => externalId, waitSec: config.requests.max_wait_sec }, call),
      },
      onEvent,
    );
    const timer = setTimeout(() => {
      entry.timedOut = true;
      void turn.interrupt();
    }, limits.max_turn_sec * 1000);
    timer.unref?.();
    const ended = turn.done
      .catch((err: unknown): TurnOutcome => {
        logger.error('sessions: the runner failed', { session_id: session.id, err });
        return 'failed';
      })
      .then(async (outcome) => {
        clearTimeout(entry.timer);
        const final = entry.timedOut ? 'timed_out' : shuttingDown ? 'restarted' : outcome;
        const text = turnEndText(final, limits.max_turn_sec);
        await update((s) => ({ ...s, status: s.status === 'ended' ? 'ended' : 'idle', current_tool: null, last_outcome: final }), [{ at: clock.now(), kind: 'result', text, data: { outcome: final } }]);
        running.delete(session.id);
        await leases.release(session.id).catch((err: unknown) => logger.warn('sessions: releasing a turn lease failed (it expires on its own)', { session_id: session.id, err }));
        notice(current, final === 'completed' ? 'finished' : final === 'stopped' || final === 'restarted' ? 'interrupted' : 'failed', text);
      });
    const entry: Running = { turn, timer, timedOut: false, ended };
    running.set(session.id, entry);
    return current;
  }

  return {
    contexts: () => config.contexts,
    contextNamed,
    mayDrive,
    /** Whether the session's turn runs on this instance. */
    isRunning: (id: string) => running.has(id),
    /** Whether the session's turn runs on any instance. */
    runsAnywhere: async (id: string) => running.has(id) || (await leases.holder(id)) !== null,
    get,

    /** Sends a prompt: to `sessionId`, else a new session of the context. */
    async prompt(principal: Principal, input: PromptInput): Promise<AgentSession> {
      const context = contextNamed(input.context);
      await assertMayDrive(principal, context, input.via, input.chat);
      const text = input.text.trim();
      if (!text) throw new GreenlightError('VALIDATION_FAILED', 'The prompt is empty.');
      if (text.length > MAX_PROMPT_CHARS) throw new GreenlightError('VALIDATION_FAILED', `The prompt is ${text.length} characters; at most ${MAX_PROMPT_CHARS} are taken.`);
      let session: AgentSession;
      if (input.sessionId) {
        session = await get(input.sessionId);
        if (session.kind !== 'run' || session.context !== context.name) throw new GreenlightError('VALIDATION_FAILED', `Session ${session.id} is not a session of context ${context.name}.`);
        if (session.status === 'ended') session = { ...session, status: 'idle', ended_at: null };
      } else {
        // Refused before a session row exists, so a refusal leaves nothing behind.
        assertRoomForATurn();
        session = await state.create(newSession(context, principal, input.chat));
        await audit(principal, 'session.started', session, input.via, { chat: input.chat ?? null });
      }
      if (input.chat && (session.chat_channel !== input.chat.channel || session.chat_target !== input.chat.target)) session = { ...session, chat_channel: input.chat.channel, chat_target: input.chat.target };
      return startTurn(session, context, text, principal, input.via);
    },

    /** Continues a session: with `text`, its next prompt; without, it is reopened (if ended) for the next one. */
    async resume(principal: Principal, id: string, via: string, text: string | null, chat?: ChatRef | null): Promise<AgentSession> {
      const session = await get(id);
      if (session.kind !== 'run' || !session.context) throw new GreenlightError('VALIDATION_FAILED', `Session ${id} is a hooked agent's; resume it where it runs.`);
      if (text !== null) return this.prompt(principal, { context: session.context, text, via, sessionId: id, chat });
      await assertMayDrive(principal, contextNamed(session.context), via, chat);
      await audit(principal, 'session.resumed', session, via, { external_id: session.external_id });
      const reopened = session.status === 'ended' ? await save({ ...session, status: 'idle', ended_at: null, ...(chat ? { chat_channel: chat.channel, chat_target: chat.target } : {}) }) : session;
      await record(reopened, [{ at: clock.now(), kind: 'status', text: `Resumed by ${principal.name}${session.external_id ? ` (Claude Code session ${session.external_id})` : ''}.`, data: null }]);
      return reopened;
    },

    /** Interrupts the running turn of a session. False when nothing was running. */
    async stop(principal: Principal, id: string, via: string, chat?: ChatRef | null): Promise<boolean> {
      const session = await get(id);
      if (session.kind !== 'run' || !session.context) throw new GreenlightError('VALIDATION_FAILED', `Session ${id} is a hooked agent's; Greenlight can only stop the sessions it runs.`);
      await assertMayDrive(principal, contextNamed(session.context), via, chat);
      if (!running.has(id) && (await leases.holder(id)) === null) return false;
      await audit(principal, 'session.stopped', session, via, {});
      return interrupt(id);
    },

    /** Ends a session: stops its turn, ends its session grants; it can be resumed later. */
    async end(principal: Principal, id: string, via: string, chat?: ChatRef | null): Promise<{ session: AgentSession; grantsRevoked: number }> {
      let session = await get(id);
      if (session.kind !== 'run' || !session.context) throw new GreenlightError('VALIDATION_FAILED', `Session ${id} is a hooked agent's; end it with POST /v1/sessions/{id}/end.`);
      await assertMayDrive(principal, contextNamed(session.context), via, chat);
      await interrupt(id);
      const now = clock.now();
      let grantsRevoked = 0;
      if (session.external_id) {
        grantsRevoked = await store.revokeSessionGrants(session.agent, session.external_id, now, {
          audit: [{ at: now, actor_kind: principal.role, actor_name: principal.name, action: 'grants.session_cleared', request_id: null, via, detail: { agent: session.agent, session_id: session.external_id } }],
          outbox: [],
        });
      }
      session = (await state.mutate(id, (s) => ({ ...s, status: 'ended', current_tool: null, ended_at: now }))) ?? session;
      await audit(principal, 'session.ended', session, via, { grants_revoked: grantsRevoked });
      await record(session, [{ at: now, kind: 'status', text: `Session ended by ${principal.name}${grantsRevoked ? `; ${grantsRevoked} session grant${grantsRevoked === 1 ? '' : 's'} ended` : ''}.`, data: null }]);
      return { session, grantsRevoked };
    },

    /**
     * Starts hearing stop requests from other instances; marks turns whose instance is gone (a
     * restart, a crash) and prunes old sessions. Returns how many turns it marked.
     */
    async start(): Promise<number> {
      unsubscribe = deps.cluster.onSignal(STOP_TOPIC, (p) => {
        const here = typeof p.id === 'string' ? running.get(p.id) : undefined;
        if (here) void here.turn.interrupt().catch((err: unknown) => logger.warn('sessions: a stop from another instance failed', { err }));
      });
      let cut = 0;
      for (const s of await store.listAgentSessions({ status: ACTIVE, kind: 'run', limit: 1000 })) {
        if (running.has(s.id) || starting.has(s.id) || (await leases.holder(s.id)) !== null) continue;
        if (await markCutOff(s.id, CUT_OFF.found)) cut++;
      }
      if (limits.keep_days > 0) await store.pruneAgentSessions(clock.now() - limits.keep_days * 86_400_000);
      return cut;
    },

    /** Server shutdown: interrupts every turn running here and waits until each is marked cut off; the sessions can be resumed. */
    async close(): Promise<void> {
      unsubscribe?.();
      shuttingDown = true;
      const turns = [...running.values()];
      await Promise.all(turns.map((r) => r.turn.interrupt().catch(() => undefined)));
      await Promise.all(turns.map((r) => r.ended));
    },
  };
}
