// "Agent finished" and "agent needs input" in the chat that watches the agent (Bot API emulator):
// a hooked agent's Stop and Notification hooks go to the chats its requests are routed to, a
// context session's turn end to the chat that drives it; a context bound to a chat cannot be
// driven from another one.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ALICE, CHAT, eventually, startRig, type Rig } from '../telegram/emulator.js';
import { scriptedRunner } from './fixtures.js';

describe('session notices and chat bindings on Telegram', () => {
  let rig: Rig;
  const script = scriptedRunner();

  before(async () => {
    rig = await startRig(
      {
        agents: [{ name: 'agent-a', key: 'agent-key-0123456789abcdef' }],
        contexts: [{ name: 'ops', directory: '/srv/ops', chats: [{ channel: 'telegram', target: String(CHAT) }] }],
        telegram: { session_edit_interval_ms: 50 },
      },
      { sessionRunner: script.runner },
    );
  });
  after(() => rig?.stop());

  const said = (chat: number, pattern: RegExp) => eventually(() => rig.emu.messages(chat).find((m) => pattern.test(m.text)), `a message matching ${pattern}`);
  const hook = (p: Record<string, unknown>) => rig.srv.call('agent', 'POST', '/v1/hooks/claude-code', { session_id: 'cc-notice', cwd: '/tmp', ...p });

  it('tells the routed chat when a hooked agent needs input and when it finished, with hidden characters shown', async () => {
    await hook({ hook_event_name: 'Notification', message: 'Claude needs your permission to use <b>Bash</b> \u202Eexe.txt', notification_type: 'permission_prompt' });
    const needs = await said(CHAT, /^Agent agent-a: Claude needs your permission/);
    assert.equal(needs.text, 'Agent agent-a: Claude needs your permission to use <b>Bash</b> ⟪U+202E⟫exe.txt');
    assert.ok(rig.emu.callsOf('sendMessage').filter((c) => String(c.payload.text).startsWith('Agent agent-a')).every((c) => c.payload.parse_mode === undefined));
    await hook({ hook_event_name: 'Stop', stop_hook_active: false });
    await said(CHAT, /^Agent agent-a: The agent finished/);
  });

  it('drives a context only from its chats, and tells that chat when a turn ends', async () => {
    await rig.emu.command(ALICE, ALICE, '/context ops');
    await said(ALICE, /no context "ops" you may drive from this chat/);
    await rig.emu.command(ALICE, CHAT, '/context ops');
    await said(CHAT, /Context ops \(\/srv\/ops\)/);
    await rig.emu.say(ALICE, CHAT, 'deploy it');
    await eventually(() => script.turns.length === 1, 'the turn to start');
    script.turns[0].emit({ type: 'text', text: 'deployed' });
    script.turns[0].end('completed');
    await said(CHAT, /^Context ops: Finished\.$/);
    const stream = await said(CHAT, /^ops · ses_\w+\n\ndeployed\n■ Finished\.$/);
    assert.ok(stream);
    await rig.emu.command(ALICE, CHAT, '/status');
    const status = await said(CHAT, /^Context: ops\n/);
    assert.match(status.text, /This chat's session: ses_\w+ \(idle\), last turn completed/);
  });
});
