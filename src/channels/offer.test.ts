import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApprovalRequest } from '../core/types.js';
import { conditionValue, decisionFor, editFormatOf, findChoice, offerFor, oneTap } from './offer.js';

function request(over: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    id: 'req_01m80m12h2zq9n4jnk3tyybakp', status: 'pending', title: 't', action_type: 'action', preview: 'p', tool: 'Bash', input: { command: 'ls' }, agent: 'a', requester: null,
    session_id: 's', project: null, cwd: null, host: null, priority: 'normal', tags: [], context: null, question: null, conditions_schema: null,
    created_at: 0, updated_at: 0, expires_at: 60_000, on_timeout: 'deny', callback_url: null, idempotency_key: null, channel: null, target: null,
    origin: 'native', policy: null, decision: null, metadata: null, workflow: null, ...over,
  };
}
const ids = (r: ApprovalRequest, opts = {}) => offerFor(r, opts).choices.map((c) => c.id);

describe('offerFor', () => {
  it('offers a tool call every approval, accept-all from the policy, the conditions form, edit and both denials', () => {
    const r = request({ conditions_schema: [{ name: 'n', type: 'number' }], policy: { verdict: 'ask', rule: null, reason: 'r', suggestions: [{ kind: 'prefix', label: 'x', rule: 'Bash(ls *)' }] } });
    assert.deepEqual(ids(r), ['approve', 'session', 'always', 'grant:0', 'conditional', 'edit', 'deny', 'deny_reason']);
    assert.equal(findChoice(offerFor(r), 'grant:0')?.grant?.subject, 'ls');
  });

  it('grants nothing beyond once for a dangerous action, and no session without a session', () => {
    assert.deepEqual(ids(request({ policy: { verdict: 'ask', rule: null, reason: 'r', dangerous: true, suggestions: [{ kind: 'tool', label: 'x', rule: 'Bash' }] } })), ['approve', 'edit', 'deny', 'deny_reason']);
    assert.deepEqual(ids(request({ session_id: null })), ['approve', 'always', 'edit', 'deny', 'deny_reason']);
  });

  it('answers questions: one option each, a selection for multi-select, free text where allowed — never an approval', () => {
    const options = [{ key: 'A', label: 'one' }, { key: 'B', label: 'two' }];
    assert.deepEqual(ids(request({ question: { options, multi_select: false, allow_free_text: true } })), ['option:A', 'option:B', 'answer', 'deny', 'deny_reason']);
    assert.deepEqual(ids(request({ question: { options, multi_select: true, allow_free_text: false } })), ['select', 'deny', 'deny_reason']);
  });

  it('holds back one-tap approvals when the channel cut the action, by its own layout or by a length', () => {
    const long = request({ input: { command: 'x'.repeat(50) } });
    assert.equal(offerFor(long, { maxActionChars: 49 }).truncated, true);
    assert.equal(offerFor(long, { maxActionChars: 50 }).truncated, false);
    assert.deepEqual(oneTap(offerFor(long, { truncated: true })).map((c) => c.id), ['deny']);
    assert.deepEqual(oneTap(offerFor(long)).map((c) => c.id), ['approve', 'session', 'always', 'deny']);
  });
});

describe('editFormatOf', () => {
  it('edits a command, the JSON input of other tools, the text of a plain action, and nothing of a question', () => {
    assert.equal(editFormatOf(request()), 'command');
    assert.equal(editFormatOf(request({ tool: null })), 'command');
    assert.equal(editFormatOf(request({ tool: 'Write', input: { file_path: '/a', content: 'x' } })), 'json');
    assert.equal(editFormatOf(request({ tool: 'Write', input: ['x'] })), null);
    assert.equal(editFormatOf(request({ tool: null, input: null })), 'text');
    assert.equal(editFormatOf(request({ question: { options: [], multi_select: false, allow_free_text: true } })), null);
  });
});

describe('decisionFor', () => {
  const r = request({ policy: { verdict: 'ask', rule: null, reason: 'r', suggestions: [{ kind: 'prefix', label: 'x', rule: 'Bash(ls *)' }] } });
  const pick = (id: string, req = r) => findChoice(offerFor(req), id)!;
  it('turns each choice and its input into the body gate.decide takes', () => {
    assert.deepEqual(decisionFor(r, pick('approve'), { comment: ' go ' }), { ok: true, input: { outcome: 'approved', scope: 'once', comment: 'go' } });
    assert.deepEqual(decisionFor(r, pick('grant:0')), { ok: true, input: { outcome: 'approved', scope: 'session', grant_rule: 'Bash(ls *)', comment: null } });
    assert.deepEqual(decisionFor(r, pick('edit'), { edited: 'ls -la' }), { ok: true, input: { outcome: 'approved', scope: 'once', updated_input: { command: 'ls -la' }, comment: null } });
    assert.deepEqual(decisionFor(r, pick('deny_reason'), { comment: 'no' }), { ok: true, input: { outcome: 'denied', comment: 'no' } });
    const q = request({ question: { options: [{ key: 'A', label: 'a' }, { key: 'B', label: 'b' }], multi_select: true, allow_free_text: true } });
    assert.deepEqual(decisionFor(q, pick('select', q), { selected: ['A', 'B'], answer: 'both' }), { ok: true, input: { outcome: 'answered', answer: ['A', 'B'], comment: 'both' } });
    assert.deepEqual(decisionFor(q, pick('answer', q), { answer: 'neither' }), { ok: true, input: { outcome: 'answered', answer: 'neither', comment: null } });
  });

  it('says what is missing instead of deciding', () => {
    assert.deepEqual(decisionFor(r, pick('deny_reason'), { comment: '  ' }), { ok: false, error: 'Say why you deny it.' });
    assert.equal(decisionFor(r, pick('edit')).ok, false);
    const w = request({ tool: 'Write', input: { file_path: '/a', content: 'x' } });
    assert.match((decisionFor(w, pick('edit', w), { edited: '{nope' }) as { error: string }).error, /not valid JSON/);
    assert.equal((decisionFor(w, pick('edit', w), { edited: '[1]' }) as { error: string }).error, 'The input must be a JSON object.');
    const q = request({ question: { options: [{ key: 'A', label: 'a' }], multi_select: true, allow_free_text: false } });
    assert.deepEqual(decisionFor(q, pick('select', q), { answer: 'text' }), { ok: false, error: 'Pick at least one option first.' });
  });
});

describe('conditionValue', () => {
  it('reads what an approver typed for each field type, and skips optional fields', () => {
    assert.deepEqual(conditionValue({ name: 'n', type: 'number' }, ' 2.5 '), { value: 2.5 });
    assert.deepEqual(conditionValue({ name: 'n', type: 'number', label: 'Budget' }, 'lots'), { error: 'Budget must be a number.' });
    assert.deepEqual(conditionValue({ name: 'b', type: 'boolean' }, '是'), { value: true });
    assert.deepEqual(conditionValue({ name: 's', type: 'select', options: ['eu'] }, 'us'), { error: 's: pick one of the options.' });
    assert.deepEqual(conditionValue({ name: 't', type: 'text' }, '-'), { value: undefined });
    assert.deepEqual(conditionValue({ name: 't', type: 'text', required: true }, ''), { error: 't is required.' });
  });
});
