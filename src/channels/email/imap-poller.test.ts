// The poller against an in-memory MailSource. imapflow itself (openImapMailbox) needs a real IMAP
// server and is not exercised here.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '../../log.js';
import { createImapPoller, type MailSource } from './imap-poller.js';

class Box {
  msgs = [1, 2, 3].map((uid) => ({ uid, source: new TextEncoder().encode(`m${uid}`), seen: false }));
  opened = 0;
  closed = 0;
  open = async (): Promise<MailSource> => {
    this.opened++;
    const box = this;
    return {
      async *unseen() {
        for (const m of box.msgs.filter((x) => !x.seen)) yield m;
      },
      async markSeen(uid) {
        box.msgs.find((m) => m.uid === uid)!.seen = true;
      },
      async close() {
        box.closed++;
      },
    };
  };
}

describe('IMAP poller', () => {
  it('hands every unseen message to the handler and marks it seen afterwards', async () => {
    const box = new Box();
    const seen: string[] = [];
    const poller = createImapPoller({ open: box.open, handle: async (raw) => void seen.push(new TextDecoder().decode(raw)), intervalMs: 60_000, logger: silentLogger });
    assert.equal(await poller.pollOnce(), 3);
    assert.deepEqual(seen, ['m1', 'm2', 'm3']);
    assert.ok(box.msgs.every((m) => m.seen));
    assert.equal(await poller.pollOnce(), 0);
    assert.deepEqual([box.opened, box.closed], [2, 2]);
  });

  it('leaves a message it could not handle unseen, for the next poll, and goes on with the rest', async () => {
    const box = new Box();
    let fail = true;
    const poller = createImapPoller({
      open: box.open,
      handle: async (raw) => {
        if (fail && new TextDecoder().decode(raw) === 'm2') throw new Error('store down');
      },
      intervalMs: 60_000,
      logger: silentLogger,
    });
    assert.equal(await poller.pollOnce(), 2);
    assert.deepEqual(box.msgs.map((m) => m.seen), [true, false, true]);
    fail = false;
    assert.equal(await poller.pollOnce(), 1);
    assert.equal(box.closed, 2);
  });

  it('closes the session when the mailbox fails mid-poll, and the poll rejects', async () => {
    const box = new Box();
    const open = async (): Promise<MailSource> => {
      const s = await box.open();
      return { ...s, markSeen: async () => Promise.reject(new Error('connection reset')) };
    };
    const poller = createImapPoller({ open, handle: async () => {}, intervalMs: 60_000, logger: silentLogger });
    await assert.rejects(poller.pollOnce(), /connection reset/);
    assert.equal(box.closed, 1);
  });

  it('start polls at once; stop waits for the poll and schedules no more', async () => {
    const box = new Box();
    let handled = 0;
    let release!: () => void;
    let inHand!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const started = new Promise<void>((r) => (inHand = r));
    const poller = createImapPoller({
      open: box.open,
      handle: async () => {
        handled++;
        inHand();
        await gate;
      },
      intervalMs: 5,
      logger: silentLogger,
    });
    poller.start();
    await started;
    const stopped = poller.stop();
    release();
    await stopped;
    assert.equal(handled, 1, 'stop lets the message in hand finish, then leaves the rest');
    assert.equal(box.closed, box.opened);
    const opened = box.opened;
    await new Promise((r) => setTimeout(r, 30)); // a stopped poller must not poll again
    assert.equal(box.opened, opened);
  });
});
