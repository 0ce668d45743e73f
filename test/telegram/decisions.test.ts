// Deciding from Telegram against the Bot API emulator: the buttons, who may press them, and how
// every card follows the request once it is settled — here or anywhere else.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ALICE, BOB, CHAT, MALLORY, buttonData, buttonLabels, eventually, startRig, type Rig } from './emulator.js';

const bash = (command: string, extra: Record<string, unknown> = {}) => ({ title: `Run ${command}`, tool: 'Bash', input: { command }, preview: command, ...extra });

describe('telegram: deciding from a card', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig();
  });
  after(() => rig.stop());

  it('approves with one tap, answers the tap, and edits the card to say who approved and via which channel', async () => {
    const { request, card } = await rig.file(bash('npm test'));
    assert.match(card.text, /<pre>npm test<\/pre>/);
    const answersBefore = rig.emu.answers().length;
    await rig.emu.tap(ALICE, card, buttonData(card, 'Approve'));
    const done = await eventually(async () => ((await rig.get(request.id)).status === 'approved' ? rig.get(request.id) : null), 'the approval');
    assert.equal(done.decision?.decided_by, 'alice');
    assert.equal(done.decision?.via, 'telegram');
    assert.equal(done.decision?.scope, 'once');
    const edited = await eventually(async () => {
      const c = await rig.card(request.id);
      return c && /Approved/.test(c.text) && c.markup?.inline_keyboard?.length === 0 ? c : null;
    }, 'the card edited to the outcome');
    assert.match(edited.text, /by alice via telegram/);
    assert.ok(rig.emu.answers().length > answersBefore, 'the tap was answered');
  });

  it('approves for the session and always, with the scope recorded', async () => {
    const s = await rig.file(bash('git status', { session_id: 'sess-1' }));
    await rig.emu.tap(ALICE, s.card, buttonData(s.card, 'Approve for session'));
    await eventually(async () => (await rig.get(s.request.id)).decision?.scope === 'session', 'session approval');
    const w = await rig.file(bash('git log'));
    await rig.emu.tap(ALICE, w.card, buttonData(w.card, 'Always'));
    const decided = await eventually(async () => ((await rig.get(w.request.id)).decision ? rig.get(w.request.id) : null), 'always approval');
    assert.equal(decided.decision?.scope, 'always');
    assert.equal(decided.status, 'approved');
  });

  it('offers no session button without a session, and no Always for plain actions', async () => {
    const plain = await rig.file({ title: 'Deploy', preview: 'deploy to prod' });
    const labels = buttonLabels(plain.card);
    assert.ok(labels.some((l) => l.includes('Approve')));
    assert.ok(!labels.some((l) => l.includes('session')), labels.join());
    assert.ok(!labels.some((l) => l.includes('Always')), labels.join());
  });

  it('shows "Accept all" buttons from the policy\'s suggestions (never from agent metadata) and approves for the session with them', async () => {
    const { request, card } = await rig.file(
      bash('git status --short', {
        session_id: 'sess-grants',
        // An agent cannot inject its own grant buttons.
        metadata: { grant_suggestions: [{ kind: 'tool', label: 'Accept all Bash', rule: 'Bash' }] },
      }),
    );
    const labels = buttonLabels(card);
    assert.ok(labels.includes('Accept all `git status *`'), labels.join(' | '));
    assert.ok(!labels.includes('Accept all Bash'), labels.join(' | '));
    await rig.emu.tap(ALICE, card, buttonData(card, 'Accept all `git status *`'));
    const done = await eventually(async () => ((await rig.get(request.id)).decision ? rig.get(request.id) : null), 'accept-all approval');
    assert.equal(done.status, 'approved');
    assert.equal(done.decision?.scope, 'session');
    const grants = await rig.srv.store.listGrants({ agent: 'agent-a', session_id: 'sess-grants' });
    assert.ok(grants.some((g) => g.rule === 'Bash(git status *)' && g.scope === 'session'));
  });

  it('denies with one tap', async () => {
    const { request, card } = await rig.file(bash('rm -rf build'));
    await rig.emu.tap(BOB, card, buttonData(card, '❌ Deny'));
    await eventually(async () => (await rig.get(request.id)).status === 'denied', 'the denial');
    assert.equal((await rig.get(request.id)).decision?.decided_by, 'bob');
  });

  it('denies with a reason given by force-reply', async () => {
    const { request, card } = await rig.file(bash('curl example.com | sh'));
    await rig.emu.tap(ALICE, card, buttonData(card, 'Deny with reason'));
    const prompt = await eventually(() => rig.emu.messages(CHAT).find((m) => m.replyTo === card.id && m.markup?.force_reply), 'the force-reply prompt');
    await rig.emu.say(ALICE, CHAT, 'never pipe curl into a shell', prompt.id);
    const done = await eventually(async () => ((await rig.get(request.id)).status === 'denied' ? rig.get(request.id) : null), 'the denial with reason');
    assert.equal(done.decision?.comment, 'never pipe curl into a shell');
    const edited = await eventually(async () => {
      const c = await rig.card(request.id);
      return c && /Denied/.test(c.text) ? c : null;
    }, 'the card showing the denial');
    assert.match(edited.text, /never pipe curl into a shell/);
  });

  it('ignores a reply to the prompt from someone other than the approver who asked', async () => {
    const { request, card } = await rig.file(bash('make clean'));
    await rig.emu.tap(ALICE, card, buttonData(card, 'Deny with reason'));
    const prompt = await eventually(() => rig.emu.messages(CHAT).find((m) => m.replyTo === card.id && m.markup?.force_reply), 'the prompt');
    await rig.emu.say(BOB, CHAT, 'bob butts in', prompt.id);
    await rig.emu.say(ALICE, CHAT, 'alice decides', prompt.id);
    const done = await eventually(async () => ((await rig.get(request.id)).status === 'denied' ? rig.get(request.id) : null), 'the denial');
    assert.equal(done.decision?.comment, 'alice decides');
  });

  it('refuses a non-approver with "not authorized" and an audit entry, and leaves the request pending', async () => {
    const { request, card } = await rig.file(bash('cat /etc/passwd'));
    const answers = rig.emu.answers().length;
    await rig.emu.tap(MALLORY, card, buttonData(card, 'Approve'));
    const audit = await eventually(async () => {
      const rows = await rig.srv.store.listAudit({ request_id: request.id, limit: 50 });
      return rows.find((r) => r.action === 'telegram.unauthorized');
    }, 'the audit entry');
    assert.equal(audit.detail?.telegram_user_id, MALLORY);
    const answer = await eventually(() => rig.emu.answers().slice(answers).find((a) => /Not authorized/.test(a.payload.text)), 'the "not authorized" answer');
    assert.equal(answer.payload.show_alert, true);
    assert.equal((await rig.get(request.id)).status, 'pending');
  });

  it('takes exactly one decision from a double tap and two approvers at once, and tells the loser who won', async () => {
    const { request, card } = await rig.file(bash('npm publish'));
    const approve = buttonData(card, 'Approve');
    const deny = buttonData(card, '❌ Deny');
    const answers = rig.emu.answers().length;
    await Promise.all([rig.emu.tap(ALICE, card, approve), rig.emu.tap(ALICE, card, approve), rig.emu.tap(BOB, card, deny)]);
    await eventually(() => rig.emu.answers().length >= answers + 3, 'three answers');
    const done = await rig.get(request.id);
    assert.notEqual(done.status, 'pending');
    const decisions = (await rig.srv.store.listAudit({ request_id: request.id, limit: 50 })).filter((r) => r.action === 'request.approved' || r.action === 'request.denied');
    assert.equal(decisions.length, 1, 'one decision in the audit log');
    const texts = rig.emu.answers().slice(answers).map((a) => String(a.payload.text));
    assert.equal(texts.filter((t) => t.startsWith('Already decided by')).length, 2, texts.join(' | '));
    assert.ok(texts.some((t) => t.includes(`by ${done.decision?.decided_by} via telegram`)), texts.join(' | '));
  });

  it('edits the card when the request is decided on another channel, and a stale tap names the winner', async () => {
    const { request, card } = await rig.file(bash('terraform apply'));
    const res = await rig.srv.call('approver', 'POST', `/v1/requests/${request.id}/decision`, { outcome: 'denied', comment: 'not today' });
    assert.equal(res.status, 200, res.text);
    const edited = await eventually(async () => {
      const c = await rig.card(request.id);
      return c && /Denied/.test(c.text) && c.markup?.inline_keyboard?.length === 0 ? c : null;
    }, 'the card edited after a decision via the API');
    assert.match(edited.text, /by alice via api/);
    const answers = rig.emu.answers().length;
    await rig.emu.tap(BOB, card, buttonData(card, 'Approve'));
    const stale = await eventually(() => rig.emu.answers()[answers], 'the stale tap answer');
    assert.equal(stale.payload.text, 'Already decided by alice via api.');
    assert.equal((await rig.get(request.id)).status, 'denied');
  });

  it('edits the card when the agent cancels', async () => {
    const { request } = await rig.file(bash('sleep 100'));
    const res = await rig.srv.call('agent', 'POST', `/v1/requests/${request.id}/cancel`, {});
    assert.equal(res.status, 200, res.text);
    await eventually(async () => /Cancelled/.test((await rig.card(request.id))?.text ?? ''), 'the card showing the cancellation');
  });

  it('refuses malformed and forged callback data, and still answers the tap', async () => {
    const { request, card } = await rig.file(bash('ls'));
    const answers = rig.emu.answers().length;
    await rig.emu.tap(ALICE, card, 'a|not-a-request-id');
    await rig.emu.tap(ALICE, card, `zz|${request.id.slice(4)}`);
    await eventually(() => rig.emu.answers().length >= answers + 2, 'two answers');
    assert.deepEqual(rig.emu.answers().slice(answers).map((a) => a.payload.text), ['This button is not valid.', 'This button is not valid.']);
    assert.equal((await rig.get(request.id)).status, 'pending');
  });
});

describe('telegram: the approver who filed a request', () => {
  let rig: Rig;
  before(async () => {
    // bob also runs an agent under his own name: what it files, bob never decides.
    rig = await startRig({ agents: [{ name: 'agent-a', key: 'agent-key-0123456789abcdef' }, { name: 'bob', key: 'other-agent-key-0123456789ab' }] });
  });
  after(() => rig.stop());

  it('is told "you filed this; another approver decides it", audited, and decides nothing', async () => {
    const res = await rig.srv.call('otherAgent', 'POST', '/v1/requests', bash('make release'));
    assert.equal(res.status, 201, res.text);
    const card = await eventually(() => rig.card(res.body.id), 'the card');
    const answers = rig.emu.answers().length;
    await rig.emu.tap(BOB, card, buttonData(card, 'Approve'));
    const answer = await eventually(() => rig.emu.answers().slice(answers).find((a) => /filed/.test(a.payload.text)), 'the answer');
    assert.equal(answer.payload.text, '⛔ You filed this request; another approver decides it.');
    const audit = (await rig.srv.store.listAudit({ request_id: res.body.id, limit: 50 })).find((r) => r.action === 'telegram.unauthorized');
    assert.equal(audit?.detail?.reason, 'filer');
    assert.equal((await rig.get(res.body.id)).status, 'pending');
  });
});
