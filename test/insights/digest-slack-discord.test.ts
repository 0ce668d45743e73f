// The digest on Slack and Discord: one real server with both channels on their loopback fakes, the
// digest handed to the outbox's digest sender (the path a queued digest takes), and the fakes
// checking exactly what Greenlight posts: the Slack header, plain_text sections (no mrkdwn, so no
// formatting or mention can form) and the Insights button, with the notification text escaped; the
// Discord embed escaped for Discord markdown with mentions switched off. Hostile titles, agents and
// rules are shown as text; a secret in a title or a rule is masked; an unconfigured destination is
// a permanent failure that names the setting.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { discordChannelFactory } from '../../src/channels/discord/discord-channel.js';
import { createSlackChannelFactory } from '../../src/channels/slack/slack-channel.js';
import { DeliveryError } from '../../src/delivery/delivery-error.js';
import type { Digest } from '../../src/insights/digest.js';
import { DIGEST_KIND } from '../../src/insights/digest.js';
import { digestSender } from '../../src/insights/digest-scheduler.js';
import { createSecretMasker } from '../../src/secrets/masker.js';
import type { OutboxItem } from '../../src/store/store.js';
import { FakeDiscord } from '../discord/fake-discord.js';
import { discordSection, APPROVALS as DISCORD_CHANNEL, ALICE as DISCORD_ALICE } from '../discord/rig.js';
import { KEYS, startTestServer, type TestServer } from '../helpers/harness.js';
import { FakeSlack } from '../slack/fake-slack.js';
import { slackSection, APPROVALS as SLACK_CHANNEL, OPS as SLACK_OPS, ALICE as SLACK_ALICE } from '../slack/rig.js';

const TOKEN = 'ghp_' + 'Q7vX2mK9pL4sT8wR1nB6yD3fH5jC0aZeUuIo'.slice(0, 36);
const DAY = 86_400_000;
const FROM = Date.parse('2026-01-04T00:00:00Z');

const digest: Digest = {
  period: 'weekly',
  from: FROM,
  to: FROM + 7 * DAY,
  totals: { asks: 12, auto_allowed: 5, auto_denied: 1, approved: 4, denied: 1, expired: 1, cancelled: 0, pending: 0 },
  median_ms: 90_000,
  p90_ms: 600_000,
  slowest: [
    { id: 'req_1', title: '<!channel> <@U0ALICE01> *bold* [x](https://e.example) \u202Eniam', agent: '<b>bot</b>', project: 'web', waited_ms: 7_200_000 },
    { id: 'req_2', title: `Push with ${TOKEN}`, agent: 'codex', project: null, waited_ms: 600_000 },
  ],
  suggestions: [{ rule: 'Bash(npm run lint *)', project: 'web', approvals: 4, people: 2, would_allow: 5 }],
  url: 'https://gl.example/#/insights?days=30',
};

const item = (channel: string, target: string | null): OutboxItem => ({
  id: `dlv_digest_${channel}_${target ?? 'default'}`,
  kind: DIGEST_KIND,
  target: `${channel}:${target ?? 'default'}`,
  request_id: null,
  payload: { channel, target, digest } as unknown as Record<string, unknown>,
  created_at: FROM,
  next_attempt_at: FROM,
  attempts: 0,
  last_error: null,
  state: 'pending',
  locked_until: null,
  delivered_at: null,
});

// What every channel says, with the hostile title's invisible characters written out and the token masked.
const SUMMARY = '2026-01-04 – 2026-01-10: 12 asks; 6 answered by the policy, 4 approved and 1 denied by people, 1 expired, 0 still waiting.\nTime to a human answer: median 1.5 min, p90 10.0 min.';
const SLOWEST = `Slowest answers:\n• 2.0 h — <!channel> <@U0ALICE01> *bold* [x](https://e.example) ⟪U+202E⟫niam (<b>bot</b>, web)\n• 10.0 min — Push with ⟦secret hidden: github-pat⟧ (codex)`;
const SUGGESTED = 'Suggested rules (an admin adds them on the Insights page):\n• Bash(npm run lint *) — approved 4×, never denied, by 2; would have answered 5 asks in web';

describe('the digest on Slack and Discord', { timeout: 60_000 }, () => {
  let slack: FakeSlack;
  let discord: FakeDiscord;
  let s: TestServer;
  let send: (item: OutboxItem) => Promise<void>;

  before(async () => {
    [slack, discord] = await Promise.all([FakeSlack.start(), FakeDiscord.start({ [DISCORD_CHANNEL]: 200 })]);
    slack.channels.set(SLACK_CHANNEL, { member: true });
    slack.channels.set(SLACK_OPS, { member: true });
    s = await startTestServer(
      {
        approvers: [{ name: 'alice', key: KEYS.approver, slack_user_id: SLACK_ALICE, discord_user_id: DISCORD_ALICE }],
        projects: [{ name: 'ops', routes: [{ channel: 'slack', target: SLACK_OPS }] }],
        channels: { slack: slackSection(slack, 'http'), discord: discordSection(discord) },
        server: { host: '127.0.0.1', port: 0, public_url: 'https://gl.example' },
      },
      { channels: [createSlackChannelFactory(), discordChannelFactory] },
    );
    send = digestSender(() => s.channels, createSecretMasker(s.config.secrets));
  });
  after(async () => {
    await s?.stop();
    await Promise.all([slack?.close(), discord?.close()]);
  });

  it('Slack: posts exactly a header, plain_text sections and the Insights button to the default channel; agent text never in mrkdwn, secrets masked', async () => {
    const before = slack.callsOf('chat.postMessage').length;
    await send(item('slack', null));
    const calls = slack.callsOf('chat.postMessage').slice(before);
    assert.equal(calls.length, 1);
    const { channel, text, blocks, link_names, unfurl_links } = calls[0].args;
    assert.equal(channel, SLACK_CHANNEL);
    assert.equal(text, 'Greenlight weekly digest: 12 asks, 5 answered by people');
    assert.equal(String(link_names), 'false');
    assert.equal(String(unfurl_links), 'false');
    const plain = (t: string) => ({ type: 'plain_text', text: t, emoji: false });
    assert.deepEqual(JSON.parse(typeof blocks === 'string' ? blocks : JSON.stringify(blocks)), [
      { type: 'header', text: plain('Greenlight weekly digest: 12 asks, 5 answered by people') },
      { type: 'section', text: plain(SUMMARY) },
      { type: 'section', text: plain(SLOWEST) },
      { type: 'section', text: plain(SUGGESTED) },
      { type: 'actions', block_id: 'gl:digest', elements: [{ type: 'button', action_id: 'gl:open', url: 'https://gl.example/#/insights?days=30', text: plain('Open Insights') }] },
    ]);
    const sent = JSON.stringify(calls[0].args);
    assert.ok(!sent.includes(TOKEN), 'the token is masked');
    assert.ok(!/[\u202a-\u202e\u2066-\u2069]/.test(sent), 'no raw bidi control');
    assert.ok(!/"type":"mrkdwn"/.test(sent), 'no agent text in mrkdwn');
  });

  it("Slack: a project's slack route is a known destination", async () => {
    const before = slack.callsOf('chat.postMessage').length;
    await send(item('slack', SLACK_OPS));
    const [call] = slack.callsOf('chat.postMessage').slice(before);
    assert.equal(call.args.channel, SLACK_OPS);
  });

  it('Discord: posts exactly one embed, escaped for Discord markdown, linked to Insights, with mentions off', async () => {
    const before = discord.inChannel(DISCORD_CHANNEL).length;
    await send(item('discord', null));
    const posted = discord.inChannel(DISCORD_CHANNEL).slice(before);
    assert.equal(posted.length, 1);
    const m = posted[0];
    assert.deepEqual(m.allowed_mentions, { parse: [] });
    assert.deepEqual(m.components, []);
    assert.equal(m.embeds.length, 1);
    const e = m.embeds[0];
    assert.equal(e.title, 'Greenlight weekly digest: 12 asks, 5 answered by people');
    assert.equal(e.url, 'https://gl.example/#/insights?days=30');
    const esc = (t: string) => t.replace(/[\\`*_~|>#\-[\]()<@:]/g, (c) => `\\${c}`);
    assert.equal(e.description, esc([SUMMARY, '', SLOWEST, '', SUGGESTED].join('\n')));
    assert.ok(e.description.includes('\\<!channel\\>') && e.description.includes('\\<\\@U0ALICE01\\>') && e.description.includes('\\[x\\]\\(https\\://'), 'mentions and links are escaped');
    assert.ok(!JSON.stringify(m).includes(TOKEN), 'the token is masked');
  });

  it('Discord: a retried digest is posted once (the nonce)', async () => {
    const before = discord.inChannel(DISCORD_CHANNEL).length;
    await send(item('discord', DISCORD_CHANNEL));
    assert.equal(discord.inChannel(DISCORD_CHANNEL).length, before, 'the same period to the same channel: Discord returns the first message');
  });

  it('refuses a destination the server does not know, permanently, naming the setting', async () => {
    await assert.rejects(send(item('slack', 'C0NOTOURS')), (err: unknown) => err instanceof DeliveryError && err.permanent === true && /channels\.slack\.channel or a project's slack routes/.test(err.message));
    await assert.rejects(send(item('discord', '1500000000000000999')), (err: unknown) => err instanceof DeliveryError && err.permanent === true && /channels\.discord\.channel_id/.test(err.message));
    assert.equal(slack.callsOf('chat.postMessage').filter((c) => c.args.channel === 'C0NOTOURS').length, 0);
  });
});
