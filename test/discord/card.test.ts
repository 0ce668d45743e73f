// What Greenlight posts to Discord, checked by the strict fake (fake-discord.ts refuses anything
// real Discord would, and any message without allowed_mentions {parse: []}): the card leads with
// the action in a code block, the agent's description second and labelled, the buttons carry the
// offer's choices; a question is a select menu; hostile agent text can neither format, link,
// mention nor hide; a card cut to fit says so and offers nothing that approves; a request that
// expires or is cancelled has its card edited to say so.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findInvisible } from '../../src/text/invisible.js';
import { assertShownVisibly, HOSTILE } from '../helpers/hostile-text.js';
import { eventually } from '../email/fixtures.js';
import { labelsOf, type Message } from './fake-discord.js';
import { APPROVALS, discordRig, embedText, OPS } from './rig.js';

/** Discord markdown takes `\x` as a literal x: every character that could format, link or mention must come escaped. */
function assertNothingRenders(text: string): void {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') {
      i++;
      continue;
    }
    assert.ok(!'`*_~|>#-[]()<@:'.includes(text[i]), `"${text[i]}" at ${i} would render in ${JSON.stringify(text)}`);
  }
}

describe('discord: the card Greenlight posts', { timeout: 60_000 }, () => {
  const rig = discordRig();

  it('posts one message per routed channel: the action first in a code block, labelled description, the facts, buttons, and a link to the dashboard', async () => {
    const id = await rig.file({ preview: 'restarts the web pods', cwd: '/srv/web', session_id: 's-1', host: 'build_7-a.example' });
    const m = await rig.card(id);
    assert.deepEqual(m.allowed_mentions, { parse: [] });
    const e = m.embeds[0];
    assert.equal(e.title, 'Approve? Restart web');
    assert.equal(e.url, `${rig.s.url}/#/r/${encodeURIComponent(id)}`);
    const [head, ...block] = e.description.split('\n');
    assert.equal(head, '▶ **Bash** · command');
    assert.match(block.join('\n'), /^```\nkubectl rollout restart deploy\/web-\d+\n```$/);
    assert.deepEqual(e.fields[0], { name: "Agent's description (its own words)", value: 'restarts the web pods' });
    assert.ok(e.fields.some((f: any) => f.name === 'Directory' && f.value === '/srv/web'));
    assert.ok(e.fields.some((f: any) => f.name === 'Agent' && f.value === 'agent\\-a'), 'agent text is escaped for markdown');
    assert.ok(e.fields.some((f: any) => f.name === 'Host' && f.value === 'build\\_7\\-a.example'), 'the machine it came from, escaped as every fact');
    assert.deepEqual(labelsOf(m), ['Approve', 'Approve for this session', 'Always allow this', 'Edit, then approve…', 'Accept all kubectl rollout restart', 'Deny', 'Deny with a reason…', 'Open on the dashboard']);
    const ids = m.components.flatMap((r: any) => r.components).map((c: any) => c.custom_id).filter(Boolean);
    assert.ok(ids.every((x: string) => x.length <= 100 && x.endsWith(`|${id}`)), ids.join());
    assert.deepEqual(rig.discord.inChannel(OPS), [], 'no route to the ops channel for this request');
  });

  it('posts a request of a routed project to its own channel only', async () => {
    const id = await rig.file({ project: 'ops' });
    await rig.card(id, OPS);
    assert.equal(rig.discord.inChannel(APPROVALS).filter((m) => m.embeds[0].footer.text.includes(id)).length, 0);
  });

  it('asks a question with a select menu (one pick, or several for multi-select) and a button for a free answer', async () => {
    const one = await rig.card(await rig.file({ tool: null, input: null, title: 'Which region?', question: { options: [{ key: 'EU', label: 'Europe' }, { key: 'US', label: 'US', description: 'Virginia' }], allow_free_text: true } }));
    const select = one.components[0].components[0];
    assert.equal(select.type, 3);
    assert.deepEqual([select.min_values, select.max_values], [1, 1]);
    assert.deepEqual(select.options, [{ label: 'EU. Europe', value: 'EU' }, { label: 'US. US', value: 'US', description: 'Virginia' }]);
    assert.deepEqual(labelsOf(one).slice(1), ['Answer in my own words…', 'Deny', 'Deny with a reason…', 'Open on the dashboard']);
    assert.equal(one.embeds[0].title, 'Question: Which region?');
    const many = await rig.card(await rig.file({ tool: null, input: null, title: 'Which?', question: { options: ['a', 'b', 'c'], multi_select: true } }));
    const multi = many.components[0].components[0];
    assert.deepEqual([multi.min_values, multi.max_values], [1, 3]);
    assert.deepEqual(labelsOf(many).slice(1), ['Deny', 'Deny with a reason…', 'Open on the dashboard']);
  });

  it('offers conditions in a form when the schema fits Discord\'s five inputs, and sends larger forms to the dashboard', async () => {
    const fits = await rig.card(await rig.file({ conditions_schema: [{ name: 'max_cost', type: 'number', required: true }] }));
    assert.ok(labelsOf(fits).includes('Approve with conditions…'));
    const fields = Array.from({ length: 6 }, (_, i) => ({ name: `f${i}`, type: 'text' }));
    const big = await rig.card(await rig.file({ conditions_schema: fields }));
    assert.ok(!labelsOf(big).includes('Approve with conditions…'), labelsOf(big).join());
    assert.match(embedText(big), /More fields than a Discord form holds \(5\): approve with conditions on the dashboard/);
  });

  it('neutralises hostile agent text: no markdown, link, mention or ping, and invisible characters written out', async () => {
    const id = await rig.file({
      title: `Deploy ${HOSTILE.markdown} ${HOSTILE.rlo}`,
      input: { command: `${HOSTILE.rlo} @everyone <@&1234> ${HOSTILE.smuggled}` },
      preview: `${HOSTILE.markdown} ${HOSTILE.html} @here <#99> <t:1:R> [x](https://evil.example) # Header\n> quote`,
      cwd: `/tmp/${HOSTILE.isolate}`,
    });
    const m = await rig.card(id);
    assert.deepEqual(m.allowed_mentions, { parse: [] }, 'pings are off for the whole message');
    const text = embedText(m);
    assertShownVisibly(text, HOSTILE.rlo, 'the card');
    assertShownVisibly(m.embeds[0].description, HOSTILE.smuggled, 'the command');
    assert.deepEqual(findInvisible(text), []);
    const e = m.embeds[0];
    // Outside the code block every markdown character is escaped, so it renders as itself.
    const description = e.fields.find((f: any) => f.name.startsWith("Agent's description")).value;
    assertNothingRenders(description);
    assertNothingRenders(e.title);
    for (const f of e.fields) assertNothingRenders(f.value);
    assert.ok(description.includes('\\@everyone') && description.includes('\\<\\@123\\>') && description.includes('\\[click\\]\\(https\\://evil.example\\)'), description);
    assert.ok(e.title.startsWith('Approve? Deploy \\*bold\\*'), e.title);
    // The command sits in a code block, where nothing renders: shown exactly (marks aside).
    assert.match(e.description, /```\n⟪U\+202E⟫|```\ngit push origin ⟪U\+202E⟫niam⟪U\+202C⟫ feature @everyone <@&1234> ls/);
    assertNothingRenders(e.description.replace(/^.*\n```\n[\s\S]*\n```$/, ''));
  });

  it('a command with backticks leaves the code block for escaped text, so it cannot close the block early', async () => {
    const m = await rig.card(await rig.file({ input: { command: 'echo ```\n@everyone **now** ```' } }));
    const d = m.embeds[0].description;
    assert.ok(!d.includes('```'), d);
    assert.ok(d.includes('echo \\`\\`\\`') && d.includes('\\@everyone \\*\\*now\\*\\*'), d);
  });

  it('cuts an action longer than a message holds, says so, links the whole request, and offers nothing that approves', async () => {
    const id = await rig.file({ input: { command: `echo ${'x'.repeat(9000)}` }, conditions_schema: [{ name: 'n', type: 'number' }] });
    const m = await rig.card(id);
    const e = m.embeds[0];
    assert.ok(e.description.length <= 4096);
    assert.match(e.description, /…\n```$/);
    assert.match(e.footer.text, /Cut short to fit Discord: the title opens all of it on the dashboard\. Approving is held back here/);
    assert.equal(e.url, `${rig.s.url}/#/r/${encodeURIComponent(id)}`);
    // No approval, no conditions form; and no edit either: the command is longer than a form holds.
    assert.deepEqual(labelsOf(m), ['Deny', 'Deny with a reason…', 'Open on the dashboard']);
  });

  it('keeps every card within 6,000 characters when every part of it is long', async () => {
    const long = 'y'.repeat(2000);
    const m = await rig.card(await rig.file({ title: long.slice(0, 500), preview: long, context: long, cwd: `/${long}`, session_id: long.slice(0, 200), input: { command: long, description: long }, question: null }));
    // The fake refuses anything over Discord's limits; being posted is the proof. Spell it out too:
    const e = m.embeds[0];
    const total = e.title.length + e.description.length + e.fields.reduce((n: number, f: any) => n + f.name.length + f.value.length, 0) + e.footer.text.length;
    assert.ok(total <= 6000, String(total));
    assert.ok(!labelsOf(m).includes('Approve'));
  });
});

describe('discord: a request that ends without a decision', { timeout: 60_000 }, () => {
  const rig = discordRig();
  const edited = (m: Message) => eventually(async () => (m.history.some((h) => h.via === 'edit') ? m : undefined));

  it('expired: the card is edited to say so, and nothing on it decides any more', async () => {
    const id = await rig.file({ expires_in_sec: 60 });
    const m = await rig.card(id);
    // Time moves on for this rig (not back: the outbox's items carry the clock's time).
    rig.clock.offset += 61_000;
    assert.equal(await rig.s.gate.expireDue(), 1);
    await edited(m);
    assert.match(m.embeds[0].description, /^\*\*Expired/);
    assert.deepEqual(labelsOf(m), ['Open on the dashboard']);
    assert.deepEqual(m.history.at(-1)!.body.allowed_mentions, { parse: [] });
  });

  it('cancelled by its agent: the card is edited to say so, and nothing on it decides any more', async () => {
    const id = await rig.file();
    const m = await rig.card(id);
    const res = await rig.s.call('agent', 'POST', `/v1/requests/${id}/cancel`);
    assert.ok(res.status < 300, res.text);
    await edited(m);
    assert.match(m.embeds[0].description, /^\*\*Cancelled/);
    assert.deepEqual(labelsOf(m), ['Open on the dashboard']);
  });
});
