// Property-based fuzzing of every endpoint's body and query: hostile input yields 2xx/4xx, never
// a 500, and the server keeps serving.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { startTestServer, type Role, type TestServer } from '../helpers/harness.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 120);

const hostileString = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.constantFrom('<script>alert(1)</script>', '"; DROP TABLE requests; --', '\u0000\u202e\uffff', '../../etc/passwd', '%00', '{{7*7}}', '${jndi:ldap://x}', 'a'.repeat(600), '__proto__', 'constructor'),
);

const jsonish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    hostileString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(hostileString, fc.constantFrom('title', 'outcome', 'status', 'options', 'conditions_schema', 'priority', 'tags', '__proto__')), tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** Near-valid bodies reach deep validation paths. */
const createBody = fc.record(
  {
    title: fc.oneof(hostileString, fc.integer()),
    action_type: hostileString,
    preview: hostileString,
    priority: fc.oneof(fc.constantFrom('low', 'normal', 'high', 'critical'), hostileString),
    tags: fc.oneof(fc.array(hostileString, { maxLength: 60 }), jsonish),
    question: fc.oneof(jsonish, fc.record({ options: fc.array(hostileString, { maxLength: 30 }), multi_select: fc.boolean() })),
    conditions_schema: fc.oneof(jsonish, fc.array(fc.record({ name: hostileString, type: fc.constantFrom('text', 'number', 'boolean', 'select', 'date'), options: jsonish, required: jsonish }), { maxLength: 5 })),
    expires_in_sec: fc.oneof(fc.integer(), fc.double(), hostileString),
    callback_url: fc.oneof(fc.webUrl(), hostileString),
    input: jsonish,
    metadata: jsonish,
  },
  { requiredKeys: [] },
);

const decideBody = fc.record(
  {
    outcome: fc.oneof(fc.constantFrom('approved', 'denied', 'conditional', 'answered'), hostileString),
    scope: fc.oneof(fc.constantFrom('once', 'session', 'always'), hostileString),
    comment: fc.oneof(hostileString, jsonish),
    conditions: jsonish,
    answer: fc.oneof(hostileString, fc.array(hostileString), jsonish),
    updated_input: jsonish,
  },
  { requiredKeys: [] },
);

describe('fuzzing every endpoint', () => {
  let s: TestServer;
  let pendingId: string;
  before(async () => {
    s = await startTestServer({ rate_limit: { per_minute: 0 } });
    pendingId = (await s.call('agent', 'POST', '/v1/requests', { title: 'fuzz target', conditions_schema: [{ name: 'env', type: 'select', options: ['a', 'b'], required: true }], question: { options: ['x', 'y'], allow_free_text: true } })).body.id;
  });
  after(async () => s.stop());

  const never5xx = async (role: Role | null, method: string, path: string, body: unknown) => {
    const r = await s.call(role, method, path, typeof body === 'string' ? body : JSON.stringify(body));
    assert.ok(r.status < 500, `${method} ${path} → ${r.status}: ${r.text.slice(0, 300)}\nbody: ${JSON.stringify(body).slice(0, 300)}`);
    if (r.status >= 400) assert.ok(r.body?.error?.code, `error responses carry a code: ${r.text.slice(0, 200)}`);
  };

  const bodies = fc.oneof(jsonish, createBody, decideBody, fc.string({ maxLength: 200 }));

  it('POST /v1/requests', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(createBody, jsonish), (b) => never5xx('agent', 'POST', '/v1/requests', b)), { numRuns: RUNS });
  });

  it('POST /v1/requests/:id/decision', async () => {
    // Decisions on fresh requests so that valid ones succeed and invalid ones are refused.
    await fc.assert(
      fc.asyncProperty(decideBody, async (b) => {
        const id = (await s.call('agent', 'POST', '/v1/requests', { title: 'd', conditions_schema: [{ name: 'n', type: 'number' }], question: { options: ['x', 'y'], allow_free_text: true } })).body.id;
        await never5xx('approver', 'POST', `/v1/requests/${id}/decision`, b);
      }),
      { numRuns: RUNS },
    );
  });

  it('POST /v1/requests/:id/cancel, /v1/keys and unknown ids', async () => {
    await fc.assert(
      fc.asyncProperty(bodies, hostileString, async (b, id) => {
        const safeId = encodeURIComponent(id || 'x');
        await never5xx('agent', 'POST', `/v1/requests/${safeId}/cancel`, b);
        await never5xx('admin', 'POST', '/v1/keys', b);
        await never5xx('approver', 'POST', `/v1/requests/${safeId}/decision`, b);
        await never5xx('approver', 'POST', `/v1/requests/${pendingId}/decision`, b);
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it('query parameters of list, pending, wait and audit', async () => {
    await fc.assert(
      fc.asyncProperty(hostileString, hostileString, async (a, b) => {
        const q = (v: string) => encodeURIComponent(v);
        for (const path of [
          `/v1/requests?status=${q(a)}&limit=${q(b)}`,
          `/v1/requests?q=${q(a)}&cursor=${q(b)}`,
          `/v1/requests?from=${q(a)}&priority=${q(b)}`,
          `/v1/requests/pending?limit=${q(a)}&offset=${q(b)}`,
          `/v1/requests/${pendingId}/wait?timeout_sec=-${q(a)}`,
          `/v1/audit?after_seq=${q(a)}&limit=${q(b)}`,
        ]) {
          const r = await s.call('approver', 'GET', path);
          assert.ok(r.status < 500, `${path} → ${r.status} ${r.text.slice(0, 200)}`);
        }
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it('still serves after the storm', async () => {
    const r = await s.call('agent', 'POST', '/v1/requests', { title: 'after the storm' });
    assert.equal(r.status, 201);
    assert.equal((await s.call(null, 'GET', '/healthz')).status, 200);
  });
});
