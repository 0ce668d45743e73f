// postJson against real receivers on 127.0.0.1.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { DeliveryError } from '../../src/delivery/delivery-error.js';
import { parseRetryAfter, postJson } from '../../src/delivery/http-sender.js';
import { createUrlGuard, type Resolver } from '../../src/delivery/url-guard.js';
import { closedPort, startReceiver, type Receiver, type Respond } from './receiver.js';

const loopbackOk = createUrlGuard({ allow_loopback: true, allow_private_networks: false, allow_hosts: [] });
const strict = createUrlGuard({ allow_loopback: false, allow_private_networks: false, allow_hosts: [] });
const post = (url: string, guard = loopbackOk, timeoutMs = 2000) => postJson({ url, body: '{"a":1}', headers: { 'Content-Type': 'application/json', 'X-Test': 'yes' }, timeoutMs, guard });

const receivers: Receiver[] = [];
async function receiver(respond?: Respond) {
  const r = await startReceiver({ respond });
  receivers.push(r);
  return r;
}
after(() => Promise.all(receivers.map((r) => r.close())));

async function failure(p: Promise<unknown>): Promise<DeliveryError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof DeliveryError, `expected a DeliveryError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the delivery to fail');
}

describe('postJson', () => {
  it('POSTs the body with the headers and resolves on 2xx', async () => {
    const r = await receiver(() => ({ status: 204, body: '' }));
    const result = await post(r.url);
    assert.equal(result.status, 204);
    assert.equal(r.received.length, 1);
    assert.equal(r.received[0].method, 'POST');
    assert.equal(r.received[0].body, '{"a":1}');
    assert.equal(r.received[0].headers['x-test'], 'yes');
    assert.equal(r.received[0].headers['content-length'], '7');
  });

  it('does not follow redirects: a 3xx is a permanent failure that names the status and Location', async () => {
    const target = await receiver();
    for (const status of [301, 302, 307, 308]) {
      const r = await receiver(() => ({ status, headers: { location: `${target.url}/final` } }));
      const err = await failure(post(r.url));
      assert.equal(err.status, status);
      assert.equal(err.permanent, true);
      assert.equal(err.message, `HTTP ${status} redirect (Location: "${target.url}/final"): redirects are never followed; configure the final URL`);
    }
    assert.equal(target.received.length, 0);
  });

  it('410 Gone is permanent', async () => {
    const r = await receiver(() => ({ status: 410, body: 'unsubscribed' }));
    const err = await failure(post(r.url));
    assert.equal(err.permanent, true);
    assert.match(err.message, /410.*unsubscribed/);
  });

  it('500 is retryable and keeps a short excerpt of the body', async () => {
    const r = await receiver(() => ({ status: 500, body: 'database\n   is down' }));
    const err = await failure(post(r.url));
    assert.equal(err.permanent, false);
    assert.equal(err.message, 'HTTP 500: database is down');
  });

  it('honours Retry-After on 429 and 503', async () => {
    const r = await receiver((n) => (n === 1 ? { status: 429, headers: { 'retry-after': '7' } } : { status: 503, headers: { 'retry-after': '120' } }));
    assert.equal((await failure(post(r.url))).retryAfterMs, 7000);
    assert.equal((await failure(post(r.url))).retryAfterMs, 120_000);
  });

  it('a closed port is a retryable connection error', async () => {
    const err = await failure(post(`http://127.0.0.1:${await closedPort()}/hook`));
    assert.equal(err.permanent, false);
    assert.match(err.message, /ECONNREFUSED/);
  });

  it('gives up after timeout_ms when the receiver never answers', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const server = http.createServer(() => {}); // never responds
    server.on('connection', (s) => sockets.add(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const err = await failure(post(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, loopbackOk, 150));
      assert.match(err.message, /no answer within 150 ms/);
      assert.equal(err.permanent, false);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('reads at most the response cap and still succeeds', async () => {
    const r = await receiver(() => ({ status: 200, body: 'x'.repeat(200_000) }));
    assert.equal((await postJson({ url: r.url, body: '{}', headers: {}, timeoutMs: 2000, guard: loopbackOk, maxResponseBytes: 1024 })).status, 200);
  });

  it('refuses a loopback URL when loopback is not allowed, without connecting', async () => {
    const r = await receiver();
    const err = await failure(post(r.url, strict));
    assert.equal(err.permanent, true);
    assert.match(err.message, /SSRF guard.*loopback/);
    assert.equal(r.received.length, 0);
  });

  it('refuses localhost, and cloud metadata', async () => {
    const r = await receiver();
    assert.match((await failure(post(`http://localhost:${r.port}/hook`, strict))).message, /loopback/);
    assert.match((await failure(post('http://169.254.169.254/latest/meta-data/', strict))).message, /link-local/);
    assert.equal(r.received.length, 0);
  });

  it('checks the address it connects to: a name resolving to 127.0.0.1 is refused', async () => {
    const r = await receiver();
    const rebinding: Resolver = (_host, _opts, cb) => cb(null, [{ address: '127.0.0.1', family: 4 }]);
    const guard = createUrlGuard({ allow_loopback: false, allow_private_networks: false, allow_hosts: [] }, rebinding);
    const err = await failure(post(`http://hooks.example.test:${r.port}/hook`, guard));
    assert.equal(err.permanent, true);
    assert.match(err.message, /hooks\.example\.test resolves to 127\.0\.0\.1/);
    assert.equal(r.received.length, 0);
  });

  it('connects through the guard lookup (a name the guard resolves is reached)', async () => {
    const r = await receiver();
    const resolver: Resolver = (_host, _opts, cb) => cb(null, [{ address: '127.0.0.1', family: 4 }]);
    const guard = createUrlGuard({ allow_loopback: true, allow_private_networks: false, allow_hosts: [] }, resolver);
    assert.equal((await post(`http://hooks.example.test:${r.port}/hook`, guard)).status, 200);
    assert.equal(r.received.length, 1);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    assert.equal(parseRetryAfter('30'), 30_000);
    assert.equal(parseRetryAfter(new Date(Date.UTC(2026, 0, 1, 0, 1)).toUTCString(), Date.UTC(2026, 0, 1)), 60_000);
    assert.equal(parseRetryAfter('soon'), null);
    assert.equal(parseRetryAfter(undefined), null);
  });
});
