// Step-up on Slack, against the loopback Slack fake (signed interactions): the card says the
// request needs a code, Approve opens a modal with a code box, a malformed, wrong or hostile code is
// said under the box (the modal stays open, nothing changes), the right one approves; an approver
// without a second factor is told privately to set one up in the dashboard, and can still deny.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ALICE, BOB, OPS, actionIds, shownText, startSlackRig, until, type SlackRig } from '../slack/rig.js';
import { codeAt, enrol } from './helpers.js';

describe('step-up on Slack (http mode)', { timeout: 120_000 }, () => {
  let rig: SlackRig;
  let secret = '';
  before(async () => {
    rig = await startSlackRig('http', { step_up: { priorities: ['critical'] } });
    secret = await enrol(rig.srv, rig.clock, 'approver');
    rig.clock.offset += 60_000;
  });
  after(() => rig?.stop());

  const critical = (title: string, extra: Record<string, unknown> = {}, channel?: string) => rig.file({ title, action_type: 'deploy', preview: 'kubectl apply -f prod.yaml', priority: 'critical', ...extra }, channel);

  it('the card says it needs your code and offers Approve (with the code), Deny, Deny with a reason', async () => {
    const { card } = await critical('Deploy one');
    assert.match(shownText(card), /Needs your code/);
    assert.deepEqual(actionIds(card), ['gl:approve', 'gl:deny', 'gl:deny_reason', 'gl:open']);
    assert.match(shownText(card), /Approve with your code…/);
  });

  it('Approve opens a modal with a code box; bad codes are said in the modal and change nothing; the right code approves', async () => {
    const { request, card } = await critical('Deploy two');
    const before = rig.slack.views.length;
    assert.equal((await rig.slack.click(ALICE, card, 'gl:approve', 'http')).status, 200);
    const modal = await until('the code modal', () => rig.slack.views[before]);
    assert.equal(modal.view.title.text, 'Confirm with your code');
    assert.ok(modal.view.blocks.some((b: { block_id?: string }) => b.block_id === 'code'));
    assert.equal((await rig.get(request.id)).status, 'pending', 'opening the modal approves nothing');

    const wrong = String((Number(codeAt(secret, rig.clock.now())) + 1) % 1_000_000).padStart(6, '0');
    for (const [code, said] of [['12ab56', /6 digits \(0–9\)/], ['1'.repeat(10_240), /not a code/], ['\u202e123456', /6 digits \(0–9\)/], [wrong, /Wrong code\. 4 more/]] as const) {
      const r = await rig.slack.submit(modal, { code }, 'http');
      assert.equal(r.body?.response_action, 'errors', JSON.stringify(r.body));
      assert.match(r.body.errors.code, said);
      assert.ok(r.body.errors.code.length <= 150);
      assert.equal(r.body.errors.code.includes('\u202e'), false);
    }
    assert.equal((await rig.get(request.id)).status, 'pending');
    assert.equal((await rig.srv.store.getTotp('alice'))?.failures, 1, 'only the wrong code counted');
    const ok = await rig.slack.submit(modal, { code: codeAt(secret, rig.clock.now()) }, 'http');
    assert.ok(!ok.body || Object.keys(ok.body).length === 0, `an empty ack closes the modal: ${JSON.stringify(ok.body)}`);
    const done = await rig.get(request.id);
    assert.equal(done.status, 'approved');
    assert.equal(done.decision?.decided_by, 'alice');
    assert.equal(done.decision?.via, 'slack');
    const replay = await rig.slack.submit(modal, { code: codeAt(secret, rig.clock.now()) }, 'http');
    assert.equal(replay.status, 200, 'a second submit of a decided request is answered, not an error');
  });

  it('an approver without a second factor is told to set one up in the dashboard, gets no modal, and can still deny', async () => {
    const { request, card } = await critical('Deploy ops', { project: 'ops' }, OPS);
    const views = rig.slack.views.length;
    await rig.slack.click(BOB, card, 'gl:approve', 'http');
    const told = await until('the private note to Bob', () => rig.slack.ephemerals.find((e) => e.user === BOB && /Set one up in the dashboard/.test(e.text)));
    assert.equal(told.channel, OPS);
    assert.equal(rig.slack.views.length, views, 'no modal');
    await rig.slack.click(BOB, card, 'gl:deny', 'http');
    await until('the denial', async () => ((await rig.get(request.id)).status === 'denied' ? true : undefined));
  });
});
