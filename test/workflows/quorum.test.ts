// Quorum on a real server: a prod deploy needs 2 of the sre group. Votes arrive at once from
// Telegram (emulator taps), email (confirmation links over loopback SMTP) and the API; exactly two
// are counted, a second vote by the same person is refused wherever it comes from, the agent's
// owner never counts, and every channel (and the waiting agent) sees "1 of 2 approvals — alice
// approved".
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { KEYS } from '../helpers/harness.js';
import { verifyReceipt } from '../../src/receipts/receipt.js';
import { decideByLink, linksOf, openLink } from '../email/fixtures.js';
import { ALICE, BOB, buttonData, buttonLabels, eventually } from '../telegram/emulator.js';
import { CAROL_KEY, DAVE_KEY, startWorkflowRig, type WorkflowRig } from './rig.js';

const WORKFLOWS = {
  groups: [{ name: 'sre', members: ['alice', 'bob', 'carol', 'dave'] }, { name: 'tiny', members: ['alice', 'dave'] }],
  workflows: [
    { name: 'prod-deploy', match: { projects: ['prod'] }, quorum: { approvals: 2 }, approvers: ['group:sre'] },
    { name: 'web-majority', match: { projects: ['web'], tags: ['majority'] }, quorum: { approvals: 2, deny: 'majority' }, approvers: ['group:sre'] },
    { name: 'tiny', match: { tags: ['tiny'] }, quorum: { approvals: 2 }, approvers: ['group:tiny'] },
  ],
};

async function vote(rig: WorkflowRig, key: string, id: string, body: Record<string, unknown>) {
  const res = await fetch(`${rig.srv.url}/v1/requests/${id}/decision`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

const votedRows = async (rig: WorkflowRig, id: string) => (await rig.srv.store.listAudit({ request_id: id, limit: 100 })).filter((a) => a.action === 'request.voted');

describe('quorum: 2 of the sre group', () => {
  let rig: WorkflowRig;
  before(async () => {
    rig = await startWorkflowRig(WORKFLOWS);
  });
  after(() => rig.stop());

  it('counts exactly two of three approvals sent at once from Telegram, email and the API', async () => {
    const request = await rig.file({});
    assert.deepEqual(request.workflow?.eligible, ['alice', 'bob', 'carol'], 'dave owns agent-a: never eligible');
    const card = await eventually(() => rig.card(request.id), 'the Telegram card');
    assert.deepEqual(buttonLabels(card).map((l) => l.replace(/[^A-Za-z ]/g, '').trim()), ['Approve', 'Deny', 'Deny with reason'], 'a quorum vote is a plain approve or deny');
    const mail = await rig.smtp.announcement(request.id, 'bob@example.com');
    const bobLink = linksOf(mail).get('Approve once')!;
    assert.ok(bobLink, [...linksOf(mail).keys()].join());

    const [, byMail, byApi] = await Promise.all([
      rig.emu.tap(ALICE, card, buttonData(card, 'Approve')),
      decideByLink(bobLink),
      vote(rig, CAROL_KEY, request.id, { outcome: 'approved', comment: 'looks fine' }),
    ]);
    const done = await eventually(async () => ((await rig.get(request.id)).status !== 'pending' ? rig.get(request.id) : null), 'the quorum');
    // Wait until all three were handled (the Telegram tap goes through polling).
    const votes = await eventually(async () => ((await rig.get(request.id)).workflow!.votes.length === 2 && rig.emu.answers().length > 0 ? (await rig.get(request.id)).workflow!.votes : null), 'two votes');
    assert.equal(done.status, 'approved');
    assert.equal(votes.length, 2);
    assert.equal(new Set(votes.map((v) => v.approver)).size, 2, 'two distinct approvers');
    assert.deepEqual(done.decision!.decided_by.split(', ').sort(), votes.map((v) => v.approver).sort());
    assert.match(done.decision!.comment!, /^2 of 2 approvals — \w+ and \w+ approved\./);
    assert.equal((await votedRows(rig, request.id)).length, 2, 'each counted vote audited once');
    // The receipt names both approvers, each with the channel their vote came from, and checks out offline.
    const receipt = done.receipt!;
    assert.deepEqual(receipt.approvers.map((a) => `${a.name} via ${a.via}`).sort(), votes.map((v) => `${v.approver} via ${v.via}`).sort());
    assert.equal(receipt.outcome, 'approved');
    const pem = await (await fetch(`${rig.srv.url}/v1/receipts/public-key?format=pem`)).text();
    assert.deepEqual(verifyReceipt(receipt, createPublicKey(pem)), { ok: true, receipt });
    // The third arrived after the decision and was told so, whichever channel it came on.
    const losers = [byMail.status === 200 ? null : 'email', byApi.status === 200 ? null : 'api'].filter(Boolean);
    assert.ok(losers.length <= 1, `at most one of email/api lost: ${byMail.status} ${byApi.status}`);
    if (byApi.status !== 200) assert.equal(byApi.body.error.code, 'ALREADY_DECIDED');
    if (byMail.status !== 200) assert.match(byMail.html, /already/i);
    const edited = await eventually(async () => {
      const c = await rig.card(request.id);
      return c && /Approved/.test(c.text) && c.markup?.inline_keyboard?.length === 0 ? c : null;
    }, 'the card edited to the outcome');
    assert.match(edited.text, /2 of 2 approvals/);
  });

  it('counts one vote per approver when the same people vote 30 times at once', async () => {
    const request = await rig.file({});
    const keys = [KEYS.approver, KEYS.otherApprover, CAROL_KEY];
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => vote(rig, keys[i % 3], request.id, { outcome: 'approved' })));
    const ok = results.filter((r) => r.status === 200);
    assert.equal(ok.length, 2, JSON.stringify(results.map((r) => r.status)));
    for (const r of results.filter((x) => x.status !== 200)) assert.ok(['ALREADY_VOTED', 'ALREADY_DECIDED'].includes(r.body.error.code), r.body.error.code);
    const done = await rig.get(request.id);
    assert.equal(done.status, 'approved');
    assert.equal(done.workflow!.votes.length, 2);
    assert.equal((await votedRows(rig, request.id)).length, 2);
  });

  it('refuses a second vote by the same approver on any channel, and shows the count everywhere', async () => {
    const request = await rig.file({});
    const card = await eventually(() => rig.card(request.id), 'the Telegram card');
    await rig.emu.tap(ALICE, card, buttonData(card, 'Approve'));
    await eventually(async () => ((await rig.get(request.id)).workflow!.votes.length === 1 ? true : null), 'alice counted');
    // Telegram: the card is edited in place, buttons kept; the tap was answered with the count.
    const refreshed = await eventually(async () => {
      const c = await rig.card(request.id);
      return c && c.text.includes('1 of 2 approvals — alice approved') && buttonLabels(c).length > 0 ? c : null;
    }, 'the card showing the count');
    assert.ok(buttonLabels(refreshed).some((l) => l.includes('Approve')));
    await eventually(() => rig.emu.answers().some((a) => String(a.payload.text ?? '').includes('Vote counted: 1 of 2 approvals — alice approved')), 'the tap answered with the count');
    // API and wait: the agent sees the same line.
    const api = await vote(rig, KEYS.approver, request.id, { outcome: 'approved' });
    assert.equal(api.status, 409);
    assert.equal(api.body.error.code, 'ALREADY_VOTED');
    assert.match(api.body.error.message, /alice already approved this request \(via telegram\); each approver counts once\. 1 of 2 approvals — alice approved\./);
    const denyToo = await vote(rig, KEYS.approver, request.id, { outcome: 'denied' });
    assert.equal(denyToo.body.error.code, 'ALREADY_VOTED', 'a change of mind is a second vote too');
    const waited = await rig.srv.call('agent', 'GET', `/v1/requests/${request.id}/wait?timeout_sec=0`);
    assert.equal(waited.body.status, 'pending');
    assert.deepEqual(waited.body.workflow.progress, ['1 of 2 approvals — alice approved']);
    assert.equal(waited.body.workflow.votes[0].approver, 'alice');
    // Email: alice's own link refuses on the confirmation page; bob's page shows the count.
    const aliceLink = linksOf(await rig.smtp.announcement(request.id, 'alice@example.com')).get('Approve once')!;
    const again = await decideByLink(aliceLink);
    assert.equal(again.status, 409, again.html.slice(0, 300));
    assert.match(again.html, /alice already approved this request/);
    const bobPage = await openLink(linksOf(await rig.smtp.announcement(request.id, 'bob@example.com')).get('Approve once')!);
    assert.match(bobPage.html, /1 of 2 approvals — alice approved/);
    // Telegram again: a second tap by alice is refused, the count stays.
    await rig.emu.tap(ALICE, refreshed, buttonData(refreshed, 'Approve'));
    await eventually(() => rig.emu.answers().some((a) => String(a.payload.text ?? '').includes('alice already approved')), 'the second tap refused');
    assert.equal((await rig.get(request.id)).workflow!.votes.length, 1);
    assert.equal((await votedRows(rig, request.id)).length, 1);
    // Bob completes it from Telegram.
    await rig.emu.tap(BOB, refreshed, buttonData(refreshed, 'Approve'));
    const done = await eventually(async () => ((await rig.get(request.id)).status === 'approved' ? rig.get(request.id) : null), 'the approval');
    assert.equal(done.decision!.decided_by, 'alice, bob');
    assert.equal(done.decision!.via, 'telegram');
  });

  it('never counts the agent\'s owner or its own name, whoever holds the key', async () => {
    const request = await rig.file({});
    const owner = await vote(rig, DAVE_KEY, request.id, { outcome: 'approved' });
    assert.equal(owner.status, 403);
    assert.equal(owner.body.error.code, 'NOT_ROUTED_TO_YOU');
    const admin = await rig.srv.call('admin', 'POST', `/v1/requests/${request.id}/decision`, { outcome: 'approved' });
    assert.equal(admin.body.error.code, 'NOT_ROUTED_TO_YOU', 'an admin not in the workflow does not vote either');
    const agent = await rig.srv.call('agent', 'POST', `/v1/requests/${request.id}/decision`, { outcome: 'approved' });
    assert.equal(agent.body.error.code, 'AGENT_CANNOT_DECIDE');
    assert.equal((await rig.get(request.id)).workflow!.votes.length, 0);
    // A group that only reaches the quorum with the owner: denied at once, saying why.
    const tiny = await rig.srv.call('agent', 'POST', '/v1/requests', { title: 'tiny', preview: 'x', tags: ['tiny'] });
    assert.equal(tiny.body.status, 'denied');
    assert.match(tiny.body.decision.comment, /needs 2 approvals but only 1 approver may vote on this request \(alice\)/);
  });

  it('takes plain votes only: no grants, edits or conditions when several must approve', async () => {
    const request = await rig.file({ session_id: 's1' });
    for (const body of [{ outcome: 'approved', scope: 'always' }, { outcome: 'approved', updated_input: 'kubectl delete ns prod' }, { outcome: 'approved', scope: 'session' }]) {
      const r = await vote(rig, KEYS.approver, request.id, body);
      assert.equal(r.status, 400);
      assert.equal(r.body.error.code, 'VOTE_NOT_ALLOWED');
    }
    assert.equal((await rig.get(request.id)).workflow!.votes.length, 0);
  });

  it('ends denied on the first deny, or in majority mode only once approval is out of reach', async () => {
    const first = await rig.file({});
    await vote(rig, KEYS.approver, first.id, { outcome: 'approved' });
    const denied = await vote(rig, CAROL_KEY, first.id, { outcome: 'denied', comment: 'not during the freeze' });
    assert.equal(denied.body.status, 'denied');
    assert.equal(denied.body.decision.decided_by, 'carol');
    assert.match(denied.body.decision.comment, /carol: not during the freeze/);

    const maj = await rig.file({ project: 'web', tags: ['majority'] });
    assert.equal((await vote(rig, KEYS.approver, maj.id, { outcome: 'denied' })).body.status, 'pending');
    const out = await vote(rig, KEYS.otherApprover, maj.id, { outcome: 'denied' });
    assert.equal(out.body.status, 'denied', 'two of three denied: 2 approvals can no longer come');
    assert.deepEqual(out.body.workflow.progress, ['0 of 2 approvals — alice and bob denied']);
  });
});
