// Who and what may decide on Discord: only bodies signed with the application's Ed25519 key, fresh
// (five minutes), once each; only approvers by discord_user_id who decide the request (never its
// filer). Everything else decides nothing, is answered clearly, and outsiders are audited.
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import { KEYS } from '../helpers/harness.js';
import { buttonOf } from './fake-discord.js';
import { ALICE, BOB, discordRig, MALLORY } from './rig.js';

const FILER = '1400000000000000077';

describe('discord: what decides nothing', { timeout: 60_000 }, () => {
  const rig = discordRig({
    extra: {
      approvers: [
        { name: 'alice', key: KEYS.approver, discord_user_id: ALICE },
        { name: 'bob', key: KEYS.otherApprover, discord_user_id: BOB, projects: ['ops'] },
        // An approver with the same name as the agent: they filed the request, so never decide it.
        { name: 'agent-a', discord_user_id: FILER },
      ],
    },
  });

  /** A signed Approve click by alice on a fresh request, as raw text. */
  async function approveBody(): Promise<{ id: string; raw: string }> {
    const id = await rig.file();
    const card = await rig.card(id);
    const body = rig.discord.interaction(3, ALICE, card, { custom_id: buttonOf(card, 'Approve').custom_id, component_type: 2 });
    return { id, raw: JSON.stringify(body) };
  }
  const pending = async (id: string) => assert.equal((await rig.get(id)).status, 'pending');

  it('answers Discord\'s PING with PONG, and only when it is signed', async () => {
    const ping = JSON.stringify({ id: '1600000000000000001', application_id: '1100000000000000001', type: 1, version: 1 });
    assert.deepEqual(await rig.discord.post(ping), { status: 200, body: { type: 1 } });
    const unsigned = await rig.discord.post(ping, { 'content-type': 'application/json' });
    assert.equal(unsigned.status, 401);
    assert.equal(unsigned.body.error.code, 'SIGNATURE_INVALID');
  });

  it('a forged signature decides nothing: another key, a changed body, a signature moved between bodies, bad headers', async () => {
    const { id, raw } = await approveBody();
    const other = generateKeyPairSync('ed25519').privateKey;
    const ts = String(Math.floor(Date.now() / 1000));
    const good = rig.discord.signed(raw);
    const cases: [string, string, Record<string, string>][] = [
      ['signed with another key', raw, { ...good, 'x-signature-ed25519': sign(null, Buffer.from(ts + raw), other).toString('hex'), 'x-signature-timestamp': ts }],
      ['the body changed after signing', raw.replace('"type":3', '"type":3 '), good],
      ['the timestamp changed after signing', raw, { ...good, 'x-signature-timestamp': String(Number(good['x-signature-timestamp']) - 1) }],
      ['no signature', raw, { 'content-type': 'application/json', 'x-signature-timestamp': ts }],
      ['no timestamp', raw, { 'content-type': 'application/json', 'x-signature-ed25519': good['x-signature-ed25519'] }],
      ['a signature that is not hex', raw, { ...good, 'x-signature-ed25519': 'z'.repeat(128) }],
      ['a timestamp that is not a number', raw, { ...good, 'x-signature-timestamp': 'yesterday' }],
    ];
    for (const [what, body, headers] of cases) {
      const res = await rig.discord.post(body, headers);
      assert.equal(res.status, 401, what);
      assert.equal(res.body.error.code, 'SIGNATURE_INVALID', what);
    }
    await pending(id);
    const health = (await rig.s.call('admin', 'GET', '/v1/channels')).body.items.find((c: { name: string }) => c.name === 'discord');
    assert.equal(health.inbound.state, 'failing', 'bad signatures show on the channel\'s health');
    assert.match(health.inbound.detail, /forged signature .*public_key/);
  });

  it('a stale timestamp decides nothing, even correctly signed (five minutes either way)', async () => {
    const { id, raw } = await approveBody();
    const now = Math.floor(Date.now() / 1000);
    for (const at of [now - 302, now + 305]) {
      const res = await rig.discord.post(raw, rig.discord.signed(raw, at));
      assert.equal(res.status, 401);
      assert.match(res.body.error.message, /more than 300 s away/);
    }
    await pending(id);
  });

  it('a replayed interaction decides nothing: the same signed body twice, or twice at once, is handled once', async () => {
    const { id, raw } = await approveBody();
    const headers = rig.discord.signed(raw);
    const [a, b] = await Promise.all([rig.discord.post(raw, headers), rig.discord.post(raw, headers)]);
    assert.deepEqual([a.status, b.status].sort(), [200, 409]);
    assert.equal([a, b].find((x) => x.status === 409)!.body.error.code, 'REPLAYED');
    const again = await rig.discord.post(raw, headers);
    assert.equal(again.status, 409);
    assert.equal((await rig.get(id)).status, 'approved');
    const audit = (await rig.s.call('admin', 'GET', `/v1/audit?request_id=${id}`)).body.items;
    assert.equal(audit.filter((e: { action: string }) => e.action === 'request.approved').length, 1);
    const refused = (await rig.s.call('admin', 'GET', '/v1/audit?limit=200')).body.items.filter((e: any) => e.action === 'discord.interaction_refused' && e.detail.reason === 'replayed');
    assert.ok(refused.length >= 2, 'replays are audited');
    // A replayed modal submission (a denial with its reason) is refused the same way.
    const id2 = await rig.file();
    const card2 = await rig.card(id2);
    const opened = await rig.discord.click(card2, 'Deny with a reason', ALICE);
    const submit = rig.discord.interaction(5, ALICE, card2, { custom_id: opened.body.data.custom_id, components: [{ type: 1, components: [{ type: 4, custom_id: 'reason', value: 'no' }] }] });
    const first = JSON.stringify(submit);
    const h2 = rig.discord.signed(first);
    assert.equal((await rig.discord.post(first, h2)).status, 200);
    assert.equal((await rig.discord.post(first, h2)).status, 409);
  });

  it('an outsider\'s click decides nothing: answered to them alone, and audited', async () => {
    const id = await rig.file();
    const card = await rig.card(id);
    for (const label of ['Approve', 'Deny', 'Deny with a reason']) {
      const res = await rig.discord.click(card, label, MALLORY);
      assert.equal(res.status, 200);
      assert.equal(res.body.type, 4, 'a message, not a modal or an update');
      assert.equal(res.body.data.flags, 64, 'ephemeral: only the presser sees it');
      assert.match(res.body.data.content, /this Discord account is not one .*Nothing was decided/);
    }
    await pending(id);
    assert.equal(card.history.length, 1, 'the card was not touched');
    const audit = (await rig.s.call('admin', 'GET', `/v1/audit?request_id=${id}`)).body.items.filter((e: any) => e.action === 'discord.unauthorized');
    assert.equal(audit.length, 3);
    assert.deepEqual({ ...audit[0].detail, username: null }, { discord_user_id: MALLORY, username: null, channel_id: card.channel_id, action: audit[0].detail.action, reason: 'not_an_approver' });
  });

  it('an approver the request is not routed to, and the approver who filed it, decide nothing', async () => {
    const id = await rig.file(); // no project: bob decides "ops" only
    const card = await rig.card(id);
    const bob = await rig.discord.click(card, 'Approve', BOB);
    assert.match(bob.body.data.content, /not routed to you/);
    const filer = await rig.discord.click(card, 'Approve', FILER);
    assert.equal(filer.body.data.flags, 64);
    assert.equal(filer.body.data.content, 'You filed this request; another approver decides it.');
    await pending(id);
    const reasons = (await rig.s.call('admin', 'GET', `/v1/audit?request_id=${id}`)).body.items.filter((e: any) => e.action === 'discord.unauthorized').map((e: any) => e.detail.reason);
    assert.deepEqual(reasons.sort(), ['filer', 'not_routed']);
  });

  it('a decided request answers a late press with who decided it, and changes nothing', async () => {
    const id = await rig.file();
    const card = await rig.card(id);
    // The press on the card as alice saw it: once decided, the outbox may edit its buttons away at once.
    const late = rig.discord.interaction(3, ALICE, card, { custom_id: buttonOf(card, 'Approve').custom_id, component_type: 2 });
    await rig.s.call('approver', 'POST', `/v1/requests/${id}/decision`, { outcome: 'denied', comment: 'no' });
    const res = await rig.discord.post(JSON.stringify(late));
    assert.equal(res.body.data.content, 'Already denied by alice via api.');
    assert.equal((await rig.get(id)).status, 'denied');
  });

  it('refuses malformed, oversized, deeply nested and foreign bodies clearly, and decides nothing', async () => {
    const { id } = await approveBody();
    const signedCases: [string, string, number, string][] = [
      ['not JSON', '{"type":3,', 400, 'INVALID_JSON'],
      ['an array', '[1,2]', 400, 'VALIDATION_FAILED'],
      ['no id', JSON.stringify({ type: 3, application_id: '1100000000000000001', token: 't' }), 400, 'VALIDATION_FAILED'],
      ['another application', JSON.stringify({ id: '1600000000000000002', type: 3, application_id: '1100000000000000999', token: 't' }), 400, 'VALIDATION_FAILED'],
      ['deeply nested', `{"id":"1600000000000000003","type":3,"application_id":"1100000000000000001","token":"t","data":${'['.repeat(2000)}${']'.repeat(2000)}}`, 400, 'JSON_TOO_DEEP'],
      ['an interaction type Greenlight does not use', JSON.stringify({ id: '1600000000000000004', type: 99, application_id: '1100000000000000001', token: 't' }), 400, 'VALIDATION_FAILED'],
    ];
    for (const [what, raw, status, code] of signedCases) {
      const res = await rig.discord.post(raw);
      assert.equal(res.status, status, `${what}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, code, what);
    }
    const huge = JSON.stringify({ id: '1600000000000000005', type: 3, application_id: '1100000000000000001', token: 't', data: { custom_id: 'x'.repeat(200_000) } });
    const big = await rig.discord.post(huge);
    assert.equal(big.status, 413);
    assert.equal(big.body.error.code, 'PAYLOAD_TOO_LARGE');
    // Signed, well-formed, but not one of our controls: answered to the presser, nothing decided.
    const card = await rig.card(id);
    for (const custom_id of ['glb|approve|req_01zzzzzzzzzzzzzzzzzzzzzzzz', 'glb|approve', 'glb|rm -rf|' + id, 'x'.repeat(101), 'glm|approve|' + id, 42]) {
      const res = await rig.discord.interact(rig.discord.interaction(3, ALICE, card, { custom_id, component_type: 2 }), card);
      assert.equal(res.status, 200, String(custom_id));
      assert.equal(res.body.type, 4, String(custom_id));
      assert.match(res.body.data.content, /not one of Greenlight's|does not exist on this server/);
    }
    // A choice the card did not offer (Always on a dangerous or truncated card) is refused too.
    const forged = rig.discord.interaction(3, ALICE, card, { custom_id: `glb|grant:4|${id}`, component_type: 2 });
    assert.match((await rig.discord.interact(forged, card)).body.data.content, /does not offer that here/);
    await pending(id);
  });
});
