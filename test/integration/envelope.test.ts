// The response head of the hot JSON answers, read off the socket: a create's Location and a
// wait's X-Greenlight-Status ride on the envelope's fast path with the standard headers, each
// header once (fetch would join a doubled one and hide it), and an answer whose route set headers
// another way still carries the standard ones.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { KEYS, startTestServer, type TestServer } from '../helpers/harness.js';

interface Head {
  status: number;
  /** Header name (lower case) → every value sent under it, in order. */
  headers: Map<string, string[]>;
  body: string;
}

function send(url: string, method: string, path: string, body?: string, key: string = KEYS.agent): Promise<Head> {
  return new Promise((resolve, reject) => {
    const req = request(url + path, { method, headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      const headers = new Map<string, string[]>();
      for (let i = 0; i < res.rawHeaders.length; i += 2) {
        const name = res.rawHeaders[i].toLowerCase();
        headers.set(name, [...(headers.get(name) ?? []), res.rawHeaders[i + 1]]);
      }
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function assertStandard(head: Head): void {
  for (const name of ['content-type', 'x-request-id', 'x-content-type-options', 'referrer-policy']) {
    assert.equal(head.headers.get(name)?.length, 1, `${name} is sent exactly once: ${JSON.stringify([...head.headers])}`);
  }
  assert.equal(head.headers.get('x-content-type-options')![0], 'nosniff');
  assert.match(head.headers.get('content-type')![0], /^application\/json/);
}

describe('the JSON answer envelope', { timeout: 60_000 }, () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.stop());

  it('answers a create with 201, its Location and the standard headers, each once', async () => {
    const head = await send(s.url, 'POST', '/v1/requests', JSON.stringify({ title: 'deploy <b>now</b>' }));
    assert.equal(head.status, 201, head.body);
    assertStandard(head);
    const id = JSON.parse(head.body).id as string;
    assert.deepEqual(head.headers.get('location'), [`/v1/requests/${id}`]);
    assert.ok(head.body.endsWith('\n'));
  });

  it('answers a repeated create (same idempotency key) with 200 and no Location', async () => {
    const body = JSON.stringify({ title: 'once', idempotency_key: 'envelope-once' });
    const first = await send(s.url, 'POST', '/v1/requests', body);
    const again = await send(s.url, 'POST', '/v1/requests', body);
    assert.equal(first.status, 201);
    assert.equal(again.status, 200, again.body);
    assert.equal(again.headers.get('location'), undefined);
    assertStandard(again);
  });

  it("carries a wait's X-Greenlight-Status once, with the standard headers", async () => {
    const created = JSON.parse((await send(s.url, 'POST', '/v1/requests', JSON.stringify({ title: 'wait for me' }))).body) as { id: string };
    const head = await send(s.url, 'GET', `/v1/requests/${created.id}/wait?timeout_sec=0`);
    assert.equal(head.status, 200, head.body);
    assertStandard(head);
    assert.deepEqual(head.headers.get('x-greenlight-status'), ['pending']);
  });

  it('keeps the standard headers on an answer whose route set headers itself (401 with WWW-Authenticate)', async () => {
    const head = await send(s.url, 'GET', '/v1/me', undefined, 'not-a-key-0123456789abcdef');
    assert.equal(head.status, 401);
    assertStandard(head);
    assert.equal(head.headers.get('www-authenticate')?.length, 1);
  });
});
