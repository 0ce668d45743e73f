// A real Greenlight (SQLite, the real HTTP server, the Discord channel) against the loopback Discord
// fake, with approvers who have Discord identities: alice decides everything, bob only project
// "ops", MALLORY is nobody's approver.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { discordChannelFactory } from '../../src/channels/discord/discord-channel.js';
import type { ChannelFactory } from '../../src/channels/channel.js';
import type { ApprovalRequest } from '../../src/core/types.js';
import { eventually } from '../email/fixtures.js';
import { KEYS, startTestServer, type TestServer } from '../helpers/harness.js';
import { APP_ID, BOT_TOKEN, FakeDiscord, type Message } from './fake-discord.js';
import { MovableClock as Clock } from '../helpers/clock.js';

export const ALICE = '1400000000000000001';
export const BOB = '1400000000000000002';
export const MALLORY = '1400000000000000666';
export const APPROVALS = '1500000000000000001';
export const OPS = '1500000000000000002';


export interface Rig {
  discord: FakeDiscord;
  s: TestServer;
  clock: Clock;
  /** Files a request as agent-a; returns its id. */
  file(body?: Record<string, unknown>): Promise<string>;
  /** The card of a request in a Discord channel, once it is there. */
  card(id: string, channel?: string): Promise<Message>;
  get(id: string): Promise<ApprovalRequest>;
}

export function discordSection(discord: FakeDiscord, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { application_id: APP_ID, public_key: discord.publicKeyHex, bot_token: BOT_TOKEN, channel_id: APPROVALS, api_root: discord.apiRoot, ...extra };
}

let n = 0;

/** Starts the fake and a server for one describe block (before/after hooks). */
export function discordRig(options: { discord?: Record<string, unknown>; extra?: Record<string, unknown>; channels?: (discord: FakeDiscord) => ChannelFactory[] } = {}): Rig {
  const rig = {} as Rig;
  before(async () => {
    rig.discord = await FakeDiscord.start({ [APPROVALS]: 200, [OPS]: 200 });
    rig.clock = new Clock();
    const { approvers, channels, ...extra } = (options.extra ?? {}) as { approvers?: unknown[]; channels?: Record<string, unknown> };
    rig.s = await startTestServer(
      {
        approvers: approvers ?? [
          { name: 'alice', key: KEYS.approver, discord_user_id: ALICE },
          { name: 'bob', key: KEYS.otherApprover, discord_user_id: BOB, projects: ['ops'] },
        ],
        projects: [{ name: 'ops', routes: [{ channel: 'discord', target: OPS }] }, { name: 'web' }],
        delivery: { backoff_base_ms: 10, backoff_max_ms: 40, max_attempts: 100 },
        channels: { discord: discordSection(rig.discord, options.discord), ...channels },
        ...extra,
      },
      { channels: options.channels?.(rig.discord) ?? [discordChannelFactory], clock: rig.clock },
    );
    rig.discord.greenlightUrl = rig.s.url;
  });
  after(async () => {
    await rig.s?.stop();
    await rig.discord?.close();
  });
  rig.file = async (body = {}) => {
    const r = await rig.s.call('agent', 'POST', '/v1/requests', { title: 'Restart web', tool: 'Bash', input: { command: `kubectl rollout restart deploy/web-${++n}` }, ...body });
    assert.equal(r.status, 201, r.text);
    return r.body.id as string;
  };
  rig.card = async (id, channel = APPROVALS) =>
    eventually(async () => {
      const ref = (await rig.s.store.listChannelMessages(id)).find((m) => m.channel === 'discord' && m.target === channel);
      return ref ? rig.discord.messages.get(ref.message_id) : undefined;
    });
  rig.get = async (id) => (await rig.s.store.getRequest(id))!;
  return rig;
}

/** The text of a card's embed, all of it (title, description, fields, footer). */
export const embedText = (m: Message): string => {
  const e = m.embeds[0];
  return [e.title, e.description, ...(e.fields ?? []).flatMap((f: any) => [f.name, f.value]), e.footer?.text].join('\n');
};
