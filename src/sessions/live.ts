// The in-process bus of agent-session changes: a session's state changed, a transcript event was
// stored, or something a person should hear of happened (finished, needs input). The dashboard's
// SSE stream and the chat adapters subscribe; publishing never throws into the publisher.
// Changes made on other instances (relay.ts) reach only listeners that ask for them: a live view
// wants every change, but a chat adapter sends what happened here only, so each chat message is
// sent once, by the instance where the change happened.
import type { AgentSession, SessionEvent } from '../store/store.js';

export type SessionNoticeKind = 'finished' | 'needs_input' | 'interrupted' | 'failed';

export type SessionChange =
  | { kind: 'session'; session: AgentSession }
  | { kind: 'event'; session: AgentSession; event: SessionEvent }
  | { kind: 'notice'; session: AgentSession; notice: SessionNoticeKind; text: string };

export interface SessionBus {
  /** `remote`: the change was made on another instance. */
  publish(change: SessionChange, remote?: boolean): void;
  /** `remote: true`: other instances' changes too. */
  subscribe(listener: (change: SessionChange) => void, options?: { remote?: boolean }): () => void;
  /** Whether anyone here listens to other instances' changes (else the relay reads nothing). */
  wantsRemote(): boolean;
}

export function createSessionBus(onError: (err: unknown) => void): SessionBus {
  const listeners = new Map<(change: SessionChange) => void, boolean>();
  let remoteListeners = 0;
  return {
    publish(change, remote = false) {
      for (const [l, wantsRemote] of [...listeners]) {
        if (remote && !wantsRemote) continue;
        try {
          l(change);
        } catch (err) {
          onError(err);
        }
      }
    },
    subscribe(listener, options = {}) {
      const remote = options.remote === true;
      listeners.set(listener, remote);
      if (remote) remoteListeners++;
      let on = true;
      return () => {
        if (!on) return;
        on = false;
        listeners.delete(listener);
        if (remote) remoteListeners--;
      };
    },
    wantsRemote: () => remoteListeners > 0,
  };
}
