// Sessions the gate sees: a request filed in a session moves it to "waiting for approval" (or
// "waiting for input" for a question) until nothing of it is pending any more; a hooked agent's
// reports (SessionStart, UserPromptSubmit, PreToolUse, Stop, Notification, SessionEnd) keep its
// row current, and "finished" / "needs input" become notices for the chat that watches it. Agent
// payloads are attacker-controlled: every field is bounded before it is stored.
import { newId, type Clock } from '../core/ids.js';
import type { Principal, RequestEvent } from '../core/types.js';
import type { Logger } from '../log.js';
import type { AgentSession, AgentSessionStatus, SessionEventInput, Store } from '../store/store.js';
import type { SessionBus } from './live.js';
import type { SessionState } from './state.js';
import { toolLine } from './transcript.js';

export interface TrackerDeps {
  store: Store;
  state: SessionState;
  bus: SessionBus;
  clock: Clock;
  logger: Logger;
}

const str = (v: unknown, max: number): string | null => (typeof v === 'string' && v.length > 0 ? v.slice(0, max) : null);
const WAITING: AgentSessionStatus[] = ['waiting_approval', 'waiting_input'];
const ACTIVITY_EVERY_MS = 5000;
const same = (s: AgentSession, change: Partial<AgentSession>): boolean => Object.entries(change).every(([k, v]) => s[k as keyof AgentSession] === v);

export type Tracker = ReturnType<typeof createTracker>;

export function createTracker(deps: TrackerDeps) {
  const { store, state, clock } = deps;

  const creating = new Map<string, Promise<AgentSession>>();

  /** The session of (agent, host session id); two reports arriving at once create one row. */
  function findOrCreate(agent: string, externalId: string, fields: { host: string | null; cwd: string | null; project: string | null }): Promise<AgentSession> {
    const key = `${agent}\n${externalId}`;
    const pending = creating.get(key);
    if (pending) return pending;
    const p = lookUp(agent, externalId, fields).finally(() => creating.delete(key));
    creating.set(key, p);
    return p;
  }

  async function lookUp(agent: string, externalId: string, fields: { host: string | null; cwd: string | null; project: string | null }): Promise<AgentSession> {
    const found = await state.find(agent, externalId);
    if (found) return found;
    const now = clock.now();
    return state.create({
      id: newId('ses', now), kind: 'hook', agent, context: null, host: fields.host, external_id: externalId, cwd: fields.cwd, project: fields.project,
      status: 'working', current_tool: null, chat_channel: null, chat_target: null, started_by: null, cost_usd: null, input_tokens: null, output_tokens: null,
      turns: 0, last_outcome: null, created_at: now, updated_at: now, ended_at: null,
    });
  }

  async function stillPending(agent: string, externalId: string): Promise<boolean> {
    const page = await store.listRequests({ order: 'queue', status: ['pending'], agent, limit: 1000 });
    return page.items.some((r) => r.session_id === externalId);
  }

  /** A gate event: a request of a session was filed or settled. */
  async function onRequest(e: RequestEvent): Promise<void> {
    const r = e.request;
    if (!r.session_id) return;
    if (e.type === 'request.created') {
      if (r.status !== 'pending') return;
      const host = typeof r.metadata?.host === 'string' ? r.metadata.host.slice(0, 40) : null;
      const s = await findOrCreate(r.agent, r.session_id, { host, cwd: r.cwd, project: r.project });
      const waiting: AgentSessionStatus = r.action_type === 'question' ? 'waiting_input' : 'waiting_approval';
      // The request's own card tells the approvers; the row says what the session waits for.
      await state.mutate(s.id, (x) => (x.status === 'ended' ? null : { ...x, status: waiting, current_tool: r.tool ?? x.current_tool, project: x.project ?? r.project }));
      return;
    }
    const s = await state.find(r.agent, r.session_id);
    if (!s || !WAITING.includes(s.status)) return;
    if (await stillPending(r.agent, r.session_id)) return;
    await state.mutate(s.id, (x) => (WAITING.includes(x.status) ? { ...x, status: 'working' } : null));
  }

  /** A hooked agent's report (any host whose payload carries hook_event_name and session_id). */
  async function onHook(principal: Principal, host: string, p: Record<string, unknown>): Promise<void> {
    const event = str(p.hook_event_name, 60);
    const externalId = str(p.session_id, 200);
    if (!event || !externalId) return;
    const s = await findOrCreate(principal.name, externalId, { host, cwd: str(p.cwd, 4096), project: null });
    const at = clock.now();
    const tool = str(p.tool_name, 200);
    let next: Partial<AgentSession> | null = null;
    let events: SessionEventInput[] = [];
    let notice: { kind: 'finished' | 'needs_input'; text: string } | null = null;
    switch (event) {
      case 'SessionStart':
        next = { status: 'idle', ended_at: null };
        events = [{ at, kind: 'status', text: `Session started (${str(p.source, 40) ?? 'startup'}).`, data: null }];
        break;
      case 'UserPromptSubmit':
        next = { status: 'working', turns: s.turns + 1 };
        events = [{ at, kind: 'prompt', text: str(p.prompt, 20_000) ?? '', data: { via: 'agent host' } }];
        break;
      case 'PreToolUse':
      case 'BeforeTool':
        next = { status: s.status === 'waiting_approval' ? s.status : 'working', current_tool: tool };
        if (tool && event === 'PreToolUse') events = [{ at, kind: 'tool', text: toolLine(tool, p.tool_input && typeof p.tool_input === 'object' && !Array.isArray(p.tool_input) ? (p.tool_input as Record<string, unknown>) : {}), data: { tool } }];
        break;
      case 'PostToolUse':
        next = { status: 'working', current_tool: null };
        break;
      case 'Notification': {
        const message = str(p.message, 2000) ?? 'The agent needs your attention.';
        // Claude Code's own permission dialog is waiting (a tool the hooks let through to it), or its prompt is idle.
        next = { status: p.notification_type === 'permission_prompt' ? 'waiting_approval' : 'waiting_input' };
        events = [{ at, kind: 'notice', text: message, data: { notification_type: str(p.notification_type, 60) } }];
        notice = { kind: 'needs_input', text: message };
        break;
      }
      case 'Stop':
      case 'AfterAgent':
        next = { status: 'idle', current_tool: null, last_outcome: 'completed' };
        events = [{ at, kind: 'result', text: 'Finished.', data: null }];
        notice = { kind: 'finished', text: 'The agent finished and waits for your next prompt.' };
        break;
      case 'SessionEnd':
        next = { status: 'ended', current_tool: null, ended_at: at };
        events = [{ at, kind: 'status', text: `Session ended (${str(p.reason, 60) ?? 'exit'}).`, data: null }];
        break;
      default:
        next = s.status === 'ended' || s.status === 'idle' ? { status: 'working' } : {};
    }
    const change = next;
    // A report that changes nothing but the time of last activity is written at most every few
    // seconds: a busy agent's stream of tool calls costs its hook one row write, not one each.
    const updated = (await state.mutate(s.id, (x) => (same(x, change) && clock.now() - x.updated_at < ACTIVITY_EVERY_MS ? null : { ...x, ...change }))) ?? s;
    if (events.length) await state.record(updated, events);
    if (notice) deps.bus.publish({ kind: 'notice', session: updated, notice: notice.kind, text: notice.text });
  }

  const guard = (what: string) => (err: unknown) => deps.logger.error(`sessions: tracking ${what} failed`, { err });
  return {
    onRequest: (e: RequestEvent) => void onRequest(e).catch(guard('a request event')),
    onHook: (principal: Principal, host: string, payload: Record<string, unknown>) => onHook(principal, host, payload).catch(guard('a hook report')),
  };
}
