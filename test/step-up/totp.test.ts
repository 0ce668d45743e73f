// Step-up with TOTP through the real server (SQLite file, the HTTP API): enrolment, right, wrong
// and replayed codes, the wrong-code lock, approvers who have not enrolled, hostile code input,
// and which requests need it at all.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MovableClock } from '../helpers/clock.js';
import type { TestServer } from '../helpers/harness.js';
import { app, codeAt, enrol, fileCritical, startStepUpServer } from './helpers.js';

const decide = (s: TestServer, id: string, body: unknown, role: 'approver' | 'otherApprover' | 'admin' = 'approver') => s.call(role, 'POST', `/v1/requests/${id}/decision`, body);
const auditOf = async (s: TestServer, action: string) => ((await s.call('admin', 'GET', '/v1/audit?limit=500')).body.items as { action: string; actor: { name: string }; detail: any; request_id: string | null }[]).filter((e) => e.action === action);

describe('step-up with TOTP', () => {
  let server: TestServer;
  let clock: MovableClock;
  before(async () => ({ server, clock } = await startStepUpServer()));
  after(() => server.stop());

  it('enrols with a QR code and the text secret, confirmed by a first valid code; the secret is never shown again', async () => {
    const started = await server.call('approver', 'POST', '/v1/step-up/totp');
    assert.equal(started.status, 201);
    assert.match(started.body.secret, /^[A-Z2-7]{32}$/);
    assert.match(started.body.otpauth_uri, /^otpauth:\/\/totp\/Greenlight:alice\?/);
    assert.match(started.body.qr_png, /^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    assert.equal(started.headers.get('cache-control'), 'no-store');
    (server as any).aliceSecret = started.body.secret;
    assert.equal((await server.call('approver', 'GET', '/v1/step-up')).body.totp.state, 'pending');
    const wrong = await server.call('approver', 'POST', '/v1/step-up/totp/confirm', { code: codeAt(started.body.secret, clock.now() + 10 * 60_000) });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.body.error.code, 'STEP_UP_CODE_WRONG');
    const ok = await server.call('approver', 'POST', '/v1/step-up/totp/confirm', { code: codeAt(started.body.secret, clock.now()) });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.totp.state, 'enrolled');
    const status = await server.call('approver', 'GET', '/v1/step-up');
    assert.equal(JSON.stringify(status.body).includes(started.body.secret), false);
    const again = await server.call('approver', 'POST', '/v1/step-up/totp');
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'STEP_UP_ALREADY_ENROLLED');
    assert.deepEqual((await auditOf(server, 'step_up.totp_enrolled')).map((e) => e.actor.name), ['alice']);
    // Stored sealed: the database file does not hold the secret.
    const row = await server.store.getTotp('alice');
    assert.ok(row && !row.secret.includes(started.body.secret) && row.secret.startsWith('gcm1:'));
  });

  it('approves with the right code, refuses without one, and refuses the same code again (replay)', async () => {
    const secret: string = (server as any).aliceSecret;
    clock.offset += 60_000; // the enrolment's code is spent: move to a fresh time step
    const id = await fileCritical(server);
    const none = await decide(server, id, { outcome: 'approved' });
    assert.equal(none.status, 403);
    assert.equal(none.body.error.code, 'STEP_UP_REQUIRED');
    assert.match(none.body.error.message, /6-digit code/);
    const code = app(secret, clock).now();
    const ok = await decide(server, id, { outcome: 'approved', step_up: { code } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.status, 'approved');
    const decided = (await auditOf(server, 'request.approved')).find((e) => e.request_id === id);
    assert.equal(decided?.detail.step_up, 'totp');

    const second = await fileCritical(server, 'Second deploy');
    const replay = await decide(server, second, { outcome: 'approved', step_up: { code } });
    assert.equal(replay.status, 409);
    assert.equal(replay.body.error.code, 'STEP_UP_CODE_REPLAYED');
    assert.equal((await server.call('approver', 'GET', `/v1/requests/${second}`)).body.status, 'pending');
    assert.equal((await auditOf(server, 'step_up.code_replayed')).filter((e) => e.request_id === second).length, 1);
    clock.offset += 30_000;
    const next = await decide(server, second, { outcome: 'approved', step_up: { code: app(secret, clock).now() } });
    assert.equal(next.status, 200, next.text);
  });

  it('refuses approving for the session or always: each approval needs its own code', async () => {
    const secret: string = (server as any).aliceSecret;
    clock.offset += 30_000;
    const id = await fileCritical(server, 'Session try');
    const r = await decide(server, id, { outcome: 'approved', scope: 'always', step_up: { code: app(secret, clock).now() } });
    assert.equal(r.status, 400);
    assert.match(r.body.error.message, /approved once only/);
    assert.equal((await server.call('approver', 'GET', `/v1/requests/${id}`)).body.status, 'pending');
  });

  it('counts wrong codes, audits each, locks after five with a clear message until the window ends', async () => {
    const secret: string = (server as any).aliceSecret;
    clock.offset += 30_000;
    const id = await fileCritical(server, 'Guessing');
    const wrong = (n: number) => String((Number(app(secret, clock).now()) + n) % 1_000_000).padStart(6, '0');
    for (let i = 1; i <= 4; i++) {
      const r = await decide(server, id, { outcome: 'approved', step_up: { code: wrong(i * 7919) } });
      assert.equal(r.status, 403, r.text);
      assert.equal(r.body.error.code, 'STEP_UP_CODE_WRONG');
      assert.match(r.body.error.message, new RegExp(`${5 - i} more wrong code`));
    }
    const fifth = await decide(server, id, { outcome: 'approved', step_up: { code: wrong(5 * 7919) } });
    assert.equal(fifth.status, 429);
    assert.equal(fifth.body.error.code, 'STEP_UP_LOCKED');
    assert.ok(Number(fifth.headers.get('retry-after')) > 0);
    const right = await decide(server, id, { outcome: 'approved', step_up: { code: app(secret, clock).now() } });
    assert.equal(right.status, 429, 'locked: even the right code is refused');
    assert.equal((await auditOf(server, 'step_up.code_wrong')).filter((e) => e.request_id === id).length, 5);
    assert.equal((await server.call('approver', 'GET', `/v1/requests/${id}`)).body.status, 'pending');
    const deny = await decide(server, id, { outcome: 'denied', comment: 'not sure' });
    assert.equal(deny.status, 200, 'denying needs no code, locked or not');
    clock.offset += 15 * 60_000;
    const later = await fileCritical(server, 'After the lock');
    const ok = await decide(server, later, { outcome: 'approved', step_up: { code: app(secret, clock).now() } });
    assert.equal(ok.status, 200, ok.text);
  });

  it('refuses hostile and malformed codes with a clear error and changes nothing (no failure counted)', async () => {
    const secret: string = (server as any).aliceSecret;
    clock.offset += 30_000;
    const id = await fileCritical(server, 'Hostile codes');
    const before = (await auditOf(server, 'step_up.code_wrong')).length;
    const cases: [unknown, RegExp][] = [
      ['abcdef', /6 digits \(0–9\)/],
      ['1234567', /6 digits; that was 7/],
      ['9'.repeat(10_240), /not a code.*10240 characters/],
      ['\u202e123456', /6 digits \(0–9\)/],
      ['<b>12</b>3456', /6 digits \(0–9\)/],
      ['', /6 digits \(0–9\)/],
    ];
    for (const [code, message] of cases) {
      const r = await decide(server, id, { outcome: 'approved', step_up: { code } });
      assert.equal(r.status, 400, `${String(code).slice(0, 20)}: ${r.text.slice(0, 200)}`);
      assert.equal(r.body.error.code, 'STEP_UP_CODE_MALFORMED');
      assert.match(r.body.error.message, message);
      assert.equal(r.text.includes('\u202e'), false, 'the input is never echoed');
    }
    for (const body of [{ outcome: 'approved', step_up: { code: 123456 } }, { outcome: 'approved', step_up: 'x' }, { outcome: 'approved', step_up: { code: '123456', extra: 1 } }]) {
      const r = await decide(server, id, body);
      assert.equal(r.status, 400, r.text);
    }
    assert.equal((await auditOf(server, 'step_up.code_wrong')).length, before, 'malformed input is not a guess');
    assert.equal((await server.store.getTotp('alice'))?.failures, 0);
    assert.equal((await server.call('approver', 'GET', `/v1/requests/${id}`)).body.status, 'pending');
    const ok = await decide(server, id, { outcome: 'approved', step_up: { code: ` ${app(secret, clock).now().slice(0, 3)} ${app(secret, clock).now().slice(3)} ` } });
    assert.equal(ok.status, 200, `digits with spaces are fine: ${ok.text}`);
  });

  it('refuses an approver who has not enrolled, telling them where; they can still deny', async () => {
    const id = await fileCritical(server, 'Bob has no app');
    const r = await decide(server, id, { outcome: 'approved', step_up: { code: '123456' } }, 'otherApprover');
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'STEP_UP_NOT_ENROLLED');
    assert.match(r.body.error.message, /dashboard/);
    const plain = await decide(server, id, { outcome: 'approved' }, 'otherApprover');
    assert.equal(plain.body.error.code, 'STEP_UP_NOT_ENROLLED');
    const deny = await decide(server, id, { outcome: 'denied' }, 'otherApprover');
    assert.equal(deny.status, 200);
    assert.equal(deny.body.status, 'denied');
  });

  it('removes your own app only with a current code; an admin removes anyone’s', async () => {
    const secret: string = (server as any).aliceSecret;
    const bad = await server.call('approver', 'POST', '/v1/step-up/totp/remove', { code: 'nope' });
    assert.equal(bad.status, 400);
    assert.equal((await server.call('approver', 'GET', '/v1/step-up')).body.totp.state, 'enrolled');
    const notAdmin = await server.call('approver', 'DELETE', '/v1/step-up/totp/alice');
    assert.equal(notAdmin.status, 403);
    clock.offset += 30_000;
    const ok = await server.call('approver', 'POST', '/v1/step-up/totp/remove', { code: app(secret, clock).now() });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.totp.state, 'none');
    await enrol(server, clock, 'otherApprover');
    const reset = await server.call('admin', 'DELETE', '/v1/step-up/totp/bob');
    assert.equal(reset.status, 200);
    assert.equal(reset.body.totp.state, 'none');
    assert.equal((await auditOf(server, 'step_up.totp_removed')).length, 2);
    const agent = await server.call('agent', 'GET', '/v1/step-up');
    assert.equal(agent.status, 403, 'agents have no second factor');
  });
});

describe('which requests need step-up', () => {
  let server: TestServer;
  before(async () => ({ server } = await startStepUpServer({ step_up: { priorities: ['critical'], rules: ['Bash(kubectl apply *)'], projects: ['prod'], dangerous: true }, projects: [{ name: 'prod' }, { name: 'dev' }] })));
  after(() => server.stop());

  const file = async (body: Record<string, unknown>) => (await server.call('agent', 'POST', '/v1/requests', { title: 't', ...body })).body;

  it('by priority, rule, project and the dangerous-action guard; not otherwise, never for questions', async () => {
    assert.equal((await file({ action_type: 'x', preview: 'x', priority: 'critical' })).policy.step_up, true);
    assert.equal((await file({ action_type: 'x', preview: 'x', priority: 'high' })).policy.step_up, undefined);
    assert.equal((await file({ tool: 'Bash', input: { command: 'kubectl apply -f a.yaml' } })).policy.step_up, true);
    assert.equal((await file({ tool: 'Bash', input: { command: 'git status && kubectl apply -f a.yaml' } })).policy.step_up, true, 'a subcommand matches');
    assert.equal((await file({ tool: 'Bash', input: { command: 'kubectl get pods' } })).policy.step_up, undefined);
    assert.equal((await file({ action_type: 'x', preview: 'x', project: 'prod' })).policy.step_up, true);
    assert.equal((await file({ action_type: 'x', preview: 'x', project: 'dev' })).policy.step_up, undefined);
    assert.equal((await file({ tool: 'Bash', input: { command: 'rm -rf /' } })).policy.step_up, true);
    const q = await file({ action_type: 'question', preview: 'Which one?', priority: 'critical', question: { options: [{ key: 'A', label: 'a' }] } });
    assert.equal(q.policy?.step_up, undefined);
    const wire = await file({ action_type: 'x', preview: 'x', priority: 'critical' });
    assert.match(wire.policy.reason, /needs a second factor: its priority is critical/);
    assert.equal(wire.policy.suggestions, undefined, 'no grants offered');
  });

  it('a grant never approves a step-up request, at filing or when given later', async () => {
    const plain = await file({ tool: 'Bash', input: { command: 'kubectl apply -f b.yaml' }, session_id: 's1' });
    const d = await server.call('admin', 'POST', `/v1/requests/${plain.id}/decision`, { outcome: 'approved', scope: 'session' });
    assert.equal(d.status, 400, 'needs step-up, so no session scope');
    const g = await server.call('admin', 'POST', '/v1/grants', { agent: 'agent-a', rule: 'Bash(kubectl apply *)' });
    assert.equal(g.status, 201, g.text);
    assert.equal((await server.call('admin', 'GET', `/v1/requests/${plain.id}`)).body.status, 'pending', 'the new grant did not approve it');
    const again = await file({ tool: 'Bash', input: { command: 'kubectl apply -f c.yaml' } });
    assert.equal(again.status, 'pending', 'the grant does not approve a new one either');
    assert.equal(again.policy.step_up, true);
    const other = await file({ tool: 'Bash', input: { command: 'kubectl apply -f d.yaml' }, priority: 'low', project: 'dev' });
    assert.equal(other.status, 'pending', 'step-up by rule whatever the priority');
  });
});
