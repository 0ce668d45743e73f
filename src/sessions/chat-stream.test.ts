import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TurnStream, type ChatSurface } from './chat-stream.js';

/** A chat surface that records what it was asked to do. */
function recordingSurface(maxChars = 200, minEditMs = 1000) {
  const calls: { op: 'send' | 'edit' | 'file'; text: string; at: number }[] = [];
  let clock = 0;
  const surface: ChatSurface = {
    channel: 'test',
    maxChars,
    minEditMs,
    send: async (_t, text) => (calls.push({ op: 'send', text, at: clock }), '1'),
    edit: async (_t, _id, text) => void calls.push({ op: 'edit', text, at: clock }),
    sendFile: async (_t, _name, content) => void calls.push({ op: 'file', text: content, at: clock }),
  };
  return { surface, calls, tick: (ms: number) => (clock += ms), now: () => clock };
}

describe('TurnStream', () => {
  it('sends one message and edits it in place no more often than the channel allows', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const r = recordingSurface(4000, 1000);
    const s = new TurnStream(r.surface, 'chat', 'web · ses_1', 'out.txt', (e) => assert.fail(String(e)), r.now);
    s.add('first');
    t.mock.timers.tick(0);
    await new Promise((res) => setImmediate(res));
    for (let i = 0; i < 10; i++) {
      s.add(`line ${i}`);
      r.tick(100);
      t.mock.timers.tick(100);
      await new Promise((res) => setImmediate(res));
    }
    const edits = r.calls.filter((c) => c.op === 'edit');
    assert.equal(r.calls.filter((c) => c.op === 'send').length, 1);
    assert.ok(edits.length <= 1, `at most one edit in one second, got ${edits.length}`);
    const finishing = s.finish('■ Finished.');
    t.mock.timers.tick(1000);
    await finishing;
    const last = r.calls.at(-1)!;
    assert.equal(last.op, 'edit');
    assert.match(last.text, /^web · ses_1\n\nfirst\nline 0\n[\s\S]*line 9\n■ Finished\.$/);
    assert.ok(!r.calls.some((c) => c.op === 'file'));
  });

  it('keeps the latest part in the message and sends the whole output as a file when it outgrows one message', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const r = recordingSurface(200, 0);
    const s = new TurnStream(r.surface, 'chat', 'web · ses_2', 'out.txt', (e) => assert.fail(String(e)), r.now);
    for (let i = 0; i < 40; i++) s.add(`output line ${i}`);
    await s.finish('■ Finished.');
    const message = r.calls.filter((c) => c.op !== 'file').at(-1)!;
    assert.ok(message.text.length <= 200);
    assert.match(message.text, /earlier output cut; the whole output is in the file below/);
    assert.match(message.text, /output line 39\n■ Finished\.$/);
    const file = r.calls.find((c) => c.op === 'file');
    assert.ok(file, 'the whole output as a file');
    assert.match(file.text, /output line 0\n[\s\S]*output line 39\n■ Finished\./);
  });

  it('shows invisible and bidi characters as marks', async () => {
    const r = recordingSurface(4000, 0);
    const s = new TurnStream(r.surface, 'chat', 'h', 'out.txt', (e) => assert.fail(String(e)), r.now);
    await s.finish('push to \u202Eniam\u202C <b>now</b>');
    assert.match(r.calls.at(-1)!.text, /push to ⟪U\+202E⟫niam⟪U\+202C⟫ <b>now<\/b>/);
  });

  it('cuts the kept part of long output between characters, never through a mark or a surrogate pair', async () => {
    const r = recordingSurface(115, 0);
    const s = new TurnStream(r.surface, 'chat', 'h', 'out.txt', (e) => assert.fail(String(e)), r.now);
    for (let i = 0; i < 30; i++) s.add(`${i} \u202E😀\u200B`);
    await s.finish('end');
    const message = r.calls.filter((c) => c.op !== 'file').at(-1)!;
    assert.ok(message.text.length <= 115);
    const kept = message.text.split('\n\n').slice(1).join('\n\n');
    const outsideMarks = kept.replace(/⟪U\+[0-9A-F]{4,6}⟫/g, '');
    assert.doesNotMatch(outsideMarks, /[⟪⟫]/, `a mark was cut: ${JSON.stringify(kept.slice(0, 24))}`);
    assert.doesNotMatch(outsideMarks, /\p{Surrogate}/u, 'a surrogate pair was cut');
    assert.match(kept, /end$/);
    assert.doesNotMatch(r.calls.find((c) => c.op === 'file')!.text, /[\u202E\u200B]/);
  });
});
