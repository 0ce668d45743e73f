// One request id, followed end to end: the agent's X-Request-Id comes back on the response and is
// on every JSON log line of the work it caused — the HTTP line, the request filed, each outbox
// send (ntfy, the webhook, which also gets it as X-Request-Id) and the audit row — and the
// approver's decision carries its own id the same way to the channel update, the webhook and the
// waiting agent. Hostile ids (huge, control characters, bidi, spaces) are never echoed or logged.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ntfyChannelFactory } from '../../src/channels/ntfy/ntfy-channel.js';
import { createLogger } from '../../src/log.js';
import { startReceiver, type Receiver } from '../delivery/receiver.js';
import { KEYS, startTestServer, type TestServer } from '../helpers/harness.js';
import { FakeNtfy } from '../ntfy/fake-ntfy.js';
import { eventually } from '../telegram/emulator.js';

type Line = Record<string, unknown> & { msg: string; trace_id?: string };

/** Sends raw bytes as an HTTP/1.1 request (fetch would refuse the hostile headers) and returns the raw response head. */
function raw(url: string, head: Buffer): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const sock = connect(Number(port), '127.0.0.1', () => sock.end(head));
    let data = '';
    sock.on('data', (c) => (data += c.toString('latin1')));
    sock.on('end', () => resolve(data));
    sock.on('error', reject);
  });
}

describe('request ids an operator can follow', { timeout: 60_000 }, () => {
  const lines: Line[] = [];
  let s: TestServer;
  let ntfy: FakeNtfy;
  let hook: Receiver;

  before(async () => {
    ntfy = await FakeNtfy.start(null);
    hook = await startReceiver();
    s = await startTestServer(
      {
        channels: { ntfy: { server_url: ntfy.url, topics: [{ topic: 'alice-approvals', approver: 'alice' }] } },
        webhooks: [{ url: hook.url, secret: 'webhook-secret-0123456789' }],
        delivery: { allow_loopback: true, backoff_base_ms: 10, backoff_max_ms: 20 },
      },
      { channels: [ntfyChannelFactory], logger: createLogger('info', 'json', (l) => lines.push(JSON.parse(l))) },
    );
  });
  after(async () => {
    await s?.stop();
    await ntfy?.close();
    await hook?.close();
  });

  const traced = (id: string) => lines.filter((l) => l.trace_id === id);

  it('follows the agent\'s id from its call to the channel message and the webhook, and the approver\'s id back to the agent', async () => {
    const filed = await s.call('agent', 'POST', '/v1/requests', { title: 'Deploy', tool: 'Bash', input: { command: 'make deploy' } }, { 'x-request-id': 'agent-call-7f3a' });
    assert.equal(filed.status, 201);
    assert.equal(filed.headers.get('x-request-id'), 'agent-call-7f3a');
    const id = filed.body.id;

    const created = await eventually(() => hook.received.find((r) => JSON.parse(r.body).event === 'request.created'), 'the webhook');
    assert.equal(created.headers['x-request-id'], 'agent-call-7f3a');
    await eventually(() => traced('agent-call-7f3a').filter((l) => l.msg === 'outbox item delivered').length >= 2 || null, 'both sends logged');
    const agentLines = traced('agent-call-7f3a');
    assert.ok(agentLines.some((l) => l.msg === 'http' && l.route === '/v1/requests' && l.status === 201));
    assert.ok(agentLines.some((l) => l.msg === 'request.created' && l.request === id));
    assert.deepEqual(agentLines.filter((l) => l.msg === 'outbox item delivered').map((l) => [l.kind, l.request]).sort(), [['ntfy', id], ['webhook', id]]);
    const audit = await s.store.listAudit({ request_id: id, limit: 10, order: 'asc' });
    assert.equal(audit[0].detail?.trace_id, 'agent-call-7f3a');

    // The agent waits under one id; the approver decides under another.
    const waiting = s.call('agent', 'GET', `/v1/requests/${id}/wait?timeout_sec=20`, undefined, { 'x-request-id': 'agent-wait-2' });
    await eventually(async () => (await s.events.waiterCount()) > 0 || null, 'the waiter');
    const decided = await s.call('approver', 'POST', `/v1/requests/${id}/decision`, { outcome: 'approved' }, { 'x-request-id': 'approver-click-19' });
    assert.equal(decided.status, 200);
    const waited = await waiting;
    assert.equal(waited.body.status, 'approved');
    assert.equal(waited.headers.get('x-request-id'), 'agent-wait-2');

    const update = await eventually(() => hook.received.find((r) => JSON.parse(r.body).event === 'request.decided'), 'the decided webhook');
    assert.equal(update.headers['x-request-id'], 'approver-click-19');
    await eventually(() => traced('approver-click-19').some((l) => l.msg === 'outbox item delivered' && l.kind === 'ntfy') || null, 'the ntfy update logged');
    assert.ok(traced('approver-click-19').some((l) => l.msg === 'request.decided' && l.request === id && l.via === 'api' && l.decided_by === 'alice'));
    assert.ok(traced('agent-wait-2').some((l) => l.msg === 'http' && String(l.route).endsWith('/wait') && l.status === 200));
    const decidedRow = (await s.store.listAudit({ request_id: id, limit: 10 })).find((a) => a.action === 'request.approved');
    assert.equal(decidedRow?.detail?.trace_id, 'approver-click-19');
  });

  it('makes up an id when the caller sends none, and returns it', async () => {
    const r = await s.call(null, 'GET', '/healthz');
    assert.match(r.headers.get('x-request-id') ?? '', /^[0-9a-f]{16}$/);
  });

  it('replaces hostile ids (huge, control characters, bidi, spaces, quotes) and never echoes or logs them', async () => {
    const hostile: [string, Buffer][] = [
      ['huge', Buffer.from('x'.repeat(10_000))],
      ['escape sequence', Buffer.from('abc\x1b[31mred')],
      ['bidi override', Buffer.from('abc\u202Eevil', 'utf8')],
      ['space and quote', Buffer.from('a b"c')],
      ['newline-free CR', Buffer.from('abc\rdef')],
      ['NUL', Buffer.from('abc\x00def')],
    ];
    for (const [name, value] of hostile) {
      const head = Buffer.concat([Buffer.from(`GET /v1/requests/pending HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${KEYS.approver}\r\nConnection: close\r\nX-Request-Id: `), value, Buffer.from('\r\n\r\n')]);
      const before = lines.length;
      const res = await raw(s.url, head);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(res)?.[1]);
      if (status === 400 && !/x-request-id/i.test(res)) continue; // Node's parser refused the request outright
      assert.equal(status, 200, `${name}: ${res.slice(0, 200)}`);
      const echoed = /\r\nx-request-id: ([^\r\n]*)/i.exec(res)?.[1];
      assert.match(echoed ?? '', /^[0-9a-f]{16}$/, `${name}: replaced by a fresh id`);
      const logged = lines.slice(before).find((l) => l.msg === 'http');
      assert.equal(logged?.trace_id, echoed, name);
      assert.equal(logged?.request_id_replaced, true, name);
      assert.ok(!JSON.stringify(lines.slice(before)).includes(value.toString('utf8').slice(0, 40)) || value.toString('utf8').length < 4, `${name}: not logged`);
    }
  });
});
