// What the approver sees on Telegram is what runs: the action from the tool input first, the
// agent's own description second and labelled, then why the policy asks; every hostile string of
// the corpus (bidi, zero-width, BOM, separators, tags, HTML, markdown) shown visibly through the
// Bot API emulator, in the card, the buttons and the attached full text.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { countInvisible, showInvisible } from '../../src/text/invisible.js';
import { ALL_HOSTILE, assertShownVisibly, EMOJI, HOSTILE, tags } from '../helpers/hostile-text.js';
import { buttonLabels, eventually, startRig, type Rig } from './emulator.js';
import { assertSafeTelegramHtml, visibleText } from './html-safety.js';

describe('telegram: what the approver sees is what runs', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig({ policy: { allow: ['Bash(echo *)'] } });
  });
  after(() => rig.stop());

  it('leads with the command from the input; the agent\'s preview comes second, labelled, then why it asks', async () => {
    const { card } = await rig.file({ title: 'Tidy up', tool: 'Bash', input: { command: 'rm -rf ~/important' }, preview: 'ls -la', session_id: 's1' });
    assertSafeTelegramHtml(card.text);
    const shown = visibleText(card.text);
    const action = shown.indexOf('rm -rf ~/important');
    const said = shown.indexOf('Agent’s description (its own words, not checked): ls -la');
    const why = shown.indexOf('Why you are asked');
    assert.ok(action > 0 && said > action && why > said, shown);
    assert.ok(shown.indexOf('The action: Bash') < action);
  });

  it('shows every hostile string of the corpus visibly in the command, and asks a human though a rule allows it', async () => {
    const command = `echo ${ALL_HOSTILE} ${EMOJI}`;
    const { request, card } = await rig.file({ title: `Run ${HOSTILE.rlo}`, tool: 'Bash', input: { command } });
    assertSafeTelegramHtml(card.text);
    const shown = visibleText(card.text);
    assert.ok(shown.includes(`\n${showInvisible(command)}\n`), 'the whole command, written out');
    assertShownVisibly(shown.slice(shown.indexOf('echo ')), command, 'the command');
    assert.ok(shown.includes(EMOJI), 'emoji stay emoji');
    assert.ok(shown.includes(HOSTILE.html), 'HTML is shown as text');
    assert.ok(shown.includes(HOSTILE.markdown), 'markdown is shown as text');
    // The policy allows `echo *`, but not a command hiding characters: a human is asked, and told where.
    assert.equal(request.status, 'pending');
    assert.match(shown, /Why you are asked: Contains invisible characters, shown as ⟪U\+…⟫: 2 invisible characters in the title \(U\+202E at position 21, U\+202C at position 26\)\.\n/);
    assert.match(shown, new RegExp(`\\n${countInvisible(command)} invisible characters in the command \\(U\\+202E at position 22, U\\+202C at position 27, `));
  });

  it('shows each hostile string visibly in the title, the agent\'s description and the context', async () => {
    for (const [name, text] of Object.entries(HOSTILE)) {
      const { card } = await rig.file({ title: `T ${text}`, tool: 'Bash', input: { command: 'make ok' }, preview: `P ${text}`, context: `C ${text}` });
      assertSafeTelegramHtml(card.text);
      const lines = visibleText(card.text).split('\n');
      const line = (prefix: string) => lines.find((l) => l.startsWith(prefix)) ?? assert.fail(`${name}: no line starting ${prefix}`);
      assertShownVisibly(line('T '), text, `${name} in the title`);
      assertShownVisibly(line('💬 Agent’s description (its own words, not checked): P '), text, `${name} in the description`);
      assertShownVisibly(line('Context: C '), text, `${name} in the context`);
    }
  });

  it('shows hostile question options visibly on the card and on the buttons', async () => {
    const hidden = `C hi${tags('dden')}`;
    const { card } = await rig.file({ title: 'Pick', question: { options: [`A ${HOSTILE.rlo}`, `B ${HOSTILE.zeroWidth}`, hidden], allow_free_text: false } });
    assertSafeTelegramHtml(card.text);
    assertShownVisibly(visibleText(card.text), `${HOSTILE.rlo}${HOSTILE.zeroWidth}${hidden}`, 'options on the card');
    const labels = buttonLabels(card).join('\n');
    assertShownVisibly(labels, HOSTILE.rlo, 'buttons');
  });

  it('writes the characters out in the attached full text too, action first', async () => {
    const long = `${HOSTILE.isolate} ${'x'.repeat(5000)} ${HOSTILE.bom}`;
    const { request, card } = await rig.file({ title: `Big ${HOSTILE.separators}`, tool: 'Bash', input: { command: long }, preview: `said ${HOSTILE.lro}` });
    assert.match(card.text, /Shortened/);
    const doc = await eventually(() => rig.emu.callsOf('sendDocument').find((c) => c.payload.document.filename === `${request.id}.txt`), 'the attached file');
    const content = (doc.payload.document as { fileData: Buffer }).fileData.toString('utf8');
    assertShownVisibly(content, `${HOSTILE.separators}${HOSTILE.isolate}${HOSTILE.bom}${HOSTILE.lro}`, 'the attached file');
    assert.ok(content.indexOf('The action: Bash (command)') < content.indexOf("Agent's description"));
    assert.ok(content.indexOf("Agent's description") < content.indexOf('Why you are asked'));
  });
});
