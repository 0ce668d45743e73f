// The client's wait outlives a server restart: the old server answers SHUTTING_DOWN (503 with
// Retry-After), the client waits as asked, rides out the refused connections while the next
// server starts on the same data and port, and gets the decision made there.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createClient } from '../../src/client/index.js';
import { KEYS, startTestServer, type TestServer } from '../helpers/harness.js';

const dirs: string[] = [];
const servers: TestServer[] = [];
after(async () => {
  for (const s of servers) await s.stop().catch(() => {});
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

for (const via of ['long-poll', 'sse'] as const) {
  describe(`waitForDecision (${via}) across a restart`, { timeout: 60_000 }, () => {
    it('keeps waiting through the shutdown and returns the decision the restarted server records', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'greenlight-restart-'));
      dirs.push(dataDir);
      const first = await startTestServer({}, { dataDir });
      const port = first.port;
      const client = createClient({ url: first.url, key: KEYS.agent });
      const filed = await client.request({ title: 'Deploy', action_type: 'deploy', preview: 'make deploy' });

      let settled = false;
      const waiting = client.waitForDecision(filed.id, { via, timeoutSec: 45 }).finally(() => (settled = true));
      while (first.events.waiterCount() === 0) await new Promise((r) => setTimeout(r, 10));
      await first.close();
      assert.equal(settled, false, 'the wait goes on after the old server said it is shutting down');

      const second = await startTestServer({ server: { host: '127.0.0.1', port } }, { dataDir });
      servers.push(second);
      while (second.events.waiterCount() === 0) await new Promise((r) => setTimeout(r, 20));
      const decided = await second.call('approver', 'POST', `/v1/requests/${filed.id}/decision`, { outcome: 'approved', comment: 'after the restart' });
      assert.equal(decided.status, 200, decided.text);
      const result = await waiting;
      assert.equal(result.status, 'approved');
      assert.equal(result.decision?.comment, 'after the restart');
    });
  });
}

describe('waitForDecision and a server that stays down', { timeout: 30_000 }, () => {
  it('gives up with the shutdown error once its own deadline is near', async () => {
    const s = await startTestServer();
    dirs.push(s.dataDir);
    const client = createClient({ url: s.url, key: KEYS.agent });
    const filed = await client.request({ title: 'Deploy', action_type: 'deploy', preview: 'make deploy' });
    const waiting = client.waitForDecision(filed.id, { timeoutSec: 2 });
    while (s.events.waiterCount() === 0) await new Promise((r) => setTimeout(r, 10));
    await s.close();
    await assert.rejects(waiting, (err: Error & { code?: string }) => err.code === 'SHUTTING_DOWN' || err.name === 'GreenlightNetworkError');
  });
});
