import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { T0, decidedEvent, makeDecision, makeRequest } from '../../test/delivery/fixtures.js';
import type { RequestEvent } from '../core/types.js';
import { asDeliveryPayload, chockTime, renderBody, type DeliveryPayload } from './payloads.js';

const payloadOf = (e: RequestEvent): DeliveryPayload => ({ event: e.type, at: e.at, request_id: e.request.id, origin: e.request.origin, request: e.request });

describe('native body', () => {
  it('is { event, at, request } with ISO timestamps', () => {
    const e = decidedEvent();
    const body = renderBody('webhook', payloadOf(e)) as any;
    assert.deepEqual(Object.keys(body), ['event', 'at', 'request']);
    assert.equal(body.event, 'request.decided');
    assert.equal(body.at, new Date(e.at).toISOString());
    assert.equal(body.request.id, e.request.id);
    assert.equal(body.request.created_at, new Date(T0).toISOString());
    assert.equal(body.request.expires_at, new Date(T0 + 3_600_000).toISOString());
    assert.equal(body.request.decision.decided_at, new Date(T0 + 60_000).toISOString());
    assert.equal(body.request.decision.decided_by, 'jon');
  });
  it('is the same for callbacks and for ok2run-origin requests (ok2run had no callbacks)', () => {
    const e = decidedEvent({ origin: 'ok2run' });
    assert.deepEqual(renderBody('callback', payloadOf(e)), renderBody('webhook', payloadOf(decidedEvent({ origin: 'ok2run' }))));
    assert.equal((renderBody('callback', payloadOf(e)) as any).event, 'request.decided');
  });
  it('is the same bytes on every render (retries resend the same body)', () => {
    const p = payloadOf(decidedEvent());
    assert.equal(JSON.stringify(renderBody('webhook', p)), JSON.stringify(renderBody('webhook', JSON.parse(JSON.stringify(p)))));
  });
});

describe('chock bodies', () => {
  const conditional = decidedEvent({
    origin: 'chock',
    status: 'conditional',
    decision: makeDecision({ outcome: 'conditional', comment: 'OK but capped', conditions: { max_budget: 5000 } }),
  });

  it('callback is { request_id, result: {status, responder, comment, conditions, responded_at}, timestamp }', () => {
    const body = renderBody('callback', payloadOf(conditional)) as any;
    assert.deepEqual(Object.keys(body), ['request_id', 'result', 'timestamp']);
    assert.equal(body.request_id, conditional.request.id);
    assert.deepEqual(body.result, { status: 'conditional', responder: 'jon', comment: 'OK but capped', conditions: { max_budget: 5000 }, responded_at: chockTime(T0 + 60_000) });
    assert.equal(body.timestamp, chockTime(conditional.at));
  });

  it('callback uses Chock defaults: empty comment, empty conditions', () => {
    const e = decidedEvent({ origin: 'chock', status: 'denied', decision: makeDecision({ outcome: 'denied', comment: null, conditions: null }) });
    const body = renderBody('callback', payloadOf(e)) as any;
    assert.equal(body.result.status, 'denied');
    assert.equal(body.result.comment, '');
    assert.deepEqual(body.result.conditions, {});
  });

  it('webhook for a response is { event: request_<status>, request_id, details: {title, responder, conditions}, timestamp }', () => {
    const body = renderBody('webhook', payloadOf(conditional)) as any;
    assert.deepEqual(Object.keys(body), ['event', 'request_id', 'details', 'timestamp']);
    assert.equal(body.event, 'request_conditional');
    assert.deepEqual(body.details, { title: 'Deploy to production', responder: 'jon', conditions: { max_budget: 5000 } });
    const approved = renderBody('webhook', payloadOf(decidedEvent({ origin: 'chock', decision: makeDecision({ conditions: { ignored: true } }) }))) as any;
    assert.equal(approved.event, 'request_approved');
    assert.deepEqual(approved.details.conditions, {}, 'Chock sends conditions only for conditional');
  });

  it('webhook for a new request is request_created with {title, requester, priority}', () => {
    const e: RequestEvent = { type: 'request.created', request: makeRequest({ origin: 'chock' }), at: T0 };
    const body = renderBody('webhook', payloadOf(e)) as any;
    assert.equal(body.event, 'request_created');
    assert.deepEqual(body.details, { title: 'Deploy to production', requester: 'jim', priority: 'high' });
    assert.equal(body.timestamp, chockTime(T0));
  });

  it('expired and cancelled get request_expired / request_cancelled', () => {
    const expired = decidedEvent({ origin: 'chock', status: 'expired', decision: makeDecision({ outcome: 'denied', decided_by: 'timeout', comment: 'Expired' }) }, 'request.expired');
    assert.equal((renderBody('webhook', payloadOf(expired)) as any).event, 'request_expired');
    assert.equal((renderBody('callback', payloadOf(expired)) as any).result.status, 'expired');
    const cancelled = decidedEvent({ origin: 'chock', status: 'cancelled', decision: null }, 'request.cancelled');
    const cb = renderBody('callback', payloadOf(cancelled)) as any;
    assert.equal(cb.result.status, 'cancelled');
    assert.equal(cb.result.responder, '');
    assert.equal(cb.result.responded_at, chockTime(cancelled.at));
    assert.deepEqual((renderBody('webhook', payloadOf(cancelled)) as any).details, { title: 'Deploy to production', requester: 'jim' });
  });
});

describe('chockTime', () => {
  it('writes times like Python isoformat() with a UTC offset', () => {
    assert.equal(chockTime(Date.UTC(2026, 3, 7, 12, 34, 56, 123)), '2026-04-07T12:34:56.123000+00:00');
    assert.equal(chockTime(Date.UTC(2026, 3, 7, 12, 34, 56, 0)), '2026-04-07T12:34:56+00:00');
  });
});

describe('asDeliveryPayload', () => {
  it('reads a stored payload back and refuses anything else', () => {
    const p = payloadOf(decidedEvent());
    assert.deepEqual(asDeliveryPayload(JSON.parse(JSON.stringify(p))), p);
    assert.equal(typeof asDeliveryPayload({ hello: 'world' }), 'string');
  });
});
