// End to end: Claude Code sessions Greenlight runs itself, driven from Telegram. The real Agent SDK
// and the Claude Code binary it ships run offline against a loopback mock of the Messages API
// (test/helpers/mock-anthropic.ts); the chat is the Bot API emulator. A prompt starts a session in a
// temp directory, its Bash call becomes an approval card in the same chat, approving runs it, the
// output streams back, /new ends the session's grants, /stop interrupts a long turn, /resume
// continues the same Claude Code session; outsiders are refused and audited.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AgentSession } from '../../src/store/store.js';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic.js';
import { ALICE, CHAT, MALLORY, buttonData, eventually, startRig, type Rig } from '../telegram/emulator.js';
import { claudeEnv, claudeWorkspace } from './fixtures.js';

describe('agent sessions from Telegram, with the real Agent SDK and Claude Code', () => {
  let rig: Rig;
  let mock: MockAnthropic;
  const { project, home, remove } = claudeWorkspace('greenlight-sessions-');

  before(async () => {
    mock = await startMockAnthropic();
    rig = await startRig({
      telegram: { session_edit_interval_ms: 100 },
      contexts: [{ name: 'web', directory: project, allow: ['Bash(node -e *)'] }],
      sessions: { env: claudeEnv(mock.url, home), max_turn_sec: 120 },
    });
  });
  after(async () => {
    await rig?.stop();
    await mock?.close();
    remove();
  });

  const said = (chat: number, pattern: RegExp) => eventually(() => rig.emu.messages(chat).find((m) => pattern.test(m.text)), `a message matching ${pattern}`, 60_000);
  const sessionsOf = async (): Promise<AgentSession[]> => rig.srv.store.listAgentSessions({ kind: 'run', limit: 50 });
  const idle = (id: string) => eventually(async () => {
    const s = await rig.srv.store.getAgentSession(id);
    return s && s.status === 'idle' && !rig.srv.sessions.manager.isRunning(id) ? s : null;
  }, `session ${id} idle`, 90_000);

  let first: AgentSession;

  it('a prompt starts a session; its Bash call is an approval card in the same chat; approving runs it and the output streams back', async () => {
    await rig.emu.command(ALICE, CHAT, '/context web');
    await said(CHAT, /Context web \(/);
    mock.setTool({ name: 'Bash', input: { command: "touch made-by-agent.txt && echo '<b>made</b> \u202Eevil'", description: 'Make a file' } });
    await rig.emu.say(ALICE, CHAT, 'make the file, <i>please</i>');
    const request = await eventually(async () => (await rig.srv.store.listRequests({ order: 'queue', status: ['pending'], agent: 'context:web', limit: 5 })).items[0], 'the Bash call filed as a request', 60_000);
    assert.equal(request.tool, 'Bash');
    assert.equal(request.cwd, project);
    const card = await eventually(() => rig.card(request.id), 'the approval card in the chat that drives the session', 10_000);
    assert.ok(!existsSync(join(project, 'made-by-agent.txt')), 'nothing ran before the approval');
    await rig.emu.tap(ALICE, card, buttonData(card, 'Approve for session'));
    const done = await said(CHAT, /■ Finished\./);
    assert.ok(existsSync(join(project, 'made-by-agent.txt')));
    assert.match(done.text, /🔧 Bash: touch made-by-agent\.txt/);
    // Agent output is plain text with its invisible characters shown, never markup.
    assert.match(done.text, /tool said: <b>made<\/b> ⟪U\+202E⟫evil/);
    const sends = rig.emu.calls.filter((c) => (c.method === 'sendMessage' || c.method === 'editMessageText') && /^web · ses_/.test(String(c.payload.text)));
    assert.ok(sends.length > 0 && sends.every((c) => c.payload.parse_mode === undefined), 'streamed output is sent without a parse mode');
    [first] = await sessionsOf();
    first = await idle(first.id);
    assert.ok(first.external_id, 'Claude Code reported its session id');
    assert.equal(first.chat_target, String(CHAT));
    assert.equal(first.last_outcome, 'completed');
    const audit = await rig.srv.store.listAudit({ limit: 200 });
    assert.ok(audit.some((a) => a.action === 'session.prompted' && a.actor_name === 'alice' && (a.detail as any).prompt === 'make the file, <i>please</i>'));
  });

  it('/new ends the session and the grant its approval gave', async () => {
    const grants = await rig.srv.store.listGrants({ agent: 'context:web', include_revoked: true });
    assert.equal(grants.filter((g) => g.scope === 'session' && g.session_id === first.external_id && g.revoked_at === null).length, 1);
    await rig.emu.command(ALICE, CHAT, '/new');
    await said(CHAT, /Fresh start in web\. Session ses_\w+ ended with its 1 session grant/);
    const after = await rig.srv.store.listGrants({ agent: 'context:web', include_revoked: true });
    assert.ok(after.filter((g) => g.session_id === first.external_id).every((g) => g.revoked_at !== null));
    assert.equal((await rig.srv.store.getAgentSession(first.id))?.status, 'ended');
  });

  let second: AgentSession;

  it('/stop interrupts a long turn', async () => {
    mock.setTool({ name: 'Bash', input: { command: 'node -e "setTimeout(() => console.log(42), 60000)"', description: 'Wait a minute' } });
    await rig.emu.say(ALICE, CHAT, 'wait a minute');
    second = await eventually(async () => (await sessionsOf()).find((s) => s.id !== first.id && s.current_tool === 'Bash'), 'the new session running Bash', 60_000);
    const started = Date.now();
    await new Promise((r) => setTimeout(r, 500)); // the command is running
    await rig.emu.command(ALICE, CHAT, '/stop');
    await said(CHAT, /Stopping ses_/);
    await said(CHAT, /■ Stopped: the turn was interrupted\./);
    const s = await idle(second.id);
    assert.equal(s.last_outcome, 'stopped');
    assert.ok(s.external_id);
    second = s;
    assert.ok(Date.now() - started < 30_000, 'stopped long before the command would have ended');
  });

  it('/resume continues the same Claude Code session', async () => {
    await rig.emu.command(ALICE, CHAT, '/resume');
    await said(CHAT, new RegExp(`Resumed ${second.id}`));
    const before = mock.toolResults.length;
    await rig.emu.say(ALICE, CHAT, 'carry on');
    const s = await eventually(async () => {
      const x = await rig.srv.store.getAgentSession(second.id);
      return x && x.turns === 2 && x.status === 'idle' && !rig.srv.sessions.manager.isRunning(x.id) ? x : null;
    }, 'the second turn of the same session', 90_000);
    assert.equal(s.external_id, second.external_id, 'the same Claude Code session');
    const events = await rig.srv.store.listSessionEvents(second.id, { limit: 100 });
    assert.deepEqual(events.filter((e) => e.kind === 'prompt').map((e) => e.text), ['wait a minute', 'carry on'], JSON.stringify(events.map((e) => [e.seq, e.kind, e.text.slice(0, 40)])));
    assert.equal(mock.toolResults.length, before, 'no new tool ran');
  });

  it('refuses outsiders: commands and messages of a non-approver are audited and start nothing', async () => {
    const count = (await sessionsOf()).length;
    await rig.emu.command(MALLORY, CHAT, '/context web');
    await said(CHAT, /Not authorized/);
    await rig.emu.say(MALLORY, CHAT, 'rm -rf / please');
    await eventually(async () => (await rig.srv.store.listAudit({ limit: 500 })).filter((a) => a.action === 'telegram.unauthorized' && (a.detail as any).telegram_user_id === MALLORY).length >= 2, 'two refusals audited');
    assert.equal((await sessionsOf()).length, count);
  });
});
