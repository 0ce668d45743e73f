// A real Greenlight server (SQLite, the real HTTP app, the real outbox) with the Slack channel
// pointed at the loopback fake (fake-slack.ts), in either connection mode: `http` (the fake POSTs
// signed interactions to /v1/slack/*) or `socket` (Greenlight connects to the fake's Socket Mode
// server, which sends envelopes). People are Slack member ids.
import type { ApprovalRequest } from '../../src/core/types.js';
import { createSlackChannelFactory } from '../../src/channels/slack/slack-channel.js';
import type { ChannelFactory } from '../../src/channels/channel.js';
import { MovableClock } from '../helpers/clock.js';
import { KEYS, startTestServer, type TestServer } from '../helpers/harness.js';
import { APP_TOKEN, BOT_TOKEN, FakeSlack, SIGNING_SECRET, type Message } from './fake-slack.js';

export const ALICE = 'U0ALICE01';
export const BOB = 'U0BOB0001';
export const MALLORY = 'U0MALLORY';
/** An approver named like the agent the rig files as (agent-a): they never decide its requests. */
export const FILER = 'U0FILER01';
/** The default channel (the bot is a member). */
export const APPROVALS = 'C0APPROVE';
/** Project ops routes here. */
export const OPS = 'C0OPS0001';

export type Mode = 'http' | 'socket';

/** Polls `probe` until it returns something other than undefined/false; fails saying `what` after `ms`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface SlackRig {
  slack: FakeSlack;
  srv: TestServer;
  mode: Mode;
  clock: MovableClock;
  /** Files a request as agent-a; returns it with its card once posted to `channel`. */
  file(body: Record<string, unknown>, channel?: string): Promise<{ request: ApprovalRequest; card: Message }>;
  get(id: string): Promise<ApprovalRequest>;
  /** The card's latest version, once `probe` holds for it. */
  card(id: string, channel?: string): Message;
  stop(): Promise<void>;
}

export function slackSection(slack: FakeSlack, mode: Mode, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { mode, bot_token: BOT_TOKEN, ...(mode === 'socket' ? { app_token: APP_TOKEN } : { signing_secret: SIGNING_SECRET }), channel: APPROVALS, api_url: slack.apiUrl, ...extra };
}

export function rigConfig(slack: FakeSlack, mode: Mode, overrides: { slack?: Record<string, unknown>; [k: string]: unknown } = {}): Record<string, unknown> {
  const { slack: section, ...rest } = overrides;
  return {
    approvers: [
      { name: 'alice', key: KEYS.approver, slack_user_id: ALICE, telegram_user_id: 42 },
      { name: 'bob', key: KEYS.otherApprover, slack_user_id: BOB, projects: ['ops'] },
      { name: 'agent-a', slack_user_id: FILER },
    ],
    projects: [{ name: 'ops', routes: [{ channel: 'slack', target: OPS }] }],
    channels: { slack: slackSection(slack, mode, section) },
    delivery: { backoff_base_ms: 10, backoff_max_ms: 100, max_attempts: 100 },
    ...rest,
  };
}

export async function startSlackRig(mode: Mode, overrides: { slack?: Record<string, unknown>; [k: string]: unknown } = {}, options: { slack?: FakeSlack; factories?: ChannelFactory[]; clock?: MovableClock } = {}): Promise<SlackRig> {
  const slack = options.slack ?? (await FakeSlack.start());
  slack.channels.set(APPROVALS, { member: true });
  slack.channels.set(OPS, { member: true });
  const clock = options.clock ?? new MovableClock();
  const factory = createSlackChannelFactory({ socket: { backoffMs: () => 50 } });
  const srv = await startTestServer(rigConfig(slack, mode, overrides), { channels: options.factories ?? [factory], clock });
  slack.greenlightUrl = srv.url;
  if (mode === 'socket') await until('the Socket Mode connection', () => slack.sockets.size === 1);
  const get = async (id: string) => (await srv.store.getRequest(id))!;
  const card = (id: string, channel = APPROVALS) => slack.cardOf(id, channel)!;
  return {
    slack,
    srv,
    mode,
    clock,
    get,
    card,
    async file(body, channel = APPROVALS) {
      const res = await srv.call('agent', 'POST', '/v1/requests', body);
      if (res.status !== 201 && res.status !== 200) throw new Error(`filing failed: ${res.status} ${res.text}`);
      const request = await get(res.body.id);
      const posted = await until(`the card of ${request.id} in ${channel}`, () => slack.cardOf(request.id, channel));
      return { request, card: posted };
    },
    async stop() {
      await srv.stop();
      if (!options.slack) await slack.close();
    },
  };
}

/** The action_ids of a card's buttons, in order. */
export const actionIds = (m: Message): string[] => m.blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements.map((e: { action_id: string }) => e.action_id));

/** Every text a message shows, joined (to search for what it says). */
export const shownText = (m: Pick<Message, 'blocks'>): string => JSON.stringify(m.blocks);

export const bash = (command: string, extra: Record<string, unknown> = {}) => ({ title: `Run ${command.slice(0, 40)}`, tool: 'Bash', input: { command }, ...extra });
