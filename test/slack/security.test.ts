// What decides nothing: a forged or tampered signature, a stale (or future) timestamp, a replayed
// interaction (over HTTP and over Socket Mode), a click by someone who is not an approver, not
// this request's, or its filer, and malformed, oversized or deeply nested payloads — each refused with a clear
// error (HTTP) or acknowledged and dropped (Socket Mode), the request still pending, and the
// refusal audited where a person was refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SIGNING_SECRET } from './fake-slack.js';
import { ALICE, APPROVALS, BOB, FILER, MALLORY, bash, startSlackRig, until, type SlackRig } from './rig.js';

const form = (payload: unknown) => new URLSearchParams({ payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }).toString();

describe('slack (http mode): signatures, replays and malformed payloads', { timeout: 120_000 }, () => {
  let rig: SlackRig;
  before(async () => {
    rig = await startSlackRig('http');
  });
  after(() => rig?.stop());

  const pending = async (id: string) => assert.equal((await rig.get(id)).status, 'pending');

  it('a forged, tampered or missing signature is refused with 401 and decides nothing', async () => {
    const { request, card } = await rig.file(bash('git push --force origin main'));
    const body = form(rig.slack.clickPayload(ALICE, card, 'gl:approve'));
    const wrongSecret = await rig.slack.post('/v1/slack/interactions', body, rig.slack.signed(body, undefined, 'not-the-signing-secret-000000000'));
    assert.equal(wrongSecret.status, 401);
    assert.equal(wrongSecret.body.error.code, 'SIGNATURE_INVALID');
    const health = (await rig.srv.call('admin', 'GET', '/v1/channels')).body.items.find((c: { name: string }) => c.name === 'slack');
    assert.equal(health.inbound.state, 'failing', 'a wrong signing secret shows in the channel\'s health');
    assert.match(health.inbound.detail, /forged signature .*channels\.slack\.signing_secret/);
    const other = form(rig.slack.clickPayload(ALICE, card, 'gl:deny'));
    const tampered = await rig.slack.post('/v1/slack/interactions', body, rig.slack.signed(other));
    assert.equal(tampered.status, 401);
    const { 'x-slack-signature': _, ...unsigned } = rig.slack.signed(body);
    const missing = await rig.slack.post('/v1/slack/interactions', body, unsigned);
    assert.equal(missing.status, 401);
    assert.match(missing.body.error.message, /X-Slack-Signature/);
    await new Promise((r) => setTimeout(r, 100));
    await pending(request.id);
  });

  it('a timestamp more than five minutes old (or ahead), correctly signed, is refused as stale', async () => {
    const { request, card } = await rig.file(bash('dropdb production'));
    const body = form(rig.slack.clickPayload(ALICE, card, 'gl:approve'));
    const now = Math.floor(Date.now() / 1000);
    for (const ts of [now - 5 * 60 - 5, now + 5 * 60 + 5]) {
      const res = await rig.slack.post('/v1/slack/interactions', body, rig.slack.signed(body, ts, SIGNING_SECRET));
      assert.equal(res.status, 401);
      assert.equal(res.body.error.code, 'SIGNATURE_INVALID');
      assert.match(res.body.error.message, /more than 5 minutes from this server's clock/);
    }
    await new Promise((r) => setTimeout(r, 100));
    await pending(request.id);
  });

  it('a replayed interaction is refused (409) and acts once: one modal, not two', async () => {
    const { request, card } = await rig.file(bash('kubectl delete ns staging'));
    const body = form(rig.slack.clickPayload(ALICE, card, 'gl:deny_reason'));
    const headers = rig.slack.signed(body);
    const first = await rig.slack.post('/v1/slack/interactions', body, headers);
    assert.equal(first.status, 200);
    const again = await rig.slack.post('/v1/slack/interactions', body, headers);
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'REPLAYED');
    await until('the one modal', () => rig.slack.views.some((v) => v.view.private_metadata.includes(request.id)));
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(rig.slack.callsOf('views.open').filter((c) => JSON.stringify(c.args).includes(request.id)).length, 1);
    // A replayed submission cannot deny it twice either, or deny it after someone else decided.
    const modal = rig.slack.views.find((v) => v.view.private_metadata.includes(request.id))!;
    const submitted = form(rig.slack.submitPayload(modal, { reason: 'no' }));
    const submitHeaders = rig.slack.signed(submitted);
    assert.equal((await rig.slack.post('/v1/slack/interactions', submitted, submitHeaders)).status, 200);
    assert.equal((await rig.slack.post('/v1/slack/interactions', submitted, submitHeaders)).status, 409);
    await until('the denial', async () => (await rig.get(request.id)).status === 'denied');
  });

  it('a click by someone who is not an approver: told privately, audited, nothing decided', async () => {
    const { request, card } = await rig.file(bash('rm -rf /var/lib/postgres'));
    const res = await rig.slack.click(MALLORY, card, 'gl:approve', 'http');
    assert.equal(res.status, 200, 'acknowledged (Slack shows an error otherwise), then refused');
    const told = await until('the ephemeral refusal', () => rig.slack.ephemerals.find((e) => e.user === MALLORY));
    assert.equal(told.channel, APPROVALS);
    assert.match(told.text, /not an approver/);
    await pending(request.id);
    const audit = await rig.srv.call('admin', 'GET', `/v1/audit?request_id=${request.id}`);
    const row = audit.body.items.find((e: any) => e.action === 'slack.unauthorized');
    assert.deepEqual([row.detail.slack_user_id, row.detail.reason, row.detail.action, row.via], [MALLORY, 'not_an_approver', 'gl:approve', 'slack']);
    // A modal cannot be opened by them either.
    await rig.slack.click(MALLORY, card, 'gl:deny_reason', 'http');
    await until('the second refusal', () => rig.slack.ephemerals.filter((e) => e.user === MALLORY).length === 2);
    assert.equal(rig.slack.views.filter((v) => v.user === MALLORY).length, 0);
  });

  it('an approver this request is not routed to, and the approver who filed it, are refused and audited', async () => {
    const { request, card } = await rig.file(bash('npm publish'));
    await rig.slack.click(BOB, card, 'gl:approve', 'http'); // bob decides project ops only
    const told = await until('the refusal', () => rig.slack.ephemerals.find((e) => e.user === BOB));
    assert.match(told.text, /not routed to you/);
    await rig.slack.click(FILER, card, 'gl:approve', 'http'); // the approver named like the agent that filed it
    const filer = await until('the filer\'s refusal', () => rig.slack.ephemerals.find((e) => e.user === FILER));
    assert.equal(filer.text, 'You filed this request; another approver decides it.');
    await pending(request.id);
    const audit = await rig.srv.call('admin', 'GET', `/v1/audit?request_id=${request.id}`);
    const reasons = audit.body.items.filter((e: any) => e.action === 'slack.unauthorized').map((e: any) => e.detail.reason);
    assert.deepEqual(reasons.sort(), ['filer', 'not_routed']);
  });

  it('a second click after a decision says who decided it, and changes nothing', async () => {
    const { request, card } = await rig.file(bash('make migrate'));
    await rig.srv.call('approver', 'POST', `/v1/requests/${request.id}/decision`, { outcome: 'denied', comment: 'api says no' });
    // Clicked on the card as it was posted: the edit without buttons may already have landed.
    await rig.slack.click(ALICE, { ...card, blocks: card.versions[0].blocks }, 'gl:approve', 'http');
    const told = await until('the answer', () => rig.slack.ephemerals.find((e) => e.user === ALICE && e.text.startsWith('Already denied')));
    assert.equal(told.text, 'Already denied by alice via api: nothing is left to decide.');
    assert.equal((await rig.get(request.id)).status, 'denied');
  });

  it('refuses malformed, oversized and deeply nested bodies with clear errors, signed or not', async () => {
    const { request, card } = await rig.file(bash('shutdown -h now'));
    const click = rig.slack.clickPayload(ALICE, card, 'gl:approve');
    const cases: [string, string, string, number, string][] = [
      ['not a form', 'application/json', JSON.stringify(click), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['no payload field', 'form', 'foo=bar', 400, 'VALIDATION_FAILED'],
      ['payload not JSON', 'form', form('{type: block_actions'), 400, 'INVALID_JSON'],
      ['payload an array', 'form', form([click]), 400, 'VALIDATION_FAILED'],
      ['no user', 'form', form({ ...click, user: undefined }), 400, 'VALIDATION_FAILED'],
      ['a user id that is not one', 'form', form({ ...click, user: { id: '<!channel>' } }), 400, 'VALIDATION_FAILED'],
      ['no actions', 'form', form({ ...click, actions: [] }), 400, 'VALIDATION_FAILED'],
      ['an action_id too long', 'form', form({ ...click, actions: [{ action_id: 'gl:' + 'a'.repeat(300), value: request.id }] }), 400, 'VALIDATION_FAILED'],
      ['deeply nested', 'form', form(`{"type":"block_actions","x":${'['.repeat(2000)}${']'.repeat(2000)}}`), 400, 'JSON_TOO_DEEP'],
      ['oversized', 'form', form({ ...click, padding: 'x'.repeat(1_200_000) }), 413, 'PAYLOAD_TOO_LARGE'],
    ];
    for (const [what, type, body, status, code] of cases) {
      const headers = { ...rig.slack.signed(body), ...(type === 'form' ? {} : { 'content-type': type }) };
      const res = await rig.slack.post('/v1/slack/interactions', body, headers);
      assert.equal(res.status, status, `${what}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, code, what);
      assert.ok(res.body.error.message.length > 20, `${what}: the message says what is wrong`);
    }
    const command = await rig.slack.post('/v1/slack/commands', 'command=%2Fgreenlight&text=pending');
    assert.equal(command.status, 400, 'a command without user_id');
    await new Promise((r) => setTimeout(r, 100));
    await pending(request.id);
    assert.equal((await fetch(`${rig.srv.url}/v1/slack/interactions`)).status, 404, 'no GET');
  });

  it('someone who is not an approver gets no list from /greenlight pending', async () => {
    const res = await rig.slack.command(MALLORY, 'pending', APPROVALS, 'http');
    assert.equal(res.body.response_type, 'ephemeral');
    assert.match(res.body.text, /not an approver/);
    assert.equal(res.body.blocks, undefined);
  });
});

describe('slack (socket mode): replays and malformed envelopes', { timeout: 120_000 }, () => {
  let rig: SlackRig;
  before(async () => {
    rig = await startSlackRig('socket');
  });
  after(() => rig?.stop());

  it('the same envelope twice acts once', async () => {
    const { request, card } = await rig.file(bash('kubectl drain node-1'));
    const payload = rig.slack.clickPayload(ALICE, card, 'gl:deny_reason');
    await rig.slack.envelope('interactive', payload, 'env-replayed-1');
    await rig.slack.envelope('interactive', payload, 'env-replayed-1');
    await until('the modal', () => rig.slack.views.some((v) => v.view.private_metadata.includes(request.id)));
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(rig.slack.callsOf('views.open').filter((c) => JSON.stringify(c.args).includes(request.id)).length, 1);
  });

  it('an outsider\'s click is refused privately and audited', async () => {
    const { request, card } = await rig.file(bash('terraform destroy -auto-approve'));
    await rig.slack.click(MALLORY, card, 'gl:approve', 'socket');
    await until('the refusal', () => rig.slack.ephemerals.find((e) => e.user === MALLORY));
    assert.equal((await rig.get(request.id)).status, 'pending');
    const audit = await rig.srv.call('admin', 'GET', `/v1/audit?request_id=${request.id}`);
    assert.ok(audit.body.items.some((e: any) => e.action === 'slack.unauthorized' && e.detail.slack_user_id === MALLORY));
  });

  it('malformed and deeply nested envelopes are acknowledged and dropped; the connection stays up', async () => {
    const { request, card } = await rig.file(bash('reboot'));
    const click = rig.slack.clickPayload(ALICE, card, 'gl:approve');
    let deep: any = { leaf: true };
    for (let i = 0; i < 500; i++) deep = { d: deep };
    for (const body of [{ ...click, user: { id: 'nobody' } }, { ...click, actions: 'approve' }, { ...click, deep }, 'not an object']) {
      assert.deepEqual(await rig.slack.envelope('interactive', body), {});
    }
    assert.deepEqual(await rig.slack.envelope('slash_commands', { command: '/greenlight', text: 'pending' }), {});
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await rig.get(request.id)).status, 'pending');
    assert.equal(rig.slack.sockets.size, 1);
    await rig.slack.click(ALICE, card, 'gl:approve', 'socket');
    await until('the approval after all that', async () => (await rig.get(request.id)).status === 'approved');
  });

  it('in socket mode the HTTP endpoints take nothing', async () => {
    const body = 'payload=%7B%7D';
    const res = await fetch(`${rig.srv.url}/v1/slack/interactions`, { method: 'POST', headers: rig.slack.signed(body), body });
    assert.equal(res.status, 404);
    assert.match(((await res.json()) as any).error.message, /Socket Mode/);
  });
});
