// The command hook as hosts run it: a process reading stdin, printing the host's output. Fails
// closed when the gate cannot be asked, saying what to fix.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KEYS, type TestServer } from '../helpers/harness.js';
import { claudePermission, claudePre, HOOK, OLD_HOOK, runHookProcess, startHookServer } from './helpers.js';

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('greenlight hook (command)', () => {
  let s: TestServer;
  before(async () => {
    s = await startHookServer();
  });
  after(() => s.stop());

  it('runs as hooks installed by older versions run it (dist/src/cli/hook.js)', async () => {
    const r = await runHookProcess('claude-code', claudePre('Bash', { command: 'git status' }), { GREENLIGHT_URL: s.url, GREENLIGHT_KEY: KEYS.agent }, OLD_HOOK);
    assert.equal(r.code, 0);
    assert.equal(r.out.hookSpecificOutput.permissionDecision, 'allow');
  });

  it('forwards a policy-allowed call and prints the allow', async () => {
    const r = await runHookProcess('claude-code', claudePre('Bash', { command: 'git status' }), { GREENLIGHT_URL: s.url, GREENLIGHT_KEY: KEYS.agent });
    assert.equal(r.code, 0);
    assert.equal(r.out.hookSpecificOutput.permissionDecision, 'allow');
  });

  it('is one file that needs only Node itself: a copy alone in a directory asks the gate and checks the receipt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'greenlight-hook-alone-'));
    try {
      const alone = join(dir, 'command-hook.cjs');
      copyFileSync(HOOK, alone);
      const env = { GREENLIGHT_URL: s.url, GREENLIGHT_KEY: KEYS.agent };
      const r = await runHookProcess('claude-code', claudePre('Bash', { command: 'git status' }), env, alone);
      assert.equal(r.out.hookSpecificOutput.permissionDecision, 'allow', r.stderr);
      assert.match(r.out.hookSpecificOutput.permissionDecisionReason, /receipt: action sha256 [0-9a-f]{16}/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes an answer larger than a pipe holds in full before it exits', async () => {
    const reason = `Greenlight: ${'x'.repeat(300_000)}`;
    const big = createHttpServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: reason } })));
    });
    await new Promise<void>((r) => big.listen(0, '127.0.0.1', () => r()));
    try {
      const r = await runHookProcess('codex', claudePre('Bash', { command: 'git status' }), { GREENLIGHT_URL: `http://127.0.0.1:${(big.address() as { port: number }).port}`, GREENLIGHT_KEY: KEYS.agent });
      assert.equal(r.code, 0);
      assert.equal(r.out.hookSpecificOutput.permissionDecisionReason, reason);
    } finally {
      big.close();
    }
  });

  it('speaks https: checks the certificate and the name in it, and denies when either is wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'greenlight-hook-tls-'));
    const cert = (name: string, san: string) => {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', `/CN=${name}`, '-addext', `subjectAltName=${san}`, '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.pem`)], { stdio: 'ignore' });
      return { key: readFileSync(join(dir, `${name}.key`)), cert: readFileSync(join(dir, `${name}.pem`)), file: join(dir, `${name}.pem`) };
    };
    const allow: RequestListener = (req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'allow', permissionDecisionReason: `over tls to ${req.url}` } })));
    };
    const serve = async (tls: { key: Buffer; cert: Buffer }) => {
      const server = createHttpsServer(tls, allow);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      return { server, url: `https://127.0.0.1:${(server.address() as { port: number }).port}` };
    };
    const right = cert('gate-ip', 'IP:127.0.0.1');
    const wrongName = cert('gate-elsewhere', 'DNS:gate.example');
    const a = await serve(right);
    const b = await serve(wrongName);
    try {
      const payload = claudePre('Bash', { command: 'git status' });
      const trusted = await runHookProcess('codex', payload, { GREENLIGHT_URL: a.url, GREENLIGHT_KEY: KEYS.agent, NODE_EXTRA_CA_CERTS: right.file });
      assert.equal(trusted.out.hookSpecificOutput.permissionDecision, 'allow', JSON.stringify(trusted.out));
      assert.match(trusted.out.hookSpecificOutput.permissionDecisionReason, /over tls to \/v1\/hooks\/codex\?wait_sec=/);
      const untrusted = await runHookProcess('codex', payload, { GREENLIGHT_URL: a.url, GREENLIGHT_KEY: KEYS.agent });
      assert.equal(untrusted.out.hookSpecificOutput.permissionDecision, 'deny');
      assert.match(untrusted.out.hookSpecificOutput.permissionDecisionReason, /cannot reach the gate at https:\/\/127\.0\.0\.1:\d+ \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)/);
      const misnamed = await runHookProcess('codex', payload, { GREENLIGHT_URL: b.url, GREENLIGHT_KEY: KEYS.agent, NODE_EXTRA_CA_CERTS: wrongName.file });
      assert.equal(misnamed.out.hookSpecificOutput.permissionDecision, 'deny');
      assert.match(misnamed.out.hookSpecificOutput.permissionDecisionReason, /\(ERR_TLS_CERT_ALTNAME_INVALID\)/);
    } finally {
      a.server.close();
      b.server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a key with CR/LF, spaces, controls or non-ASCII is refused before anything is sent, saying so', async () => {
    let requests = 0;
    const counter = createHttpServer((_req, res) => {
      requests++;
      res.end('{}');
    });
    await new Promise<void>((r) => counter.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(counter.address() as { port: number }).port}`;
      for (const key of [`${KEYS.agent}\r\nX-Injected: 1`, `${KEYS.agent} `, `${KEYS.agent}\u0007`, `${KEYS.agent}\u202e`, 'ключ']) {
        const r = await runHookProcess('claude-code', claudePre('Bash', { command: 'git status' }), { GREENLIGHT_URL: url, GREENLIGHT_KEY: key });
        assert.equal(r.out.hookSpecificOutput.permissionDecision, 'deny', JSON.stringify(key));
        assert.match(r.out.hookSpecificOutput.permissionDecisionReason, /GREENLIGHT_KEY holds characters no key has/);
      }
      assert.equal(requests, 0);
    } finally {
      counter.close();
    }
  });

  it('honours GREENLIGHT_HOOK_WAIT_SEC: a pending call comes back as a retry-later deny', async () => {
    const r = await runHookProcess('claude-code', claudePre('Bash', { command: 'make deploy-cmd' }), { GREENLIGHT_URL: s.url, GREENLIGHT_KEY: KEYS.agent, GREENLIGHT_HOOK_WAIT_SEC: '0' });
    assert.equal(r.out.hookSpecificOutput.permissionDecision, 'deny');
    assert.match(r.out.hookSpecificOutput.permissionDecisionReason, /retry the same action later/);
  });

  it('gate unreachable: deny that names the URL; GREENLIGHT_ON_ERROR=ask asks instead; never allow', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const r = await runHookProcess('claude-code', claudePre('Bash', { command: 'git status' }), { GREENLIGHT_URL: url, GREENLIGHT_KEY: KEYS.agent });
    assert.equal(r.code, 0);
    assert.equal(r.out.hookSpecificOutput.permissionDecision, 'deny');
    assert.match(r.out.hookSpecificOutput.permissionDecisionReason, /cannot reach the gate at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    const ask = await runHookProcess('claude-code', claudePre('Bash', { command: 'git status' }), { GREENLIGHT_URL: url, GREENLIGHT_KEY: KEYS.agent, GREENLIGHT_ON_ERROR: 'ask' });
    assert.equal(ask.out.hookSpecificOutput.permissionDecision, 'ask');
    const perm = await runHookProcess('claude-code', claudePermission('Bash', { command: 'ls' }), { GREENLIGHT_URL: url, GREENLIGHT_KEY: KEYS.agent });
    assert.equal(perm.out.hookSpecificOutput.decision.behavior, 'deny');
  });

  it('missing URL or key, or a bad key: a deny that says what to set', async () => {
    const noUrl = await runHookProcess('claude-code', claudePre('Bash', { command: 'ls' }), { GREENLIGHT_KEY: KEYS.agent });
    assert.match(noUrl.out.hookSpecificOutput.permissionDecisionReason, /GREENLIGHT_URL is not set/);
    const noKey = await runHookProcess('claude-code', claudePre('Bash', { command: 'ls' }), { GREENLIGHT_URL: s.url });
    assert.match(noKey.out.hookSpecificOutput.permissionDecisionReason, /GREENLIGHT_KEY is not set/);
    const bad = await runHookProcess('claude-code', claudePre('Bash', { command: 'git status' }), { GREENLIGHT_URL: s.url, GREENLIGHT_KEY: 'nope-nope-nope-nope-nope' });
    assert.equal(bad.out.hookSpecificOutput.permissionDecision, 'deny');
    assert.match(bad.out.hookSpecificOutput.permissionDecisionReason, /GREENLIGHT_KEY/);
  });

  it('other hosts fail closed in their own shapes', async () => {
    const env = { GREENLIGHT_URL: 'http://127.0.0.1:1', GREENLIGHT_KEY: KEYS.agent };
    assert.equal((await runHookProcess('cursor', { hook_event_name: 'beforeShellExecution', command: 'ls' }, env)).out.permission, 'deny');
    assert.equal((await runHookProcess('gemini', { hook_event_name: 'BeforeTool', tool_name: 'run_shell_command', tool_input: { command: 'ls' } }, env)).out.decision, 'deny');
    assert.equal((await runHookProcess('codex', { hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'ls' } }, { ...env, GREENLIGHT_ON_ERROR: 'ask' })).out.hookSpecificOutput.permissionDecision, 'deny');
  });
});
