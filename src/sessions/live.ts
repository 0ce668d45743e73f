// The in-process bus of agent-session changes: a session's state changed, a transcript event was
// stored, or something a person should hear of happened (finished, needs input). The dashboard's
// SSE stream and the chat adapters subscribe; publishing never throws into the publisher.
import type { AgentSession, SessionEvent } from '../store/store.js';

export type SessionNoticeKind = 'finished' | 'needs_input' | 'interrupted' | 'failed';

export type SessionChange =
  | { kind: 'session'; session: AgentSession }
  | { kind: 'event'; session: AgentSession; event: SessionEvent }
  | { kind: 'notice'; session: AgentSession; notice: SessionNoticeKind; text: string };

export interface SessionBus {
  publish(change: SessionChange): void;
  subscribe(listener: (change: SessionChange) => void): () => void;
}

export function createSessionBus(onError: (err: unknown) => void): SessionBus {
  const listeners = new Set<(change: SessionChange) => void>();
  return {
    publish(change) {
      for (const l of [...listeners]) {
        try {
          l(change);
        } catch (err) {
          onError(err);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
