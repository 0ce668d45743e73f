import assert from 'node:assert/strict';
import { it } from 'node:test';
import { NO_EFFECTS, T0, effectsFor, makeKey, makeRequest } from '../fixtures.js';
import { allAudit, type StoreHandle } from './handle.js';

export function keysChannelsMetaContract(h: StoreHandle): void {
  it('stores a key with its effects and finds it by hash', async () => {
    const key = makeKey({ role: 'approver', name: 'alice', projects: ['web', 'api'] });
    await h.store.insertKey(key, effectsFor(null, 'key.created', false));
    assert.deepEqual(await h.store.findKeyByHash(key.hash), key);
    assert.equal(await h.store.findKeyByHash('no-such-hash'), null);
    assert.deepEqual((await allAudit(h.store)).map((a) => a.action), ['key.created']);
  });

  it('lists keys oldest first', async () => {
    const [older, newer] = [makeKey({ created_at: T0 + 1 }), makeKey({ created_at: T0 + 2 })];
    await h.store.insertKey(newer, NO_EFFECTS);
    await h.store.insertKey(older, NO_EFFECTS);
    assert.deepEqual(await h.store.listKeys(), [older, newer]);
  });

  it('refuses a second key with the same hash and writes none of its effects', async () => {
    const key = makeKey();
    await h.store.insertKey(key, NO_EFFECTS);
    await assert.rejects(h.store.insertKey(makeKey({ hash: key.hash }), effectsFor(null, 'key.created', false)));
    assert.equal((await h.store.listKeys()).length, 1);
    assert.equal((await allAudit(h.store)).length, 0);
  });

  it('revokes a key once and still finds it, revoked, by hash', async () => {
    const key = makeKey();
    await h.store.insertKey(key, NO_EFFECTS);
    assert.deepEqual(await h.store.revokeKey(key.id, T0 + 3, effectsFor(null, 'key.revoked', false)), { ...key, revoked_at: T0 + 3 });
    assert.deepEqual(await h.store.findKeyByHash(key.hash), { ...key, revoked_at: T0 + 3 });
    assert.equal((await h.store.revokeKey(key.id, T0 + 9, effectsFor(null, 'key.revoked.again', false)))?.revoked_at, T0 + 3);
    assert.deepEqual((await allAudit(h.store)).map((a) => a.action), ['key.revoked']);
    assert.equal(await h.store.revokeKey('key_missing', T0, effectsFor(null, 'never', false)), null);
    assert.equal((await allAudit(h.store)).length, 1);
  });

  it("keeps a request's channel messages, in order, ignoring a repeated one", async () => {
    const [request, other] = [makeRequest(), makeRequest()];
    await h.store.createRequest(request, NO_EFFECTS);
    await h.store.createRequest(other, NO_EFFECTS);
    const email = { request_id: request.id, channel: 'email', target: 'ops@example.test', message_id: '<m1@example.test>', created_at: T0 + 2 };
    const telegram = { request_id: request.id, channel: 'telegram', target: '-100123', message_id: '77', created_at: T0 + 1 };
    const telegram2 = { ...telegram, target: '-100456', message_id: '78' };
    await h.store.addChannelMessage(email);
    await h.store.addChannelMessage(telegram);
    await h.store.addChannelMessage(telegram2);
    await h.store.addChannelMessage({ ...telegram });
    await h.store.addChannelMessage({ request_id: other.id, channel: 'web', target: 'dashboard', message_id: 'x', created_at: T0 });
    assert.deepEqual(await h.store.listChannelMessages(request.id), [telegram, telegram2, email]);
    assert.deepEqual(await h.store.listChannelMessages('req_missing'), []);
  });

  it('refuses a channel message about a request it does not have', async () => {
    await assert.rejects(h.store.addChannelMessage({ request_id: 'req_missing', channel: 'telegram', target: '1', message_id: '2', created_at: T0 }));
  });

  it('stores, overwrites and reads meta values', async () => {
    assert.equal(await h.store.getMeta('first_run'), null);
    await h.store.setMeta('first_run', '1');
    await h.store.setMeta('other', '{"a":1}');
    await h.store.setMeta('first_run', '2');
    assert.equal(await h.store.getMeta('first_run'), '2');
    assert.equal(await h.store.getMeta('other'), '{"a":1}');
  });
}
