// Deciding from Discord, end to end: a person presses a card's button, picks from its select menu
// or fills in its form (the fake signs each interaction with a real Ed25519 key), and the agent
// waiting on the request gets the decision. Every choice the offer has round-trips; the card is
// replaced by the outcome at once, and the outbox edits it too.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventually } from '../email/fixtures.js';
import { labelsOf, type Message } from './fake-discord.js';
import { ALICE, discordRig, embedText, type Rig } from './rig.js';

/** Files a request, starts an agent waiting on it, and returns its card. */
async function waiting(rig: Rig, body: Record<string, unknown> = {}) {
  const id = await rig.file(body);
  const wait = rig.s.call('agent', 'GET', `/v1/requests/${id}/wait?timeout_sec=30`);
  return { id, wait, card: await rig.card(id) };
}

/** The card once the outbox has edited it to the outcome. */
const settledCard = (rig: Rig, m: Message) => eventually(async () => (m.history.some((h) => h.via === 'edit') ? m : undefined));

describe('discord: every decision reaches the waiting agent', { timeout: 60_000 }, () => {
  const rig = discordRig();

  for (const [label, expect] of [
    ['Approve', { status: 'approved', scope: 'once' }],
    ['Approve for this session', { status: 'approved', scope: 'session' }],
    ['Always allow this', { status: 'approved', scope: 'always' }],
    ['Deny', { status: 'denied', scope: 'once' }],
  ] as const) {
    it(`${label}: one press decides, the card is replaced by who decided it, and the outbox edits it the same`, async () => {
      const { id, wait, card } = await waiting(rig, { session_id: `s-${label.length}` });
      const answer = await rig.discord.click(card, label, ALICE);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.type, 7, 'UPDATE_MESSAGE: the card is replaced at once');
      const done = (await wait).body;
      assert.equal(done.status, expect.status);
      assert.equal(done.decision.scope, expect.scope);
      assert.equal(done.decision.decided_by, 'alice');
      assert.equal(done.decision.via, 'discord');
      assert.match(card.embeds[0].description, new RegExp(`^\\*\\*${expect.status === 'approved' ? 'Approved' : 'Denied'}.* by alice via discord · `));
      assert.deepEqual(labelsOf(card), ['Open on the dashboard'], 'nothing decides any more');
      const edited = await settledCard(rig, card);
      assert.deepEqual(edited.history.at(-1)!.body.components, card.components);
      assert.deepEqual(edited.history.at(-1)!.body.allowed_mentions, { parse: [] });
    });
  }

  it('Accept all …: approves for the session with the policy\'s suggested rule', async () => {
    const { wait, card } = await waiting(rig, { session_id: 's-grant' });
    const answer = await rig.discord.click(card, 'Accept all kubectl rollout restart', ALICE);
    assert.equal(answer.body.type, 7);
    const done = (await wait).body;
    assert.equal(done.status, 'approved');
    assert.equal(done.decision.scope, 'session');
  });

  it('Deny with a reason: a form asks why, and the agent reads the reason', async () => {
    const { wait, card } = await waiting(rig);
    const opened = await rig.discord.click(card, 'Deny with a reason', ALICE);
    assert.equal(opened.body.type, 9, 'a modal');
    assert.equal(opened.body.data.title, 'Deny with a reason');
    const empty = await rig.discord.submit(card, opened.body.data, { reason: '   ' }, ALICE);
    assert.equal(empty.body.type, 4);
    assert.match(empty.body.data.content, /Say why you deny it\. Nothing was decided\./);
    assert.equal(empty.body.data.flags, 64, 'only the presser sees it');
    const sent = await rig.discord.submit(card, opened.body.data, { reason: 'not during the freeze' }, ALICE);
    assert.equal(sent.body.type, 7);
    const done = (await wait).body;
    assert.equal(done.status, 'denied');
    assert.equal(done.decision.comment, 'not during the freeze');
    assert.match(embedText(card), /Comment\nnot during the freeze/);
  });

  it('Edit, then approve: the form is prefilled with the command as it runs, and the agent gets the edited input', async () => {
    const { wait, card } = await waiting(rig, { input: { command: 'rm -rf build', timeout: 5 } });
    const opened = await rig.discord.click(card, 'Edit, then approve', ALICE);
    const input = opened.body.data.components[0].components[0];
    assert.equal(input.value, 'rm -rf build');
    assert.equal(input.label, 'The command, as it will run');
    await rig.discord.submit(card, opened.body.data, { edited: 'rm -rf build/cache' }, ALICE);
    const done = (await wait).body;
    assert.equal(done.status, 'approved');
    assert.deepEqual(done.decision.updated_input, { command: 'rm -rf build/cache', timeout: 5 });
  });

  it('Edit of an action with invisible characters is sent to the dashboard, where they are pointed out', async () => {
    const { id, card } = await waiting(rig, { input: { command: 'git push origin \u202Eniam\u202C' } });
    const answer = await rig.discord.click(card, 'Edit, then approve', ALICE);
    assert.equal(answer.body.type, 4);
    assert.match(answer.body.data.content, /U\+202E.*Edit it on the dashboard|Careful: .*U\+202E.*dashboard/s);
    assert.equal((await rig.get(id)).status, 'pending');
  });

  it('Approve with conditions: a form with one input per field; wrong values are refused, right ones approve', async () => {
    const schema = [
      { name: 'max_cost', type: 'number', label: 'Max cost (USD)', required: true },
      { name: 'region', type: 'select', options: ['eu', 'us'], required: true },
      { name: 'dry_run', type: 'boolean' },
      { name: 'note', type: 'text' },
    ];
    const { wait, card } = await waiting(rig, { conditions_schema: schema });
    const opened = await rig.discord.click(card, 'Approve with conditions', ALICE);
    const inputs = opened.body.data.components.map((r: any) => r.components[0]);
    assert.deepEqual(inputs.map((i: any) => [i.custom_id, i.label, i.required, i.placeholder ?? null]), [
      ['f0', 'Max cost (USD)', true, 'A number'],
      ['f1', 'region', true, 'One of: eu, us'],
      ['f2', 'dry_run', false, 'yes or no'],
      ['f3', 'note', false, null],
    ]);
    const wrong = await rig.discord.submit(card, opened.body.data, { f0: 'lots', f1: 'mars', f2: 'maybe' }, ALICE);
    assert.match(wrong.body.data.content, /Max cost \(USD\) must be a number\. region: pick one of the options\. dry_run: answer yes or no\. Nothing was decided/);
    await rig.discord.submit(card, opened.body.data, { f0: '12.5', f1: 'eu', f2: 'yes', f3: '' }, ALICE);
    const done = (await wait).body;
    assert.equal(done.status, 'conditional');
    assert.deepEqual(done.decision.conditions, { max_cost: 12.5, region: 'eu', dry_run: true });
  });

  it('a question: picking an option answers it', async () => {
    const { wait, card } = await waiting(rig, { tool: null, input: null, title: 'Which region?', question: { options: [{ key: 'EU', label: 'Europe' }, { key: 'US', label: 'US' }] } });
    const answer = await rig.discord.pick(card, ['US'], ALICE);
    assert.equal(answer.body.type, 7);
    const done = (await wait).body;
    assert.equal(done.status, 'answered');
    assert.equal(done.decision.answer, 'US');
  });

  it('a multi-select question: the picks answer it together; an option it does not have is refused', async () => {
    const { id, wait, card } = await waiting(rig, { tool: null, input: null, title: 'Which checks?', question: { options: ['lint', 'test', 'e2e'], multi_select: true } });
    const bad = await rig.discord.pick(card, ['A', 'Z'], ALICE);
    assert.match(bad.body.data.content, /Pick options of this question/);
    assert.equal((await rig.get(id)).status, 'pending');
    await rig.discord.pick(card, ['A', 'C'], ALICE);
    const done = (await wait).body;
    assert.equal(done.status, 'answered');
    assert.deepEqual(done.decision.answer, ['A', 'C']);
  });

  it('a free-text answer: a form takes the approver\'s own words', async () => {
    const { wait, card } = await waiting(rig, { tool: null, input: null, title: 'What should the release be called?', question: { options: [] } });
    const opened = await rig.discord.click(card, 'Answer in my own words', ALICE);
    assert.equal(opened.body.type, 9);
    // What an approver types is shown on the card as escaped as agent text: it cannot ping or format either.
    const words = 'Greenlight 1.0 "Kestrel" @everyone **now** <@1400000000000000002>';
    await rig.discord.submit(card, opened.body.data, { answer: words }, ALICE);
    const done = (await wait).body;
    assert.equal(done.status, 'answered');
    assert.equal(done.decision.answer, words);
    const shown = card.embeds[0].fields.find((f: any) => f.name === 'Answer')?.value;
    assert.equal(shown, 'Greenlight 1.0 "Kestrel" \\@everyone \\*\\*now\\*\\* \\<\\@1400000000000000002\\>');
  });
});

describe('discord: a decision that takes longer than Discord waits', { timeout: 60_000 }, () => {
  // ack_after_ms 0: every decision answers "working on it" first, then writes the outcome over it.
  const rig = discordRig({ discord: { ack_after_ms: 0 } });

  it('is acknowledged at once (deferred, ephemeral), and the outcome replaces that answer', async () => {
    const { wait, card } = await waiting(rig);
    const answer = await rig.discord.click(card, 'Approve', ALICE);
    assert.deepEqual(answer.body, { type: 5, data: { flags: 64 } });
    assert.equal((await wait).body.status, 'approved');
    const original = await eventually(async () => [...rig.discord.originals.values()].find((b) => /Approved by alice via discord/.test(b.content)));
    assert.deepEqual(original.allowed_mentions, { parse: [] });
    await settledCard(rig, card);
  });
});
