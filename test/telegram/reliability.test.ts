// Sends and edits go through the durable outbox: a failing Telegram never loses or orphans a
// request, retries honour retry_after, and pending cards, prompts and deliveries survive a restart.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/core/ids.js';
import { ALICE, CHAT, Emulator, buttonData, eventually, startRig, type Rig } from './emulator.js';

const bash = (command: string, extra: Record<string, unknown> = {}) => ({ title: `Run ${command}`, tool: 'Bash', input: { command }, preview: command, ...extra });

async function outboxOf(rig: Rig, requestId: string) {
  return (await rig.srv.store.listOutbox({ request_id: requestId, limit: 50 })).filter((i) => i.kind === 'telegram');
}

describe('telegram: reliability', () => {
  let emu: Emulator;
  before(async () => {
    emu = await Emulator.start();
  });
  after(() => emu.close());

  it('keeps a request pending and visible when the send fails, then delivers the card once Telegram recovers', async () => {
    const rig = await startRig({}, { emu });
    try {
      emu.fail('sendMessage', 3, { ok: false, error_code: 502, description: 'Bad Gateway' });
      const res = await rig.srv.call('agent', 'POST', '/v1/requests', bash('make deploy'));
      assert.equal(res.status, 201, res.text);
      const id = res.body.id as string;
      // Visible to approvers on every other channel meanwhile.
      const pending = await rig.srv.call('approver', 'GET', '/v1/requests/pending');
      assert.ok(pending.body.items.some((r: { id: string }) => r.id === id), 'listed as pending');
      const card = await eventually(() => rig.card(id), 'the card after the retries');
      // The send is recorded as delivered once its write is on disk, a moment after the card shows.
      const item = await eventually(async () => (await outboxOf(rig, id)).find((i) => i.state === 'delivered'), 'the send recorded as delivered');
      assert.equal(item.attempts, 4);
      assert.match(item.last_error ?? '', /502 Bad Gateway/);
      await emu.tap(ALICE, card, buttonData(card, 'Approve'));
      await eventually(async () => (await rig.get(id)).status === 'approved', 'the approval');
    } finally {
      await rig.stop();
    }
  });

  it('retries a failed file without posting the card twice', async () => {
    const rig = await startRig({}, { emu });
    try {
      emu.fail('sendDocument', 1, { ok: false, error_code: 500, description: 'Internal Server Error' });
      const res = await rig.srv.call('agent', 'POST', '/v1/requests', { title: 'Big', preview: 'z'.repeat(6000) });
      const id = res.body.id as string;
      await eventually(async () => (await outboxOf(rig, id)).find((i) => i.state === 'delivered' && i.attempts === 2), 'the announce delivered on the second attempt');
      assert.equal(emu.callsOf('sendMessage').filter((c) => String(c.payload.text).includes(id)).length, 1, 'one card');
      assert.equal(emu.callsOf('sendDocument').filter((c) => c.payload.document.filename === `${id}.txt`).length, 2, 'the file, tried twice');
    } finally {
      await rig.stop();
    }
  });

  it('waits as long as a 429 asks (retry_after) before sending again', async () => {
    const rig = await startRig({ delivery: { backoff_base_ms: 10, backoff_max_ms: 60_000 } }, { emu });
    try {
      emu.fail('sendMessage', 1, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
      const started = Date.now();
      const res = await rig.srv.call('agent', 'POST', '/v1/requests', bash('npm run build'));
      const failed = await eventually(async () => (await outboxOf(rig, res.body.id)).find((i) => i.attempts === 1), 'the first failed attempt');
      assert.ok(failed.next_attempt_at - Date.now() > 700, `next attempt in ${failed.next_attempt_at - Date.now()} ms`);
      await eventually(() => rig.card(res.body.id), 'the card after retry_after', 5000);
      assert.ok(Date.now() - started >= 950, 'not sent before retry_after');
    } finally {
      await rig.stop();
    }
  });

  it('gives up at once on a chat the bot cannot post to (403), and the request stays decidable elsewhere', async () => {
    const rig = await startRig({}, { emu });
    try {
      emu.fail('sendMessage', 1, { ok: false, error_code: 403, description: 'Forbidden: bot was kicked from the group chat' });
      const res = await rig.srv.call('agent', 'POST', '/v1/requests', bash('ls -la'));
      const dead = await eventually(async () => (await outboxOf(rig, res.body.id)).find((i) => i.state === 'dead'), 'the dead outbox item');
      assert.equal(dead.attempts, 1);
      assert.equal((await rig.get(res.body.id)).status, 'pending');
      const decided = await rig.srv.call('approver', 'POST', `/v1/requests/${res.body.id}/decision`, { outcome: 'approved' });
      assert.equal(decided.status, 200, decided.text);
    } finally {
      await rig.stop();
    }
  });

  it('delivers a card queued before a restart, and a reply to a prompt from before the restart still decides', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'greenlight-tg-restart-'));
    try {
      const first = await startRig({}, { emu, dataDir });
      // Telegram unreachable for the whole life of the first process.
      emu.fail('sendMessage', 1000, 'network');
      const res = await first.srv.call('agent', 'POST', '/v1/requests', bash('db:migrate'));
      const id = res.body.id as string;
      await eventually(async () => (await outboxOf(first, id)).some((i) => i.attempts >= 1), 'a failed attempt');
      await first.stop();
      emu.clearFaults();

      const second = await startRig({}, { emu, dataDir });
      try {
        const card = await eventually(() => second.card(id), 'the card from the previous process');
        await emu.tap(ALICE, card, buttonData(card, 'Deny with reason'));
        const prompt = await eventually(() => emu.messages(CHAT).find((m) => m.replyTo === card.id && m.markup?.force_reply), 'the prompt');
        // The prompt's state is in the database: the next process takes the reply.
        await second.stop();

        const third = await startRig({}, { emu, dataDir });
        try {
          await emu.say(ALICE, CHAT, 'wait for the freeze to end', prompt.id);
          const done = await eventually(async () => ((await third.get(id)).status === 'denied' ? third.get(id) : null), 'the denial after a restart');
          assert.equal(done.decision?.comment, 'wait for the freeze to end');
          assert.equal((await outboxOf(third, id)).filter((i) => (i.payload as { op: string }).op === 'announce').length, 1, 'announced once');
        } finally {
          await third.stop();
        }
      } finally {
        await second.stop().catch(() => undefined);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('edits the card when the request expires', async () => {
    const clock = new ManualClock(Date.now());
    const rig = await startRig({}, { emu, clock });
    try {
      const { request, card } = await rig.file(bash('sleep 1', { expires_in_sec: 60 }));
      assert.match(card.text, /Expires .* \(in 1 min\)/);
      clock.advance(61_000);
      assert.equal(await rig.srv.gate.expireDue(), 1);
      const edited = await eventually(async () => {
        const c = await rig.card(request.id);
        return c && /Expired/.test(c.text) && c.markup?.inline_keyboard?.length === 0 ? c : null;
      }, 'the card showing the expiry');
      assert.match(edited.text, /by timeout via timeout/);
    } finally {
      await rig.stop();
    }
  });

  it('posts nothing for a request the policy decided on arrival', async () => {
    const rig = await startTestRigWithPolicy(emu);
    try {
      const res = await rig.srv.call('agent', 'POST', '/v1/requests', bash('git status'));
      assert.equal(res.body.status, 'approved');
      assert.deepEqual(await outboxOf(rig, res.body.id), []);
    } finally {
      await rig.stop();
    }
  });
});

async function startTestRigWithPolicy(emu: Emulator): Promise<Rig> {
  const { createTelegramChannelFactory } = await import('../../src/channels/telegram/telegram-channel.js');
  const { startTestServer } = await import('../helpers/harness.js');
  const { rigConfig } = await import('./emulator.js');
  const srv = await startTestServer(rigConfig(emu), {
    channels: [createTelegramChannelFactory({ transformers: [emu.transformer] })],
    policy: () => ({ verdict: 'allow', rule: 'Bash(git status)', reason: 'read-only' }),
  });
  return { emu, srv, get: async (id) => (await srv.store.getRequest(id))!, card: async () => undefined, file: async () => Promise.reject(new Error('unused')), stop: () => srv.stop() };
}
