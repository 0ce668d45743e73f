// Persist, then notify: a pending request survives `kill -9` of the server process, and a waiter
// on the restarted server gets the decision.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';

const ROOT = resolve(import.meta.dirname, '../../..');
const AGENT = 'restart-agent-key-0123456789';
const APPROVER = 'restart-approver-key-012345678';

function startChild(configPath: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/greenlight.js'), 'serve', '--config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolveStart, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) {
        child.stdout!.off('data', onData);
        resolveStart({ child, url: m[1] });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening:\n${out}`)));
  });
}

const api = async (url: string, key: string, method: string, path: string, body?: unknown) => {
  const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
};

describe('restart after kill -9', () => {
  const dir = mkdtempSync(join(tmpdir(), 'greenlight-restart-'));
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the pending request, then the waiter on the new process gets the decision', async () => {
    const configPath = join(dir, 'greenlight.yaml');
    writeFileSync(
      configPath,
      [
        'server: { host: 127.0.0.1, port: 0 }',
        `data_dir: ${JSON.stringify(join(dir, 'data'))}`,
        'log: { level: warn }',
        `agents: [{ name: bot, key: ${AGENT} }]`,
        `approvers: [{ name: alice, key: ${APPROVER} }]`,
        'admins: [{ name: root, key: restart-admin-key-0123456789 }]',
      ].join('\n'),
    );
    const first = await startChild(configPath);
    children.push(first.child);
    const created = await api(first.url, AGENT, 'POST', '/v1/requests', { title: 'survive a crash', expires_in_sec: 600 });
    assert.equal(created.status, 201);

    const exited = new Promise((r) => first.child.once('exit', r));
    first.child.kill('SIGKILL');
    await exited;

    const second = await startChild(configPath);
    children.push(second.child);
    const again = await api(second.url, AGENT, 'GET', `/v1/requests/${created.body.id}`);
    assert.equal(again.status, 200);
    assert.equal(again.body.status, 'pending');

    const waiting = api(second.url, AGENT, 'GET', `/v1/requests/${created.body.id}/wait?timeout_sec=60`);
    // Decide only once the server reports the waiter as registered.
    while (!/^greenlight_waiters 1$/m.test(await (await fetch(`${second.url}/metrics`)).text())) await new Promise((r) => setTimeout(r, 10));
    const decided = await api(second.url, APPROVER, 'POST', `/v1/requests/${created.body.id}/decision`, { outcome: 'approved' });
    assert.equal(decided.status, 200);
    const result = await waiting;
    assert.equal(result.body.status, 'approved');
    assert.equal(result.body.decision.decided_by, 'alice');
  });
});
