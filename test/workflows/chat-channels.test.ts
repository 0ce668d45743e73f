// Workflows on Slack and Discord beside Telegram and the API, on one real server (SQLite, the
// outbox, the Bot API emulator, the Slack fake in Socket Mode, the Discord fake with signed
// interactions): votes sent at once from all four count exactly the quorum; every card shows
// "1 of 2 approvals — bob approved" and is refreshed after each vote with its buttons kept; a
// second press is refused privately and not counted; the filer's press never counts; a ladder
// step that names slack: and discord: targets posts there when it starts, and the first step's
// buttons still decide afterwards.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { discordChannelFactory } from '../../src/channels/discord/discord-channel.js';
import { createSlackChannelFactory } from '../../src/channels/slack/slack-channel.js';
import { createTelegramChannelFactory } from '../../src/channels/telegram/telegram-channel.js';
import { ManualClock } from '../../src/core/ids.js';
import type { ApprovalRequest } from '../../src/core/types.js';
import { discordSection, embedText } from '../discord/rig.js';
import { FakeDiscord, labelsOf, type Message as DiscordMessage } from '../discord/fake-discord.js';
import { KEYS, startTestServer, type TestServer } from '../helpers/harness.js';
import { FakeSlack, type Message as SlackMessage } from '../slack/fake-slack.js';
import { actionIds, shownText, slackSection } from '../slack/rig.js';
import { ALICE, buttonData, buttonLabels, CHAT, Emulator, eventually, telegramSection } from '../telegram/emulator.js';
import { DAVE_KEY } from './rig.js';

const BOB_SLACK = 'U0BOB0001';
const FILER_SLACK = 'U0FILER01';
const CAROL_DISCORD = '1400000000000000001';
const FILER_DISCORD = '1400000000000000009';
const SLACK_SRE = 'C0SRE0001';
const SLACK_DEFAULT = 'C0APPROVE';
const DISCORD_DEFAULT = '1500000000000000001';
const DISCORD_SRE = '1500000000000000003';
const MIN = 60_000;

const CONFIG = {
  approvers: [
    { name: 'alice', key: KEYS.approver, telegram_user_id: ALICE },
    { name: 'bob', key: KEYS.otherApprover, slack_user_id: BOB_SLACK },
    { name: 'carol', discord_user_id: CAROL_DISCORD },
    { name: 'dave', key: DAVE_KEY },
    // Named like the agent that files: listed in the group, never counted.
    { name: 'agent-a', slack_user_id: FILER_SLACK, discord_user_id: FILER_DISCORD },
  ],
  agents: [{ name: 'agent-a', key: KEYS.agent }],
  projects: [{ name: 'prod' }],
  groups: [{ name: 'sre', members: ['alice', 'bob', 'carol', 'dave', 'agent-a'] }],
  workflows: [
    { name: 'three', match: { tags: ['three'] }, quorum: { approvals: 3 }, approvers: ['group:sre'] },
    {
      name: 'ladder',
      match: { tags: ['ladder'] },
      ladder: [
        { who: ['bob'], channels: ['slack'], wait: '2m' },
        { who: ['carol'], channels: ['discord'], targets: [`slack:${SLACK_SRE}`, `discord:${DISCORD_SRE}`], wait: '2m' },
      ],
      final: 'deny',
    },
    { name: 'two', match: { projects: ['prod'] }, quorum: { approvals: 2 }, approvers: ['group:sre'] },
  ],
};

describe('workflows on Slack and Discord', () => {
  let emu: Emulator;
  let slack: FakeSlack;
  let discord: FakeDiscord;
  let srv: TestServer;
  const clock = new ManualClock(Date.now());

  before(async () => {
    emu = await Emulator.start();
    slack = await FakeSlack.start();
    for (const c of [SLACK_DEFAULT, SLACK_SRE]) slack.channels.set(c, { member: true });
    discord = await FakeDiscord.start({ [DISCORD_DEFAULT]: 200, [DISCORD_SRE]: 200 });
    srv = await startTestServer(
      {
        ...CONFIG,
        channels: { telegram: telegramSection(emu), slack: slackSection(slack, 'socket'), discord: discordSection(discord) },
        delivery: { backoff_base_ms: 10, backoff_max_ms: 100, max_attempts: 100 },
      },
      { channels: [createTelegramChannelFactory({ transformers: [emu.transformer] }), createSlackChannelFactory({ socket: { backoffMs: () => 50 } }), discordChannelFactory], clock },
    );
    discord.greenlightUrl = srv.url;
    await eventually(() => slack.sockets.size === 1, 'the Socket Mode connection');
  });
  after(async () => {
    await srv?.stop();
    await Promise.all([emu?.close(), slack?.close(), discord?.close()]);
  });

  const get = async (id: string) => (await srv.store.getRequest(id))!;
  const file = async (body: Record<string, unknown>): Promise<ApprovalRequest> => {
    const res = await srv.call('agent', 'POST', '/v1/requests', { title: 'Deploy web to prod', tool: 'Bash', input: { command: 'kubectl rollout restart deploy/web' }, project: 'prod', ...body });
    assert.equal(res.status, 201, res.text);
    return get(res.body.id);
  };
  const slackCard = (id: string, channel = SLACK_DEFAULT) => eventually(() => slack.cardOf(id, channel), `the Slack card of ${id} in ${channel}`);
  const discordCard = (id: string, channel = DISCORD_DEFAULT): Promise<DiscordMessage> =>
    eventually(async () => {
      const ref = (await srv.store.listChannelMessages(id)).find((m) => m.channel === 'discord' && m.target === channel);
      return ref ? discord.messages.get(ref.message_id) : undefined;
    }, `the Discord card of ${id} in ${channel}`);
  const telegramCard = (id: string, chat = CHAT) =>
    eventually(async () => {
      const ref = (await srv.store.listChannelMessages(id)).find((r) => r.channel === 'telegram' && r.target === String(chat));
      return ref ? emu.message(chat, Number(ref.message_id)) : undefined;
    }, `the Telegram card of ${id}`);
  const vote = async (key: string, id: string) => {
    const res = await fetch(`${srv.url}/v1/requests/${id}/decision`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ outcome: 'approved' }) });
    return { status: res.status, body: (await res.json()) as any };
  };
  const slackApprove = (user: string, card: SlackMessage) => slack.click(user, card, 'gl:approve', 'socket');
  /** A settled Discord card keeps only its dashboard link. */
  const discordSettled = (m: DiscordMessage) => !labelsOf(m).some((l) => l.startsWith('Approve'));
  const lastEphemeral = (user: string) => slack.ephemerals.filter((e) => e.user === user).at(-1)?.text ?? '';

  it('shows "1 of 2 approvals — bob approved" on every card after a Slack vote, refuses a second press and the filer, and counts a Discord vote as the second', async () => {
    const request = await file({});
    assert.deepEqual(request.workflow?.eligible, ['alice', 'bob', 'carol', 'dave'], 'the filer (agent-a) is never eligible');
    const [s, d, t] = await Promise.all([slackCard(request.id), discordCard(request.id), telegramCard(request.id)]);
    assert.match(shownText(s), /0 of 2 approvals/);
    assert.match(embedText(d), /0 of 2 approvals/);

    await slackApprove(BOB_SLACK, s);
    await eventually(async () => (await get(request.id)).workflow!.votes.length === 1, 'bob\'s vote');
    await eventually(() => /Your vote counted: 1 of 2 approvals — bob approved/.test(lastEphemeral(BOB_SLACK)), 'bob is told his vote counted');
    // Every card is refreshed with the progress, and keeps its buttons.
    const slackNow = await eventually(() => (/1 of 2 approvals — bob approved/.test(shownText(slack.cardOf(request.id, SLACK_DEFAULT)!)) ? slack.cardOf(request.id, SLACK_DEFAULT) : undefined), 'the Slack card refreshed');
    assert.ok(actionIds(slackNow).includes('gl:approve'), 'the Slack card keeps its buttons');
    const discordNow = await eventually(() => (/1 of 2 approvals — bob approved/.test(embedText(discord.messages.get(d.id)!)) ? discord.messages.get(d.id) : undefined), 'the Discord card refreshed');
    assert.ok(labelsOf(discordNow).some((l) => l.startsWith('Approve')), 'the Discord card keeps its buttons');
    await eventually(async () => /1 of 2 approvals — bob approved/.test((await telegramCard(request.id)).text) || null, 'the Telegram card refreshed');
    assert.ok(buttonLabels(t).some((l) => l.includes('Approve')));

    // bob again: refused privately, not counted.
    await slackApprove(BOB_SLACK, slackNow);
    await eventually(() => /already approved this request \(via slack\); each approver counts once\. .*Your vote was not counted again\./.test(lastEphemeral(BOB_SLACK)), 'bob told his second press did not count');
    // The filer on Slack and on Discord: refused, never counted.
    await slackApprove(FILER_SLACK, slackNow);
    await eventually(() => /filed/i.test(lastEphemeral(FILER_SLACK)), 'the filer told why not (Slack)');
    const filerPress = await discord.click(discordNow, 'Approve', FILER_DISCORD);
    assert.equal(filerPress.body.type, 4);
    assert.match(filerPress.body.data.content, /filed/i);
    assert.equal((await get(request.id)).workflow!.votes.length, 1, 'neither the second press nor the filer counted');
    assert.equal((await get(request.id)).status, 'pending');

    // carol on Discord: the second approval decides it; every card ends without buttons.
    const carol = await discord.click(discordNow, 'Approve', CAROL_DISCORD);
    assert.equal(carol.status, 200);
    const done = await eventually(async () => ((await get(request.id)).status === 'approved' ? get(request.id) : null), 'the quorum');
    assert.deepEqual(done.workflow!.votes.map((v) => [v.approver, v.via]), [['bob', 'slack'], ['carol', 'discord']]);
    await eventually(() => (actionIds(slack.cardOf(request.id, SLACK_DEFAULT)!).length === 0 && /2 of 2 approvals/.test(shownText(slack.cardOf(request.id, SLACK_DEFAULT)!))) || null, 'the Slack card settled');
    await eventually(() => (discordSettled(discord.messages.get(d.id)!) && /2 of 2 approvals/.test(embedText(discord.messages.get(d.id)!))) || null, 'the Discord card settled');
  });

  it('counts exactly three of four approvals sent at once from Telegram, Slack, Discord and the API', async () => {
    const request = await file({ tags: ['three'] });
    assert.equal(request.workflow?.quorum.required, 3);
    const [s, d, t] = await Promise.all([slackCard(request.id), discordCard(request.id), telegramCard(request.id)]);
    const [, , carol, dave] = await Promise.all([
      emu.tap(ALICE, t, buttonData(t, 'Approve')),
      slackApprove(BOB_SLACK, s),
      discord.click(d, 'Approve', CAROL_DISCORD),
      vote(DAVE_KEY, request.id),
      // Duplicates and the filer at the same time.
      slackApprove(BOB_SLACK, s),
      discord.click(d, 'Approve', CAROL_DISCORD),
      discord.click(d, 'Approve', FILER_DISCORD),
      slackApprove(FILER_SLACK, s),
    ]);
    assert.equal(carol.status, 200);
    const done = await eventually(async () => ((await get(request.id)).status !== 'pending' ? get(request.id) : null), 'the quorum');
    // Let every press be handled (the Telegram tap goes through polling, Slack's after the ack).
    await eventually(() => emu.answers().length > 0 && slack.ephemerals.filter((e) => e.user === BOB_SLACK).length >= 3, 'every press answered', 10_000);
    await new Promise((r) => setTimeout(r, 200));
    const final = await get(request.id);
    assert.equal(done.status, 'approved');
    assert.equal(final.workflow!.votes.length, 3, JSON.stringify(final.workflow!.votes));
    assert.equal(new Set(final.workflow!.votes.map((v) => v.approver)).size, 3, 'three distinct approvers');
    assert.ok(!final.workflow!.votes.some((v) => v.approver === 'agent-a'), 'the filer never counts');
    const voted = (await srv.store.listAudit({ request_id: request.id, limit: 100 })).filter((a) => a.action === 'request.voted');
    assert.equal(voted.length, 3, 'each counted vote audited once');
    if (dave.status !== 200) assert.equal(dave.body.error.code, 'ALREADY_DECIDED');
  });

  it('posts a ladder step\'s slack: and discord: targets when the step starts, and the first step\'s buttons still decide', async () => {
    const request = await file({ tags: ['ladder'], expires_in_sec: 3600 });
    // Step 1: bob's Slack DM only.
    const dm = await slackCard(request.id, `D${BOB_SLACK.slice(1)}`);
    assert.match(shownText(dm), /Step 1 of 2: asked bob \(named\)/);
    assert.equal(slack.cardOf(request.id, SLACK_SRE), undefined, 'the sre channel is not asked yet');
    assert.equal(slack.cardOf(request.id, SLACK_DEFAULT), undefined, 'a ladder posts only where it says');
    assert.equal((await srv.store.listChannelMessages(request.id)).filter((m) => m.channel === 'discord').length, 0, 'Discord is not asked yet');

    clock.advance(2 * MIN);
    assert.equal(await srv.gate.escalateDue(), 1);
    const sre = await slackCard(request.id, SLACK_SRE);
    assert.match(shownText(sre), /Step 2 of 2: asked carol \(named\), slack C0SRE0001, discord 1500000000000000003/);
    const onDiscord = await discordCard(request.id, DISCORD_SRE);
    assert.match(embedText(onDiscord), /Step 2 of 2/);
    assert.equal((await srv.store.listChannelMessages(request.id)).filter((m) => m.channel === 'discord' && m.target === DISCORD_DEFAULT).length, 0, 'not the default Discord channel');
    // bob's step-1 card is refreshed, with its buttons, and still decides.
    const refreshed = await eventually(() => (/Step 2 of 2/.test(shownText(slack.cardOf(request.id, `D${BOB_SLACK.slice(1)}`)!)) ? slack.cardOf(request.id, `D${BOB_SLACK.slice(1)}`) : undefined), 'bob\'s card refreshed');
    assert.ok(actionIds(refreshed).includes('gl:approve'));
    await slackApprove(BOB_SLACK, refreshed);
    const done = await eventually(async () => ((await get(request.id)).status === 'approved' ? get(request.id) : null), 'bob\'s approval from step 1');
    assert.equal(done.decision!.via, 'slack');
    await eventually(() => discordSettled(discord.messages.get(onDiscord.id)!) || null, 'the Discord step card settled');
  });

  it('refuses a slack: or discord: ladder target that is not an id, naming the step', async () => {
    const { parseSlackSettings } = await import('../../src/channels/slack/config.js');
    const { parseDiscordSettings } = await import('../../src/channels/discord/config.js');
    const { ConfigSchema } = await import('../../src/config/schema.js');
    const base = (targets: string[]) =>
      ConfigSchema.parse({
        ...CONFIG,
        channels: { slack: slackSection(slack, 'socket'), discord: discordSection(discord) },
        workflows: [{ name: 'bad', ladder: [{ who: ['bob'], targets }] }],
      });
    assert.throws(() => parseSlackSettings(base(['slack:#sre'])), /workflows\[bad\]\.ladder\[0\]\.targets: "slack:#sre" is not a Slack channel id/);
    assert.throws(() => parseDiscordSettings(base(['discord:<@everyone>'])), /workflows\[bad\]\.ladder\[0\]\.targets: "discord:<@everyone>" is not a Discord channel id/);
    assert.ok(parseSlackSettings(base([`slack:${SLACK_SRE}`, `slack:${BOB_SLACK}`])));
  });
});
