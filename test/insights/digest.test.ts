// The digest: when it is due, what it says (agent text written out, never raw bidi), and the whole
// path on a real server — the scheduler on the leader, the claim in the store, the outbox, the ntfy
// channel's sendDigest to a loopback ntfy that refuses once and then accepts: delivered once.
// Plus the startup refusals for a digest with no channel, or one that cannot send digests.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ntfyChannelFactory } from '../../src/channels/ntfy/ntfy-channel.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { digestText, type Digest } from '../../src/insights/digest.js';
import { nextDigestAt } from '../../src/insights/digest-scheduler.js';
import { startTestServer, type TestServer } from '../helpers/harness.js';
import { FakeNtfy } from '../ntfy/fake-ntfy.js';
import { eventually } from '../telegram/emulator.js';
import { NOW, PROJECTS, seedStore } from './seed.js';

const DAY = 86_400_000;
const digestSettings = (o: Record<string, unknown>) => ConfigSchema.parse({ insights: { digest: o } }).insights.digest;

describe('when the digest is due', () => {
  it('daily at the hour (UTC), strictly after now; weekly on the weekday', () => {
    const at = (iso: string) => Date.parse(iso);
    assert.equal(nextDigestAt(at('2026-01-11T07:59:00Z'), digestSettings({ schedule: 'daily', hour_utc: 8 })), at('2026-01-11T08:00:00Z'));
    assert.equal(nextDigestAt(at('2026-01-11T08:00:00Z'), digestSettings({ schedule: 'daily', hour_utc: 8 })), at('2026-01-12T08:00:00Z'));
    // 2026-01-11 is a Sunday.
    assert.equal(nextDigestAt(at('2026-01-11T09:00:00Z'), digestSettings({ schedule: 'weekly', hour_utc: 8, weekday: 'monday' })), at('2026-01-12T08:00:00Z'));
    assert.equal(nextDigestAt(at('2026-01-12T09:00:00Z'), digestSettings({ schedule: 'weekly', hour_utc: 8, weekday: 'monday' })), at('2026-01-19T08:00:00Z'));
  });
});

describe('what the digest says', () => {
  it('writes out invisible characters in agent text and clips it; channels escape the plain lines', () => {
    const d: Digest = {
      period: 'daily', from: NOW - DAY, to: NOW + 1,
      totals: { asks: 3, auto_allowed: 1, auto_denied: 0, approved: 1, denied: 0, expired: 0, cancelled: 0, pending: 1 },
      median_ms: 1500, p90_ms: 4000,
      slowest: [{ id: 'req_1', title: `deploy \u202Eniam\u202C ${'x'.repeat(300)}`, agent: '<b>bot</b>', project: null, waited_ms: 7_200_000 }],
      suggestions: [{ rule: 'Bash(npm run lint *)', project: 'web', approvals: 4, people: 2, would_allow: 5 }],
      url: 'https://gl.example/#/insights?days=7',
    };
    const { title, lines } = digestText(d);
    const text = lines.join('\n');
    assert.equal(title, 'Greenlight daily digest: 3 asks, 1 answered by people');
    assert.match(text, /3 asks; 1 answered by the policy, 1 approved and 0 denied by people/);
    assert.match(text, /median 1\.5 s, p90 4\.0 s/);
    assert.ok(!/[\u202a-\u202e]/.test(text), 'no raw bidi control');
    assert.ok(text.includes('⟪U+202E⟫'), 'the override is written out');
    assert.ok(text.includes('<b>bot</b>'), 'plain text: each channel escapes it for its format');
    assert.ok(lines.every((l) => l.length < 300), 'agent text is clipped');
    assert.match(text, /Bash\(npm run lint \*\) — approved 4×, never denied, by 2; would have answered 5 asks in web/);
  });
});

describe('the weekly digest on a real server, to ntfy', () => {
  let ntfy: FakeNtfy;
  let server: TestServer;
  // The seeded NOW: Sunday 2026-01-11 00:00 UTC; the history is moved two days later so the week
  // before it holds all of it (the hostile pending request included).
  const due = NOW;
  // A clock that runs (the outbox's retry must come due), started 8 s before the digest is due:
  // time for the server to start and the history to be seeded before the scheduler's timer fires.
  let offset = 0;
  before(async () => {
    ntfy = await FakeNtfy.start();
    offset = due - 8000 - Date.now();
    ntfy.outage = 503; // the first attempt fails; the outbox retries
    server = await startTestServer(
      {
        projects: PROJECTS,
        delivery: { backoff_base_ms: 10, backoff_max_ms: 40 },
        channels: { ntfy: { server_url: ntfy.url, topics: [{ topic: 'team-digest' }] } },
        insights: { digest: { schedule: 'weekly', weekday: 'sunday', hour_utc: 0, channel: 'ntfy' } },
        server: { host: '127.0.0.1', port: 0, public_url: 'https://gl.example' },
      },
      { channels: [ntfyChannelFactory], clock: { now: () => Date.now() + offset } },
    );
    await seedStore(server.store, server.dataDir, 2 * DAY);
  });
  after(async () => {
    await server?.stop();
    await ntfy?.close();
  });

  it('goes out once, after a refused attempt, with counts, slowest answers and suggestions, bidi written out', async () => {
    while (ntfy.attempts === 0) await new Promise((r) => setTimeout(r, 20));
    ntfy.outage = null;
    while (ntfy.published.length === 0) await new Promise((r) => setTimeout(r, 20));
    const [p] = ntfy.published;
    assert.equal(p.topic, 'team-digest');
    assert.match(p.title, /^Greenlight weekly digest: \d+ asks/);
    assert.match(p.message, /Suggested rules/);
    assert.match(p.message, /Bash\(npm run lint \*\) — approved 4×, never denied, by 2/);
    assert.ok(p.message.includes('<img src=x onerror'), 'the hostile title is in the slowest answers (as plain text: ntfy renders no markup)');
    assert.ok(!/[\u202a-\u202e\u2066-\u2069]/.test(p.message));
    assert.equal(p.click, 'https://gl.example/#/insights?days=30');
    assert.equal(await server.store.getMeta(`digest:weekly:${due}`), 'queued', 'the period is claimed in the store');
    // ntfy has the message as soon as it answers; the outbox records the delivery after that answer.
    const digests = await eventually(async () => {
      const items = (await server.store.listOutbox({ limit: 100 })).filter((i) => i.kind === 'digest');
      return items.length > 0 && items.every((i) => i.state === 'delivered') ? items : null;
    }, 'the digest item is recorded as delivered');
    assert.equal(digests.length, 1, JSON.stringify(digests));
    assert.equal(digests[0].state, 'delivered');
    assert.ok(digests[0].attempts >= 2, 'delivered after the refused attempt');
    assert.equal(ntfy.published.length, 1, 'once');
  });
});

describe('a digest the server cannot send', () => {
  it('refuses to start with no channel, or a channel that is not configured', async () => {
    await assert.rejects(startTestServer({ insights: { digest: { schedule: 'daily' } } }), /insights\.digest\.channel is not set/);
    await assert.rejects(startTestServer({ insights: { digest: { schedule: 'daily', channel: 'slack' } } }), /"slack", which is not a configured channel that sends digests/);
    assert.throws(() => ConfigSchema.parse({ insights: { digest: { schedule: 'hourly' } } }));
    assert.throws(() => ConfigSchema.parse({ insights: { digest: { hour_utc: 24 } } }));
  });
});
