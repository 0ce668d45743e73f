// The Discord channel on the PostgreSQL store, two real instances in this process over one
// database and one Discord fake: a request's card is posted once whichever instance's outbox
// worker takes it; a click handled by one instance is refused when the same interaction reaches
// the other (the claim is a compare-and-set in the shared store, not in memory); the card of a
// decided request is edited; and the approver who filed a request is told so and decides nothing
// on either instance.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { discordChannelFactory } from '../../src/channels/discord/discord-channel.js';
import { eventually } from '../email/fixtures.js';
import { KEYS, startTestServer, type TestServer } from '../helpers/harness.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { buttonOf, FakeDiscord } from './fake-discord.js';
import { ALICE, APPROVALS, discordSection } from './rig.js';

const FILER = '1400000000000000077';

let pg: TestPostgres;
let discord: FakeDiscord;
let a: TestServer;
let b: TestServer;

before(async () => {
  pg = await startPostgres();
  discord = await FakeDiscord.start({ [APPROVALS]: 200 });
  const url = await pg.createDatabase('discord');
  const config = {
    store: { url },
    approvers: [
      { name: 'alice', key: KEYS.approver, discord_user_id: ALICE },
      // An approver named like the agent: what agent-a files, they never decide.
      { name: 'agent-a', discord_user_id: FILER },
    ],
    delivery: { backoff_base_ms: 10, backoff_max_ms: 40 },
    channels: { discord: discordSection(discord) },
  };
  a = await startTestServer(config, { channels: [discordChannelFactory] });
  b = await startTestServer(config, { channels: [discordChannelFactory] });
});

after(async () => {
  await a?.stop();
  await b?.stop();
  await discord?.close();
  await pg?.stop();
});

async function file(command: string): Promise<string> {
  const r = await a.call('agent', 'POST', '/v1/requests', { title: 'Restart web', tool: 'Bash', input: { command } });
  assert.equal(r.status, 201, r.text);
  return r.body.id as string;
}

const cardsOf = (id: string) => discord.inChannel(APPROVALS).filter((m) => m.embeds[0].url.endsWith(encodeURIComponent(id)));
const card = (id: string) => eventually(async () => cardsOf(id)[0]);

/** Sends one signed interaction body to an instance. */
function to(instance: TestServer, raw: string) {
  discord.greenlightUrl = instance.url;
  return discord.post(raw);
}

describe('discord on PostgreSQL, two instances', { timeout: 120_000 }, () => {
  it('posts a card once, decides a click once across instances, and edits the card', async () => {
    const id = await file('kubectl rollout restart deploy/web-pg');
    const m = await card(id);
    const raw = JSON.stringify(discord.interaction(3, ALICE, m, { custom_id: buttonOf(m, 'Approve').custom_id, component_type: 2 }));
    const first = await to(a, raw);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.type, 7);
    const again = await to(b, raw);
    assert.equal(again.status, 409, JSON.stringify(again.body));
    assert.equal(again.body.error.code, 'REPLAYED');
    const decided = await b.store.getRequest(id);
    assert.equal(decided?.status, 'approved');
    assert.equal(decided?.decision?.via, 'discord');
    const replays = (await a.call('admin', 'GET', '/v1/audit?limit=200')).body.items.filter((e: any) => e.action === 'discord.interaction_refused' && e.detail.interaction_id === JSON.parse(raw).id);
    assert.equal(replays.length, 1);
    // The outbox edits the card to the outcome, once it has run on either instance; one card only.
    await eventually(async () => (m.history.some((h) => h.via === 'edit') ? true : undefined));
    assert.match(m.history.at(-1)!.body.embeds[0].description, /Approved.* by alice via discord/);
    assert.equal(cardsOf(id).length, 1);
  });

  it('tells the approver who filed a request so on either instance, audits it, and decides nothing', async () => {
    const id = await file('make release');
    const m = await card(id);
    for (const instance of [a, b]) {
      const raw = JSON.stringify(discord.interaction(3, FILER, m, { custom_id: buttonOf(m, 'Approve').custom_id, component_type: 2 }));
      const res = await to(instance, raw);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.data.flags, 64);
      assert.equal(res.body.data.content, 'You filed this request; another approver decides it.');
    }
    assert.equal((await b.store.getRequest(id))?.status, 'pending');
    const reasons = (await b.call('admin', 'GET', `/v1/audit?request_id=${id}`)).body.items.filter((e: any) => e.action === 'discord.unauthorized').map((e: any) => e.detail.reason);
    assert.deepEqual(reasons, ['filer', 'filer']);
  });
});
