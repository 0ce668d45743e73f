import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApprovalRequest } from '../../core/types.js';
import { htmlToText, parseReply, stripQuoted } from './reply-parse.js';

const request = (over: Partial<ApprovalRequest> = {}): ApprovalRequest =>
  ({
    id: 'req_01jzzzzzzzzzzzzzzzzzzzzzzz',
    status: 'pending',
    title: 't',
    action_type: 'exec',
    preview: 'ls',
    input: null,
    session_id: 's1',
    question: null,
    conditions_schema: null,
    policy: null,
    ...over,
  }) as ApprovalRequest;

const question = (options: string[], extra: Record<string, unknown> = {}) => request({ question: { options: options.map((label, i) => ({ key: String.fromCharCode(65 + i), label })), multi_select: false, allow_free_text: false, ...extra } });

describe('stripQuoted', () => {
  const cases: [string, string, string][] = [
    ['quote marks', '1\n> 3 deny', '1'],
    ['one-line attribution', 'deny\n\nOn Tue, 6 Jan 2026, Greenlight <a@b.c> wrote:\n> 1', 'deny'],
    ['Gmail wraps the attribution', '3 no\n\nOn Tue, Jan 6, 2026 at 10:00 AM Greenlight <\napprovals+x@example.com> wrote:\n\n> 1', '3 no'],
    ['German attribution', '2\n\nAm 06.01.2026 um 10:00 schrieb Greenlight <a@b.c>:\n> 1', '2'],
    ['RFC 3676 signature', 'approve\n-- \nAlice', 'approve'],
    ['mobile footer', 'approve\n\nSent from my iPhone', 'approve'],
    ['Outlook separator and header block', '3 stop\r\n\r\n________________________________\r\nFrom: Greenlight\r\nSent: today\r\n1', '3 stop'],
    ['Outlook header block without a rule', 'deny\n\nFrom: Greenlight <approvals@example.com>\nSent: Tuesday\nTo: alice\n\n1', 'deny'],
    ['original message marker', '6\n-----Original Message-----\n1', '6'],
    ['nothing new', '> 1 or approve', ''],
    ['a sentence starting with "On" is kept', 'On second thought, deny it\nplease', 'On second thought, deny it\nplease'],
  ];
  for (const [name, body, want] of cases) it(name, () => assert.equal(stripQuoted(body), want));
});

describe('htmlToText', () => {
  it('drops Gmail and Outlook quotes, tags and entities', () => {
    assert.equal(htmlToText('<div>3 not &lt;now&gt;&#33;</div><div class="gmail_quote">On x wrote:<blockquote>1</blockquote></div>').trim(), '3 not <now>!');
    assert.equal(htmlToText('<p>approve</p><div id="divRplyFwdMsg"><b>From:</b> x</div>').trim(), 'approve');
    assert.equal(htmlToText('<style>p{}</style><script>1</script>ok&nbsp;then').trim(), 'ok then');
  });
});

describe('parseReply', () => {
  it('reads ok2run\'s menu codes and their words', () => {
    const r = request();
    assert.deepEqual(parseReply('1', r), { ok: true, action: 'approve', input: { outcome: 'approved', scope: 'once', comment: null } });
    assert.deepEqual(parseReply('approve. ship it', r), { ok: true, action: 'approve', input: { outcome: 'approved', scope: 'once', comment: 'ship it' } });
    assert.equal(parseReply('2', r).ok && (parseReply('2', r) as { input: { scope: string } }).input.scope, 'session');
    assert.deepEqual(parseReply('3 too risky', r), { ok: true, action: 'deny', input: { outcome: 'denied', comment: 'too risky' } });
    assert.deepEqual(parseReply('DENY: no', r), { ok: true, action: 'deny', input: { outcome: 'denied', comment: 'no' } });
    assert.deepEqual(parseReply('always', r), { ok: true, action: 'always', input: { outcome: 'approved', scope: 'always', comment: null } });
    assert.deepEqual(parseReply('4 careful', r), { ok: true, action: 'approve', input: { outcome: 'approved', scope: 'once', comment: 'careful' } });
    assert.deepEqual(parseReply('5 ls -la', request({ input: { command: 'rm -rf /' } })), { ok: true, action: 'edit', input: { outcome: 'approved', scope: 'once', updated_input: { command: 'ls -la' } } });
  });

  it('refuses what it cannot read, and what the mail did not offer', () => {
    assert.equal(parseReply('', request()).ok, false);
    assert.equal(parseReply('sure thing', request()).ok, false);
    assert.equal(parseReply('4', request()).ok, false, '4 needs text');
    assert.equal(parseReply('2', request({ session_id: null })).ok, false, 'no session to approve');
    assert.equal(parseReply('6', request({ policy: { verdict: 'ask', rule: null, reason: '', dangerous: true } })).ok, false, 'never always for dangerous actions');
    assert.equal(parseReply('1', request({ preview: 'x'.repeat(9000) })).ok, false, 'not approvable unseen');
    assert.equal(parseReply('3', request({ preview: 'x'.repeat(9000) })).ok, true);
  });

  it('an option key answers a question; free text only where the question takes it', () => {
    const q = question(['Postgres', 'SQLite']);
    assert.deepEqual(parseReply('b', q), { ok: true, action: 'option:B', input: { outcome: 'answered', answer: 'B', comment: null } });
    assert.deepEqual(parseReply('A.\nbecause it scales', q), { ok: true, action: 'option:A', input: { outcome: 'answered', answer: 'A', comment: 'because it scales' } });
    assert.equal(parseReply('A, B', q).ok, false, 'single choice');
    assert.equal(parseReply('1', q).ok, false, 'a question is not approved');
    assert.equal(parseReply('A lot of things', q).ok, false, 'no free text here');
    assert.deepEqual(parseReply('3 neither', q), { ok: true, action: 'deny', input: { outcome: 'denied', comment: 'neither' } });
    const free = question(['Postgres', 'SQLite'], { allow_free_text: true });
    assert.deepEqual(parseReply('A lot of things', free), { ok: true, action: 'answer', input: { outcome: 'answered', answer: 'A lot of things' } });
    assert.deepEqual(parseReply('yes', free), { ok: true, action: 'answer', input: { outcome: 'answered', answer: 'yes' } });
    const multi = question(['x', 'y', 'z'], { multi_select: true });
    assert.deepEqual(parseReply('a c', multi), { ok: true, action: 'answer', input: { outcome: 'answered', answer: ['A', 'C'], comment: null } });
  });
});
