import assert from 'node:assert/strict';
import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { parseResponse, postJson } from './http-post.cjs';

const servers: Server[] = [];
after(() => servers.forEach((s) => s.close()));

async function listen<S extends Server>(server: S): Promise<string> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A server that answers every connection with `raw` after reading the request, then closes. */
async function rawServer(raw: string | ((s: Socket) => void)): Promise<string> {
  return listen(
    createNetServer((socket) => {
      socket.on('error', () => {});
      socket.once('data', () => (typeof raw === 'string' ? socket.end(raw) : raw(socket)));
    }),
  );
}

describe('postJson: one HTTP/1.1 POST on node:net', () => {
  it('sends the request node:http would, and reads the answer of a real node:http server', async () => {
    let seen: { method?: string; url?: string; headers?: IncomingHttpHeaders; body?: string } = {};
    const base = await listen(
      createHttpServer((req, res) => {
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (d: string) => (body += d));
        req.on('end', () => {
          seen = { method: req.method, url: req.url, headers: req.headers, body };
          res.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":"ünïcode ✓"}');
        });
      }),
    );
    const url = new URL(`${base}/v1/hooks/claude-code?wait_sec=5&hostname=box`);
    const answer = await postJson(url, '{"command":"echo é"}', { Authorization: 'Bearer k-1', 'Content-Type': 'application/json' }, 5000);
    assert.deepEqual(answer, { status: 201, text: '{"ok":"ünïcode ✓"}' });
    assert.equal(seen.method, 'POST');
    assert.equal(seen.url, '/v1/hooks/claude-code?wait_sec=5&hostname=box');
    assert.equal(seen.body, '{"command":"echo é"}');
    assert.equal(seen.headers?.authorization, 'Bearer k-1');
    assert.equal(seen.headers?.['content-length'], String(Buffer.byteLength('{"command":"echo é"}')));
    assert.equal(seen.headers?.connection, 'close');
    assert.equal(seen.headers?.host, url.host);
  });

  it('reads a chunked answer, skips a 100 Continue, and keeps an error status with its body', async () => {
    const chunked = await rawServer('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\n{"a"\r\n3\r\n:1}\r\n0\r\nX-Trailer: t\r\n\r\n');
    assert.deepEqual(await postJson(new URL(chunked), '{}', {}, 5000), { status: 200, text: '{"a":1}' });
    const refused = await rawServer('HTTP/1.0 401 Unauthorized\r\nContent-Length: 9\r\n\r\nno key!!!trailing junk');
    assert.deepEqual(await postJson(new URL(refused), '{}', {}, 5000), { status: 401, text: 'no key!!!' });
  });

  it('takes an answer whose Content-Length is in even when the server keeps the connection open', async () => {
    const lingering = await rawServer((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 11\r\nConnection: keep-alive\r\n\r\n{"ok":true}'));
    // Without reading to the Content-Length this would end in ETIMEDOUT (the server never closes).
    assert.deepEqual(await postJson(new URL(lingering), '{}', {}, 30_000), { status: 200, text: '{"ok":true}' });
    const split = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-');
      setTimeout(() => socket.write('Length: 4\r\n\r\nab'), 20);
      setTimeout(() => socket.write('cd'), 40);
    });
    assert.deepEqual(await postJson(new URL(split), '{}', {}, 10_000), { status: 200, text: 'abcd' });
  });

  it('fails with a code on what is not an answer: not HTTP, cut off, refused, silent, closed', async () => {
    const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e: { code?: string }) => e.code);
    assert.equal(await code(postJson(new URL(await rawServer('SSH-2.0-OpenSSH\r\n\r\n')), '{}', {}, 5000)), 'EBADRESPONSE');
    assert.equal(await code(postJson(new URL(await rawServer('HTTP/1.1 200 OK\r\nContent-Le')), '{}', {}, 5000)), 'EBADRESPONSE');
    assert.equal(await code(postJson(new URL(await rawServer('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')), '{}', {}, 5000)), 'EBADRESPONSE');
    assert.equal(await code(postJson(new URL(await rawServer('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nshort')), '{}', {}, 5000)), 'EBADRESPONSE');
    assert.equal(await code(postJson(new URL(await rawServer(() => {})), '{}', {}, 200)), 'ETIMEDOUT');
    assert.equal(await code(postJson(new URL(await rawServer((s) => s.destroy())), '{}', {}, 5000)), 'EBADRESPONSE');
    const closed = createNetServer();
    const port = (await listen(closed)).split(':').pop();
    await new Promise((r) => closed.close(r));
    assert.equal(await code(postJson(new URL(`http://127.0.0.1:${port}/`), '{}', {}, 5000)), 'ECONNREFUSED');
    assert.equal(await code(postJson(new URL('ftp://127.0.0.1/'), '{}', {}, 5000)), 'EPROTO');
  });

  it('refuses a header value that would split the request (CR, LF, other controls, beyond Latin-1), sending nothing', async () => {
    let connections = 0;
    const base = await listen(createNetServer((s) => (connections++, s.destroy())));
    for (const bad of ['k\r\nX-Injected: 1', 'k\nx', 'k\u0000', 'k\u2028']) {
      await assert.rejects(postJson(new URL(base), '{}', { Authorization: `Bearer ${bad}` }, 5000), (e: { code?: string; message: string }) => e.code === 'EINVALIDHEADER' && /Authorization/.test(e.message));
    }
    assert.equal(connections, 0);
  });

  it('parseResponse takes the body by Content-Length, or to the end without one', () => {
    assert.deepEqual(parseResponse(Buffer.from('HTTP/1.1 204 No Content\r\n\r\n')), { status: 204, text: '' });
    assert.deepEqual(parseResponse(Buffer.from('HTTP/1.1 200 OK\r\nServer: x\r\n\r\nall of it')), { status: 200, text: 'all of it' });
  });
});
