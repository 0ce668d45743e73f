// Agent sessions and transcripts for the in-memory store: the same behaviour as the SQLite tables
// (src/store/contract/sessions-contract.ts), values copied in and out as JSON.
import { jsonCopy } from '../adapter-kit.js';
import type { AgentSession, AgentSessionStatus, SessionEvent, SessionEventInput } from '../store.js';

export class MemorySessions {
  readonly #sessions = new Map<string, AgentSession>();
  readonly #events = new Map<string, SessionEvent[]>();
  readonly #lastSeq = new Map<string, number>();

  save(session: AgentSession): void {
    this.#sessions.set(session.id, jsonCopy(session));
  }

  has(id: string): boolean {
    return this.#sessions.has(id);
  }

  get(id: string): AgentSession | null {
    const s = this.#sessions.get(id);
    return s ? jsonCopy(s) : null;
  }

  find(agent: string, externalId: string): AgentSession | null {
    const hits = [...this.#sessions.values()].filter((s) => s.agent === agent && s.external_id === externalId).sort((a, b) => b.updated_at - a.updated_at);
    return hits[0] ? jsonCopy(hits[0]) : null;
  }

  list(options: { active?: boolean; status?: AgentSessionStatus[]; kind?: AgentSession['kind']; limit: number }): AgentSession[] {
    return [...this.#sessions.values()]
      .filter((s) => (!options.active || s.status !== 'ended') && (!options.status?.length || options.status.includes(s.status)) && (!options.kind || s.kind === options.kind))
      .sort((a, b) => b.updated_at - a.updated_at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .slice(0, Math.max(1, Math.min(1000, options.limit)))
      .map(jsonCopy);
  }

  append(sessionId: string, events: SessionEventInput[], keepLast: number): SessionEvent[] {
    if (!this.#sessions.has(sessionId)) throw new Error(`agent session ${sessionId} does not exist`);
    let seq = this.#lastSeq.get(sessionId) ?? 0;
    const added = events.map((e) => ({ session_id: sessionId, seq: ++seq, at: e.at, kind: e.kind, text: e.text, data: e.data === null ? null : jsonCopy(e.data) }));
    this.#lastSeq.set(sessionId, seq);
    const kept = [...(this.#events.get(sessionId) ?? []), ...added].filter((e) => e.seq > seq - keepLast);
    this.#events.set(sessionId, kept);
    return added.map(jsonCopy);
  }

  events(sessionId: string, afterSeq: number, limit: number): SessionEvent[] {
    return (this.#events.get(sessionId) ?? []).filter((e) => e.seq > afterSeq).slice(0, Math.max(1, Math.min(10_000, limit))).map(jsonCopy);
  }

  /** Every session and every stored event, as they are (export). */
  all(): AgentSession[] {
    return [...this.#sessions.values()];
  }

  allEvents(): SessionEvent[] {
    return [...this.#events.values()].flat();
  }

  /** Adds one exported event as it was; the session's next seq follows it. */
  importEvent(event: SessionEvent): void {
    const list = [...(this.#events.get(event.session_id) ?? []), event].sort((a, b) => a.seq - b.seq);
    this.#events.set(event.session_id, list);
    this.#lastSeq.set(event.session_id, Math.max(this.#lastSeq.get(event.session_id) ?? 0, event.seq));
  }

  prune(before: number): number {
    let n = 0;
    for (const s of [...this.#sessions.values()]) {
      if (s.status !== 'ended' || s.updated_at >= before) continue;
      this.#sessions.delete(s.id);
      this.#events.delete(s.id);
      this.#lastSeq.delete(s.id);
      n++;
    }
    return n;
  }
}
