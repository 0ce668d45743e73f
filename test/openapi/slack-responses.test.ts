// The Slack channel's http-mode routes answer what the document says: signed forms acknowledged
// (empty for a click, an ephemeral list for the slash command), and every refusal — unsigned,
// stale, replayed, not a form, not a Slack payload — with its documented status and error body.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { buildOpenApiSpec } from '../../src/http/openapi/spec.js';
import { conformsTo } from './conformance.js';
import { SLACK_SIGNING_SECRET, buildAppWithDocs, buildDeps, call } from './fixture.js';

const spec: any = buildOpenApiSpec('1.2.3');
const conforms = conformsTo(spec);

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function signed(body: string, ts = Math.floor(Date.now() / 1000)): Record<string, string> {
  const signature = `v0=${createHmac('sha256', SLACK_SIGNING_SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
  return { ...FORM, 'x-slack-signature': signature, 'x-slack-request-timestamp': String(ts) };
}

describe('slack routes: live responses match the document', () => {
  const app = buildAppWithDocs(buildDeps());
  const run = async (path: string, body: string, headers: Record<string, string>) => {
    const reply = await call(app, null, 'POST', path, body, headers);
    conforms('POST', path, reply);
    return reply;
  };
  // A click on something that is not Greenlight's: acknowledged, nothing else to do (no Web API call).
  const click = (n: number) => new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions', user: { id: 'U0ALICE01' }, trigger_id: `1.2.${n}`, actions: [{ action_id: 'other:button', value: 'x' }] }) }).toString();

  it('acknowledges a signed interaction once; unsigned, stale and replayed ones are refused', async () => {
    const body = click(1);
    const headers = signed(body);
    const ok = await run('/v1/slack/interactions', body, headers);
    assert.equal(ok.status, 200);
    assert.equal(ok.text, '');
    const replay = await run('/v1/slack/interactions', body, headers);
    assert.equal(replay.status, 409);
    assert.equal(replay.body.error.code, 'REPLAYED');
    const stale = await run('/v1/slack/interactions', click(2), signed(click(2), Math.floor(Date.now() / 1000) - 301));
    assert.equal(stale.status, 401);
    assert.equal((await run('/v1/slack/interactions', click(3), FORM)).status, 401);
    const json = await run('/v1/slack/interactions', '{"payload":"{}"}', { ...signed('{"payload":"{}"}'), 'content-type': 'application/json' });
    assert.equal(json.status, 415);
    const notPayload = 'payload=%7B%22type%22%3A%22block_actions%22%7D';
    assert.equal((await run('/v1/slack/interactions', notPayload, signed(notPayload))).status, 400);
  });

  it('answers /greenlight pending with an ephemeral list; a command without a user is refused', async () => {
    const body = new URLSearchParams({ command: '/greenlight', text: 'pending', user_id: 'U0ALICE01', channel_id: 'C0APPROVE' }).toString();
    const list = await run('/v1/slack/commands', body, signed(body));
    assert.equal(list.status, 200);
    assert.equal(list.body.response_type, 'ephemeral');
    const bad = new URLSearchParams({ command: '/greenlight', text: 'pending' }).toString();
    assert.equal((await run('/v1/slack/commands', bad, signed(bad))).status, 400);
  });
});
