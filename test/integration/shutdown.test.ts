// Graceful shutdown, against the real server process: SIGTERM while a long-poll, an event stream,
// a hook call and an MCP wait_for_approval are open. Each must get an answer that tells the client
// to come back (503 SHUTTING_DOWN with Retry-After, a `shutdown` event, the host's deny, an MCP
// error result), the process must exit within the grace period, and a request filed just before
// the signal must be there after a restart.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as connectTcp, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startCli, type CliProcess } from '../cli/cli-helpers.js';

const AGENT = 'agent-key-shutdown-0123456789';
const APPROVER = 'approver-key-shutdown-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'greenlight-shutdown-'));
const config = join(dir, 'greenlight.yaml');
writeFileSync(config, `agents:\n  - name: laptop\n    key: ${AGENT}\napprovers:\n  - name: alice\n    key: ${APPROVER}\nadmins:\n  - name: root\n    key: admin-key-shutdown-0123456789\n`);
const running: CliProcess[] = [];
const sockets: Socket[] = [];
after(async () => {
  for (const s of sockets) s.destroy();
  for (const p of running) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function serve(graceSec: number, data = join(dir, 'data')): Promise<{ p: CliProcess; url: string }> {
  const p = startCli(['serve', '--config', config, '--data-dir', data, '--port', '0', '--shutdown-grace-sec', String(graceSec), '--log-level', 'warn']);
  running.push(p);
  const [, url] = await p.waitFor(/Greenlight is running at (http:\/\/\S+)\n/);
  return { p, url };
}

const call = async (url: string, method: string, path: string, body?: unknown, key = AGENT) => {
  const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
};

const file = (url: string, title: string) => call(url, 'POST', '/v1/requests', { title, action_type: 'deploy', preview: `kubectl apply -f ${title}.yaml` });

/** Resolves once the server's greenlight_waiters gauge reaches `n`, read from /metrics. */
async function waiters(url: string, n: number): Promise<void> {
  for (;;) {
    const text = await (await fetch(`${url}/metrics`)).text();
    const m = /^greenlight_waiters (\d+)/m.exec(text);
    if (m && Number(m[1]) >= n) return;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** One raw HTTP response (headers and a Content-Length body); rejects if the connection ends first. */
function readResponse(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (d: Buffer) => {
      text += d.toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      const length = Number(/\r\ncontent-length: (\d+)/i.exec(text)?.[1]);
      if (end >= 0 && Buffer.byteLength(text.slice(end + 4)) >= length) done(() => resolve(text));
    };
    const onEnd = (err?: Error) => done(() => reject(new Error(`the connection ended before a whole response (${err?.message ?? 'closed'}):\n${text}`)));
    const done = (fn: () => void) => {
      socket.off('data', onData).off('close', onEnd).off('error', onEnd);
      fn();
    };
    socket.on('data', onData).on('close', onEnd).on('error', onEnd);
  });
}

function exitOf(p: CliProcess): Promise<{ code: number | null; at: number }> {
  return new Promise((resolve) => {
    if (p.child.exitCode !== null) return resolve({ code: p.child.exitCode, at: Date.now() });
    p.child.once('exit', (code) => resolve({ code, at: Date.now() }));
  });
}

describe('SIGTERM shuts down gracefully', { timeout: 120_000 }, () => {
  it('answers a long-poll, an event stream, a hook call and an MCP wait, exits within the grace period, and keeps what was filed', async () => {
    const { p, url } = await serve(8);
    const waited = await file(url, 'waited-on');
    assert.equal(waited.status, 201, JSON.stringify(waited.body));
    const id = waited.body.id as string;

    // The long-poll.
    const longPoll = fetch(`${url}/v1/requests/${id}/wait?timeout_sec=120`, { headers: { authorization: `Bearer ${AGENT}` } });
    // A second event stream, on a keep-alive connection its client never closes: once the stream
    // has ended the connection is idle, and the shutdown must close it rather than wait for the
    // client to let go (undici waits 4 s, others longer) or for the grace period to end.
    const keptAlive = connectTcp(Number(new URL(url).port), '127.0.0.1');
    sockets.push(keptAlive);
    await new Promise<void>((r) => keptAlive.once('connect', () => r()));
    keptAlive.write(`GET /v1/events?request_id=${id} HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\nAccept: text/event-stream\r\nAuthorization: Bearer ${AGENT}\r\n\r\n`);
    let keptAliveText = '';
    let streamEndedAt = 0;
    keptAlive.on('data', (d: Buffer) => {
      keptAliveText += d.toString('utf8');
      if (keptAliveText.endsWith('\r\n0\r\n\r\n')) streamEndedAt = Date.now();
    });
    const keptAliveClosed = new Promise<number>((r) => keptAlive.once('close', () => r(Date.now())));
    // The event stream, read until it ends.
    const sse = await fetch(`${url}/v1/events?request_id=${id}`, { headers: { authorization: `Bearer ${AGENT}`, accept: 'text/event-stream' } });
    assert.equal(sse.status, 200);
    const sseText = (async () => {
      let text = '';
      const decoder = new TextDecoder();
      for await (const chunk of sse.body as unknown as AsyncIterable<Uint8Array>) text += decoder.decode(chunk, { stream: true });
      return text;
    })();
    // The hook call: a command no rule covers waits for a human.
    const hook = fetch(`${url}/v1/hooks/claude-code?wait_sec=120`, {
      method: 'POST',
      headers: { authorization: `Bearer ${AGENT}`, 'content-type': 'application/json' },
      body: JSON.stringify({ session_id: 's1', transcript_path: '/tmp/t.jsonl', cwd: '/tmp/project', permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'make deploy' }, tool_use_id: 'toolu_1' }),
    });
    // The MCP client, waiting on the same request.
    const mcp = new Client({ name: 'shutdown-test', version: '1' });
    await mcp.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${AGENT}` } } }));
    const mcpWait = mcp.callTool({ name: 'wait_for_approval', arguments: { approval_id: id, max_wait: 120 } });

    await waiters(url, 5); // long-poll, two event streams, hook, MCP
    const lastMoment = await file(url, 'filed-just-before');
    assert.equal(lastMoment.status, 201);

    const exited = exitOf(p);
    const sentAt = Date.now();
    p.child.kill('SIGTERM');

    const polled = await longPoll;
    assert.equal(polled.status, 503);
    assert.equal(polled.headers.get('retry-after'), '2');
    const pollBody = (await polled.json()) as any;
    assert.equal(pollBody.error.code, 'SHUTTING_DOWN');
    assert.equal(pollBody.error.details.request_id, id);
    assert.match(pollBody.error.message, new RegExp(`Request ${id} is saved and still pending`));

    const closedAt = await keptAliveClosed;
    assert.match(keptAliveText, /event: shutdown[\s\S]*\r\n0\r\n\r\n$/, 'the stream ended cleanly before the server closed the idle connection');
    // Not left to the server's 5 s keep-alive timeout: closed as soon as it turned idle.
    assert.ok(closedAt - streamEndedAt < 2_500, `the idle connection was closed ${closedAt - streamEndedAt} ms after its stream ended`);

    const events = await sseText;
    assert.match(events, /event: ready/);
    assert.match(events, /event: shutdown\ndata: \{[^\n]*"retry_after_sec":2[^\n]*\}\nretry: 2000\n\n$|event: shutdown\nretry: 2000\ndata: /);

    const hooked = await hook;
    assert.equal(hooked.status, 200, 'the hook answers in the host format');
    const hookOut = (await hooked.json()) as any;
    assert.equal(hookOut.hookSpecificOutput.permissionDecision, 'deny');
    assert.match(hookOut.hookSpecificOutput.permissionDecisionReason, /shutting down/);

    const tool = (await mcpWait) as { isError?: boolean; content: { text: string }[] };
    assert.equal(tool.isError, true);
    assert.match(tool.content[0].text, /SHUTTING_DOWN: Greenlight is shutting down/);
    await mcp.close().catch(() => {});

    const { code, at } = await exited;
    assert.equal(code, 0, p.stderr());
    assert.ok(at - sentAt < 8_000, `exited ${at - sentAt} ms after SIGTERM; the grace period is 8 s`);
    assert.match(p.stdout(), /SIGTERM: shutting down[\s\S]*Greenlight stopped\./);
    assert.doesNotMatch(p.stderr(), /were cut/, 'no connection had to be cut: idle ones were closed as they turned idle');

    // Durable: both requests are there, still pending, after a restart.
    const again = await serve(8);
    for (const r of [id, lastMoment.body.id as string]) {
      const got = await call(again.url, 'GET', `/v1/requests/${r}`);
      assert.equal(got.status, 200);
      assert.equal(got.body.status, 'pending');
    }
    again.p.child.kill('SIGTERM');
    assert.equal((await exitOf(again.p)).code, 0);
  });

  it('cuts a connection that is still busy when the grace period ends, and exits then', async () => {
    const { p, url } = await serve(1, join(dir, 'data-2'));
    // A chunked body that never ends: the server is mid-request, reading it.
    const socket = connectTcp(Number(new URL(url).port), '127.0.0.1');
    sockets.push(socket);
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.write(`POST /v1/requests HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${AGENT}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n9\r\n{"title":\r\n`);
    let cut = false;
    socket.on('close', () => (cut = true));
    socket.on('error', () => {});
    await new Promise((r) => setTimeout(r, 200));
    const exited = exitOf(p);
    const sentAt = Date.now();
    p.child.kill('SIGTERM');
    const { code, at } = await exited;
    assert.equal(code, 0, p.stderr());
    assert.ok(at - sentAt >= 900, `waited for the busy connection (${at - sentAt} ms)`);
    assert.ok(at - sentAt < 4_000, `exited ${at - sentAt} ms after SIGTERM; the grace period is 1 s`);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(cut, true);
  });

  it('refuses work that arrives during the shutdown: 503 SHUTTING_DOWN with Retry-After and Connection: close', async () => {
    const { p, url } = await serve(3, join(dir, 'data-3'));
    // A create whose body is still on its way when the signal comes.
    const socket = connectTcp(Number(new URL(url).port), '127.0.0.1');
    sockets.push(socket);
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.write(`POST /v1/requests HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${AGENT}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n`);
    const response = readResponse(socket);
    await new Promise((r) => setTimeout(r, 200));
    const exited = exitOf(p);
    p.child.kill('SIGTERM');
    await p.waitFor(/SIGTERM: shutting down/);
    const rest = '"title":"too late","action_type":"deploy","preview":"x"}';
    socket.write(`${rest.length.toString(16)}\r\n${rest}\r\n0\r\n\r\n`);
    const refused = await response;
    assert.match(refused, /^HTTP\/1\.1 503/);
    assert.match(refused, /\r\nretry-after: 2\r\n/i);
    assert.match(refused, /\r\nconnection: close\r\n/i);
    assert.match(refused, /"code":"SHUTTING_DOWN"/);
    assert.equal((await exited).code, 0);
    await assert.rejects(fetch(`${url}/health`), 'no new connection is accepted once it has shut down');
  });
});
