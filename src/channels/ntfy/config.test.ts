import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigSchema } from '../../config/schema.js';
import { authHeader, parseNtfySettings } from './config.js';

const config = (ntfy: unknown, extra: Record<string, unknown> = {}) =>
  ConfigSchema.parse({ approvers: [{ name: 'alice', key: 'alice-key-0123456789abcdef' }], admins: [{ name: 'root', key: 'root-key-0123456789abcdef' }], channels: { ntfy }, ...extra });

describe('channels.ntfy', () => {
  it('is off without a section, and fills in the defaults', () => {
    assert.equal(parseNtfySettings(ConfigSchema.parse({})), null);
    const s = parseNtfySettings(config({ topics: [{ topic: 'gl-alice', approver: 'alice' }] }))!;
    assert.equal(s.server_url, 'https://ntfy.sh');
    assert.equal(s.action_ttl_sec, 3600);
    assert.deepEqual(authHeader(s), {});
  });

  it('says exactly what is wrong, key by key', () => {
    const cases: [unknown, Record<string, unknown>, RegExp][] = [
      [{ server_url: 'ftp://x', topics: [{ topic: 'a' }] }, {}, /channels\.ntfy\.server_url: use an http:\/\/ or https:\/\/ URL/],
      [{ topics: [{ topic: 'has space' }] }, {}, /channels\.ntfy\.topics\.0\.topic: a topic is 1–64 letters/],
      [{ topics: [{ topic: 'a', approver: 'mallory' }] }, {}, /topics\[0\]\.approver: "mallory" is not a configured approver/],
      [{ topics: [{ topic: 'a', approver: 'root' }] }, {}, /"root" is not a configured approver/],
      [{ topics: [{ topic: 'a' }, { topic: 'a' }] }, {}, /topics\[1\]: topic a is listed twice/],
      [{ topics: [{ topic: 'a' }], username: 'u' }, {}, /username and password go together/],
      [{ topics: [{ topic: 'a' }], access_token: 't', username: 'u', password: 'p' }, {}, /either access_token or username and password, not both/],
      [{}, {}, /no topics and no project routes to ntfy/],
      [{ topics: [] }, { projects: [{ name: 'web', routes: [{ channel: 'ntfy', target: 'no/slash' }] }] }, /projects\[web\]\.routes\[0\]\.target: "no\/slash" is not an ntfy topic/],
      [{ topics: [{ topic: 'a' }], action_secret: 'short' }, {}, /action_secret must be at least 32 characters/],
      [{ topics: [{ topic: 'a' }], bogus: 1 }, {}, /channels\.ntfy: Unrecognized key/],
    ];
    for (const [section, extra, message] of cases) assert.throws(() => parseNtfySettings(config(section, extra)), message, JSON.stringify(section));
  });

  it('sends a token as Bearer and a user as Basic auth', () => {
    assert.deepEqual(authHeader({ access_token: 'tk_1', username: null, password: null }), { Authorization: 'Bearer tk_1' });
    assert.deepEqual(authHeader({ access_token: null, username: 'u', password: 'p:w' }), { Authorization: `Basic ${Buffer.from('u:p:w').toString('base64')}` });
  });
});
