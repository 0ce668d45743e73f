import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApprovalRequest } from '../../core/types.js';
import { fullText, MESSAGE_LIMIT, renderCard } from './card.js';
import { MESSAGES } from './i18n.js';

const m = MESSAGES.en;
function request(over: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    id: 'req_01m80m12h2zq9n4jnk3tyybakp', status: 'pending', title: 'Run tests', action_type: 'action', preview: '', tool: 'Bash', input: { command: 'npm test' }, agent: 'agent-a',
    requester: null, session_id: null, project: 'web', cwd: '/srv/web', host: null, priority: 'normal', tags: [], context: null, question: null, conditions_schema: null,
    created_at: 0, updated_at: 0, expires_at: 3_600_000, on_timeout: 'deny', callback_url: null, idempotency_key: null, channel: null, target: null,
    origin: 'native', policy: { verdict: 'ask', rule: 'Bash(npm *)', reason: 'npm is in ask' }, decision: null, metadata: null, workflow: null, ...over,
  };
}

describe('renderCard', () => {
  it('shows the command that runs, the agent, project, directory, policy reason and expiry', () => {
    const { html, truncated } = renderCard(request(), { m, now: 0 });
    assert.equal(truncated, false);
    assert.match(html, /<b>Run tests<\/b>/);
    assert.match(html, /Agent: <code>agent-a<\/code> · Project: <code>web<\/code>/);
    assert.match(html, /Dir: <code>\/srv\/web<\/code>/);
    assert.match(html, /Why you are asked: npm is in ask \(<code>Bash\(npm \*\)<\/code>\)/);
    assert.match(html, /<pre>npm test<\/pre>/);
    assert.match(html, /Expires 1970-01-01 01:00 UTC \(in 1 h\)/);
    assert.doesNotMatch(html, /Host:/, 'no host named, none shown');
  });

  it('shows the machine the request came from', () => {
    assert.match(renderCard(request({ host: 'build-7.example' }), { m, now: 0 }).html, /Host: <code>build-7\.example<\/code>/);
  });

  it('leads with the action as it will run; the agent\'s preview comes second, labelled as its own words', () => {
    const { html } = renderCard(request({ preview: 'ls -la', input: { command: 'rm -rf ~/important' } }), { m, now: 0 });
    const action = html.indexOf('<pre>rm -rf ~/important</pre>');
    const said = html.indexOf('Agent’s description (its own words, not checked)</i>: ls -la');
    const why = html.indexOf('Why you are asked');
    assert.ok(action > 0 && said > action && why > said, html);
    assert.ok(html.indexOf('<b>Run tests</b>') < action, 'only the title comes before the action');
    assert.ok(html.indexOf('Agent: ') > why, 'facts after the reason');
    const write = renderCard(request({ tool: 'Write', preview: 'harmless', input: { file_path: '/etc/cron.d/x', content: '* * * * * root sh' } }), { m, now: 0 }).html;
    assert.ok(write.indexOf('<pre>Write /etc/cron.d/x\n\n* * * * * root sh</pre>') < write.indexOf('harmless'), write);
    const other = renderCard(request({ tool: 'mcp__db__query', preview: 'a read', input: { sql: 'DROP TABLE users' } }), { m, now: 0 }).html;
    assert.match(other, /<pre>\{\n {2}&quot;sql&quot;: &quot;DROP TABLE users&quot;\n\}<\/pre>/);
    assert.ok(other.indexOf('DROP TABLE') < other.indexOf('a read'));
  });

  it('shows input fields the command leaves out, and no description when the preview only restates the action', () => {
    const { html } = renderCard(request({ preview: 'npm test', input: { command: 'npm test', dangerouslyDisableSandbox: true } }), { m, now: 0 });
    assert.match(html, /Also in the input: dangerouslyDisableSandbox = true/);
    assert.doesNotMatch(html, /Agent’s description/);
  });

  it('never exceeds 4096 characters, whatever the fields hold, and says when it cut', () => {
    const huge = '<&>'.repeat(40_000);
    const r = request({ title: huge.slice(0, 500), cwd: '/' + huge.slice(0, 4000), context: huge.slice(0, 10_000), requester: huge.slice(0, 200), input: { command: huge },
      question: { options: Array.from({ length: 26 }, (_, i) => ({ key: String.fromCharCode(65 + i), label: huge.slice(0, 500) })), multi_select: false, allow_free_text: true } });
    for (const locale of ['en', 'zh'] as const) {
      const card = renderCard(r, { m: MESSAGES[locale], now: 0 });
      assert.ok(card.html.length <= MESSAGE_LIMIT, `${locale}: ${card.html.length}`);
      assert.equal(card.truncated, true);
      assert.match(card.html, locale === 'en' ? /Shortened: \d+ of \d+ characters shown/ : /内容已截断/);
      const settled = renderCard({ ...r, status: 'denied', decision: { outcome: 'denied', scope: 'once', comment: huge, conditions: null, answer: null, updated_input: null, decided_by: 'alice', decided_by_kind: 'approver', via: 'telegram', decided_at: 1 } }, { m: MESSAGES[locale], now: 0 });
      assert.ok(settled.html.length <= MESSAGE_LIMIT);
    }
  });

  it('decides whether a card is cut the same way at any time before expiry', () => {
    const r = request({ input: { command: 'x'.repeat(3700) } });
    const verdicts = new Set([0, 1000, 59_000, 61_000, 3_599_000, 3_600_000, 9_000_000].map((now) => renderCard(r, { m, now }).truncated));
    assert.equal(verdicts.size, 1);
  });

  it('puts the outcome on a settled card: who, via which channel, and what they set', () => {
    const html = renderCard(request({ status: 'approved', decision: { outcome: 'approved', scope: 'once', comment: null, conditions: null, answer: null, updated_input: { command: 'npm test -- --ci' }, decided_by: 'bob', decided_by_kind: 'approver', via: 'web', decided_at: 1 } }), { m, now: 0 }).html;
    assert.match(html, /<b>✏️ Approved with edits<\/b> by bob via web/);
    assert.match(html, /<pre>npm test -- --ci<\/pre>/);
    assert.doesNotMatch(html, /Expires/);
  });
});

describe('fullText', () => {
  it('has every field, whole', () => {
    const text = fullText(request({ context: 'c'.repeat(5000), input: { command: 'y'.repeat(20_000) } }));
    assert.ok(text.includes('c'.repeat(5000)));
    assert.ok(text.includes('y'.repeat(20_000)));
    assert.match(text, /Why you are asked — policy: ask \(Bash\(npm \*\)\):\nnpm is in ask/);
    const action = text.indexOf('The action: Bash (command)\nyyy');
    assert.ok(action > 0 && action < text.indexOf('Why you are asked'), 'the action first');
  });
});
