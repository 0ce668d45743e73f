import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../config/load.js';
import { ConfigSchema } from '../../config/schema.js';
import { parseTelegramSettings } from './config.js';

const TOKEN = '123456789:AAHgreenlightEmulatorToken0123456789';
const config = (telegram: unknown, extra: Record<string, unknown> = {}) =>
  ConfigSchema.parse({ approvers: [{ name: 'alice', telegram_user_id: 42 }], channels: telegram === undefined ? {} : { telegram }, ...extra });

describe('channels.telegram', () => {
  it('is off without a section', () => {
    assert.equal(parseTelegramSettings(config(undefined)), null);
  });

  it('fills in defaults: polling, Telegram\'s API, English', () => {
    const s = parseTelegramSettings(config({ bot_token: TOKEN, chats: [-100123, '@team_channel'] }))!;
    assert.equal(s.mode, 'polling');
    assert.equal(s.api_root, 'https://api.telegram.org');
    assert.deepEqual(s.chats, ['-100123', '@team_channel']);
    assert.equal(s.locale, 'en');
    assert.equal(s.approver_chats, 'fallback');
  });

  it('strips a trailing slash from api_root (grammY refuses it)', () => {
    assert.equal(parseTelegramSettings(config({ bot_token: TOKEN, api_root: 'http://127.0.0.1:8081/' }))!.api_root, 'http://127.0.0.1:8081');
  });

  it('says exactly what is wrong', () => {
    const cases: [unknown, Record<string, unknown>, RegExp][] = [
      [{ bot_token: 'nope' }, {}, /channels\.telegram\.bot_token: a bot token from @BotFather/],
      [{ bot_token: TOKEN, mode: 'push' }, {}, /channels\.telegram\.mode/],
      [{ bot_token: TOKEN, colour: 'red' }, {}, /channels\.telegram: Unrecognized key/i],
      [{ bot_token: TOKEN }, { approvers: [{ name: 'alice' }] }, /no approver \(or admin\) has a telegram_user_id/],
      [{ bot_token: TOKEN, mode: 'webhook', chats: [1] }, {}, /webhook\.secret_token is not set/],
      [{ bot_token: TOKEN, mode: 'webhook', webhook: { secret_token: 'x'.repeat(20) } }, {}, /neither channels\.telegram\.webhook\.url nor server\.public_url/],
      [{ bot_token: TOKEN, approver_chats: 'never' }, {}, /no chat would ever see a request/],
    ];
    for (const [telegram, extra, pattern] of cases) {
      assert.throws(() => parseTelegramSettings(config(telegram, extra)), (err: unknown) => err instanceof ConfigError && pattern.test(err.message), String(pattern));
    }
  });
});
