// Discord as it fails, and Discord among other channels: an API that is down for a minute (then
// rate-limits) delays cards, never loses or doubles them; an answer lost after Discord created the
// message does not post it twice; a decision on Telegram edits the Discord card; a wrong token stops
// the server at start with what to do.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDiscordChannelFactory, discordChannelFactory } from '../../src/channels/discord/discord-channel.js';
import { createTelegramChannelFactory } from '../../src/channels/telegram/telegram-channel.js';
import { createLogger } from '../../src/log.js';
import { eventually } from '../email/fixtures.js';
import { KEYS, startTestServer, type TestServer } from '../helpers/harness.js';
import { buttonData, Emulator, telegramSection } from '../telegram/emulator.js';
import { APP_ID, FakeDiscord } from './fake-discord.js';
import { ALICE, APPROVALS, discordRig, discordSection, embedText } from './rig.js';

const outbox = async (s: TestServer, id: string) => (await s.store.listOutbox({ request_id: id, limit: 20 })).filter((i) => i.kind === 'discord');
const channelHealth = async (s: TestServer) => (await s.call('admin', 'GET', '/v1/channels')).body.items.find((c: { name: string }) => c.name === 'discord');

describe('discord: outages', { timeout: 60_000 }, () => {
  const rig = discordRig();

  it('Discord down for a minute, then rate-limiting: the card waits in the outbox, is posted once when Discord is back, and /v1/channels says so meanwhile', async () => {
    rig.discord.outage = 'refuse';
    const id = await rig.file();
    await eventually(async () => ((await outbox(rig.s, id)).some((i) => i.attempts >= 3) ? true : undefined));
    const during = await channelHealth(rig.s);
    assert.equal(during.state, 'failing');
    assert.match(during.last_error.message, /cannot be reached/);
    assert.ok(during.backlog.pending >= 1);
    // A minute passes on the server's clock while Discord answers 502, then asks to slow down.
    rig.clock.offset += 60_000;
    rig.discord.outage = 502;
    await eventually(async () => (rig.discord.calls.some((c) => c.status === 502) ? true : undefined));
    rig.discord.outage = { rate: 0.05 };
    await eventually(async () => (rig.discord.calls.some((c) => c.status === 429) ? true : undefined));
    assert.equal((await rig.get(id)).status, 'pending', 'the request is neither lost nor failed');
    rig.discord.outage = null;
    const card = await rig.card(id);
    await eventually(async () => ((await outbox(rig.s, id)).every((i) => i.state === 'delivered') ? true : undefined));
    assert.equal(rig.discord.inChannel(APPROVALS).filter((m) => embedText(m).includes(id)).length, 1, 'posted exactly once');
    assert.equal(card.history.length, 1);
    const ok = await channelHealth(rig.s);
    assert.equal(ok.state, 'ok');
    assert.equal(ok.backlog.pending, 0);
    rig.clock.offset -= 60_000;
  });

  it('an answer lost after Discord created the card: the retry sends the same nonce, and Discord hands back the first message', async () => {
    rig.discord.loseAnswers = 1;
    const id = await rig.file();
    await rig.card(id);
    await eventually(async () => ((await outbox(rig.s, id)).every((i) => i.state === 'delivered') ? true : undefined));
    const posts = rig.discord.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${APPROVALS}/messages`);
    assert.ok(posts.length >= 2, 'the post was retried');
    assert.equal(rig.discord.inChannel(APPROVALS).filter((m) => embedText(m).includes(id)).length, 1, 'one card, not two');
  });

  it('rate-limited while editing a settled card: waits retry_after and edits it once Discord allows', async () => {
    const id = await rig.file();
    const card = await rig.card(id);
    rig.discord.outage = { rate: 0.05 };
    await rig.s.call('approver', 'POST', `/v1/requests/${id}/decision`, { outcome: 'approved' });
    await eventually(async () => ((await outbox(rig.s, id)).some((i) => i.attempts >= 1 && i.last_error?.includes('429')) ? true : undefined));
    rig.discord.outage = null;
    await eventually(async () => (card.history.some((h) => h.via === 'edit') ? true : undefined));
    assert.match(card.embeds[0].description, /^\*\*Approved by alice via api/);
  });

  it('a refusal that retrying cannot fix (the bot may not post in the channel) goes dead at once, saying what to check', async () => {
    rig.discord.channels.set(APPROVALS, 403);
    try {
      const id = await rig.file();
      const item = await eventually(async () => (await outbox(rig.s, id)).find((i) => i.state === 'dead'));
      assert.equal(item.attempts, 1);
      assert.match(item.last_error ?? '', /403 \(code 50001\) Missing Access .*View Channel, Send Messages and Embed Links/);
    } finally {
      rig.discord.channels.set(APPROVALS, 200);
    }
  });
});

describe('discord: decided on another channel', { timeout: 60_000 }, () => {
  const TELEGRAM_ALICE = 42;
  const rig = {} as { emu: Emulator; discord: FakeDiscord; s: TestServer };
  before(async () => {
    rig.emu = await Emulator.start();
    rig.discord = await FakeDiscord.start({ [APPROVALS]: 200 });
    rig.s = await startTestServer(
      {
        approvers: [{ name: 'alice', key: KEYS.approver, telegram_user_id: TELEGRAM_ALICE, discord_user_id: ALICE }],
        delivery: { backoff_base_ms: 10, backoff_max_ms: 40, max_attempts: 100 },
        channels: { telegram: telegramSection(rig.emu), discord: discordSection(rig.discord) },
      },
      { channels: [createTelegramChannelFactory({ transformers: [rig.emu.transformer] }), discordChannelFactory] },
    );
    rig.discord.greenlightUrl = rig.s.url;
  });
  after(async () => {
    await rig.s?.stop();
    await rig.emu?.close();
    await rig.discord?.close();
  });

  it('approved with a tap on Telegram: the Discord card is edited to say so, and its buttons are gone', async () => {
    const res = await rig.s.call('agent', 'POST', '/v1/requests', { title: 'Deploy', tool: 'Bash', input: { command: 'make deploy' } });
    const id = res.body.id;
    const ref = async (channel: string) => (await rig.s.store.listChannelMessages(id)).find((m) => m.channel === channel);
    const tg = await eventually(async () => {
      const r = await ref('telegram');
      return r ? rig.emu.message(Number(r.target), Number(r.message_id)) : undefined;
    });
    const dc = await eventually(async () => {
      const r = await ref('discord');
      return r ? rig.discord.messages.get(r.message_id) : undefined;
    });
    assert.ok(dc.components.flatMap((r: any) => r.components).some((c: any) => c.label === 'Approve'));
    await rig.emu.tap(TELEGRAM_ALICE, tg, buttonData(tg, 'Approve'));
    await eventually(async () => (dc.history.some((h) => h.via === 'edit') ? true : undefined));
    assert.match(dc.embeds[0].description, /^\*\*Approved by alice via telegram · /);
    assert.deepEqual(dc.components.flatMap((r: any) => r.components).map((c: any) => c.label), ['Open on the dashboard']);
    assert.deepEqual(dc.history.at(-1)!.body.allowed_mentions, { parse: [] });
    // A late press on the Discord card says who won.
    const late = await rig.discord.interact(rig.discord.interaction(3, ALICE, dc, { custom_id: `glb|approve|${id}`, component_type: 2 }), dc);
    assert.equal(late.body.data.content, 'Already approved by alice via telegram.');
  });
});

describe('discord: start-up', { timeout: 60_000 }, () => {
  it('refuses to start with a token Discord does not accept, saying what to do', async () => {
    const discord = await FakeDiscord.start({ [APPROVALS]: 200 });
    try {
      const section = discordSection(discord, { bot_token: 'MTEwMDAwMDAwMDAwMDAwMDAwMQ.GxYzAb.a-revoked-token-0123456789abcdef' });
      await assert.rejects(
        startTestServer({ approvers: [{ name: 'alice', key: KEYS.approver, discord_user_id: ALICE }], channels: { discord: section } }, { channels: [discordChannelFactory] }),
        /Discord refused channels\.discord\.bot_token \(401 401: Unauthorized\)\. Reset the token on your application's Bot page/,
      );
    } finally {
      await discord.close();
    }
  });

  it('starts, but says exactly what is wrong, when the bot cannot see the default channel or Discord cannot be reached', async () => {
    const discord = await FakeDiscord.start({ [APPROVALS]: 403 });
    const section = discordSection(discord);
    const lines: string[] = [];
    const logger = createLogger('info', 'text', (l) => lines.push(l));
    const s = await startTestServer({ approvers: [{ name: 'alice', key: KEYS.approver, discord_user_id: ALICE }], channels: { discord: section } }, { channels: [createDiscordChannelFactory()], logger });
    try {
      assert.ok(lines.some((l) => /the bot cannot use channels\.discord\.channel_id 1500000000000000001 \(403 Missing Access\): invite it .* permissions 19456/.test(l)), lines.join('\n'));
      assert.ok(lines.some((l) => /server\.public_url is not set; Discord must reach http:\/\/127\.0\.0\.1:\d+\/v1\/discord\/interactions/.test(l)), lines.join('\n'));
      assert.ok(lines.some((l) => /discord: connected/.test(l)));
      const health = (await s.call('admin', 'GET', '/v1/channels')).body.items.find((c: { name: string }) => c.name === 'discord');
      assert.deepEqual(health.detail, { application_id: APP_ID, bot: 'Greenlight Test', channel_id: APPROVALS, interactions: '/v1/discord/interactions' });
    } finally {
      await s.stop();
      await discord.close();
    }
    lines.length = 0;
    const down = await startTestServer(
      { approvers: [{ name: 'alice', key: KEYS.approver, discord_user_id: ALICE }], channels: { discord: section } },
      { channels: [createDiscordChannelFactory()], logger },
    );
    try {
      assert.ok(lines.some((l) => /discord: cannot reach http:\/\/127\.0\.0\.1:\d+\/api\/v10 .*cards wait in the outbox/.test(l)), lines.join('\n'));
    } finally {
      await down.stop();
    }
  });
});
