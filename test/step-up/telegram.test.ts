// Step-up on Telegram, against the Bot API emulator: the card says the request needs a code, a tap
// on Approve answers "confirm with your code" with a force-reply, the 6 digits are taken from the
// reply (which the bot deletes), wrong and malformed codes are said and change nothing, and an
// approver without a second factor is told to set one up in the dashboard (and can still deny).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MovableClock } from '../helpers/clock.js';
import { ALICE, BOB, CHAT, buttonData, buttonLabels, eventually, startRig, type BotMessage, type Rig } from '../telegram/emulator.js';
import { codeAt, enrol } from './helpers.js';

describe('step-up on Telegram', () => {
  let rig: Rig;
  const clock = new MovableClock();
  let secret = '';
  before(async () => {
    rig = await startRig({ step_up: { priorities: ['critical'] } }, { clock });
    secret = await enrol(rig.srv, clock, 'approver');
    clock.offset += 60_000;
  });
  after(() => rig.stop());

  const critical = (title: string) => rig.file({ title, action_type: 'deploy', preview: 'kubectl apply -f prod.yaml', priority: 'critical' });
  const promptUnder = (message: BotMessage) => eventually(() => rig.emu.messages(message.chat).find((m) => m.replyTo === message.id && m.markup?.force_reply), `a force-reply prompt under ${message.id}`);
  const userMessage = (text: string) => (rig.emu.server.storage.userMessages as any[]).find((u) => u.message?.text === text) ?? null;
  const botSaysAfter = (after: number, pattern: RegExp) => eventually(() => rig.emu.messages(CHAT).find((m) => m.id > after && pattern.test(m.text)), `a bot message matching ${pattern}`);

  it('shows "needs your code" on the card, with Approve once only', async () => {
    const { card } = await critical('Deploy one');
    assert.match(card.text, /Needs your code/);
    const labels = buttonLabels(card);
    assert.ok(labels.some((l) => /Approve 🔐/.test(l)), labels.join(', '));
    assert.equal(labels.some((l) => /session|Always|Conditional|Edit/.test(l)), false, labels.join(', '));
  });

  it('a tap on Approve asks for the code by force-reply; the code message is deleted; wrong and malformed codes change nothing; the right one approves', async () => {
    const { request, card } = await critical('Deploy two');
    await rig.emu.tap(ALICE, card, buttonData(card, 'Approve'));
    const prompt = await promptUnder(card);
    assert.match(prompt.text, /confirm with your code/);
    const toast = await eventually(() => rig.emu.answers().find((a) => /Confirm with your code/.test(a.payload.text ?? '')), 'the tap answered "confirm with your code"');
    assert.equal(toast.payload.show_alert, true);
    assert.equal((await rig.get(request.id)).status, 'pending', 'a tap alone approves nothing');

    const wrong = String((Number(codeAt(secret, clock.now())) + 1) % 1_000_000).padStart(6, '0');
    let last = rig.emu.messages(CHAT).at(-1)!.id;
    await rig.emu.say(ALICE, CHAT, wrong, prompt.id);
    await botSaysAfter(last, /Wrong code\. 4 more/);
    const sent = userMessage(wrong);
    const deletes = rig.emu.callsOf('deleteMessage');
    assert.ok(deletes.length >= 1 && deletes.every((d) => Number(d.payload.chat_id) === CHAT), 'the code message was deleted');
    assert.equal(sent, null, 'the emulator no longer holds the code message');
    assert.equal((await rig.get(request.id)).status, 'pending');

    for (const [text, said] of [['12345678', /6 digits; that was 8/], ['\u202eabc', /6 digits \(0–9\)/], ['x'.repeat(10_240), /not a code/]] as const) {
      last = rig.emu.messages(CHAT).at(-1)!.id;
      await rig.emu.say(ALICE, CHAT, text, prompt.id);
      const answer = await botSaysAfter(last, said);
      assert.equal(answer.text.includes('\u202e'), false);
    }
    assert.equal((await rig.get(request.id)).status, 'pending');
    assert.equal((await rig.srv.store.getTotp('alice'))?.failures, 1, 'only the wrong code counted');

    await rig.emu.say(ALICE, CHAT, codeAt(secret, clock.now()), prompt.id);
    const done = await eventually(async () => ((await rig.get(request.id)).status !== 'pending' ? rig.get(request.id) : null), 'the approval');
    assert.equal(done.status, 'approved');
    assert.equal(done.decision?.decided_by, 'alice');
    assert.equal(done.decision?.via, 'telegram');
    assert.equal(rig.emu.callsOf('deleteMessage').length, 5, 'every code message was deleted');
  });

  it('an approver without a second factor is told to set one up in the dashboard, gets no prompt, and can still deny', async () => {
    const { request, card } = await critical('Deploy three');
    const prompts = rig.emu.messages(CHAT).filter((m) => m.markup?.force_reply).length;
    await rig.emu.tap(BOB, card, buttonData(card, 'Approve'));
    const alert = await eventually(() => rig.emu.answers().find((a) => /Set one up in the dashboard/.test(a.payload.text ?? '')), 'the "set one up" alert');
    assert.equal(alert.payload.show_alert, true);
    assert.equal(rig.emu.messages(CHAT).filter((m) => m.markup?.force_reply).length, prompts, 'no prompt for Bob');
    await rig.emu.tap(BOB, card, buttonData(card, 'Deny'));
    const done = await eventually(async () => ((await rig.get(request.id)).status !== 'pending' ? rig.get(request.id) : null), 'the denial');
    assert.equal(done.status, 'denied');
  });
});
