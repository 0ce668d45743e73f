// Bot commands (/start, /pending, /clear), where requests are posted, and the Chinese templates.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ALICE, BOB, CHAT, Emulator, MALLORY, buttonData, buttonLabels, eventually, startRig, type Rig } from './emulator.js';

const bash = (command: string, extra: Record<string, unknown> = {}) => ({ title: `Run ${command}`, tool: 'Bash', input: { command }, preview: command, ...extra });
const CN_CHAT = -100300;

describe('telegram: commands', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig();
  });
  after(() => rig.stop());

  it('/start tells anyone their chat id and user id to paste into the config', async () => {
    await rig.emu.command(MALLORY, MALLORY, '/start');
    const reply = await eventually(() => rig.emu.messages(MALLORY).find((m) => /Your user id/.test(m.text)), 'the /start reply');
    assert.match(reply.text, new RegExp(`This chat's id: <code>${MALLORY}</code>`));
    assert.match(reply.text, /approvers\[\]\.telegram_user_id/);
    await rig.emu.command(ALICE, ALICE, '/start');
    const mine = await eventually(() => rig.emu.messages(ALICE).find((m) => /You are approver/.test(m.text)), 'the approver /start reply');
    assert.match(mine.text, /<b>alice<\/b>/);
  });

  it('/pending posts a card per pending request in the asking chat, and those cards follow the decision too', async () => {
    const first = await rig.file(bash('one'));
    const second = await rig.file(bash('two'));
    await rig.emu.command(ALICE, ALICE, '/pending');
    await eventually(() => rig.emu.messages(ALICE).find((m) => /pending requests?: cards follow/.test(m.text)), 'the /pending summary');
    const mine = await eventually(() => rig.card(second.request.id, ALICE), 'the /pending card in the private chat');
    await eventually(() => rig.card(first.request.id, ALICE), 'the other /pending card');
    await rig.emu.tap(ALICE, mine, buttonData(mine, 'Approve'));
    await eventually(async () => (await rig.get(second.request.id)).status === 'approved', 'approved from the /pending card');
    for (const chat of [CHAT, ALICE]) {
      await eventually(async () => {
        const c = await rig.card(second.request.id, chat);
        return c && /Approved/.test(c.text) && c.markup?.inline_keyboard?.length === 0;
      }, `the card in chat ${chat} edited`);
    }
  });

  it('/pending from a stranger is refused and audited', async () => {
    await rig.emu.command(MALLORY, MALLORY, '/pending');
    await eventually(() => rig.emu.messages(MALLORY).find((m) => /Not authorized/.test(m.text)), 'the refusal');
    const audit = await rig.srv.store.listAudit({ limit: 20, order: 'desc' });
    assert.ok(audit.some((a) => a.action === 'telegram.unauthorized' && a.detail?.action === '/pending' && a.detail?.telegram_user_id === MALLORY));
  });

  it('/clear ends the session grants approved from the chat', async () => {
    const { request, card } = await rig.file(bash('git status', { session_id: 'sess-clear' }));
    await rig.emu.tap(BOB, card, buttonData(card, 'Approve for session'));
    await eventually(async () => (await rig.get(request.id)).status === 'approved', 'the session approval');
    const [grant] = await rig.srv.store.listGrants({ agent: 'agent-a', session_id: 'sess-clear' });
    assert.equal(grant?.scope, 'session');
    await rig.emu.command(BOB, CHAT, '/clear');
    await eventually(() => rig.emu.messages(CHAT).find((m) => /Ended 1 session grant in 1 session/.test(m.text)), 'the /clear reply');
    assert.notEqual((await rig.srv.store.getGrant(grant.id))?.revoked_at, null);
    const audit = await rig.srv.store.listAudit({ limit: 20, order: 'desc' });
    assert.ok(audit.some((a) => a.action === 'grants.session_cleared' && a.actor_name === 'bob' && a.via === 'telegram'));
    await rig.emu.command(BOB, CHAT, '/clear');
    await eventually(() => rig.emu.messages(CHAT).find((m) => /No session grants/.test(m.text)), 'nothing left to clear');
  });
});

describe('telegram: where requests go, and in which language', () => {
  let emu: Emulator;
  before(async () => {
    emu = await Emulator.start();
  });
  after(() => emu.close());

  it('posts to the project route instead of the default chats, in the chat\'s language (zh)', async () => {
    const rig = await startRig(
      {
        telegram: { chat_locales: { [String(CN_CHAT)]: 'zh' } },
        projects: [{ name: 'cn', routes: [{ channel: 'telegram', target: String(CN_CHAT) }] }],
      },
      { emu },
    );
    try {
      const { request, card } = await rig.file(bash('部署', { project: 'cn', session_id: 's1' }), CN_CHAT);
      assert.match(card.text, /代理: <code>agent-a<\/code>/);
      assert.match(card.text, /过期时间/);
      assert.deepEqual(buttonLabels(card).slice(0, 2), ['✅ 批准', '✅ 本会话内批准']);
      assert.equal(await rig.card(request.id, CHAT), undefined, 'not in the default chat');
      await emu.tap(ALICE, card, buttonData(card, '❌ 拒绝'));
      await eventually(async () => /已拒绝/.test((await rig.card(request.id, CN_CHAT))?.text ?? ''), 'the card in Chinese after the decision');
      const answer = await eventually(() => emu.answers().find((a) => a.payload.text === '❌ 已拒绝'), 'the answer in Chinese');
      assert.ok(answer);
    } finally {
      await rig.stop();
    }
  });

  it('falls back to each routed approver\'s private chat when no chat is configured', async () => {
    const rig = await startRig({ telegram: { chats: [] }, projects: [{ name: 'solo', approvers: ['bob'] }] }, { emu });
    try {
      const { request } = await rig.file(bash('whoami', { project: 'solo' }), BOB);
      assert.equal(await rig.card(request.id, ALICE), undefined, 'alice does not decide for this project');
      const refs = await rig.srv.store.listChannelMessages(request.id);
      assert.deepEqual(refs.map((r) => r.target), [String(BOB)]);
    } finally {
      await rig.stop();
    }
  });
});
