// ok2run users switch unchanged: ok2run's hook script and MCP server send
// `"channel": "telegram", "target": {"tg_chat_id": "<chat>"}` (or `"email", {"email_to": ...}`) on
// every POST /v1/approvals. A target naming a chat or address the server itself sends the request
// to is a hint and is accepted — the request goes where the server's routing sends it; any other
// target is refused with TARGET_NOT_ROUTED and nothing is filed or sent. Real parts: the Bot API
// emulator and a real SMTP server on loopback.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestServer } from '../helpers/harness.js';
import { ALICE, CHAT, eventually, startRig, type Rig } from '../telegram/emulator.js';
import { emailSuite } from '../email/fixtures.js';

/** The body ok2run's scripts/cc_permission_hook.py posts (and mcp_server.py, but for title and preview). */
const ok2runHook = (target: Record<string, unknown>, channel = 'telegram') => ({
  session_id: 'cc_4242_0a1b2c3d',
  action_type: 'Bash',
  title: 'Claude Code: Bash',
  preview: `npm run build -- --run ${Math.random().toString(36).slice(2)}`,
  channel,
  target,
  expires_in_sec: 3600,
});

const count = async (s: TestServer) => (await s.call('approver', 'GET', '/v1/requests?limit=1000')).body.items.length;

describe('an ok2run target naming a chat the server sends to (channels.telegram.chats, no project routes)', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig();
  });
  after(() => rig.stop());

  it('is accepted as a hint, as ok2run sends it (a string chat id), and the card goes to that chat', async () => {
    const r = await rig.srv.call('agent', 'POST', '/v1/approvals', ok2runHook({ tg_chat_id: String(CHAT) }));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'pending');
    const card = await eventually(() => rig.card(r.body.approval_id), 'the card in the configured chat');
    assert.ok(card.text.includes('npm run build'));
  });

  it('is accepted as a number too, and on the native API', async () => {
    assert.equal((await rig.srv.call('agent', 'POST', '/v1/approvals', ok2runHook({ tg_chat_id: CHAT }))).status, 200);
    const native = await rig.srv.call('agent', 'POST', '/v1/requests', { title: 'native hint', channel: 'telegram', target: String(CHAT) });
    assert.equal(native.status, 201, native.text);
    assert.equal(native.body.target, String(CHAT));
  });

  it('a chat the server does not send to stays refused, and nothing is filed or sent there', async () => {
    const before = await count(rig.srv);
    for (const target of ['999999', String(ALICE), '@someone_else']) {
      const r = await rig.srv.call('agent', 'POST', '/v1/approvals', ok2runHook({ tg_chat_id: target }));
      assert.equal(r.status, 403, `${target}: ${r.text}`);
      assert.equal(r.body.error.code, 'TARGET_NOT_ROUTED');
      assert.match(r.body.detail, /cannot choose who approves/);
    }
    const native = await rig.srv.call('agent', 'POST', '/v1/requests', { title: 'x', channel: 'telegram', target: '999999' });
    assert.equal(native.body.error.code, 'TARGET_NOT_ROUTED');
    assert.equal(await count(rig.srv), before);
    assert.equal(rig.emu.messages(999999).length, 0);
    assert.equal(rig.emu.messages(ALICE).length, 0, 'the approver\'s private chat is not used while a group chat covers the request');
  });

  it('the configured chat on another channel is not a destination there', async () => {
    const r = await rig.srv.call('agent', 'POST', '/v1/approvals', ok2runHook({ email_to: String(CHAT) }, 'email'));
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'TARGET_NOT_ROUTED');
  });
});

describe('an ok2run target naming the approver\'s own chat, when that is where the server sends (approver_chats: fallback, no chats)', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig({ telegram: { chats: [] } });
  });
  after(() => rig.stop());

  it('is accepted, and the card reaches the approver\'s private chat', async () => {
    const r = await rig.srv.call('agent', 'POST', '/v1/approvals', ok2runHook({ tg_chat_id: String(ALICE) }));
    assert.equal(r.status, 200, r.text);
    await eventually(() => rig.card(r.body.approval_id, ALICE), 'the card in alice\'s private chat');
    const group = await rig.srv.call('agent', 'POST', '/v1/approvals', ok2runHook({ tg_chat_id: String(CHAT) }));
    assert.equal(group.status, 403, 'the group chat is not configured here');
  });
});

describe('an ok2run email target (APPROVAL_EMAIL)', () => {
  const em = emailSuite();

  it('naming a routed approver\'s address (any case) is accepted, and the mail goes to that approver', async () => {
    for (const email_to of ['alice@example.com', ' Alice@Example.COM ']) {
      const r = await em.s.call('agent', 'POST', '/v1/approvals', ok2runHook({ email_to }, 'email'));
      assert.equal(r.status, 200, r.text);
      const mail = await em.smtp.announcement(r.body.approval_id, 'alice@example.com');
      assert.match(mail.parsed.text ?? '', /npm run build/);
    }
  });

  it('an address the server does not send this request to stays refused, and no mail goes out', async () => {
    const before = await count(em.s);
    const sent = em.smtp.mails.length;
    // bob is an approver, but only for project "ops": a request without a project never reaches him.
    for (const email_to of ['attacker@evil.example', 'bob@example.com']) {
      const r = await em.s.call('agent', 'POST', '/v1/approvals', ok2runHook({ email_to }, 'email'));
      assert.equal(r.status, 403, `${email_to}: ${r.text}`);
      assert.equal(r.body.error.code, 'TARGET_NOT_ROUTED');
    }
    assert.equal(await count(em.s), before);
    assert.equal(em.smtp.mails.length, sent);
  });
});
