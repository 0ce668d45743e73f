// Inbound replies by IMAP polling. The loop (poll, hand every unseen message to the handler, mark
// it seen) runs against a small MailSource interface; imapflow sits behind it in openImapMailbox,
// a thin shell with no decisions of its own.
import { ImapFlow } from 'imapflow';
import type { Logger } from '../../log.js';
import { imapOptions } from './config.js';

export interface MailSourceMessage {
  uid: number;
  source: Uint8Array;
}

/** One connected session on one mailbox. */
export interface MailSource {
  unseen(): AsyncIterable<MailSourceMessage>;
  markSeen(uid: number): Promise<void>;
  close(): Promise<void>;
}

export interface ImapPollerDeps {
  open: () => Promise<MailSource>;
  /** Handles one raw message. Throwing leaves it unseen, so the next poll tries again. */
  handle: (raw: Uint8Array) => Promise<unknown>;
  intervalMs: number;
  logger: Logger;
}

export interface ImapPoller {
  start(): void;
  stop(): Promise<void>;
  /** One poll: returns how many messages were handled. */
  pollOnce(): Promise<number>;
}

export function createImapPoller(deps: ImapPollerDeps): ImapPoller {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> = Promise.resolve(0);
  let stopped = true;
  let closing = false;

  async function poll(): Promise<number> {
    const source = await deps.open();
    let handled = 0;
    try {
      for await (const msg of source.unseen()) {
        if (closing) break; // stop(): leave the rest for the next start
        try {
          await deps.handle(msg.source);
        } catch (err) {
          deps.logger.warn('email: an inbound message could not be handled; it stays unseen for the next poll', { uid: msg.uid, err });
          continue;
        }
        await source.markSeen(msg.uid);
        handled++;
      }
    } finally {
      await source.close().catch((err) => deps.logger.debug('email: IMAP close failed', { err }));
    }
    return handled;
  }

  // Polls run one after another; a call always gets a poll that starts after it was made.
  const pollOnce = (): Promise<number> => {
    const next = running.then(() => poll());
    running = next.catch(() => 0);
    return next;
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = null;
      pollOnce()
        .catch((err) => deps.logger.warn('email: IMAP poll failed; trying again at the next interval', { err }))
        .finally(schedule);
    }, deps.intervalMs);
    timer.unref?.();
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      closing = false;
      // The first poll runs at once, so replies that came in while the server was down are read.
      pollOnce()
        .catch((err) => deps.logger.warn('email: IMAP poll failed; trying again at the next interval', { err }))
        .finally(schedule);
    },
    async stop() {
      stopped = true;
      closing = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
    pollOnce,
  };
}

/** The real mailbox: imapflow, one connection per poll, the messages not yet \Seen. */
export async function openImapMailbox(url: string, mailbox: string, logger: Logger): Promise<MailSource> {
  const client = new ImapFlow({ ...imapOptions(url), logger: false, disableAutoIdle: true });
  client.on('error', (err: unknown) => logger.warn('email: IMAP connection error', { err }));
  await client.connect();
  const lock = await client.getMailboxLock(mailbox);
  return {
    async *unseen() {
      const uids = (await client.search({ seen: false }, { uid: true })) || [];
      for (const uid of uids) {
        const msg = await client.fetchOne(String(uid), { source: true }, { uid: true });
        if (msg && msg.source) yield { uid, source: msg.source };
      }
    },
    async markSeen(uid) {
      await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
    },
    async close() {
      lock.release();
      await client.logout();
    },
  };
}
