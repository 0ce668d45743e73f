// Multi-step decisions on Telegram: edit then approve, the conditional walk-through, questions
// (single, multi-select, custom answer), and a preview too long for one message.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ALICE, BOB, CHAT, buttonData, buttonLabels, eventually, startRig, type BotMessage, type Rig } from './emulator.js';

describe('telegram: multi-step decisions', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig();
  });
  after(() => rig.stop());

  const promptUnder = (message: BotMessage) => eventually(() => rig.emu.messages(message.chat).find((m) => m.replyTo === message.id && m.markup?.force_reply), `a force-reply prompt under ${message.id}`);
  const lastFrom = (after: number) => () => rig.emu.messages(CHAT).filter((m) => m.id > after).at(-1);
  const settled = (id: string) => eventually(async () => ((await rig.get(id)).status !== 'pending' ? rig.get(id) : null), `a decision on ${id}`);

  it('edits a Bash command by force-reply and approves the edited input', async () => {
    const { request, card } = await rig.file({ title: 'Clean up', tool: 'Bash', input: { command: 'rm -rf /tmp/x /', description: 'tidy' }, preview: 'rm -rf /tmp/x /' });
    await rig.emu.tap(ALICE, card, buttonData(card, 'Edit'));
    const prompt = await promptUnder(card);
    assert.match(prompt.text, /new command/);
    assert.match(prompt.text, /<pre>rm -rf \/tmp\/x \/<\/pre>/);
    await rig.emu.say(ALICE, CHAT, 'rm -rf /tmp/x', prompt.id);
    const done = await settled(request.id);
    assert.equal(done.status, 'approved');
    assert.deepEqual(done.decision?.updated_input, { command: 'rm -rf /tmp/x', description: 'tidy' });
    const edited = await eventually(async () => {
      const c = await rig.card(request.id);
      return c && /Approved with edits/.test(c.text) ? c : null;
    }, 'the card showing the edit');
    assert.match(edited.text, /<pre>rm -rf \/tmp\/x<\/pre>/);
  });

  it('edits a non-Bash tool input as JSON, and asks again when the reply is not JSON', async () => {
    const { request, card } = await rig.file({ title: 'Write a file', tool: 'Write', input: { file_path: '/p/a.txt', content: 'x' } });
    await rig.emu.tap(ALICE, card, buttonData(card, 'Edit'));
    const prompt = await promptUnder(card);
    const before = rig.emu.messages(CHAT).at(-1)!.id;
    await rig.emu.say(ALICE, CHAT, 'not json', prompt.id);
    await eventually(() => rig.emu.messages(CHAT).find((m) => m.id > before && /not a JSON object/.test(m.text)), 'the "not JSON" reply');
    assert.equal((await rig.get(request.id)).status, 'pending');
    await rig.emu.say(ALICE, CHAT, '{"file_path":"/p/a.txt","content":"y"}', prompt.id);
    const done = await settled(request.id);
    assert.deepEqual(done.decision?.updated_input, { file_path: '/p/a.txt', content: 'y' });
  });

  it('walks a conditions_schema: select by buttons, text by force-reply, then confirm', async () => {
    const { request, card } = await rig.file({
      title: 'Deploy',
      preview: 'deploy web',
      conditions_schema: [
        { name: 'env', type: 'select', options: ['staging', 'prod'], required: true, label: 'Environment' },
        { name: 'window', type: 'text', label: 'Maintenance window' },
        { name: 'max_pods', type: 'number', required: true },
        { name: 'notify', type: 'boolean' },
      ],
    });
    await rig.emu.tap(ALICE, card, buttonData(card, 'Conditional'));
    const step1 = await eventually(() => rig.emu.messages(CHAT).find((m) => m.replyTo === card.id && /Environment/.test(m.text)), 'step 1');
    assert.deepEqual(buttonLabels(step1), ['staging', 'prod', '✖️ Cancel']);
    // Bob cannot drive Alice's walk.
    await rig.emu.tap(BOB, step1, buttonData(step1, 'prod'));
    await rig.emu.tap(ALICE, step1, buttonData(step1, 'staging'));
    const step2 = await eventually(() => rig.emu.messages(CHAT).find((m) => m.id > step1.id && /Maintenance window/.test(m.text) && m.markup?.force_reply), 'step 2 prompt');
    assert.match(step2.text, /or - to leave it empty/);
    await rig.emu.say(ALICE, CHAT, 'Sat 02:00–04:00', step2.id);
    const step3 = await eventually(() => rig.emu.messages(CHAT).find((m) => m.id > step2.id && /max_pods/.test(m.text) && m.markup?.force_reply), 'step 3 prompt');
    await rig.emu.say(ALICE, CHAT, 'lots', step3.id);
    await eventually(() => rig.emu.messages(CHAT).find((m) => m.id > step3.id && /not a number/.test(m.text)), 'the "not a number" reply');
    await rig.emu.say(ALICE, CHAT, '3', step3.id);
    const step4 = await eventually(() => rig.emu.messages(CHAT).find((m) => m.id > step3.id && /notify/.test(m.text) && m.markup?.inline_keyboard), 'step 4');
    await rig.emu.tap(ALICE, step4, buttonData(step4, 'Skip'));
    const confirm = await eventually(() => rig.emu.messages(CHAT).find((m) => m.id > step4.id && /Approve with these conditions/.test(m.text)), 'the confirmation');
    assert.match(confirm.text, /Environment<\/b>: staging/);
    assert.match(confirm.text, /Maintenance window<\/b>: Sat 02:00–04:00/);
    assert.equal((await rig.get(request.id)).status, 'pending');
    await rig.emu.tap(ALICE, confirm, buttonData(confirm, 'Confirm'));
    const done = await settled(request.id);
    assert.equal(done.status, 'conditional');
    assert.deepEqual(done.decision?.conditions, { env: 'staging', window: 'Sat 02:00–04:00', max_pods: 3 });
    assert.equal(done.decision?.decided_by, 'alice');
    // The walk's messages lose their buttons too.
    await eventually(() => !rig.emu.message(CHAT, confirm.id)?.markup?.inline_keyboard?.length, 'the confirmation losing its buttons');
  });

  it('answers a question with one tap per option', async () => {
    const { request, card } = await rig.file({ title: 'Which database?', question: { options: ['Postgres', 'SQLite', { key: 'X', label: 'Neither' }] } });
    assert.deepEqual(buttonLabels(card), ['A · Postgres', 'B · SQLite', 'X · Neither', '❌ Deny']);
    await rig.emu.tap(BOB, card, buttonData(card, 'B · SQLite'));
    const done = await settled(request.id);
    assert.equal(done.status, 'answered');
    assert.equal(done.decision?.answer, 'B');
    await eventually(async () => /Answered/.test((await rig.card(request.id))?.text ?? ''), 'the card showing the answer');
  });

  it('takes a custom answer by force-reply', async () => {
    const { request, card } = await rig.file({ title: 'Name the branch', question: { options: ['main', 'dev'], allow_free_text: true } });
    await rig.emu.tap(ALICE, card, buttonData(card, 'Custom answer'));
    const prompt = await promptUnder(card);
    await rig.emu.say(ALICE, CHAT, 'release/2026-01', prompt.id);
    const done = await settled(request.id);
    assert.equal(done.decision?.answer, 'release/2026-01');
  });

  it('takes a custom answer from a plain message when the approver forgets to quote the prompt', async () => {
    const { request, card } = await rig.file({ title: 'Anything to add?', question: { options: [], allow_free_text: true } });
    await rig.emu.tap(ALICE, card, buttonData(card, 'Custom answer'));
    await promptUnder(card);
    await rig.emu.say(ALICE, CHAT, 'ship it');
    const done = await settled(request.id);
    assert.equal(done.decision?.answer, 'ship it');
  });

  it('toggles multi-select options and sends them with Done', async () => {
    const { request, card } = await rig.file({ title: 'Which checks?', question: { options: ['lint', 'unit', 'e2e'], multi_select: true } });
    await rig.emu.tap(ALICE, card, buttonData(card, 'Done'));
    await eventually(() => rig.emu.answers().some((a) => a.payload.text === 'Pick at least one option first.'), 'the "pick one" answer');
    await rig.emu.tap(ALICE, card, buttonData(card, 'A · lint'));
    await eventually(() => buttonLabels(rig.emu.message(CHAT, card.id)).includes('☑ A · lint'), 'A ticked');
    await rig.emu.tap(ALICE, rig.emu.message(CHAT, card.id)!, buttonData(card, 'C · e2e'));
    await eventually(() => buttonLabels(rig.emu.message(CHAT, card.id)).includes('☑ C · e2e'), 'C ticked');
    await rig.emu.tap(ALICE, rig.emu.message(CHAT, card.id)!, buttonData(card, 'A · lint'));
    await eventually(() => buttonLabels(rig.emu.message(CHAT, card.id)).includes('☐ A · lint'), 'A unticked');
    await rig.emu.tap(ALICE, rig.emu.message(CHAT, card.id)!, buttonData(card, 'Done'));
    const done = await settled(request.id);
    assert.deepEqual(done.decision?.answer, ['C']);
  });

  it('shortens a 10,000-character preview visibly, attaches the full text, and needs the file read before approving', async () => {
    const long = Array.from({ length: 200 }, (_, i) => `line ${String(i).padStart(3, '0')}: ${'x'.repeat(42)}`).join('\n');
    assert.equal(long.length > 9_900, true);
    const { request, card } = await rig.file({ title: 'Apply a big patch', tool: 'Bash', input: { command: long }, session_id: 's-long' });
    assert.ok(card.text.length <= 4096, `card is ${card.text.length} characters`);
    assert.match(card.text, new RegExp(`Shortened: \\d+ of ${long.length} characters shown`));
    assert.match(card.text, /line 000/);
    assert.doesNotMatch(card.text, /line 199/);
    const doc = await eventually(() => rig.emu.callsOf('sendDocument').find((c) => String(c.payload.caption).includes('Full text')), 'the attached file');
    const content = (doc.payload.document as { fileData: Buffer }).fileData.toString('utf8');
    assert.ok(content.includes('line 199'), 'the file has the whole command');
    assert.equal(doc.payload.reply_parameters.message_id, card.id);
    // No one-tap approval for text nobody could see.
    const labels = buttonLabels(card);
    assert.ok(!labels.some((l) => l === '✅ Approve' || l.includes('session') || l.includes('Always')), labels.join(' | '));
    assert.ok(labels.some((l) => l.includes('I read the attached file')));
    // A forged approve (the data of a full-text card) is refused too.
    await rig.emu.tap(ALICE, card, `a|${request.id.slice(4)}`);
    await eventually(() => rig.emu.answers().some((a) => /preview was shortened/.test(a.payload.text)), 'the "read it first" answer');
    assert.equal((await rig.get(request.id)).status, 'pending');
    // Reading first: the approve buttons appear for that approver only.
    await rig.emu.tap(ALICE, card, buttonData(card, 'I read the attached file'));
    const revealed = await eventually(() => {
      const c = rig.emu.message(CHAT, card.id);
      return c && buttonLabels(c).includes('✅ Approve') ? c : null;
    }, 'the approve buttons');
    const answers = rig.emu.answers().length;
    await rig.emu.tap(BOB, revealed, buttonData(revealed, '✅ Approve'));
    await eventually(() => rig.emu.answers().slice(answers).some((a) => /preview was shortened/.test(a.payload.text)), 'Bob told to read first');
    assert.equal((await rig.get(request.id)).status, 'pending');
    await rig.emu.tap(ALICE, revealed, buttonData(revealed, '✅ Approve'));
    const done = await settled(request.id);
    assert.equal(done.decision?.decided_by, 'alice');
    // The file's caption says how it ended.
    await eventually(() => rig.emu.callsOf('editMessageCaption').some((c) => /Approved/.test(String(c.payload.caption))), 'the file caption edited');
  });
});
