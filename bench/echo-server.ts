// The references the speed budgets are written against: a bare `node:http` server and a bare Hono
// app on @hono/node-server (the stack Greenlight runs on), each answering every request with a
// small JSON body. POST bodies are read in full and sent back, so a POST reference pays for
// reading what Greenlight must read. Run in its own process; prints `listening <port>`.
// Usage: node dist/bench/echo-server.js node|hono
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const kind = process.argv[2];
const OK = '{"status":"ok"}\n';

function announce(server: http.Server): void {
  server.once('listening', () => process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`));
}

if (kind === 'node') {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = req.method === 'POST' ? `${Buffer.concat(chunks).toString('utf8')}\n` : OK;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  announce(server);
  server.listen(0, '127.0.0.1');
} else if (kind === 'hono') {
  const app = new Hono();
  app.get('*', (c) => c.body(OK, 200, { 'content-type': 'application/json' }));
  app.post('*', async (c) => c.body(`${await c.req.text()}\n`, 200, { 'content-type': 'application/json' }));
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }) as http.Server;
  announce(server);
} else {
  process.stderr.write('usage: echo-server.js node|hono\n');
  process.exitCode = 2;
}
