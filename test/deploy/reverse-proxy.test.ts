// examples/reverse-proxy/Caddyfile, run by a real Caddy in front of a real Greenlight: HTTPS with
// a certificate from Caddy's own CA (what `localhost` gets; a public name gets Let's Encrypt's),
// server-sent events that arrive while the stream stays open, a full approval round trip with the
// long-poll wait, the dashboard's session cookie marked Secure because the proxy says https, and
// a dead instance among the upstreams that costs no request. The test wraps the example in the
// global options a test needs (no admin endpoint, free ports, storage in a temp dir) and imports
// it unchanged.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO, cleanEnv, startCli, type CliProcess } from '../cli/cli-helpers.js';
import { freeLoopbackPort } from '../helpers/net.js';
import { eventually } from '../telegram/emulator.js';
import { approvalRoundTrip, fetchCall, type Call, type Reply } from './round-trip.js';
import { start, systemTool, type LongRunning } from './tools.js';

const dir = mkdtempSync(join(tmpdir(), 'greenlight-proxy-'));
let server: CliProcess;
let caddy: LongRunning;
let direct = '';
let adminKey = '';
let base: URL;
let ca: Buffer;

/** One HTTPS request through the proxy, trusting only Caddy's local CA. */
function httpsRequest(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(path, base), { method, headers, ca, timeout: 60_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => {
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : null;
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, headers: res.headers as Record<string, string> });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 60 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

const call: Call = (method, path, key, body) =>
  httpsRequest(method, path, { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body === undefined ? undefined : JSON.stringify(body));

before(async () => {
  const caddyBin = systemTool('caddy', 'caddy');
  const port = await freeLoopbackPort();
  server = startCli(['serve', '--port', String(port), '--data-dir', join(dir, 'data')]);
  const [, url] = await server.waitFor(/Greenlight is running at (http:\/\/\S+)\n/);
  direct = url;
  adminKey = /^ {4}(glx_\S+)\n/m.exec(server.stdout())![1];

  const [httpPort, httpsPort, deadPort] = [await freeLoopbackPort(), await freeLoopbackPort(), await freeLoopbackPort()];
  const caddyfile = join(dir, 'Caddyfile');
  writeFileSync(caddyfile, `{\n\tadmin off\n\thttp_port ${httpPort}\n\thttps_port ${httpsPort}\n\tskip_install_trust\n\tstorage file_system ${join(dir, 'caddy')}\n}\nimport ${join(REPO, 'examples', 'reverse-proxy', 'Caddyfile')}\n`);
  // A second upstream where nothing listens: an instance that died.
  const env = cleanEnv({ HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: join(dir, 'share'), DOMAIN: 'localhost', UPSTREAMS: `127.0.0.1:${port} 127.0.0.1:${deadPort}` });
  caddy = start(caddyBin, ['run', '--config', caddyfile, '--adapter', 'caddyfile'], { cwd: dir, env });
  base = new URL(`https://localhost:${httpsPort}`);
  const root = join(dir, 'caddy', 'pki', 'authorities', 'local', 'root.crt');
  await eventually(() => existsSync(root), `Caddy's local CA at ${root}\n${caddy.output()}`, 30_000);
  // Read again on every try: Caddy may still be writing the file when it first appears.
  await eventually(
    async () => {
      ca = readFileSync(root);
      return (await call('GET', '/health', null)).status === 200;
    },
    `https://localhost:${httpsPort}/health through Caddy\n${caddy.output()}`,
    30_000,
  );
});

after(async () => {
  caddy?.kill();
  await caddy?.exited;
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('examples/reverse-proxy/Caddyfile in front of Greenlight', { timeout: 60_000 }, () => {
  it('streams server-sent events: the event for a new request arrives while the stream stays open', async () => {
    const agent = await call('POST', '/v1/keys', adminKey, { role: 'agent', name: 'sse-agent' });
    const req = https.get(new URL('/v1/events', base), { ca, headers: { authorization: `Bearer ${adminKey}`, accept: 'text/event-stream' } });
    try {
      // A proxy that buffers the response never sends even the headers of a stream that stays open.
      const stream = await new Promise<IncomingMessage>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the event stream did not start through the proxy within 10 s (is the proxy buffering responses?)')), 10_000);
        req.on('response', (res) => (clearTimeout(timer), resolve(res))).on('error', reject);
      });
      assert.equal(stream.statusCode, 200);
      assert.match(String(stream.headers['content-type']), /^text\/event-stream/);
      const events: string[] = [];
      let buffer = '';
      stream.setEncoding('utf8').on('data', (d: string) => {
        buffer += d;
        for (const [, name] of buffer.matchAll(/^event: ?(\S+)$/gm)) if (!events.includes(name)) events.push(name);
      });
      /** Resolves once the stream has carried an event of this name; fails after 10 s. */
      const seen = (name: string) =>
        new Promise<void>((resolve, reject) => {
          const check = () => {
            if (!events.includes(name)) return;
            clearTimeout(timer);
            stream.off('data', check);
            resolve();
          };
          const timer = setTimeout(() => {
            stream.off('data', check);
            reject(new Error(`no "${name}" event through the proxy within 10 s; got: ${events.join(', ')}`));
          }, 10_000);
          stream.on('data', check);
          check();
        });
      await seen('ready');
      const filed = await call('POST', '/v1/requests', agent.body.key, { title: 'Restart the cache', action_type: 'deploy' });
      assert.equal(filed.status, 201);
      await seen('request.created');
      assert.equal(stream.complete, false, 'the stream is still open: the event was not held back until it ended');
    } finally {
      req.destroy();
    }
  });

  it('carries a full approval round trip, the long-poll wait included', async () => {
    await approvalRoundTrip(call, adminKey, 'proxy');
  });

  it('tells Greenlight the request came over https: the dashboard session cookie is Secure (and is not, asked directly over http)', async () => {
    const signIn = (send: (body: string, origin: string) => Promise<Reply>, origin: string) => send(JSON.stringify({ key: adminKey }), origin);
    const viaProxy = await signIn((body, origin) => httpsRequest('POST', '/auth/login', { 'content-type': 'application/json', origin }, body), base.origin);
    assert.equal(viaProxy.status, 200, JSON.stringify(viaProxy.body));
    assert.match(String(viaProxy.headers['set-cookie']), /;\s*Secure/i);
    const plain = await fetch(`${direct}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: direct }, body: JSON.stringify({ key: adminKey }) });
    assert.equal(plain.status, 200);
    assert.doesNotMatch(String(plain.headers.get('set-cookie')), /;\s*Secure/i);
  });

  it('loses no request to an upstream that is down', async () => {
    for (let i = 0; i < 8; i++) assert.equal((await call('GET', '/v1/me', adminKey)).status, 200, `request ${i}`);
    assert.equal((await fetchCall(direct)('GET', '/v1/me', adminKey)).status, 200);
  });
});
