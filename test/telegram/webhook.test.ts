// Webhook mode (ok2run's routes), its secret token, and what startup says about a bad token.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Transformer } from 'grammy';
import { createTelegramChannelFactory } from '../../src/channels/telegram/telegram-channel.js';
import { createChannelContext } from '../../src/channels/registry.js';
import { createGate } from '../../src/core/gate.js';
import { createLocalEventBus } from '../../src/core/events.js';
import { systemClock } from '../../src/core/ids.js';
import { createMetrics } from '../../src/http/metrics.js';
import { createLogger, silentLogger } from '../../src/log.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { testConfig } from '../helpers/harness.js';
import { ALICE, CHAT, Emulator, buttonData, eventually, rigConfig, startRig, type Rig } from './emulator.js';

const SECRET = 'whsec_0123456789abcdefABCDEF';

describe('telegram: webhook mode', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig({ telegram: { mode: 'webhook', webhook: { secret_token: SECRET } }, server: { host: '127.0.0.1', port: 0, public_url: 'https://gl.example.com' } });
  });
  after(() => rig.stop());

  const post = (update: unknown, secret?: string) =>
    fetch(`${rig.srv.url}/v1/telegram/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', ...(secret === undefined ? {} : { 'x-telegram-bot-api-secret-token': secret }) }, body: JSON.stringify(update) });

  it('does not poll', () => {
    assert.equal(rig.emu.callsOf('getUpdates').length, 0);
  });

  it('refuses updates without the secret token, or with a wrong one, and acts on the right one', async () => {
    const { request, card } = await rig.file({ title: 'Run it', tool: 'Bash', input: { command: 'make' } });
    const update = { update_id: 900001, callback_query: { id: 'cq1', from: { id: ALICE, is_bot: false, first_name: 'Alice' }, chat_instance: 'x', message: { message_id: card.id, date: 0, chat: { id: CHAT, type: 'group', title: 'g' } }, data: buttonData(card, 'Approve') } };
    const none = await post(update);
    assert.equal(none.status, 403);
    assert.equal(((await none.json()) as { error: { code: string } }).error.code, 'FORBIDDEN');
    const wrong = await post(update, SECRET.slice(0, -1) + 'X');
    assert.equal(wrong.status, 403);
    assert.equal((await rig.get(request.id)).status, 'pending');
    const right = await post(update, SECRET);
    assert.equal(right.status, 200);
    assert.deepEqual(await right.json(), { ok: true });
    assert.equal((await rig.get(request.id)).status, 'approved');
    assert.ok(rig.emu.answers().some((a) => a.payload.callback_query_id === 'cq1'), 'the tap was answered');
  });

  it('sets up and deletes the webhook for admins only (ok2run paths and shapes)', async () => {
    const asAgent = await rig.srv.call('agent', 'POST', '/v1/telegram/setup-webhook');
    assert.equal(asAgent.status, 403);
    const asApprover = await rig.srv.call('approver', 'DELETE', '/v1/telegram/webhook');
    assert.equal(asApprover.status, 403);
    const set = await rig.srv.call('admin', 'POST', '/v1/telegram/setup-webhook');
    assert.equal(set.status, 200, set.text);
    assert.equal(set.body.webhook_url, 'https://gl.example.com/v1/telegram/webhook');
    assert.equal(set.body.telegram_response.ok, true);
    const call = rig.emu.callsOf('setWebhook').at(-1)!;
    assert.equal(call.payload.url, 'https://gl.example.com/v1/telegram/webhook');
    assert.equal(call.payload.secret_token, SECRET);
    assert.deepEqual(call.payload.allowed_updates, ['message', 'callback_query']);
    const del = await rig.srv.call('admin', 'DELETE', '/v1/telegram/webhook');
    assert.equal(del.status, 200, del.text);
    assert.equal(del.body.telegram_response.ok, true);
    assert.ok(rig.emu.callsOf('deleteWebhook').length >= 1);
    const audit = await rig.srv.store.listAudit({ limit: 10, order: 'desc' });
    assert.ok(audit.some((a) => a.action === 'telegram.webhook_set' && a.actor_name === 'root'));
  });
});

describe('telegram: polling mode has no webhook', () => {
  it('answers 404 on the webhook route when no secret is configured', async () => {
    const rig = await startRig();
    try {
      const res = await fetch(`${rig.srv.url}/v1/telegram/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"update_id":1}' });
      assert.equal(res.status, 404);
      await eventually(() => rig.emu.callsOf('getUpdates').length > 0, 'polling');
    } finally {
      await rig.stop();
    }
  });
});

describe('telegram: startup', () => {
  let emu: Emulator;
  before(async () => {
    emu = await Emulator.start();
  });
  after(() => emu.close());

  function channelWith(transformers: Transformer[], logger = silentLogger) {
    const config = testConfig('/nonexistent', rigConfig(emu));
    const store = new MemoryStore();
    const gate = createGate({ store, events: createLocalEventBus(), clock: systemClock, routing: { projects: config.projects, approvers: config.approvers }, defaults: { defaultExpiresSec: 60, maxExpiresSec: 600, allowApproveOnTimeout: false, maxWaitSec: 60 } });
    const ctx = createChannelContext({ gate, store, config, clock: systemClock, logger, metrics: createMetrics(), publicUrl: () => 'http://127.0.0.1' });
    return createTelegramChannelFactory({ transformers })(ctx)!;
  }

  it('refuses to start with a token Telegram rejects, and says what to fix', async () => {
    const channel = channelWith([async (prev, method, payload, signal) => (method === 'getMe' ? ({ ok: false, error_code: 401, description: 'Unauthorized' } as never) : prev(method, payload, signal))]);
    await assert.rejects(channel.start!(), /rejected the bot token \(401 Unauthorized\).*channels\.telegram\.bot_token.*@BotFather/);
  });

  it('says so when another process polls with the same token (409), and keeps trying', async () => {
    const lines: string[] = [];
    const conflict = { ok: false, error_code: 409, description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running' };
    const channel = channelWith([async (prev, method, payload, signal) => (method === 'getUpdates' ? (conflict as never) : prev(method, payload, signal))], createLogger('error', 'text', (l) => lines.push(l)));
    await channel.start!();
    try {
      await eventually(() => lines.find((l) => /another process polls with this bot token/.test(l)), 'the conflict logged');
    } finally {
      await channel.stop!();
    }
  });

  it('starts (and keeps retrying) when the Bot API is unreachable, instead of taking the server down', async () => {
    const channel = channelWith([async (prev, method, payload, signal) => (method === 'getMe' ? Promise.reject(new Error('ECONNREFUSED')) : prev(method, payload, signal))]);
    await channel.start!();
    await channel.stop!();
  });
});
