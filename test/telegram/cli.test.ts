// `greenlight telegram setup-webhook | delete-webhook` against the emulator.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runTelegram } from '../../src/cli/telegram.js';
import { Emulator, TOKEN } from './emulator.js';

describe('greenlight telegram', () => {
  let emu: Emulator;
  let dir: string;
  before(async () => {
    emu = await Emulator.start();
    dir = mkdtempSync(join(tmpdir(), 'greenlight-tg-cli-'));
  });
  after(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const configFile = (name: string, telegram: string, extra = '') => {
    const file = join(dir, name);
    writeFileSync(file, `data_dir: ${dir}\nserver:\n  public_url: https://gl.example.com\napprovers:\n  - name: alice\n    telegram_user_id: 42\n${extra}channels:\n  telegram:\n${telegram}`);
    return file;
  };
  const run = async (args: string[]) => {
    let out = '';
    let err = '';
    const code = await runTelegram(args, { out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  };
  const webhooks = () => (emu.server as unknown as { webhooks: Record<string, { url: string; secret_token?: string } | undefined> }).webhooks;

  it('registers the webhook with the secret token, then deletes it', async () => {
    const file = configFile('ok.yaml', `    bot_token: "${TOKEN}"\n    api_root: ${emu.apiRoot}\n    mode: webhook\n    webhook:\n      secret_token: whsec_0123456789abcdef\n`);
    const set = await run(['setup-webhook', '--config', file]);
    assert.equal(set.code, 0, set.err);
    assert.match(set.out, /updates of @TestNameBot to https:\/\/gl\.example\.com\/v1\/telegram\/webhook/);
    assert.equal(webhooks()[TOKEN]?.url, 'https://gl.example.com/v1/telegram/webhook');
    assert.equal(webhooks()[TOKEN]?.secret_token, 'whsec_0123456789abcdef');
    const del = await run(['delete-webhook', '--config', file]);
    assert.equal(del.code, 0, del.err);
    assert.equal(webhooks()[TOKEN], undefined);
  });

  it('says what is missing: no telegram section, no secret token, a bad token format', async () => {
    const none = join(dir, 'none.yaml');
    writeFileSync(none, `data_dir: ${dir}\n`);
    const a = await run(['setup-webhook', '--config', none]);
    assert.equal(a.code, 2);
    assert.match(a.err, /no channels\.telegram section/);
    const noSecret = configFile('nosecret.yaml', `    bot_token: "${TOKEN}"\n    api_root: ${emu.apiRoot}\n`);
    const b = await run(['setup-webhook', '--config', noSecret]);
    assert.equal(b.code, 2);
    assert.match(b.err, /webhook\.secret_token/);
    const badToken = configFile('badtoken.yaml', `    bot_token: "not-a-token"\n`);
    const c = await run(['setup-webhook', '--config', badToken]);
    assert.equal(c.code, 2);
    assert.match(c.err, /channels\.telegram\.bot_token: a bot token from @BotFather/);
    const d = await run(['frobnicate']);
    assert.equal(d.code, 2);
  });
});
