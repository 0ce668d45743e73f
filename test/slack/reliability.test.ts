// Slack and the rest of the world: a request decided on Telegram (through the Bot API emulator)
// edits its Slack card; Slack's Web API down for a minute delays the card, never loses or doubles
// it; a 429 is waited out as long as Slack asks; a dropped Socket Mode connection is reopened; and
// start-up says exactly what is wrong with the credentials.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSlackChannelFactory } from '../../src/channels/slack/slack-channel.js';
import { createTelegramChannelFactory } from '../../src/channels/telegram/telegram-channel.js';
import { startTestServer, type TestServer } from '../helpers/harness.js';
import { ALICE as TG_ALICE, CHAT, Emulator, buttonData, telegramSection } from '../telegram/emulator.js';
import { FakeSlack } from './fake-slack.js';
import { ALICE, APPROVALS, bash, rigConfig, shownText, slackSection, startSlackRig, until, type SlackRig } from './rig.js';
import { MovableClock } from '../helpers/clock.js';

describe('slack: decided on another channel', { timeout: 120_000 }, () => {
  let emu: Emulator;
  let slack: FakeSlack;
  let srv: TestServer;
  before(async () => {
    emu = await Emulator.start();
    slack = await FakeSlack.start();
    slack.channels.set(APPROVALS, { member: true });
    const telegram = createTelegramChannelFactory({ transformers: [emu.transformer] });
    srv = await startTestServer({ ...rigConfig(slack, 'http'), channels: { slack: slackSection(slack, 'http'), telegram: telegramSection(emu) } }, { channels: [telegram, createSlackChannelFactory()] });
    slack.greenlightUrl = srv.url;
  });
  after(async () => {
    await srv?.stop();
    await slack?.close();
    await emu?.close();
  });

  it('approved on Telegram: the Slack card says so, without buttons', async () => {
    const res = await srv.call('agent', 'POST', '/v1/requests', bash('helm rollback web 41'));
    const id = res.body.id as string;
    const slackCard = await until('the Slack card', () => slack.cardOf(id, APPROVALS));
    const tgCard = await until('the Telegram card', async () => {
      const ref = (await srv.store.listChannelMessages(id)).find((r) => r.channel === 'telegram' && r.target === String(CHAT));
      return ref ? emu.message(CHAT, Number(ref.message_id)) : undefined;
    });
    await emu.tap(TG_ALICE, tgCard, buttonData(tgCard, 'Approve'));
    const edited = await until('the Slack card edited', () => (slack.cardOf(id, APPROVALS)!.versions.length > 1 ? slack.cardOf(id, APPROVALS) : undefined));
    assert.match(shownText(edited!), /Approved by alice via telegram · \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    assert.equal(edited!.ts, slackCard.ts, 'the same message, edited in place');
    assert.equal(edited!.blocks.some((b) => b.type === 'actions'), false);
    // A late click on the old Slack card is told who won.
    await slack.click(ALICE, { ...slackCard, blocks: slackCard.versions[0].blocks }, 'gl:deny', 'http');
    const told = await until('the answer', () => slack.ephemerals.find((e) => e.user === ALICE));
    assert.equal(told.text, 'Already approved by alice via telegram: nothing is left to decide.');
    assert.equal((await srv.store.getRequest(id))!.status, 'approved');
  });
});

describe('slack: the Web API down for a minute', { timeout: 120_000 }, () => {
  let rig: SlackRig;
  before(async () => {
    rig = await startSlackRig('http');
  });
  after(() => rig?.stop());

  const items = async (id: string) => (await rig.srv.store.listOutbox({ request_id: id, limit: 20 })).filter((i) => i.kind === 'slack');

  it('the card waits in the outbox while Slack is unreachable, /v1/channels says so, and it is posted once when Slack is back', async () => {
    rig.slack.outage = 'refuse';
    const res = await rig.srv.call('agent', 'POST', '/v1/requests', bash('pg_dump prod > /backups/prod.sql'));
    const id = res.body.id as string;
    await until('failed attempts', async () => ((await items(id))[0]?.attempts ?? 0) >= 3 || undefined);
    const during = (await rig.srv.call('admin', 'GET', '/v1/channels')).body.items.find((c: { name: string }) => c.name === 'slack');
    assert.equal(during.state, 'failing');
    assert.match(during.last_error.message, /Slack cannot be reached for chat\.postMessage/);
    assert.equal(during.backlog.pending, 1);
    // A minute passes (the outbox schedules by the server's clock); the request still waits.
    rig.clock.offset += 60_000;
    await until('more attempts after the minute', async () => ((await items(id))[0]?.attempts ?? 0) >= 5 || undefined);
    assert.equal((await rig.get(id)).status, 'pending');
    rig.slack.outage = null;
    const card = await until('the card', () => rig.slack.cardOf(id, APPROVALS));
    const [item] = await until('delivered', async () => ((await items(id))[0]?.state === 'delivered' ? items(id) : undefined));
    assert.ok(item.attempts >= 6 && item.attempts < 60, `attempts: ${item.attempts}`);
    assert.equal(rig.slack.callsOf('chat.postMessage').filter((c) => c.ok && JSON.stringify(c.args.blocks).includes(id)).length, 1, 'posted once');
    const now = (await rig.srv.call('admin', 'GET', '/v1/channels')).body.items.find((c: { name: string }) => c.name === 'slack');
    assert.equal(now.state, 'ok');
    // And it still decides.
    await rig.slack.click(ALICE, card, 'gl:approve', 'http');
    await until('approved', async () => (await rig.get(id)).status === 'approved');
  });

  it('a settled request whose update fails is edited once Slack is back', async () => {
    const { request, card } = await rig.file(bash('git tag v9'));
    rig.slack.outage = { status: 503 };
    try {
      await rig.srv.call('approver', 'POST', `/v1/requests/${request.id}/decision`, { outcome: 'approved' });
      await until('a failed update', async () => ((await items(request.id)).find((i) => i.payload.op === 'update')?.attempts ?? 0) >= 2 || undefined);
    } finally {
      rig.slack.outage = null;
    }
    await until('the edit', () => (rig.slack.cardOf(request.id, APPROVALS)!.versions.length === 2 ? true : undefined));
    assert.match(shownText(rig.slack.cardOf(request.id, APPROVALS)!), /Approved by alice via api/);
    assert.equal(card.versions.length, 2, 'edited once');
  });
});

describe('slack: rate limits', { timeout: 60_000 }, () => {
  let limited: SlackRig;
  before(async () => {
    limited = await startSlackRig('http', { delivery: { backoff_base_ms: 10, backoff_max_ms: 60_000, max_attempts: 100 } });
  });
  after(async () => {
    limited.slack.outage = null;
    await limited?.stop();
  });
  const items = async (id: string) => (await limited.srv.store.listOutbox({ request_id: id, limit: 20 })).filter((i) => i.kind === 'slack');

  it('Slack answering 500 and then 429 with Retry-After: retried, and not before Retry-After', async () => {
    const rig = limited;
    rig.slack.outage = { status: 500 };
    const res = await rig.srv.call('agent', 'POST', '/v1/requests', bash('make clean'));
    const id = res.body.id as string;
    await until('a failed attempt', async () => ((await items(id))[0]?.attempts ?? 0) >= 1 || undefined);
    rig.slack.outage = { ratelimited: 1 };
    const attempts = (await items(id))[0].attempts;
    const attempt = await until('a rate-limited attempt', async () => {
      const [i] = await items(id);
      return i && i.attempts > attempts && /rate-limited/.test(i.last_error ?? '') ? i : undefined;
    });
    assert.ok(attempt.next_attempt_at - rig.clock.now() > 700, `next attempt in ${attempt.next_attempt_at - rig.clock.now()} ms`);
    rig.slack.outage = null;
    await until('the card', () => rig.slack.cardOf(id, APPROVALS));
  });

});

describe('slack: Socket Mode reconnects', { timeout: 60_000 }, () => {
  let rig: SlackRig;
  before(async () => {
    rig = await startSlackRig('socket');
  });
  after(() => rig?.stop());

  it('a dropped connection is reopened, and clicks arrive over the new one', async () => {
    assert.equal(rig.slack.socketsOpened, 1);
    rig.slack.dropSockets();
    await until('the new connection', () => rig.slack.socketsOpened === 2 && rig.slack.sockets.size === 1);
    const { request, card } = await rig.file(bash('systemctl restart api'));
    await rig.slack.click(ALICE, card, 'gl:approve', 'socket');
    await until('approved', async () => (await rig.get(request.id)).status === 'approved');
    const health = (await rig.srv.call('admin', 'GET', '/v1/channels')).body.items.find((c: { name: string }) => c.name === 'slack');
    assert.equal(health.inbound.state, 'ok');
    assert.equal(health.detail.mode, 'socket');
    assert.equal(health.detail.socket_connected, true);
  });
});

describe('slack: start-up checks the credentials', { timeout: 60_000 }, () => {
  let slack: FakeSlack;
  const dirs: string[] = [];
  before(async () => {
    slack = await FakeSlack.start();
  });
  after(async () => {
    await slack.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const dataDir = () => (dirs.push(mkdtempSync(join(tmpdir(), 'greenlight-slack-'))), dirs.at(-1)!);

  it('a bot token Slack refuses stops the server with what to fix', async () => {
    const config = rigConfig(slack, 'http', { slack: { bot_token: 'xoxb-0000-0000-revokedtoken00000000' } });
    await assert.rejects(startTestServer(config, { channels: [createSlackChannelFactory()], dataDir: dataDir() }), (err: Error) => {
      assert.match(err.message, /auth\.test refused channels\.slack\.bot_token \(Slack refused auth\.test: invalid_auth/);
      assert.match(err.message, /OAuth & Permissions/);
      return true;
    });
  });

  it('Slack unreachable at start: the server starts, and cards wait in the outbox', async () => {
    slack.outage = 'refuse';
    const srv = await startTestServer(rigConfig(slack, 'http'), { channels: [createSlackChannelFactory()], dataDir: dataDir(), clock: new MovableClock() });
    try {
      const health = (await srv.call('admin', 'GET', '/v1/channels')).body.items.find((c: { name: string }) => c.name === 'slack');
      assert.equal(health.detail.bot, null);
    } finally {
      slack.outage = null;
      await srv.stop();
    }
  });

  it('a config that cannot work is refused before anything starts, naming the key', async () => {
    const cases: [Record<string, unknown>, Record<string, unknown>, RegExp][] = [
      [{ mode: 'socket', app_token: null }, {}, /mode is socket but app_token is not set/],
      [{ mode: 'http', signing_secret: null }, {}, /mode is http but signing_secret is not set/],
      [{ bot_token: 'xoxp-user-token-0000000000' }, {}, /channels\.slack\.bot_token: a bot token/],
      [{ channel: '#general' }, {}, /channels\.slack\.channel: a channel id/],
      [{}, { approvers: [{ name: 'alice', key: 'approver-key-0123456789abcdef' }] }, /no approver has a slack_user_id/],
      [{}, { approvers: [{ name: 'alice', key: 'approver-key-0123456789abcdef', slack_user_id: 'alice' }] }, /slack_user_id: "alice" is not a Slack member id/],
      [{}, { projects: [{ name: 'ops', routes: [{ channel: 'slack', target: '#ops' }] }] }, /routes\[0\]\.target: "#ops" is not a Slack channel id/],
      [{ bogus: 1 }, {}, /channels\.slack: Unrecognized key/],
    ];
    for (const [section, extra, message] of cases) {
      await assert.rejects(startTestServer({ ...rigConfig(slack, 'http', { slack: section }), ...extra }, { channels: [createSlackChannelFactory()], dataDir: dataDir() }), message, JSON.stringify(section));
    }
  });
});
