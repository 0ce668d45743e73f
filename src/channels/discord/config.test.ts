import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigSchema } from '../../config/schema.js';
import { parseDiscordSettings } from './config.js';

const base = { application_id: '1100000000000000001', public_key: 'AB'.repeat(32), bot_token: 'MTEwMDAwMDAwMDAwMDAwMDAwMQ.GxYzAb.abcdefghijklmnopqrstuvwxyz', channel_id: '1500000000000000001' };
const config = (discord: unknown, extra: Record<string, unknown> = {}) =>
  ConfigSchema.parse({ approvers: [{ name: 'alice', key: 'alice-key-0123456789abcdef', discord_user_id: '1400000000000000001' }], channels: { discord }, ...extra });

describe('channels.discord', () => {
  it('is off without a section, and fills in the defaults', () => {
    assert.equal(parseDiscordSettings(ConfigSchema.parse({})), null);
    const s = parseDiscordSettings(config(base))!;
    assert.equal(s.api_root, 'https://discord.com/api/v10');
    assert.equal(s.public_key, 'ab'.repeat(32));
    assert.equal(s.ack_after_ms, 2000);
  });

  it('says exactly what is wrong, key by key', () => {
    const noIds = { approvers: [{ name: 'alice', key: 'alice-key-0123456789abcdef' }] };
    const cases: [unknown, Record<string, unknown>, RegExp][] = [
      [{ ...base, application_id: 1100000000000000001 }, {}, /channels\.discord\.application_id: a Discord id written in quotes/],
      [{ ...base, public_key: 'xyz' }, {}, /channels\.discord\.public_key: the application's public key is 64 hex characters/],
      [{ ...base, bot_token: `Bot ${base.bot_token}` }, {}, /channels\.discord\.bot_token: give the token alone/],
      [{ ...base, bot_token: 'hunter2' }, {}, /channels\.discord\.bot_token: a bot token from the Bot page/],
      [{ ...base, channel_id: null }, {}, /no channel_id and no project routes to discord/],
      [base, noIds, /no approver has a discord_user_id/],
      [base, { approvers: [{ name: 'alice', key: 'alice-key-0123456789abcdef', discord_user_id: '@alice' }] }, /approvers\[alice\]\.discord_user_id: "@alice" is not a Discord id/],
      [base, { projects: [{ name: 'web', routes: [{ channel: 'discord', target: '#approvals' }] }] }, /projects\[web\]\.routes\[0\]\.target: "#approvals" is not a Discord channel id/],
      [{ ...base, bogus: 1 }, {}, /channels\.discord: Unrecognized key/],
    ];
    for (const [section, extra, message] of cases) assert.throws(() => parseDiscordSettings(config(section, extra)), message, JSON.stringify(section));
  });

  it('takes a project route instead of a default channel', () => {
    const s = parseDiscordSettings(config({ ...base, channel_id: null }, { projects: [{ name: 'web', routes: [{ channel: 'discord', target: '1500000000000000002' }] }] }));
    assert.equal(s?.channel_id, null);
  });
});
