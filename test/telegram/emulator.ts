// A Telegram Bot API emulator (telegram-test-api) on loopback, plus a grammY API transformer that
// records every call the bot makes and stands in for the methods the emulator lacks
// (sendDocument, editMessageCaption, ...). Tests act as Telegram users through the emulator's
// client API and read what the bot posted from its storage.
import { createRequire } from 'node:module';
import type { Transformer } from 'grammy';
import type { StoredBotUpdate, TelegramServer as TelegramServerType } from 'telegram-test-api/lib/telegramServer.js';
import type { ApprovalRequest } from '../../src/core/types.js';
import { telegramChannelFactory, createTelegramChannelFactory } from '../../src/channels/telegram/telegram-channel.js';
import { startTestServer, type TestServer } from '../helpers/harness.js';
import { freeLoopbackPort } from '../helpers/net.js';

export const TOKEN = '123456789:AAHgreenlightEmulatorToken0123456789';
export const CHAT = -100200; // the default group chat
export const ALICE = 42; // approver
export const BOB = 43; // approver
export const MALLORY = 666; // not an approver

/** A free loopback port: the emulator ignores port 0. */
export const freePort = freeLoopbackPort;

export interface Call {
  method: string;
  payload: Record<string, any>;
}

interface Fault {
  method: string;
  times: number;
  response: { ok: false; error_code: number; description: string; parameters?: Record<string, unknown> } | 'network';
}

export interface BotMessage {
  id: number;
  chat: number;
  text: string;
  markup: any;
  replyTo: number | null;
}

// A CommonJS module whose typings say `export default`; load it the way Node does.
type TelegramServer = TelegramServerType;
const TelegramServer = createRequire(import.meta.url)('telegram-test-api') as typeof TelegramServerType;

/** Methods the emulator does not implement, answered here as Telegram would. */
const FAKED = new Set(['sendDocument', 'editMessageCaption', 'setMyCommands', 'getWebhookInfo']);

export class Emulator {
  readonly calls: Call[] = [];
  private faults: Fault[] = [];
  private fakeIds = 1_000_000;
  private constructor(readonly server: TelegramServer, readonly apiRoot: string) {}

  static async start(): Promise<Emulator> {
    const port = await freePort();
    const server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 600 });
    await server.start();
    return new Emulator(server, server.config.apiURL);
  }

  async close(): Promise<void> {
    await this.server.stop();
  }

  /** Records calls, injects faults, fakes what the emulator lacks. */
  readonly transformer: Transformer = async (prev, method, payload, signal) => {
    this.calls.push({ method, payload: payload as Record<string, any> });
    const fault = this.faults.find((f) => f.method === method && f.times > 0);
    if (fault) {
      fault.times--;
      if (fault.response === 'network') throw new Error('simulated network failure');
      return fault.response as never;
    }
    if (FAKED.has(method)) {
      const p = payload as Record<string, any>;
      if (method === 'sendDocument') return { ok: true, result: { message_id: this.fakeIds++, date: 0, chat: { id: Number(p.chat_id), type: 'group' }, document: { file_id: 'f', file_unique_id: 'u' } } } as never;
      return { ok: true, result: true } as never;
    }
    return prev(method, payload, signal);
  };

  /** The next `times` calls of `method` fail with this Bot API error (or a network error). */
  fail(method: string, times: number, response: Fault['response']): void {
    this.faults.push({ method, times, response });
  }

  clearFaults(): void {
    this.faults = [];
  }

  callsOf(method: string): Call[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** What the bot posted (and edited since), oldest first. */
  messages(chat?: number): BotMessage[] {
    return this.server.storage.botMessages
      .filter((u: StoredBotUpdate) => u.botToken === TOKEN && (chat === undefined || Number(u.message.chat_id) === chat))
      .map((u: StoredBotUpdate) => {
        const msg = u.message as unknown as Record<string, any>;
        return { id: u.messageId, chat: Number(msg.chat_id), text: String(msg.text ?? ''), markup: msg.reply_markup ?? null, replyTo: msg.reply_parameters?.message_id ?? null };
      });
  }

  message(chat: number, id: number): BotMessage | undefined {
    return this.messages(chat).find((m) => m.id === id);
  }

  client(user: number, chat = CHAT) {
    return this.server.getClient(TOKEN, { userId: user, chatId: chat, firstName: `user${user}`, type: chat < 0 ? 'group' : 'private' });
  }

  /** A user taps a button (by its callback data) on a bot message. */
  async tap(user: number, message: BotMessage, data: string): Promise<void> {
    const c = this.client(user, message.chat);
    await c.sendCallback(c.makeCallbackQuery(data, { message: { message_id: message.id, chat: { id: message.chat, type: message.chat < 0 ? 'group' : 'private' } as never } }));
  }

  /** A user sends text, as a reply to `replyTo` when given. */
  async say(user: number, chat: number, text: string, replyTo?: number): Promise<void> {
    const c = this.client(user, chat);
    await c.sendMessage(c.makeMessage(text, replyTo ? { reply_to_message: { message_id: replyTo, chat: { id: chat } } as never } : {}));
  }

  async command(user: number, chat: number, text: string): Promise<void> {
    const c = this.client(user, chat);
    await c.sendCommand(c.makeCommand(text));
  }

  /** answerCallbackQuery calls so far (every tap must get one). */
  answers(): Call[] {
    return this.callsOf('answerCallbackQuery');
  }
}

/** The callback data of the button whose label contains `label`. */
export function buttonData(message: BotMessage | undefined, label: string): string {
  const rows: any[][] = message?.markup?.inline_keyboard ?? [];
  for (const row of rows) for (const b of row) if (String(b.text).includes(label)) return b.callback_data;
  throw new Error(`no button "${label}" on message ${message?.id}: ${JSON.stringify(rows.map((r) => r.map((b) => b.text)))}`);
}

export const buttonLabels = (message: BotMessage | undefined): string[] => (message?.markup?.inline_keyboard ?? []).flat().map((b: any) => String(b.text));

/** Polls `probe` until it returns something truthy; fails with `what` after `ms`. */
export async function eventually<T>(probe: () => T | Promise<T>, what: string, ms = 5000): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v as NonNullable<T>;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface Rig {
  emu: Emulator;
  srv: TestServer;
  /** Files a request as agent-a and returns it once its card is in `chat`. */
  file(body: Record<string, unknown>, chat?: number): Promise<{ request: ApprovalRequest; card: BotMessage }>;
  /** The card of a request in a chat, as the bot last left it (found through the stored message refs). */
  card(requestId: string, chat?: number, kind?: string): Promise<BotMessage | undefined>;
  get(id: string): Promise<ApprovalRequest>;
  stop(): Promise<void>;
}

export function telegramSection(emu: Emulator, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { bot_token: TOKEN, api_root: emu.apiRoot, chats: [String(CHAT)], poll_timeout_sec: 0, poll_interval_ms: 5, ...extra };
}

export function rigConfig(emu: Emulator, overrides: { telegram?: Record<string, unknown>; [k: string]: unknown } = {}): Record<string, unknown> {
  const { telegram, ...rest } = overrides;
  return {
    approvers: [
      { name: 'alice', key: 'approver-key-0123456789abcdef', telegram_user_id: ALICE },
      { name: 'bob', key: 'other-approver-key-0123456789', telegram_user_id: BOB },
    ],
    channels: { telegram: telegramSection(emu, telegram) },
    delivery: { backoff_base_ms: 10, backoff_max_ms: 100 },
    ...rest,
  };
}

/** A real Greenlight server with the Telegram channel, polling the emulator. */
export async function startRig(overrides: { telegram?: Record<string, unknown>; [k: string]: unknown } = {}, options: { emu?: Emulator; dataDir?: string; clock?: import('../../src/core/ids.js').Clock; sessionRunner?: import('../../src/sessions/runner.js').SessionRunner } = {}): Promise<Rig> {
  const emu = options.emu ?? (await Emulator.start());
  const factory = createTelegramChannelFactory({ transformers: [emu.transformer] });
  const srv = await startTestServer(rigConfig(emu, overrides), { channels: [factory], dataDir: options.dataDir, clock: options.clock, sessionRunner: options.sessionRunner });
  const get = async (id: string) => (await srv.store.getRequest(id))!;
  const card = async (requestId: string, chat = CHAT, kind = 'telegram') => {
    const ref = (await srv.store.listChannelMessages(requestId)).find((r) => r.channel === kind && r.target === String(chat));
    return ref ? emu.message(chat, Number(ref.message_id)) : undefined;
  };
  return {
    emu,
    srv,
    get,
    card,
    async file(body, chat = CHAT) {
      const res = await srv.call('agent', 'POST', '/v1/requests', body);
      if (res.status !== 201 && res.status !== 200) throw new Error(`filing failed: ${res.status} ${res.text}`);
      const request = await get(res.body.id);
      const posted = await eventually(() => card(request.id, chat), `the card of ${request.id} in chat ${chat}`);
      return { request, card: posted };
    },
    async stop() {
      await srv.stop();
      if (!options.emu) await emu.close();
    },
  };
}

export { telegramChannelFactory };
