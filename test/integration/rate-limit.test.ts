import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/harness.js';

describe('per-key rate limit', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ rate_limit: { per_minute: 60, burst: 5 } });
  });
  after(async () => s.stop());

  it('answers 429 with Retry-After once a key spends its burst, and other keys are not affected', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await s.call('agent', 'GET', '/v1/requests')).status);
    assert.deepEqual(statuses.slice(0, 5), [200, 200, 200, 200, 200]);
    const limited = await s.call('agent', 'GET', '/v1/requests');
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error.code, 'RATE_LIMITED');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.equal((await s.call('approver', 'GET', '/v1/requests')).status, 200);
  });
});
