// SIGTERM to one of two instances on PostgreSQL, behind a loopback balancer: the stopping
// instance answers its waiters 503 SHUTTING_DOWN with Retry-After, reports `draining` on /ready,
// and hands the leader's work to the other instance at once (while it is still draining, not when
// it exits); the client's retry goes through the balancer to the other instance, and the decision
// made there wakes it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createClient } from '../../src/client/index.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { KEYS, baseYaml, startInstances, until, type Instance } from './instances.js';

const GRACE_SEC = 8;
let pg: TestPostgres;
let nodes: Instance[] = [];
let balancer: { url: string; close(): Promise<void> };
const held: Socket[] = [];
const dir = mkdtempSync(join(tmpdir(), 'greenlight-sigterm-'));

before(async () => {
  pg = await startPostgres();
  const yaml = baseYaml().map((l) => (l.startsWith('server:') ? `server: { host: 127.0.0.1, port: 0, shutdown_grace_sec: ${GRACE_SEC} }` : l));
  nodes = await startInstances(2, dir, await pg.createDatabase('sigterm'), yaml);
  balancer = await startBalancer(nodes.map((n) => n.url));
});

after(async () => {
  for (const s of held) s.destroy();
  for (const n of nodes) await n.kill('SIGKILL');
  await balancer?.close();
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A load balancer in its simplest form: each request goes to the first upstream that accepts the
 * connection (a fresh one per request, as a balancer's health-checked pool would pick).
 */
async function startBalancer(upstreams: string[]): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const attempt = (i: number) => {
        if (i >= upstreams.length) {
          res.writeHead(502).end();
          return;
        }
        const up = http.request(upstreams[i] + req.url, { method: req.method, headers: req.headers, agent: false }, (upRes) => {
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
        });
        up.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNREFUSED' && !res.headersSent ? attempt(i + 1) : res.destroy()));
        up.end(body);
      };
      attempt(0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A connection with a request whose headers are not finished: it keeps the instance draining until they are. */
async function halfSentRequest(url: string, firstLines: string): Promise<{ finish(): Promise<string> }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  held.push(socket);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.write(firstLines);
  let text = '';
  const ended = new Promise<string>((resolve) => {
    socket.on('data', (d: Buffer) => (text += d.toString('utf8')));
    socket.on('close', () => resolve(text));
  });
  return {
    finish() {
      socket.write('\r\n');
      return ended;
    },
  };
}

describe('SIGTERM to one instance of two', { timeout: 90_000 }, () => {
  it('answers its waiters 503, hands the leader lock over while draining, and the retried waiter is woken on the other instance', async () => {
    const [A, B] = nodes;
    await until(async () => (await A.metric('greenlight_leader')) === 1, 'A, started first, to lead', 10_000);
    assert.equal(await B.metric('greenlight_leader'), 0);

    const client = createClient({ url: balancer.url, key: KEYS.agent });
    const filed = await client.request({ title: 'rolling deploy', action_type: 'deploy', preview: 'kubectl rollout restart deploy/api' });
    // Two waiters on A: a bare long-poll, to see the answer itself, and the client, through the balancer.
    const bare = fetch(`${A.url}/v1/requests/${filed.id}/wait?timeout_sec=60`, { headers: { authorization: `Bearer ${KEYS.agent}` } });
    let settled = false;
    const waiting = client.waitForDecision(filed.id, { timeoutSec: 60 }).finally(() => (settled = true));
    waiting.catch(() => {}); // awaited below; a failure before that is reported there, not as an unhandled rejection
    await until(async () => (await A.metric('greenlight_waiters')) >= 2, 'both waiters on A', 10_000);
    // An unfinished /ready request keeps A draining (up to its grace period) and asks it once it is.
    const ready = await halfSentRequest(A.url, 'GET /ready HTTP/1.1\r\nHost: a\r\n');

    const exited = new Promise<number | null>((resolve) => A.child.once('exit', (code) => resolve(code)));
    A.child.kill('SIGTERM');

    const answered = await bare;
    assert.equal(answered.status, 503);
    assert.equal(answered.headers.get('retry-after'), '2');
    assert.equal(((await answered.json()) as any).error.code, 'SHUTTING_DOWN');

    // B leads while A still drains: A released the lock at the start of its shutdown, not at exit.
    await until(async () => (await B.metric('greenlight_leader')) === 1, 'B to take the leader lock', 5_000);
    assert.equal(A.dead(), false, 'A is still draining when B leads');

    // The client waited out Retry-After; its retry went through the balancer to B.
    await until(async () => (await B.metric('greenlight_waiters')) >= 1, 'the retried wait on B', 10_000);
    assert.equal(settled, false, 'the wait went on through the shutdown');

    const report = await ready.finish();
    assert.match(report, /^HTTP\/1\.1 503 /, report);
    assert.match(report, /"draining":"shutting down"/, report);
    assert.match(report, /"events":"closed \(shutting down\)"/, report);
    assert.equal(await exited, 0, A.output());
    assert.match(A.output(), /Greenlight stopped\./);

    const decided = await B.call(KEYS.approver, 'POST', `/v1/requests/${filed.id}/decision`, { outcome: 'approved', comment: 'decided on B' });
    assert.equal(decided.status, 200, decided.text);
    const result = await waiting;
    assert.equal(result.status, 'approved');
    assert.equal(result.decision?.comment, 'decided on B');
  });
});
