// Secrets never leave in clear: one server with every outside channel on its loopback fake — the
// Telegram Bot API emulator, a real SMTP server, the ntfy fake, the Slack and Discord fakes and a
// webhook receiver — is sent
// one request per shape of the secret corpus. Nothing any channel received holds a secret; every
// message marks what it hid; a webhook that opted in gets the action whole; the stored request
// (what the agent and the dashboard read) keeps it whole; the audit log says masking happened.
import assert from 'node:assert/strict';
import { InputFile } from 'grammy';
import { after, before, describe, it } from 'node:test';
import { discordChannelFactory } from '../../src/channels/discord/discord-channel.js';
import { emailChannelFactory } from '../../src/channels/email/email-channel.js';
import { createSlackChannelFactory } from '../../src/channels/slack/slack-channel.js';
import { ntfyChannelFactory } from '../../src/channels/ntfy/ntfy-channel.js';
import { createTelegramChannelFactory } from '../../src/channels/telegram/telegram-channel.js';
import { startReceiver, type Receiver } from '../delivery/receiver.js';
import { emailSection, TestSmtp } from '../email/fixtures.js';
import { KEYS, startTestServer, type TestServer } from '../helpers/harness.js';
import { SECRET_SHAPES } from '../helpers/secret-shapes.js';
import { FakeNtfy } from '../ntfy/fake-ntfy.js';
import { ALICE, CHAT, Emulator, eventually, telegramSection } from '../telegram/emulator.js';
import { FakeDiscord } from '../discord/fake-discord.js';
import { discordSection, APPROVALS as DISCORD_CHANNEL, ALICE as DISCORD_ALICE } from '../discord/rig.js';
import { FakeSlack } from '../slack/fake-slack.js';
import { slackSection, APPROVALS as SLACK_CHANNEL, ALICE as SLACK_ALICE } from '../slack/rig.js';

const MARK = '⟦secret hidden: ';
const TOPIC = 'alice-approvals';

/** JSON of the Bot API calls, with a file grammY uploads (InputFile) read as text. */
const dump = (calls: { payload: Record<string, unknown> }[]): string =>
  JSON.stringify(calls.map((c) => Object.fromEntries(Object.entries(c.payload).map(([k, v]) => [k, v instanceof InputFile ? Buffer.from((v as unknown as { fileData: Buffer }).fileData).toString('utf8') : v]))));

describe('secrets are masked on every outside channel', { timeout: 180_000 }, () => {
  let emu: Emulator;
  let smtp: TestSmtp;
  let ntfy: FakeNtfy;
  let hook: Receiver;
  let clear: Receiver;
  let slack: FakeSlack;
  let discord: FakeDiscord;
  let s: TestServer;
  const ids: string[] = [];

  before(async () => {
    [emu, smtp, ntfy, hook, clear, slack, discord] = await Promise.all([Emulator.start(), TestSmtp.start(), FakeNtfy.start(null), startReceiver(), startReceiver(), FakeSlack.start(), FakeDiscord.start({ [DISCORD_CHANNEL]: 200 })]);
    slack.channels.set(SLACK_CHANNEL, { member: true });
    s = await startTestServer(
      {
        approvers: [{ name: 'alice', key: KEYS.approver, telegram_user_id: ALICE, email: 'alice@example.com', slack_user_id: SLACK_ALICE, discord_user_id: DISCORD_ALICE }],
        channels: { telegram: telegramSection(emu), email: emailSection(smtp), ntfy: { server_url: ntfy.url, topics: [{ topic: TOPIC, approver: 'alice' }] }, slack: slackSection(slack, 'http'), discord: discordSection(discord) },
        webhooks: [
          { url: hook.url, secret: 'webhook-secret-0123456789', events: ['request.created'] },
          { url: clear.url, secret: 'webhook-secret-9876543210', events: ['request.created'], include_secrets: true },
        ],
        delivery: { allow_loopback: true, backoff_base_ms: 10, backoff_max_ms: 50 },
      },
      { channels: [createTelegramChannelFactory({ transformers: [emu.transformer] }), emailChannelFactory, ntfyChannelFactory, createSlackChannelFactory(), discordChannelFactory] },
    );
    slack.greenlightUrl = s.url;
    discord.greenlightUrl = s.url;
    for (const [i, shape] of SECRET_SHAPES.entries()) {
      const res = await s.call('agent', 'POST', '/v1/requests', { title: `Shape ${i + 1}: ${shape.name}`, tool: shape.tool, input: shape.input });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.body.status, 'pending', shape.name);
      ids.push(res.body.id);
    }
    // Everything announced everywhere.
    await eventually(async () => {
      for (const id of ids) {
        const refs = (await s.store.listChannelMessages(id)).map((r) => r.channel);
        if (!['telegram', 'email', 'ntfy', 'slack', 'discord'].every((c) => refs.includes(c))) return null;
      }
      const hooked = (r: Receiver) => new Set(r.received.map((x) => JSON.parse(x.body).request.id));
      return ids.every((id) => hooked(hook).has(id) && hooked(clear).has(id)) || null;
    }, 'every request announced on every channel', 120_000);
  });

  after(async () => {
    await s?.stop();
    await Promise.all([emu?.close(), smtp?.close(), ntfy?.close(), hook?.close(), clear?.close(), slack?.close(), discord?.close()]);
  });

  const everySecret = () => SECRET_SHAPES.flatMap((sh) => sh.secrets.map((secret) => ({ shape: sh.name, secret })));
  const assertNoSecret = (channel: string, text: string) => {
    const leaked = everySecret().filter(({ secret }) => text.includes(secret));
    assert.deepEqual(leaked, [], `${channel} received secrets in clear`);
  };

  it(`files ${SECRET_SHAPES.length} shapes (at least 30)`, () => assert.ok(ids.length >= 30));

  it('Telegram (Bot API emulator): no secret in any card, button or attached file; every card marks what it hid', async () => {
    const sent = dump(emu.calls);
    assertNoSecret('telegram', sent);
    assert.ok(emu.callsOf('sendDocument').length >= 1 && sent.includes('⟦secret hidden: private-key⟧'), 'the key block\'s card was held back and its full text attached, masked');
    for (const [i, id] of ids.entries()) {
      const ref = (await s.store.listChannelMessages(id)).find((r) => r.channel === 'telegram')!;
      const card = emu.message(CHAT, Number(ref.message_id))!;
      assert.ok(card.text.includes(MARK), `${SECRET_SHAPES[i].name}: ${card.text}`);
    }
  });

  it('email (SMTP): no secret in any subject, text part or HTML part; every mail marks what it hid', async () => {
    for (const [i, id] of ids.entries()) {
      const mail = await smtp.announcement(id);
      const text = `${mail.parsed.subject}\n${mail.parsed.text}\n${mail.parsed.html}`;
      assertNoSecret(`email of ${SECRET_SHAPES[i].name}`, text);
      assert.ok(mail.parsed.text?.includes(MARK), `${SECRET_SHAPES[i].name}: ${mail.parsed.text}`);
    }
  });

  it('ntfy: no secret in any notification; every one marks what it hid', () => {
    assertNoSecret('ntfy', JSON.stringify(ntfy.published));
    for (const [i, id] of ids.entries()) assert.ok(ntfy.forRequest(id, TOPIC)[0].message.includes(MARK), SECRET_SHAPES[i].name);
  });

  it('Slack (Web API fake): no secret in any card, notification text or attached file; every card marks what it hid', () => {
    assertNoSecret('slack', JSON.stringify(slack.calls) + JSON.stringify(slack.files));
    for (const [i, id] of ids.entries()) {
      const card = slack.cardOf(id, SLACK_CHANNEL);
      assert.ok(card && JSON.stringify(card.blocks).includes(MARK), `${SECRET_SHAPES[i].name}: ${JSON.stringify(card?.blocks)}`);
    }
  });

  it('Discord (API fake): no secret in any embed or component; every card marks what it hid', () => {
    assertNoSecret('discord', JSON.stringify([...discord.messages.values()]));
    for (const [i, id] of ids.entries()) {
      const card = discord.inChannel(DISCORD_CHANNEL).find((m) => JSON.stringify(m.components).includes(id));
      assert.ok(card && JSON.stringify(card.embeds).includes(MARK), `${SECRET_SHAPES[i].name}: ${JSON.stringify(card?.embeds)}`);
    }
  });

  it('one tap on Slack and Discord: offered for a masked token, held back (with the reason) for a hidden value that could hide structure', () => {
    const token = ids[SECRET_SHAPES.findIndex((x) => x.name === 'GitHub classic token')];
    const key = ids[SECRET_SHAPES.findIndex((x) => x.name === 'RSA private key')];
    const slackActions = (id: string) => slack.cardOf(id, SLACK_CHANNEL)!.blocks.flatMap((b: any) => (b.elements ?? []).map((e: any) => e.action_id)).filter(Boolean);
    assert.ok(slackActions(token).includes('gl:approve'));
    assert.ok(!slackActions(token).includes('gl:edit'), 'no edit of a masked action from Slack');
    assert.ok(!slackActions(key).includes('gl:approve'), slackActions(key).join(' '));
    const discordLabels = (id: string) => discord.inChannel(DISCORD_CHANNEL).find((m) => JSON.stringify(m.components).includes(id))!.components.flatMap((r: any) => r.components.map((c: any) => c.label));
    assert.ok(discordLabels(token).includes('Approve'));
    assert.ok(!discordLabels(token).some((l: string) => l.startsWith('Edit')), 'no edit of a masked action from Discord');
    assert.ok(!discordLabels(key).includes('Approve'), discordLabels(key).join(' '));
    const keyCard = discord.inChannel(DISCORD_CHANNEL).find((m) => JSON.stringify(m.components).includes(key))!;
    assert.match(keyCard.embeds[0].footer.text, /hidden secret|Cut short/);
  });

  it('a Slack card and modal and a Discord card and modal show no secret from the title or the context either', async () => {
    const token = SECRET_SHAPES.find((x) => x.name === 'GitHub classic token')!;
    const filed = await s.call('agent', 'POST', '/v1/requests', { title: `Push with ${token.secrets[0]}`, tool: token.tool, input: token.input, context: `The agent was given ${token.secrets[0]} for this`, conditions_schema: [{ name: 'window', type: 'text', label: 'Window' }] });
    assert.equal(filed.status, 201, filed.text);
    const id = filed.body.id as string;
    const card = await eventually(() => slack.cardOf(id, SLACK_CHANNEL), 'the Slack card');
    assertNoSecret('slack card', JSON.stringify(card));
    const opened = slack.views.length;
    const ack = await slack.click(SLACK_ALICE, card, 'gl:conditional', 'http');
    assert.equal(ack.status, 200);
    const modal = await eventually(() => slack.views[opened], 'the conditions modal');
    assert.ok(JSON.stringify(modal.view).includes(MARK), JSON.stringify(modal.view));
    assertNoSecret('slack modal', JSON.stringify(modal.view));
    const dcard = await eventually(() => discord.inChannel(DISCORD_CHANNEL).find((m) => JSON.stringify(m.components).includes(id)), 'the Discord card');
    assertNoSecret('discord card', JSON.stringify(dcard));
    const answer = await discord.click(dcard, 'Approve with conditions', DISCORD_ALICE);
    assert.equal(answer.body.type, 9, JSON.stringify(answer.body));
    assertNoSecret('discord modal', JSON.stringify(answer.body));
  });

  it('webhooks: masked unless the webhook opted in with include_secrets', () => {
    assertNoSecret('webhook', hook.received.map((r) => r.body).join('\n'));
    for (const id of ids) assert.ok(hook.received.find((r) => JSON.parse(r.body).request.id === id)!.body.includes(MARK));
    const whole = clear.received.map((r) => r.body).join('\n');
    assert.ok(everySecret().every(({ secret }) => whole.includes(secret.split('\n')[0])), 'the opted-in webhook gets every secret');
  });

  it('one tap still approves a masked token; a hidden value that could hide structure (a key block) needs the dashboard', () => {
    const token = ntfy.forRequest(ids[SECRET_SHAPES.findIndex((x) => x.name === 'GitHub classic token')], TOPIC)[0];
    assert.ok(token.actions.some((a) => a.label === 'Approve'), 'Approve offered for a masked token');
    const key = ntfy.forRequest(ids[SECRET_SHAPES.findIndex((x) => x.name === 'RSA private key')], TOPIC)[0];
    assert.deepEqual(key.actions.map((a) => a.label), ['Open']);
  });

  it('the stored request keeps the full action for the agent and the dashboard', async () => {
    for (const [i, id] of ids.entries()) {
      const got = await s.call('agent', 'GET', `/v1/requests/${id}`);
      assert.deepEqual(got.body.input, SECRET_SHAPES[i].input);
    }
  });

  it('the audit log records masking per channel, with rules and counts but no secret', async () => {
    const audit = await eventually(async () => {
      const rows = (await s.store.listAudit({ request_id: ids[0], limit: 50 })).filter((a) => a.action === 'secrets.masked');
      return rows.length >= 6 ? rows : null;
    }, 'masking audited on every channel');
    assert.deepEqual(audit.map((a) => a.via).sort(), ['discord', 'email', 'ntfy', 'slack', 'telegram', 'webhook']);
    for (const a of audit) assert.ok((a.detail as { count: number }).count >= 1);
    assertNoSecret('secrets.masked entries', JSON.stringify(audit));
  });
});
