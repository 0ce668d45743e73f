import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApprovalRequest } from '../../core/types.js';
import { MESSAGES } from './i18n.js';
import { CALLBACK_MAX_BYTES, decodeCallback, encodeCallback, grantButtonsFor, keyboardFor } from './keyboard.js';

const ID = 'req_01m80m12h2zq9n4jnk3tyybakp';
const m = MESSAGES.en;

function request(over: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    id: ID, status: 'pending', title: 't', action_type: 'action', preview: 'p', tool: 'Bash', input: { command: 'ls' }, agent: 'a', requester: null,
    session_id: 's', project: null, cwd: null, host: null, priority: 'normal', tags: [], context: null, question: null, conditions_schema: null,
    created_at: 0, updated_at: 0, expires_at: 60_000, on_timeout: 'deny', callback_url: null, idempotency_key: null, channel: null, target: null,
    origin: 'native', policy: null, decision: null, metadata: null, workflow: null, ...over,
  };
}

const allData = (r: ApprovalRequest, opts: Partial<Parameters<typeof keyboardFor>[1]> = {}) => keyboardFor(r, { m, truncated: false, ...opts }).inline_keyboard.flat().map((b) => (b as { callback_data: string }).callback_data);

describe('callback codec', () => {
  it('round-trips every action and stays within 64 bytes', () => {
    const longest = encodeCallback({ action: 'q', requestId: ID, arg: 'A'.repeat(20) });
    assert.ok(Buffer.byteLength(longest) <= CALLBACK_MAX_BYTES);
    const samples = [
      { action: 'a', requestId: ID },
      { action: 'g', requestId: ID, arg: '2', readBy: 1234567890123 },
      { action: 'cv', requestId: ID, arg: '12.y' },
      { action: 'cs', requestId: ID, arg: '3' },
      { action: 'c', requestId: ID, readBy: 42 },
    ] as const;
    for (const s of samples) assert.deepEqual(decodeCallback(encodeCallback(s)), s);
  });

  it('refuses malformed data', () => {
    const ref = ID.slice(4);
    for (const bad of [null, 42, '', 'a', `a|${ref}|x`, `zz|${ref}`, `a|${ref.toUpperCase()}`, `a|${ref}x`, `q|${ref}`, `q|${ref}|bad key!`, `g|${ref}|9`, `d|${ref}||1`, `cv|${ref}|1.z`, `a|${ref}||-1`, `a|${ref}||0`, 'a|' + 'x'.repeat(70), `a|${ref}|||`, `toString|${ref}`, `__proto__|${ref}`]) {
      assert.equal(decodeCallback(bad), null, String(bad));
    }
  });
});

describe('keyboardFor', () => {
  it('offers approve, session, deny, deny with reason, always and edit for a Bash call in a session', () => {
    assert.deepEqual(keyboardFor(request(), { m, truncated: false }).inline_keyboard.map((r) => r.map((b) => b.text)), [
      ['✅ Approve', '✅ Approve for session'],
      ['❌ Deny', '💬 Deny with reason'],
      ['♾️ Always', '✏️ Edit'],
    ]);
  });

  it('offers nothing that grants beyond once for a dangerous action', () => {
    const labels = keyboardFor(request({ policy: { verdict: 'ask', rule: null, reason: 'rm -rf', dangerous: true, suggestions: [{ kind: 'tool', label: 'x', rule: 'Bash' }] } }), { m, truncated: false }).inline_keyboard.flat().map((b) => b.text);
    assert.deepEqual(labels, ['✅ Approve', '❌ Deny', '💬 Deny with reason', '✏️ Edit']);
  });

  it('holds back approvals on a shortened card until someone reads the file, then binds them to that reader', () => {
    const before = allData(request(), { truncated: true });
    assert.ok(before.every((d) => !/^[aswgc]\|/.test(d)), before.join());
    assert.ok(before.some((d) => d.startsWith('v|')));
    const after = allData(request(), { truncated: true, readBy: 42 });
    const approve = after.find((d) => d.startsWith('a|'))!;
    assert.equal(decodeCallback(approve)?.readBy, 42);
  });

  it('builds question keyboards: options, toggles with ticks, Done and custom answer', () => {
    const q = request({ tool: null, question: { options: [{ key: 'A', label: 'one' }, { key: 'B', label: 'two' }], multi_select: true, allow_free_text: true } });
    const labels = keyboardFor(q, { m, truncated: false, selected: ['B'] }).inline_keyboard.flat().map((b) => b.text);
    assert.deepEqual(labels, ['☐ A · one', '☑ B · two', '✔️ Done', '✍️ Custom answer', '❌ Deny']);
  });
});

describe('grantButtonsFor', () => {
  it('returns nothing for plain actions and without suggestions', () => {
    assert.deepEqual(grantButtonsFor(request({ tool: null, policy: { verdict: 'ask', rule: null, reason: 'asked', suggestions: [{ kind: 'tool', label: 'x', rule: 'Bash' }] } })), []);
    assert.deepEqual(grantButtonsFor(request()), []);
  });

  it('labels buttons from the rule, not from the suggestion\'s label', () => {
    const g = grantButtonsFor(request({ policy: { verdict: 'ask', rule: null, reason: 'asked', suggestions: [
      { kind: 'prefix', label: 'Accept all `ls *`', rule: 'Bash(rm -rf *)' },
      { kind: 'edits', label: 'edits', rule: 'Edit(//srv/app/**)' },
      { kind: 'domain', label: 'd', rule: 'WebFetch(domain:example.com)' },
      { kind: 'bogus', label: 'x', rule: 'Bash' },
      'junk',
    ] as never } }));
    assert.deepEqual(g.map((x) => m.acceptAll(x.kind, x.subject)), ['Accept all `rm -rf *`', 'Accept all edits in /srv/app/', 'Accept all fetches from example.com']);
  });
});
