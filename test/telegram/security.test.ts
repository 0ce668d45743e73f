// Hostile agent text in every field of a card, prompt and outcome: escaped, never markup.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ALICE, CHAT, buttonData, eventually, startRig, type Rig } from './emulator.js';
import { assertSafeTelegramHtml, visibleText } from './html-safety.js';

const EVIL = '<b>bold</b></pre><a href="javascript:alert(1)">x</a> &amp; <i>🚀 \u202Etxt.exe';

describe('telegram: hostile text', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig({ projects: [{ name: 'web', directories: ['/srv/web'] }] });
  });
  after(() => rig.stop());

  it('escapes hostile HTML in every field of the card, shows the RTL override, and keeps it valid', async () => {
    const { request, card } = await rig.file({
      title: `T ${EVIL}`,
      tool: 'Bash',
      input: { command: `echo ${EVIL}` },
      cwd: `/srv/web/${EVIL}`,
      session_id: 'S<i>',
      requester: `R ${EVIL}`,
      context: `C ${EVIL}`,
      priority: 'high',
      conditions_schema: [{ name: 'why', type: 'text', label: `L ${EVIL}` }],
    });
    assertSafeTelegramHtml(card.text);
    const shown = visibleText(card.text);
    const expected = EVIL.replace('\u202E', '⟪U+202E⟫');
    for (const prefix of ['T ', 'echo ', 'R ', 'C ']) assert.ok(shown.includes(prefix + expected), `${prefix}… shown verbatim:\n${shown}`);
    assert.ok(shown.includes(`web/${expected}`), 'the cwd');
    assert.ok(!card.text.includes('\u202E'), 'no raw RTL override');
    assert.ok(shown.includes('S<i>'));

    // The outcome with a hostile reason is escaped too.
    await rig.emu.tap(ALICE, card, buttonData(card, 'Deny with reason'));
    const prompt = await eventually(() => rig.emu.messages(CHAT).find((m) => m.replyTo === card.id && m.markup?.force_reply), 'the prompt');
    assertSafeTelegramHtml(prompt.text);
    await rig.emu.say(ALICE, CHAT, `no ${EVIL}`, prompt.id);
    const edited = await eventually(async () => {
      const c = await rig.card(request.id);
      return c && /Denied/.test(c.text) ? c : null;
    }, 'the denied card');
    assertSafeTelegramHtml(edited.text);
    assert.ok(visibleText(edited.text).includes(`no ${expected}`));
    const promptAfter = await eventually(() => {
      const p = rig.emu.message(CHAT, prompt.id);
      return p && /Denied/.test(p.text) ? p : null;
    }, 'the prompt edited to the outcome');
    assertSafeTelegramHtml(promptAfter.text);
  });

  it('escapes hostile question options, and button labels carry them as plain text', async () => {
    const { card } = await rig.file({ title: 'Q', question: { options: [`<b>${EVIL}`, 'plain'], allow_free_text: true } });
    assertSafeTelegramHtml(card.text);
    const labels = (card.markup.inline_keyboard as { text: string }[][]).flat().map((b) => b.text);
    assert.ok(labels.some((l) => l.startsWith('A · <b><b>bold</b>')), labels.join(' | '));
    assert.ok(!labels.join('').includes('\u202E'));
  });

  it('escapes a decision made elsewhere with hostile words', async () => {
    const { request } = await rig.file({ title: 'x', preview: 'y' });
    await rig.srv.call('approver', 'POST', `/v1/requests/${request.id}/decision`, { outcome: 'approved', comment: EVIL });
    const edited = await eventually(async () => {
      const c = await rig.card(request.id);
      return c && /Approved/.test(c.text) ? c : null;
    }, 'the approved card');
    assertSafeTelegramHtml(edited.text);
    assert.ok(visibleText(edited.text).includes(EVIL.replace('\u202E', '⟪U+202E⟫')));
  });
});
