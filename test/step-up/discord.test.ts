// Step-up on Discord, against the loopback Discord fake (Ed25519-signed interactions): the card says
// the request needs a code, Approve opens a modal with a code box, bad codes answer the presser alone
// and change nothing, the right one approves; an approver without a second factor is told to set
// one up in the dashboard and can still deny.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALICE, BOB, OPS, discordRig, embedText } from '../discord/rig.js';
import { codeAt, enrol } from './helpers.js';

describe('step-up on Discord', () => {
  const rig = discordRig({ extra: { step_up: { priorities: ['critical'] } } });
  let secret = '';
  const critical = async (extra: Record<string, unknown> = {}, channel?: string) => {
    if (!secret) {
      secret = await enrol(rig.s, rig.clock, 'approver');
      rig.clock.offset += 60_000;
    }
    const id = await rig.file({ priority: 'critical', ...extra });
    return { id, card: await rig.card(id, channel) };
  };
  const labels = (card: any): string[] => card.components.flatMap((r: any) => r.components.map((c: any) => c.label));

  it('the card says it needs your code; Approve opens a modal with a code box', async () => {
    const { card } = await critical();
    assert.match(embedText(card), /Needs your code/);
    assert.deepEqual(labels(card), ['Approve with your code…', 'Deny', 'Deny with a reason…', 'Open on the dashboard']);
    const opened = await rig.discord.click(card, 'Approve with your code', ALICE);
    assert.equal(opened.body.type, 9, 'a modal');
    assert.equal(opened.body.data.title, 'Confirm with your code');
    assert.equal(opened.body.data.components[0].components[0].custom_id, 'code');
  });

  it('bad codes are answered to the presser alone and change nothing; the right code approves', async () => {
    const { id, card } = await critical();
    const opened = await rig.discord.click(card, 'Approve with your code', ALICE);
    const wrong = String((Number(codeAt(secret, rig.clock.now())) + 1) % 1_000_000).padStart(6, '0');
    for (const [code, said] of [['abcdef', /6 digits \(0–9\)/], ['1234567', /6 digits; that was 7/], ['9'.repeat(10_240), /not a code/], ['\u202e123456', /6 digits \(0–9\)/], [wrong, /Wrong code\. 4 more/]] as const) {
      const r = await rig.discord.submit(card, opened.body.data, { code }, ALICE);
      assert.equal(r.body.type, 4, JSON.stringify(r.body).slice(0, 300));
      assert.equal(r.body.data.flags, 64, 'only the presser sees it');
      assert.match(r.body.data.content, said);
      assert.match(r.body.data.content, /Nothing was decided/);
      assert.equal(r.body.data.content.includes('\u202e'), false);
    }
    assert.equal((await rig.get(id)).status, 'pending');
    assert.equal((await rig.s.store.getTotp('alice'))?.failures, 1, 'only the wrong code counted');
    const ok = await rig.discord.submit(card, opened.body.data, { code: codeAt(secret, rig.clock.now()) }, ALICE);
    assert.equal(ok.body.type, 7, 'the card is replaced');
    const done = await rig.get(id);
    assert.equal(done.status, 'approved');
    assert.equal(done.decision?.via, 'discord');
    assert.equal(done.decision?.decided_by, 'alice');
  });

  it('an approver without a second factor is told to set one up in the dashboard, gets no modal, and can still deny', async () => {
    const { id, card } = await critical({ project: 'ops' }, OPS);
    const r = await rig.discord.click(card, 'Approve with your code', BOB);
    assert.equal(r.body.type, 4);
    assert.equal(r.body.data.flags, 64);
    assert.match(r.body.data.content, /Set one up in the dashboard/);
    const denied = await rig.discord.click(card, 'Deny', BOB);
    assert.equal(denied.body.type, 7);
    assert.equal((await rig.get(id)).status, 'denied');
  });
});
