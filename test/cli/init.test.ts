import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { parseDiscordSettings } from '../../src/channels/discord/config.js';
import { parseEmailConfig } from '../../src/channels/email/config.js';
import { parseNtfySettings } from '../../src/channels/ntfy/config.js';
import { parseTelegramSettings } from '../../src/channels/telegram/config.js';
import { parseSlackSettings } from '../../src/channels/slack/config.js';
import { runCli } from './cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'greenlight-cli-init-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('greenlight init', () => {
  it('writes a loadable, private config with fresh keys, and prints them and the next command', async () => {
    const file = join(dir, 'greenlight.yaml');
    const r = await runCli(['init', '--config', file]);
    assert.equal(r.code, 0, r.stderr);
    const { config } = loadConfig({ file, env: {} });
    const keys = [config.admins[0].key, config.approvers[0].key, config.agents[0].key];
    for (const key of keys) {
      assert.match(key ?? '', /^gl[xpa]_[A-Za-z0-9_-]{43}$/);
      assert.ok(r.stdout.includes(key!), 'every key is printed');
    }
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.ok(r.stdout.includes(file), 'says where it wrote');
    assert.ok(r.stdout.includes(`greenlight serve --config ${file}`), 'gives the next command');
  });

  it('refuses to overwrite an existing file without --force, and replaces it with --force', async () => {
    const file = join(dir, 'existing.yaml');
    writeFileSync(file, 'log: { level: warn }\n', { mode: 0o644 });
    const refused = await runCli(['init', '--config', file]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /already exists/);
    assert.match(refused.stderr, /--force/);
    assert.equal(readFileSync(file, 'utf8'), 'log: { level: warn }\n', 'the file is untouched');

    const forced = await runCli(['init', '--config', file, '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(loadConfig({ file, env: {} }).config.admins.length, 1);
    assert.equal(statSync(file).mode & 0o777, 0o600, 'an overwritten file becomes private too');
  });

  it('writes to GREENLIGHT_CONFIG when no --config is given', async () => {
    const file = join(dir, 'from-env.yaml');
    const r = await runCli(['init'], { env: { GREENLIGHT_CONFIG: file } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(loadConfig({ file, env: {} }).config.agents.length, 1);
  });

  it('--channels ntfy asks for the server, topic and token (answers piped in) and writes a section the channel accepts', async () => {
    const file = join(dir, 'with-ntfy.yaml');
    const r = await runCli(['init', '--config', file, '--channels', 'ntfy'], { input: 'https://ntfy.example.com\nnot a topic!\ngl-alice-0f3a9c\ntk_abc123\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /ntfy server URL \[https:\/\/ntfy\.sh\]: /);
    assert.match(r.stdout, /1–64 letters, digits, - and _; try again/);
    assert.match(r.stdout, /Subscribe to the topic in the ntfy app/);
    const { config } = loadConfig({ file, env: {} });
    assert.deepEqual(config.channels.ntfy, { server_url: 'https://ntfy.example.com', access_token: 'tk_abc123', topics: [{ topic: 'gl-alice-0f3a9c', approver: 'me' }] });
    const settings = parseNtfySettings(config);
    assert.equal(settings?.topics[0].approver, config.approvers[0].name, 'the buttons decide as the approver init created');
    assert.match(readFileSync(file, 'utf8'), /\nchannels:\n  ntfy:\n    server_url: https:\/\/ntfy\.example\.com\n/);
  });

  it('--channels slack asks the mode, then only that mode\'s secret, and writes a section and identity the channel accepts', async () => {
    const socket = join(dir, 'with-slack.yaml');
    const bot = 'xoxb-1111-2222-initbottoken0123456789';
    const app = 'xapp-1-A0INIT-3333-initapptoken0123456789';
    const r = await runCli(['init', '--config', socket, '--channels', 'slack'], { input: `\n${bot}\n${app}\n#approvals\nC0APPROVE\nU0ALICE01\n` });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /socket \(no public URL needed\) or http .*\[socket\]: /);
    assert.doesNotMatch(r.stdout, /Signing Secret/, 'Socket Mode asks for no signing secret');
    assert.match(r.stdout, /a channel id such as C0123ABCD; try again/);
    assert.match(r.stdout, /\/invite @Greenlight/);
    const { config } = loadConfig({ file: socket, env: {} });
    assert.deepEqual(config.channels.slack, { mode: 'socket', bot_token: bot, app_token: app, channel: 'C0APPROVE' });
    assert.equal(config.approvers[0].slack_user_id, 'U0ALICE01');
    assert.equal(parseSlackSettings(config)?.mode, 'socket', 'the server accepts what init wrote');

    const http = join(dir, 'with-slack-http.yaml');
    const h = await runCli(['init', '--config', http, '--channels', 'slack'], { input: `http\n${bot}\n8f742231b10e8888abcd99yyyzzz85a5\n\nU0ALICE01\n` });
    assert.equal(h.code, 0, h.stderr);
    assert.doesNotMatch(h.stdout, /App-level token/, 'http mode asks for no app-level token');
    const settings = parseSlackSettings(loadConfig({ file: http, env: {} }).config);
    assert.deepEqual([settings?.mode, settings?.signing_secret, settings?.channel, settings?.app_token], ['http', '8f742231b10e8888abcd99yyyzzz85a5', null, null]);
  });

  it('takes the defaults on empty answers, and writes nothing when the input ends early or names an unknown channel', async () => {
    const file = join(dir, 'defaults.yaml');
    const r = await runCli(['init', '--config', file, '--channels', 'ntfy'], { input: '\n\n\n' });
    assert.equal(r.code, 0, r.stderr);
    const ntfy = loadConfig({ file, env: {} }).config.channels.ntfy as { server_url: string; topics: { topic: string }[] };
    assert.equal(ntfy.server_url, 'https://ntfy.sh');
    assert.match(ntfy.topics[0].topic, /^greenlight-[0-9a-f]{16}$/, 'a random, unguessable default topic');
    const early = join(dir, 'early.yaml');
    const cut = await runCli(['init', '--config', early, '--channels', 'ntfy'], { input: 'https://ntfy.sh\n' });
    assert.equal(cut.code, 1);
    assert.match(cut.stderr, /input ended before every question was answered\. Nothing was written/);
    assert.equal(existsSync(early), false);
    const bogus = await runCli(['init', '--config', early, '--channels', 'ntfy,carrier-pigeon']);
    assert.equal(bogus.code, 2);
    assert.match(bogus.stderr, /cannot set up carrier-pigeon; it knows telegram, email, ntfy, discord, slack\./);
  });

  it('--channels telegram,email,discord asks each channel its own questions and links the approver it creates to each', async () => {
    const file = join(dir, 'with-chat.yaml');
    const answers = [
      // telegram: token, user id, group chat
      '123456789:AAHinitTestToken0123456789abcdef', 'me', '4242', '-1001234567890',
      // email: SMTP URL, From, own address
      'smtps://approvals%40example.com:pw@smtp.example.com:465', 'Greenlight <approvals@example.com>', 'me@example.com',
      // discord: application id, public key, token, channel, own user id
      '1100000000000000001', 'AB'.repeat(32), 'MTEwMDAwMDAwMDAwMDAwMDAwMQ.GxYzAb.abcdefghijklmnopqrstuvwxyz', '1500000000000000001', '1400000000000000001',
    ];
    const r = await runCli(['init', '--config', file, '--channels', 'telegram,email,discord'], { input: answers.join('\n') + '\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /digits only, e\.g\. 123456789; try again/, 'a bad answer is asked again');
    assert.match(r.stdout, /Interactions Endpoint URL, and invite the bot with permissions 19456/);
    const { config } = loadConfig({ file, env: {} });
    assert.deepEqual(config.channels.telegram, { bot_token: '123456789:AAHinitTestToken0123456789abcdef', chats: ['-1001234567890'] });
    assert.deepEqual(config.channels.email, { smtp_url: 'smtps://approvals%40example.com:pw@smtp.example.com:465', from: 'Greenlight <approvals@example.com>' });
    assert.equal((config.channels.discord as { public_key: string }).public_key, 'ab'.repeat(32));
    const me = config.approvers[0];
    assert.deepEqual([me.telegram_user_id, me.email, me.discord_user_id], [4242, 'me@example.com', '1400000000000000001']);
    // Each channel accepts what init wrote, with the approver it created as a decider.
    assert.ok(parseTelegramSettings(config));
    assert.ok(parseEmailConfig(config.channels.email));
    assert.equal(parseDiscordSettings(config)?.channel_id, '1500000000000000001');
  });

  it('exits 2 on an unknown option', async () => {
    const r = await runCli(['init', '--bogus']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Usage: npx greenlight init/);
  });
});
