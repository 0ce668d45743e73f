// Driving sessions from a chat, channel-neutral: a chat picks a context (`/context NAME`), then
// every plain message is a prompt to that context's session; `/new` ends the session and its
// grants, `/stop` interrupts the turn, `/resume` continues the last session, `/status` tells
// where things stand. A channel adapter (Telegram: src/channels/telegram/sessions.ts) passes in
// the sender's principal (it refuses and audits outsiders itself) and renders the replies; the
// output of a chat's sessions streams back through its ChatSurface (chat-stream.ts).
import { isGreenlightError } from '../core/errors.js';
import type { Principal } from '../core/types.js';
import type { Logger } from '../log.js';
import type { AgentSession, Store } from '../store/store.js';
import { clip } from '../text/clip.js';
import { TurnStream, type ChatSurface } from './chat-stream.js';
import type { SessionBus } from './live.js';
import type { ChatRef, SessionManager } from './manager.js';

interface ChatSelection {
  context: string | null;
  /** Per context: the chat's current session and the one before it (what /resume brings back). */
  current: Record<string, string>;
  previous: Record<string, string>;
}

export type ChatController = ReturnType<typeof createChatController>;

export interface ChatInput {
  surface: ChatSurface;
  target: string;
  principal: Principal;
  text: string;
}

const EMOJI = { tool: '🔧', error: '⚠️', result: '■' } as const;

const describe = (s: AgentSession): string => {
  const cost = s.cost_usd !== null ? ` · $${s.cost_usd.toFixed(4)}` : '';
  const tokens = s.input_tokens !== null ? ` · ${s.input_tokens + (s.output_tokens ?? 0)} tokens` : '';
  return `${s.id} (${s.status.replace('_', ' ')}${s.current_tool ? `, ${s.current_tool}` : ''}${cost}${tokens})`;
};

export function createChatController(deps: { manager: SessionManager; bus: SessionBus; store: Store; logger: Logger }) {
  const { manager, bus, store, logger } = deps;
  const key = (channel: string, target: string) => `sessions:chat:${channel}:${target}`;

  async function selection(channel: string, target: string): Promise<ChatSelection> {
    const raw = await store.getMeta(key(channel, target));
    try {
      const v = raw ? (JSON.parse(raw) as Partial<ChatSelection>) : {};
      return { context: typeof v.context === 'string' ? v.context : null, current: { ...(v.current ?? {}) }, previous: { ...(v.previous ?? {}) } };
    } catch {
      return { context: null, current: {}, previous: {} };
    }
  }
  const saveSelection = (channel: string, target: string, sel: ChatSelection) => store.setMeta(key(channel, target), JSON.stringify(sel));

  async function currentSession(sel: ChatSelection): Promise<AgentSession | null> {
    const id = sel.context ? sel.current[sel.context] : undefined;
    return id ? store.getAgentSession(id) : null;
  }

  const noContext = () => `Pick a context first: /context NAME. Contexts: ${manager.contexts().map((c) => c.name).join(', ') || 'none configured'}.`;

  async function command(input: ChatInput, chat: ChatRef, name: string, arg: string): Promise<string> {
    const { principal } = input;
    const sel = await selection(chat.channel, chat.target);
    switch (name) {
      case 'context': {
        if (!arg) {
          const list = manager.contexts().filter((c) => manager.mayDrive(principal, c, chat)).map((c) => `${c.name === sel.context ? '▶ ' : '  '}${c.name} — ${c.directory}${c.sandbox ? ' (sandboxed)' : ''}`);
          return list.length ? `Contexts you may drive here:\n${list.join('\n')}\n\nPick one: /context NAME` : 'There is no context you may drive from this chat.';
        }
        const context = manager.contexts().find((c) => c.name === arg);
        if (!context || !manager.mayDrive(principal, context, chat)) return `There is no context "${arg.slice(0, 100)}" you may drive from this chat. /context lists them.`;
        sel.context = context.name;
        await saveSelection(chat.channel, chat.target, sel);
        const s = await currentSession(sel);
        return `Context ${context.name} (${context.directory}). ${s ? `Your messages go to session ${describe(s)}.` : 'Your next message starts a session.'}`;
      }
      case 'new': {
        if (!sel.context) return noContext();
        const s = await currentSession(sel);
        let ended = '';
        if (s && s.status !== 'ended') {
          const r = await manager.end(principal, s.id, chat.channel, chat);
          ended = ` Session ${s.id} ended${r.grantsRevoked ? ` with its ${r.grantsRevoked} session grant${r.grantsRevoked === 1 ? '' : 's'}` : ''}.`;
        }
        if (s) sel.previous[sel.context] = s.id;
        delete sel.current[sel.context];
        await saveSelection(chat.channel, chat.target, sel);
        return `Fresh start in ${sel.context}.${ended} Your next message starts a new session.`;
      }
      case 'stop': {
        const s = await currentSession(sel);
        if (!s) return sel.context ? 'Nothing is running here.' : noContext();
        return (await manager.stop(principal, s.id, chat.channel, chat)) ? `Stopping ${s.id}…` : `Session ${s.id} is not working on anything.`;
      }
      case 'resume': {
        if (!sel.context) return noContext();
        const id = sel.current[sel.context] ?? sel.previous[sel.context];
        if (!id) return 'There is no earlier session here to resume. Send a message to start one.';
        sel.current[sel.context] = id;
        await saveSelection(chat.channel, chat.target, sel);
        const s = await manager.resume(principal, id, chat.channel, arg || null, chat);
        return arg ? `Continuing ${s.id}…` : `Resumed ${describe(s)}. Your next message continues it.`;
      }
      case 'status': {
        const s = await currentSession(sel);
        const running = (await store.listAgentSessions({ active: true, limit: 20 })).filter((x) => x.kind === 'run');
        const lines = [sel.context ? `Context: ${sel.context}` : noContext(), s ? `This chat's session: ${describe(s)}${s.last_outcome ? `, last turn ${s.last_outcome}` : ''}` : 'No session yet in this context.'];
        if (running.length) lines.push('', 'Active sessions:', ...running.map((x) => `• ${x.context}: ${describe(x)}`));
        return lines.join('\n');
      }
      default:
        return 'Commands: /context NAME, /new, /stop, /resume, /status.';
    }
  }

  async function prompt(input: ChatInput, chat: ChatRef): Promise<string | null> {
    const sel = await selection(chat.channel, chat.target);
    if (!sel.context) return noContext();
    const current = await currentSession(sel);
    const sessionId = current && current.context === sel.context && current.status !== 'ended' ? current.id : null;
    const s = await manager.prompt(input.principal, { context: sel.context, text: input.text, via: chat.channel, chat, sessionId });
    if (sel.current[sel.context] !== s.id) {
      sel.current[sel.context] = s.id;
      await saveSelection(chat.channel, chat.target, sel);
    }
    return null; // the output streams back
  }

  /** Streams the output of sessions bound to the surface's channel, and sends their notices. */
  function attach(surface: ChatSurface, fallbackTargets: (session: AgentSession) => string[]): () => void {
    const streams = new Map<string, TurnStream>();
    const onError = (err: unknown) => logger.warn(`sessions: sending to ${surface.channel} failed`, { err });
    return bus.subscribe((change) => {
      const s = change.session;
      const bound = s.chat_channel === surface.channel && s.chat_target ? s.chat_target : null;
      if (change.kind === 'notice') {
        const targets = bound ? [bound] : s.kind === 'hook' ? fallbackTargets(s) : [];
        const who = s.context ? `Context ${s.context}` : `Agent ${s.agent}`;
        for (const t of targets) void surface.send(t, clip(`${who}: ${change.text}`, surface.maxChars).text).catch(onError);
        return;
      }
      if (change.kind !== 'event' || !bound) return;
      const e = change.event;
      if (e.kind === 'prompt') {
        streams.set(s.id, new TurnStream(surface, bound, `${s.context ?? s.agent} · ${s.id}`, `${s.id}-${e.seq}.txt`, onError));
        return;
      }
      const stream = streams.get(s.id);
      if (!stream) return;
      if (e.kind === 'text') stream.add(e.text);
      else if (e.kind === 'tool') stream.add(`${EMOJI.tool} ${e.text}`);
      else if (e.kind === 'error') stream.add(`${EMOJI.error} ${e.text}`);
      else if (e.kind === 'result') {
        streams.delete(s.id);
        void stream.finish(`${EMOJI.result} ${e.text}`);
      }
    });
  }

  return {
    attach,
    /** Whether the chat picked a context (its plain messages are prompts then). */
    async hasContext(channel: string, target: string): Promise<boolean> {
      return (await selection(channel, target)).context !== null;
    },
    /** A message from an approver in a chat: a command or a prompt. Returns the reply (null: none). */
    async handle(input: ChatInput): Promise<string | null> {
      const chat = { channel: input.surface.channel, target: input.target };
      const m = /^\/([a-z]+)(?:@\w+)?(?:\s+([\s\S]*))?$/.exec(input.text.trim());
      try {
        return m ? await command(input, chat, m[1], (m[2] ?? '').trim()) : await prompt(input, chat);
      } catch (err) {
        if (isGreenlightError(err)) return err.message;
        logger.error('sessions: a chat message could not be handled', { err });
        return 'That failed on the server; it is logged. Try again, or use the dashboard.';
      }
    },
  };
}
