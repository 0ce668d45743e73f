// An escalation ladder on a real server with a fake clock: alice on Telegram for 5 min, then the
// sre group by email and the team chat for 15 min, then erin on Telegram for 10 min, then deny.
// Each step's messages go out when it starts (through the outbox), earlier buttons keep working,
// the ladder survives a restart (the sweeper picks it up from the store), and it ends fail-closed.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/core/ids.js';
import { TestSmtp } from '../email/fixtures.js';
import { ALICE, CHAT, Emulator, buttonData, buttonLabels, eventually } from '../telegram/emulator.js';
import { ERIN, startWorkflowRig, type WorkflowRig } from './rig.js';

const LADDER = {
  groups: [{ name: 'sre', members: ['alice', 'bob', 'carol'] }],
  workflows: [
    {
      name: 'prod-ladder',
      match: { projects: ['prod'] },
      ladder: [
        { who: ['alice'], channels: ['telegram'], wait: '5m' },
        { who: ['group:sre'], channels: ['email'], targets: [`telegram:${CHAT}`], wait: '15m' },
        { who: ['erin'], channels: ['telegram'], wait: '10m' },
      ],
      final: 'deny',
    },
  ],
};
const MIN = 60_000;

describe('escalation ladder', () => {
  let emu: Emulator;
  let smtp: TestSmtp;
  const dataDir = mkdtempSync(join(tmpdir(), 'gl-ladder-'));
  before(async () => {
    emu = await Emulator.start();
    smtp = await TestSmtp.start();
  });
  after(async () => {
    await emu.close();
    await smtp.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('asks each step when it starts, survives a restart, and denies at the end', async () => {
    const clock = new ManualClock(Date.now());
    let rig: WorkflowRig = await startWorkflowRig(LADDER, { clock, emu, smtp, dataDir });
    try {
      const request = await rig.file({ expires_in_sec: 7200 });
      // Step 1: alice's private chat only.
      const aliceCard = await eventually(() => rig.card(request.id, ALICE), 'step 1: the card in alice\'s chat');
      assert.match(aliceCard.text, /Step 1 of 3: asked alice \(named\) · next step at/);
      assert.equal(await rig.card(request.id, CHAT), undefined, 'the team chat is not asked yet');
      assert.equal(smtp.mails.filter((m) => m.header('x-greenlight-request') === request.id).length, 0, 'no mail yet');

      // Step 2 after 5 minutes: the team chat and the group by email; alice's card says so.
      clock.advance(5 * MIN);
      assert.equal(await rig.srv.gate.escalateDue(), 1);
      const teamCard = await eventually(() => rig.card(request.id, CHAT), 'step 2: the card in the team chat');
      assert.match(teamCard.text, /Step 2 of 3: asked alice \(member of sre\), bob \(member of sre\), carol \(member of sre\), telegram -100200/);
      for (const to of ['bob@example.com', 'carol@example.com']) {
        const mail = await smtp.announcement(request.id, to);
        assert.match(mail.parsed.text ?? '', /Escalation: Step 2 of 3/);
      }
      await eventually(async () => /Step 2 of 3/.test((await rig.card(request.id, ALICE))?.text ?? '') || null, 'alice\'s card refreshed');
      assert.ok(buttonLabels(await rig.card(request.id, ALICE)).some((l) => l.includes('Approve')), 'alice\'s buttons still there');

      // Restart 15 minutes later: the new instance's sweeper moves the ladder on by itself.
      await rig.srv.stop();
      clock.advance(15 * MIN);
      rig = await startWorkflowRig(LADDER, { clock, emu, smtp, dataDir });
      const erinCard = await eventually(() => rig.card(request.id, ERIN), 'step 3 after the restart: erin\'s card', 10_000);
      assert.match(erinCard.text, /Step 3 of 3: asked erin \(named\) · then denied at/);
      const moved = await rig.get(request.id);
      assert.equal(moved.workflow!.ladder!.started.length, 3);
      const api = await rig.srv.call('approver', 'GET', `/v1/requests/${request.id}`);
      assert.equal(api.body.workflow.progress.length, 1, 'one approver decides: no count, only the ladder');
      assert.match(api.body.workflow.progress[0], /^Step 3 of 3: asked erin \(named\)/);

      // The end: nobody answered, the request is denied; every card says so, buttons gone.
      clock.advance(10 * MIN);
      assert.equal(await rig.srv.gate.escalateDue(), 1);
      const done = await rig.get(request.id);
      assert.equal(done.status, 'denied');
      assert.equal(done.decision!.via, 'escalation');
      // The fail-closed end is a decision too: signed, by the escalation, not by a person.
      assert.deepEqual([done.receipt!.outcome, done.receipt!.approvers], ['denied', [{ name: 'escalation', kind: 'system', via: 'escalation' }]]);
      for (const chat of [ALICE, CHAT, ERIN]) {
        await eventually(async () => {
          const c = await rig.card(request.id, chat);
          return c && /Denied/.test(c.text) && c.markup?.inline_keyboard?.length === 0 ? c : null;
        }, `the card in chat ${chat} settled`);
      }
      const waited = await rig.srv.call('agent', 'GET', `/v1/requests/${request.id}/wait?timeout_sec=1`);
      assert.equal(waited.body.status, 'denied');
      const audit = (await rig.srv.store.listAudit({ request_id: request.id, limit: 50, order: 'asc' })).map((a) => a.action);
      assert.deepEqual(audit, ['request.created', 'request.escalated', 'request.escalated', 'request.denied']);
    } finally {
      await rig.stop();
    }
  });

  it('lets a button from an earlier step decide after the ladder moved on', async () => {
    const clock = new ManualClock(Date.now());
    const rig = await startWorkflowRig(LADDER, { clock, emu, smtp });
    try {
      const request = await rig.file({ preview: 'kubectl rollout restart deploy/api' });
      const aliceCard = await eventually(() => rig.card(request.id, ALICE), 'step 1 card');
      clock.advance(5 * MIN);
      await rig.srv.gate.escalateDue();
      await eventually(() => rig.card(request.id, CHAT), 'step 2 card');
      await emu.tap(ALICE, aliceCard, buttonData(aliceCard, 'Approve'));
      const done = await eventually(async () => ((await rig.get(request.id)).status === 'approved' ? rig.get(request.id) : null), 'approved from the step-1 card');
      assert.equal(done.decision!.decided_by, 'alice');
      assert.equal(done.workflow!.next_at, null, 'the ladder stops');
      clock.advance(60 * MIN);
      assert.equal(await rig.srv.gate.escalateDue(), 0);
      assert.equal((await rig.get(request.id)).status, 'approved');
    } finally {
      await rig.stop();
    }
  });
});
