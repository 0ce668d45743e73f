// A real server with the Telegram channel (Bot API emulator), the email channel (loopback SMTP)
// and the API, configured with an approver group and workflows, for the workflow tests.
import type { Clock } from '../../src/core/ids.js';
import type { ApprovalRequest } from '../../src/core/types.js';
import { emailChannelFactory } from '../../src/channels/email/email-channel.js';
import { createTelegramChannelFactory } from '../../src/channels/telegram/telegram-channel.js';
import { KEYS, startTestServer, type TestServer } from '../helpers/harness.js';
import { emailSection, TestSmtp } from '../email/fixtures.js';
import { ALICE, BOB, CHAT, Emulator, telegramSection, type BotMessage } from '../telegram/emulator.js';

export const CAROL_KEY = 'carol-key-0123456789abcdefgh';
export const DAVE_KEY = 'dave-key-0123456789abcdefghi';
export const ERIN = 44;

/** alice and bob on Telegram and email, carol and dave on email and the API, erin on Telegram; dave owns agent-a. */
export function people(): Record<string, unknown> {
  return {
    approvers: [
      { name: 'alice', key: KEYS.approver, telegram_user_id: ALICE, email: 'alice@example.com' },
      { name: 'bob', key: KEYS.otherApprover, telegram_user_id: BOB, email: 'bob@example.com' },
      { name: 'carol', key: CAROL_KEY, email: 'carol@example.com' },
      { name: 'dave', key: DAVE_KEY, email: 'dave@example.com' },
      { name: 'erin', telegram_user_id: ERIN },
    ],
    agents: [
      { name: 'agent-a', key: KEYS.agent, owner: 'dave' },
      { name: 'agent-b', key: KEYS.otherAgent },
    ],
    projects: [{ name: 'prod' }, { name: 'web' }],
  };
}

export interface WorkflowRig {
  srv: TestServer;
  emu: Emulator;
  smtp: TestSmtp;
  file(body: Record<string, unknown>): Promise<ApprovalRequest>;
  get(id: string): Promise<ApprovalRequest>;
  /** The Telegram card of a request in a chat, as the bot last left it. */
  card(id: string, chat?: number): Promise<BotMessage | undefined>;
  stop(): Promise<void>;
}

export async function startWorkflowRig(overrides: Record<string, unknown>, options: { clock?: Clock; dataDir?: string; emu?: Emulator; smtp?: TestSmtp; telegram?: Record<string, unknown> } = {}): Promise<WorkflowRig> {
  const emu = options.emu ?? (await Emulator.start());
  const smtp = options.smtp ?? (await TestSmtp.start());
  const srv = await startTestServer(
    {
      ...people(),
      channels: { telegram: telegramSection(emu, options.telegram), email: emailSection(smtp) },
      delivery: { backoff_base_ms: 10, backoff_max_ms: 100 },
      ...overrides,
    },
    { channels: [createTelegramChannelFactory({ transformers: [emu.transformer] }), emailChannelFactory], clock: options.clock, dataDir: options.dataDir },
  );
  const get = async (id: string) => (await srv.store.getRequest(id))!;
  return {
    srv,
    emu,
    smtp,
    get,
    async file(body) {
      const res = await srv.call('agent', 'POST', '/v1/requests', { title: 'Deploy web to prod', preview: 'kubectl rollout restart deploy/web', project: 'prod', ...body });
      if (res.status !== 201) throw new Error(`filing failed: ${res.status} ${res.text}`);
      return get(res.body.id);
    },
    async card(id, chat = CHAT) {
      const ref = (await srv.store.listChannelMessages(id)).find((r) => r.channel === 'telegram' && r.target === String(chat));
      return ref ? emu.message(chat, Number(ref.message_id)) : undefined;
    },
    async stop() {
      await srv.stop();
      if (!options.emu) await emu.close();
      if (!options.smtp) await smtp.close();
    },
  };
}
