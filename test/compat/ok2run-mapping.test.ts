// The ok2run mapping for cases the HTTP tests cannot reach yet (policy decisions) and the
// fail-closed edges of `auto`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAuto, ok2runCreateView, ok2runDecision, ok2runStatus, menuReplyToDecision, replyText } from '../../src/http/compat/ok2run-mapping.js';
import { makeDecision, makeRequest } from '../../src/store/fixtures.js';

describe('ok2run mapping', () => {
  it('maps every Greenlight status onto ok2run\'s four', () => {
    assert.deepEqual(
      (['pending', 'approved', 'conditional', 'answered', 'denied', 'cancelled', 'expired'] as const).map(ok2runStatus),
      ['pending', 'approved', 'approved', 'approved', 'denied', 'denied', 'expired'],
    );
  });

  it('a policy approval is auto, with a code-1 decision and no expires_at (as ok2run sends it)', () => {
    const r = makeRequest({ status: 'approved', decision: makeDecision({ decided_by_kind: 'policy', decided_by: 'Bash(npm test)', comment: 'allowed by rule', via: 'policy' }) });
    assert.equal(isAuto(r), true);
    assert.deepEqual(ok2runCreateView(r), { approval_id: r.id, status: 'approved', auto: true, expires_at: null, decision: { code: '1', note: 'allowed by rule', override: null } });
  });

  it('a policy denial is NOT auto: ok2run\'s hook allows on `auto` without reading the status', () => {
    const r = makeRequest({ status: 'denied', decision: makeDecision({ outcome: 'denied', decided_by_kind: 'policy', comment: 'rm -rf is never allowed' }) });
    assert.equal(isAuto(r), false);
    const v = ok2runCreateView(r);
    assert.equal(v.auto, false);
    assert.equal(v.status, 'denied');
    assert.deepEqual(v.decision, { code: '3', note: 'rm -rf is never allowed', override: null });
    assert.equal(v.expires_at, Math.floor(r.expires_at / 1000));
  });

  it('an edit wins over scope and note: the override is never dropped', () => {
    const r = makeRequest({ status: 'approved', decision: makeDecision({ scope: 'always', comment: 'ok', updated_input: { command: 'npm test -- --bail' } }) });
    assert.deepEqual(ok2runDecision(r), { code: '5', note: 'ok', override: 'npm test -- --bail' });
    const other = makeRequest({ status: 'approved', decision: makeDecision({ updated_input: { path: '/tmp/x', content: 'y' } }) });
    assert.equal(ok2runDecision(other)?.override, '{"path":"/tmp/x","content":"y"}');
  });

  it('approved on timeout by the system is code 1, not a human note', () => {
    const r = makeRequest({ status: 'approved', decision: makeDecision({ decided_by_kind: 'system', decided_by: 'timeout', comment: 'Approved automatically' }) });
    assert.equal(ok2runDecision(r)?.code, '1');
    assert.equal(isAuto(r), false);
  });

  it('reads menu replies as ok2run does, editing the command of a structured action', () => {
    const bash = makeRequest({ input: { command: 'rm -rf /', description: 'cleanup' } });
    assert.deepEqual(menuReplyToDecision('5 rm -rf ./tmp', bash), { outcome: 'approved', updated_input: { command: 'rm -rf ./tmp', description: 'cleanup' } });
    assert.deepEqual(menuReplyToDecision('  1 anything  ', bash), { outcome: 'approved', scope: 'once' });
    assert.deepEqual(menuReplyToDecision('3 too risky', bash), { outcome: 'denied', comment: 'too risky' });
    assert.deepEqual(menuReplyToDecision('4 B', makeRequest({ question: { options: [], multi_select: false, allow_free_text: true } })), { outcome: 'answered', answer: 'B' });
    assert.throws(() => menuReplyToDecision('12', bash), /invalid code/);
  });

  it('cuts the quoted message and signature off an email reply', () => {
    assert.equal(replyText('1\r\nSent from my phone\r\n> old'), '1');
    assert.equal(replyText('4 fine\n\nOn Mon, 5 Jan 2026, Greenlight <gl@example.com> wrote:\n> menu'), '4 fine');
    assert.equal(replyText('5 make build\nnpm test\n--\nAlice'), '5 make build\nnpm test');
  });
});
