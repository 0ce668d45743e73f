// Agent-session changes across instances. A turn runs on the instance that started it
// (manager.ts); what it changes is published on that instance's bus. The relay tells the other
// instances of each change with a cluster signal that carries ids only; an instance where someone
// watches live (a dashboard's event stream) reads the row or the transcript event from the store
// and publishes it as a remote change. One instance (SQLite): the cluster has nobody to tell.
import type { Cluster, SignalPayload } from '../cluster/cluster.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import type { SessionBus, SessionChange, SessionNoticeKind } from './live.js';

const TOPIC = 'session.changed';
const NOTICES: readonly SessionNoticeKind[] = ['finished', 'needs_input', 'interrupted', 'failed'];
/** A notice's text travels in the signal (it is stored nowhere); this much of it. */
const NOTICE_CHARS = 1000;

function payloadOf(change: SessionChange): SignalPayload {
  const id = change.session.id;
  if (change.kind === 'session') return { k: 'session', id };
  if (change.kind === 'event') return { k: 'event', id, seq: change.event.seq };
  return { k: 'notice', id, notice: change.notice, text: change.text.slice(0, NOTICE_CHARS) };
}

export function createSessionRelay(deps: { cluster: Pick<Cluster, 'signal' | 'onSignal'>; store: Store; bus: SessionBus; logger: Logger }) {
  const { cluster, store, bus, logger } = deps;
  const warn = (err: unknown) => logger.warn('sessions: relaying a change between instances failed', { err });
  // Changes heard are read and published one after another, in the order they were sent.
  let queue: Promise<void> = Promise.resolve();

  async function replay(p: SignalPayload): Promise<void> {
    if (!bus.wantsRemote() || typeof p.id !== 'string') return;
    const session = await store.getAgentSession(p.id);
    if (!session) return;
    if (p.k === 'session') bus.publish({ kind: 'session', session }, true);
    else if (p.k === 'event' && typeof p.seq === 'number') {
      const [event] = await store.listSessionEvents(session.id, { after_seq: p.seq - 1, limit: 1 });
      if (event?.seq === p.seq) bus.publish({ kind: 'event', session, event }, true);
    } else if (p.k === 'notice' && NOTICES.includes(p.notice as SessionNoticeKind) && typeof p.text === 'string') {
      bus.publish({ kind: 'notice', session, notice: p.notice as SessionNoticeKind, text: p.text }, true);
    }
  }

  let off: (() => void)[] = [];
  return {
    start(): void {
      off = [
        bus.subscribe((change) => void cluster.signal(TOPIC, payloadOf(change)).catch(warn)),
        cluster.onSignal(TOPIC, (p) => {
          queue = queue.then(() => replay(p)).catch(warn);
        }),
      ];
    },
    async close(): Promise<void> {
      for (const f of off) f();
      off = [];
      await queue;
    },
  };
}
