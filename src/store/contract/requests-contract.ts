import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ApprovalRequest } from '../../core/types.js';
import { NO_EFFECTS, T0, effectsFor, makeDecision, makeRequest } from '../fixtures.js';
import { allAudit, allOutbox, type StoreHandle } from './handle.js';

/** A request with every optional field set, nested JSON everywhere it may appear. */
function fullRequest(): ApprovalRequest {
  return makeRequest({
    status: 'conditional',
    title: 'Déployer «prod» — step 1',
    action_type: 'shell',
    preview: 'git push --force origin main\nkubectl apply -f k8s/',
    tool: 'Bash',
    input: { command: 'git push', env: { CI: '1' }, args: ['--force', 1, true, null, { deep: [{ x: 1.5 }] }] },
    agent: 'codex',
    requester: 'Nightly Job',
    session_id: 'sess-42',
    project: 'billing',
    cwd: '/srv/billing',
    host: 'Build-01.example.internal',
    priority: 'critical',
    tags: ['deploy', 'prod'],
    context: 'Release 1.2.3 after the freeze',
    question: {
      options: [
        { key: 'A', label: 'Ship it', description: 'Deploy now' },
        { key: 'B', label: 'Wait' },
      ],
      multi_select: true,
      allow_free_text: true,
    },
    conditions_schema: [
      { name: 'max_replicas', type: 'number', label: 'Max replicas', required: true },
      { name: 'region', type: 'select', options: ['eu', 'us'], description: 'Where' },
    ],
    updated_at: T0 + 5,
    expires_at: T0 + 3_600_000,
    on_timeout: 'approve',
    callback_url: 'https://ci.example.test/callback?x=1&y=2',
    idempotency_key: 'build-981',
    channel: 'telegram',
    target: 'ops',
    origin: 'chock',
    policy: { verdict: 'ask', rule: 'Bash(git push *)', reason: 'pushes need a human', dangerous: true },
    decision: makeDecision({
      outcome: 'conditional',
      scope: 'session',
      comment: 'only EU',
      conditions: { max_replicas: 3, region: 'eu', dry_run: false },
      answer: ['A'],
      updated_input: { command: 'git push', args: ['--force-with-lease'] },
    }),
    metadata: { ticket: 'OPS-1', labels: ['a', 'b'], nested: { n: 0, f: -2.5, ok: true, none: null } },
  });
}

export function requestsContract(h: StoreHandle): void {
  it('round-trips a request with every field, nested JSON included', async () => {
    const request = fullRequest();
    const result = await h.store.createRequest(request, NO_EFFECTS);
    assert.deepEqual(result, { created: true, request });
    assert.deepEqual(await h.store.getRequest(request.id), request);
  });

  it('round-trips a minimal request with nulls and empty tags', async () => {
    const request = makeRequest({ tool: null, input: null, tags: [] });
    await h.store.createRequest(request, NO_EFFECTS);
    assert.deepEqual(await h.store.getRequest(request.id), request);
  });

  it('returns null for an unknown id', async () => {
    assert.equal(await h.store.getRequest('req_missing'), null);
  });

  it('hands out copies: changing a returned request does not change the stored one', async () => {
    const request = makeRequest({ input: { command: 'ls' }, tags: ['a'] });
    await h.store.createRequest(request, NO_EFFECTS);
    const got = (await h.store.getRequest(request.id))!;
    (got.input as { command: string }).command = 'rm -rf /';
    got.tags.push('b');
    assert.deepEqual(await h.store.getRequest(request.id), request);
  });

  it('writes the audit rows and outbox items together with the request', async () => {
    const request = makeRequest();
    const effects = effectsFor(request.id, 'request.created');
    await h.store.createRequest(request, effects);
    const audit = await h.store.listAudit({ request_id: request.id, limit: 10 });
    assert.deepEqual(audit.map((a) => a.action), ['request.created']);
    const outbox = await h.store.listOutbox({ request_id: request.id, limit: 10 });
    assert.equal(outbox.length, 1);
    assert.equal(outbox[0].id, effects.outbox[0].id);
    assert.deepEqual(outbox[0].payload, effects.outbox[0].payload);
    assert.equal(outbox[0].state, 'pending');
    assert.equal(outbox[0].attempts, 0);
  });

  it('returns the existing request for the same agent and idempotency key, writing nothing', async () => {
    const first = makeRequest({ agent: 'codex', idempotency_key: 'k-1' });
    await h.store.createRequest(first, effectsFor(first.id, 'request.created'));
    const retry = makeRequest({ agent: 'codex', idempotency_key: 'k-1', title: 'a different title' });
    const result = await h.store.createRequest(retry, effectsFor(retry.id, 'request.created'));
    assert.deepEqual(result, { created: false, request: first });
    assert.equal(await h.store.getRequest(retry.id), null);
    assert.equal((await allAudit(h.store)).length, 1);
    assert.equal((await allOutbox(h.store)).length, 1);
  });

  it('treats the same idempotency key from another agent as a new request', async () => {
    const mine = makeRequest({ agent: 'codex', idempotency_key: 'k-1' });
    const theirs = makeRequest({ agent: 'claude', idempotency_key: 'k-1' });
    await h.store.createRequest(mine, NO_EFFECTS);
    const result = await h.store.createRequest(theirs, NO_EFFECTS);
    assert.equal(result.created, true);
    assert.equal(result.request.id, theirs.id);
    assert.equal(await h.store.countRequests({}), 2);
  });

  it('lets go of an idempotency key: the next request with that key is a new one, the old one stays', async () => {
    const parked = makeRequest({ agent: 'codex', idempotency_key: 'hook:abc' });
    await h.store.createRequest(parked, NO_EFFECTS);
    assert.equal(await h.store.releaseIdempotencyKey(parked.id, 'hook:other'), false, 'only the key it has');
    assert.equal(await h.store.releaseIdempotencyKey(parked.id, 'hook:abc'), true);
    assert.equal(await h.store.releaseIdempotencyKey(parked.id, 'hook:abc'), false, 'once');
    assert.equal((await h.store.getRequest(parked.id))?.idempotency_key, null);
    const next = makeRequest({ agent: 'codex', idempotency_key: 'hook:abc' });
    const result = await h.store.createRequest(next, NO_EFFECTS);
    assert.equal(result.created, true);
    assert.equal((await h.store.createRequest(makeRequest({ agent: 'codex', idempotency_key: 'hook:abc' }), NO_EFFECTS)).request.id, next.id);
    assert.equal(await h.store.countRequests({}), 2);
  });

  it('never matches requests without an idempotency key to each other', async () => {
    await h.store.createRequest(makeRequest({ agent: 'codex' }), NO_EFFECTS);
    const second = await h.store.createRequest(makeRequest({ agent: 'codex' }), NO_EFFECTS);
    assert.equal(second.created, true);
    assert.equal(await h.store.countRequests({}), 2);
  });

  it('rejects a duplicate id and writes none of its effects', async () => {
    const request = makeRequest();
    await h.store.createRequest(request, effectsFor(request.id, 'request.created'));
    const clash = { ...makeRequest(), id: request.id };
    await assert.rejects(h.store.createRequest(clash, effectsFor(request.id, 'request.created.again')));
    assert.deepEqual((await allAudit(h.store)).map((a) => a.action), ['request.created']);
    assert.equal((await allOutbox(h.store)).length, 1);
  });

  it('rejects an effect that cannot be written and keeps the request out too', async () => {
    const first = makeRequest();
    const effects = effectsFor(first.id, 'request.created');
    await h.store.createRequest(first, effects);
    const second = makeRequest();
    const clashing = { audit: effectsFor(second.id, 'request.created').audit, outbox: [{ ...effects.outbox[0] }] };
    await assert.rejects(h.store.createRequest(second, clashing));
    assert.equal(await h.store.getRequest(second.id), null);
    assert.equal((await allAudit(h.store)).length, 1);
  });

  it('can be migrated again without losing data', async () => {
    const request = makeRequest();
    await h.store.createRequest(request, NO_EFFECTS);
    await h.store.migrate();
    assert.deepEqual(await h.store.getRequest(request.id), request);
  });
}
