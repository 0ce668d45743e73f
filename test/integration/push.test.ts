// Push, don't poll: long-poll wait, server-sent events and expiry reach waiting agents at once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KEYS, startTestServer, type TestServer } from '../helpers/harness.js';

/** Reads SSE events from a stream until `until` returns true for one. */
async function readEvents(url: string, key: string, until: (e: { event: string; data: any }) => boolean, signal: AbortSignal, onReady: () => void = () => {}) {
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}` }, signal });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const seen: { event: string; data: any }[] = [];
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return seen;
    buffer += decoder.decode(value, { stream: true });
    let idx;
    while ((idx = buffer.indexOf('\n\n')) >= 0) {
      const chunk = buffer.slice(0, idx);
      buffer = buffer.slice(idx + 2);
      const event = /^event: ?(.*)$/m.exec(chunk)?.[1] ?? 'message';
      const data = chunk.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.replace(/^data: ?/, '')).join('\n');
      if (!data) continue;
      const e = { event, data: JSON.parse(data) };
      if (event === 'ready') {
        onReady();
        continue;
      }
      seen.push(e);
      if (until(e)) {
        await reader.cancel();
        return seen;
      }
    }
  }
}

describe('push delivery to waiting agents', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(async () => s.stop());

  const create = async (body: Record<string, unknown> = {}) => (await s.call('agent', 'POST', '/v1/requests', { title: 'push test', ...body })).body;

  it('a long-poll wait returns the moment the request is decided', async () => {
    const req = await create();
    const started = performance.now();
    const waiting = s.call('agent', 'GET', `/v1/requests/${req.id}/wait?timeout_sec=60`);
    // Decide once the waiter is registered.
    while (s.events.waiterCount() === 0) await new Promise((r) => setImmediate(r));
    await s.call('approver', 'POST', `/v1/requests/${req.id}/decision`, { outcome: 'approved' });
    const r = await waiting;
    const elapsed = performance.now() - started;
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'approved');
    assert.equal(r.headers.get('x-greenlight-status'), 'approved');
    assert.ok(elapsed < 5000, `returned after ${elapsed} ms, not at the 60 s timeout`);
  });

  it('a wait that times out returns the request still pending', async () => {
    const req = await create();
    const r = await s.call('agent', 'GET', `/v1/requests/${req.id}/wait?timeout_sec=1`);
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'pending');
  });

  it('another agent cannot wait on a request it does not own', async () => {
    const req = await create();
    const r = await s.call('otherAgent', 'GET', `/v1/requests/${req.id}/wait?timeout_sec=1`);
    assert.equal(r.status, 404);
  });

  it('approvers hear every event over SSE; an agent hears only its own', async () => {
    const ctrl = new AbortController();
    const marker = `sse-${Date.now()}`;
    let ready = 0;
    let allReady!: () => void;
    const bothReady = new Promise<void>((r) => (allReady = r));
    const onReady = () => ++ready === 2 && allReady();
    const approverStream = readEvents(`${s.url}/v1/events`, KEYS.approver, (e) => e.event === 'request.decided' && e.data.request.title === marker, ctrl.signal, onReady);
    const otherAgentStream = readEvents(`${s.url}/v1/events`, KEYS.otherAgent, (e) => e.data.request?.title === 'other-marker', ctrl.signal, onReady);
    await bothReady;
    const req = await create({ title: marker });
    await s.call('approver', 'POST', `/v1/requests/${req.id}/decision`, { outcome: 'denied', comment: 'no' });
    const seen = await approverStream;
    assert.deepEqual(seen.filter((e) => e.data.request?.id === req.id).map((e) => e.event), ['request.created', 'request.decided']);
    // The other agent's stream must not have seen agent-a's request: end it with its own event.
    await s.call('otherAgent', 'POST', '/v1/requests', { title: 'other-marker' });
    const theirs = await otherAgentStream;
    assert.ok(theirs.every((e) => !e.data.request || e.data.request.agent === 'agent-b'), 'agent-b saw only its own requests');
    ctrl.abort();
  });

  it('an agent can follow one of its requests over SSE and hears the decision', async () => {
    const req = await create();
    const ctrl = new AbortController();
    const stream = readEvents(`${s.url}/v1/events?request_id=${req.id}`, KEYS.agent, (e) => e.event === 'request.decided', ctrl.signal);
    while (s.events.waiterCount() === 0) await new Promise((r) => setImmediate(r));
    await s.call('approver', 'POST', `/v1/requests/${req.id}/decision`, { outcome: 'approved' });
    const seen = await stream;
    assert.equal(seen.at(-1)!.data.request.status, 'approved');
    const foreign = await fetch(`${s.url}/v1/events?request_id=${req.id}`, { headers: { authorization: `Bearer ${KEYS.otherAgent}` } });
    assert.equal(foreign.status, 404);
    await foreign.body?.cancel();
  });

  it('expiry is swept by the server: a waiter hears it without anyone reading the request', async () => {
    const req = await create({ expires_in_sec: 1 });
    const r = await s.call('agent', 'GET', `/v1/requests/${req.id}/wait?timeout_sec=30`);
    assert.equal(r.body.status, 'expired');
    assert.equal(r.body.decision.decided_by, 'timeout');
    assert.equal(r.body.decision.outcome, 'denied', 'fail closed: expiry is a denial');
    const audit = await s.call('admin', 'GET', `/v1/audit?request_id=${req.id}`);
    assert.ok(audit.body.items.some((e: { action: string }) => e.action === 'request.expired'));
  });
});

