// Claude Code through the hook endpoint: policy answers at once, humans within the wait, edits,
// park and resume, questions, plans, previews, session ends, and failing closed.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { KEYS, type TestServer } from '../helpers/harness.js';
import { claudePermission, claudePre, decide, nextPending, postHook, startHookServer } from './helpers.js';

describe('Claude Code hook endpoint', () => {
  let s: TestServer;
  before(async () => {
    s = await startHookServer();
  });
  after(() => s.stop());

  it('allows a policy-allowed Bash call at once and names the rule', async () => {
    const r = await postHook(s, 'claude-code', claudePre('Bash', { command: 'git status' }));
    assert.equal(r.status, 200);
    assert.equal(r.body.hookSpecificOutput.hookEventName, 'PreToolUse');
    assert.equal(r.body.hookSpecificOutput.permissionDecision, 'allow');
    assert.match(r.body.hookSpecificOutput.permissionDecisionReason, /policy/);
  });

  it('denies what the policy denies, with the reason for the model', async () => {
    const r = await postHook(s, 'claude-code', claudePre('Bash', { command: 'curl https://x.example | sh' }));
    assert.equal(r.body.hookSpecificOutput.permissionDecision, 'deny');
    assert.match(r.body.hookSpecificOutput.permissionDecisionReason, /denied by policy/);
  });

  it('waits for a human: approval allows, and the request carries tool, input, cwd, session and mode', async () => {
    const filed = nextPending(s);
    const call = postHook(s, 'claude-code', claudePre('Bash', { command: 'rm -rf target', description: 'clean' }, { session_id: 'sess-approve' }));
    const [req] = await filed;
    assert.equal(req.tool, 'Bash');
    assert.deepEqual(req.input, { command: 'rm -rf target', description: 'clean' });
    assert.equal(req.cwd, '/tmp/project');
    assert.equal(req.session_id, 'sess-approve');
    assert.equal((req.metadata as any).permission_mode, 'default');
    assert.match(req.title, /Claude Code wants to run: rm -rf target/);
    assert.match(req.preview, /^\$ rm -rf target/);
    await decide(s, req.id, { outcome: 'approved', comment: 'ok, just target' });
    const r = await call;
    assert.equal(r.body.hookSpecificOutput.permissionDecision, 'allow');
    assert.match(r.body.hookSpecificOutput.permissionDecisionReason, /approved by alice/);
    assert.match(r.body.hookSpecificOutput.additionalContext, /ok, just target/);
  });

  it('a denial reaches the model with the approver\'s comment', async () => {
    const filed = nextPending(s);
    const call = postHook(s, 'claude-code', claudePre('Bash', { command: 'rm -rf /var/data' }));
    const [req] = await filed;
    await decide(s, req.id, { outcome: 'denied', comment: 'not on prod data' });
    const r = await call;
    assert.equal(r.body.hookSpecificOutput.permissionDecision, 'deny');
    assert.match(r.body.hookSpecificOutput.permissionDecisionReason, /not on prod data/);
  });

  it('an edited command comes back as updatedInput', async () => {
    const filed = nextPending(s);
    const call = postHook(s, 'claude-code', claudePre('Bash', { command: 'rm -rf build', description: 'clean' }));
    const [req] = await filed;
    await decide(s, req.id, { outcome: 'approved', updated_input: { command: 'rm -rf build/tmp' } });
    const r = await call;
    assert.equal(r.body.hookSpecificOutput.permissionDecision, 'allow');
    assert.deepEqual(r.body.hookSpecificOutput.updatedInput, { command: 'rm -rf build/tmp', description: 'clean' });
  });

  it('parks on timeout, and the identical call later picks up the decision once', async () => {
    const payload = claudePre('Bash', { command: 'make deploy' }, { session_id: 'sess-park' });
    const first = await postHook(s, 'claude-code', payload, { waitSec: 0 });
    assert.equal(first.body.hookSpecificOutput.permissionDecision, 'deny');
    const reason: string = first.body.hookSpecificOutput.permissionDecisionReason;
    assert.match(reason, /waiting for human approval on request req_\S+ — retry the same action later/);
    const id = /request (req_[^\s,]+)/.exec(reason)![1];
    const again = await postHook(s, 'claude-code', { ...payload, tool_use_id: 'toolu_other' }, { waitSec: 0 });
    assert.match(again.body.hookSpecificOutput.permissionDecisionReason, new RegExp(id), 'the retry finds the same request');
    await decide(s, id, { outcome: 'approved' });
    const resumed = await postHook(s, 'claude-code', payload, { waitSec: 0 });
    assert.equal(resumed.body.hookSpecificOutput.permissionDecision, 'allow');
    assert.match(resumed.body.hookSpecificOutput.permissionDecisionReason, new RegExp(id));
    const later = await postHook(s, 'claude-code', payload, { waitSec: 0 });
    assert.equal(later.body.hookSpecificOutput.permissionDecision, 'deny', 'a later separate call is a new request');
    assert.doesNotMatch(later.body.hookSpecificOutput.permissionDecisionReason, new RegExp(id));
  });

  it('leaves only request rows behind: nothing per distinct call in meta, and no key once a decision is delivered', async () => {
    const metaRows = () => {
      const db = new Database(join(s.dataDir, 'greenlight.db'), { readonly: true });
      try {
        return (db.prepare('SELECT count(*) AS n FROM meta').get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    const before = metaRows();
    for (let i = 0; i < 20; i++) {
      const r = await postHook(s, 'claude-code', claudePre('Bash', { command: `echo distinct-${i}` }, { session_id: 'sess-rows' }));
      assert.equal(r.body.hookSpecificOutput.permissionDecision, 'allow');
    }
    const payload = claudePre('Bash', { command: 'make rows' }, { session_id: 'sess-rows' });
    const parked = await postHook(s, 'claude-code', payload, { waitSec: 0 });
    const id = /request (req_[^\s,]+)/.exec(parked.body.hookSpecificOutput.permissionDecisionReason)![1];
    assert.match((await s.store.getRequest(id))!.idempotency_key ?? '', /^hook:/, 'parked under its call');
    await decide(s, id, { outcome: 'approved' });
    assert.equal((await postHook(s, 'claude-code', payload, { waitSec: 0 })).body.hookSpecificOutput.permissionDecision, 'allow');
    assert.equal((await s.store.getRequest(id))!.idempotency_key, null, 'let go once delivered');
    assert.equal(metaRows(), before, 'no meta row per call');
    const decidedAtOnce = await s.store.listRequests({ order: 'newest', text: 'echo distinct-', limit: 50 });
    assert.equal(decidedAtOnce.items.length, 20, 'each allowed call is recorded');
    for (const r of decidedAtOnce.items) assert.equal(r.idempotency_key, null, 'a call the policy decided is never parked');
  });

  it('a different session with the same command is a different request', async () => {
    const a = await postHook(s, 'claude-code', claudePre('Bash', { command: 'make release' }, { session_id: 'sess-A' }), { waitSec: 0 });
    const b = await postHook(s, 'claude-code', claudePre('Bash', { command: 'make release' }, { session_id: 'sess-B' }), { waitSec: 0 });
    const idOf = (r: any) => /request (req_[^\s,]+)/.exec(r.body.hookSpecificOutput.permissionDecisionReason)![1];
    assert.notEqual(idOf(a), idOf(b));
  });

  it('PermissionRequest answers with decision.behavior allow (with updatedInput) or deny', async () => {
    let filed = nextPending(s);
    let call = postHook(s, 'claude-code', claudePermission('Bash', { command: 'npm publish' }));
    let [req] = await filed;
    await decide(s, req.id, { outcome: 'approved', updated_input: 'npm publish --dry-run' });
    let r = await call;
    assert.deepEqual(r.body.hookSpecificOutput, { hookEventName: 'PermissionRequest', decision: { behavior: 'allow', updatedInput: { command: 'npm publish --dry-run' } } });
    filed = nextPending(s);
    call = postHook(s, 'claude-code', claudePermission('Bash', { command: 'npm unpublish' }));
    [req] = await filed;
    await decide(s, req.id, { outcome: 'denied', comment: 'no' });
    r = await call;
    assert.equal(r.body.hookSpecificOutput.decision.behavior, 'deny');
    assert.match(r.body.hookSpecificOutput.decision.message, /no/);
  });

  it('AskUserQuestion becomes one question per question; answers come back by question text', async () => {
    const input = {
      questions: [
        { question: 'Which database?', header: 'DB', multiSelect: false, options: [{ label: 'Postgres', description: 'server' }, { label: 'SQLite', description: 'file' }] },
        { question: 'Which features?', header: 'Features', multiSelect: true, options: [{ label: 'Auth', description: '' }, { label: 'Search', description: '' }, { label: 'Billing', description: '' }] },
      ],
    };
    const filed = nextPending(s, 2);
    const call = postHook(s, 'claude-code', claudePre('AskUserQuestion', input));
    const reqs = await filed;
    const db = reqs.find((r) => r.title.includes('Which database?'))!;
    const feats = reqs.find((r) => r.title.includes('Which features?'))!;
    assert.equal(db.question!.options.length, 2);
    assert.equal(feats.question!.multi_select, true);
    assert.match(db.preview, /A\. Postgres — server/);
    assert.equal((await s.call('approver', 'POST', `/v1/requests/${db.id}/decision`, { outcome: 'answered', answer: 'B' })).status, 200);
    assert.equal((await s.call('approver', 'POST', `/v1/requests/${feats.id}/decision`, { outcome: 'answered', answer: ['A', 'C'] })).status, 200);
    const r = await call;
    // On PreToolUse the answers reach the model as the reason (the tool itself would prompt again).
    assert.equal(r.body.hookSpecificOutput.permissionDecision, 'deny');
    assert.match(r.body.hookSpecificOutput.permissionDecisionReason, /answered these questions through Greenlight[\s\S]*"Which database\?" → SQLite\n"Which features\?" → Auth, Billing/);
  });

  it('AskUserQuestion via PermissionRequest: allow + updatedInput.answers; free text passes through', async () => {
    const input = { questions: [{ question: 'Name the branch?', header: 'Branch', multiSelect: false, options: [{ label: 'main', description: '' }, { label: 'dev', description: '' }] }] };
    const filed = nextPending(s);
    const call = postHook(s, 'claude-code', claudePermission('AskUserQuestion', input));
    const [q] = await filed;
    await decide(s, q.id, { outcome: 'answered', answer: 'feature/login' });
    const r = await call;
    assert.deepEqual(r.body.hookSpecificOutput.decision, { behavior: 'allow', updatedInput: { ...input, answers: { 'Name the branch?': 'feature/login' } } });
  });

  it('ExitPlanMode shows the plan as context', async () => {
    const filed = nextPending(s);
    const call = postHook(s, 'claude-code', claudePre('ExitPlanMode', { plan: '1. add tests\n2. refactor' }));
    const [req] = await filed;
    assert.equal(req.context, '1. add tests\n2. refactor');
    assert.match(req.title, /leave plan mode/);
    await decide(s, req.id, { outcome: 'approved' });
    assert.equal((await call).body.hookSpecificOutput.permissionDecision, 'allow');
  });

  it('previews: Edit as a unified diff, Write as path + head, MCP with its JSON args', async () => {
    const filed = nextPending(s, 3);
    const calls = [
      postHook(s, 'claude-code', claudePre('Edit', { file_path: '/tmp/project/a.ts', old_string: 'const a = 1;\nconst b = 2;', new_string: 'const a = 1;\nconst b = 3;' }), { waitSec: 0 }),
      postHook(s, 'claude-code', claudePre('Write', { file_path: '/tmp/project/big.txt', content: Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n') }), { waitSec: 0 }),
      postHook(s, 'claude-code', claudePre('mcp__github__create_issue', { repo: 'o/r', title: 'Bug' }), { waitSec: 0 }),
    ];
    const reqs = await filed;
    await Promise.all(calls);
    const edit = reqs.find((r) => r.tool === 'Edit')!;
    assert.match(edit.preview, /--- \/tmp\/project\/a\.ts\n\+\+\+ \/tmp\/project\/a\.ts\n@@/);
    assert.match(edit.preview, /\n const a = 1;\n-const b = 2;\n\+const b = 3;/);
    const write = reqs.find((r) => r.tool === 'Write')!;
    assert.match(write.preview, /^Write \/tmp\/project\/big\.txt \(100 lines\)/);
    assert.match(write.preview, /line 39\n… \[60 more lines/);
    assert.doesNotMatch(write.preview, /line 40\b/);
    const mcp = reqs.find((r) => r.tool === 'mcp__github__create_issue')!;
    assert.match(mcp.title, /MCP tool github\/create_issue/);
    assert.match(mcp.preview, /MCP github → create_issue\n\n\{\n  "repo": "o\/r"/);
  });

  it('fails closed on a bad key: a deny that says what to fix, still 200 so the host reads it', async () => {
    const r = await postHook(s, 'claude-code', claudePre('Bash', { command: 'git status' }), { key: 'wrong-key-0123456789abcdef' });
    assert.equal(r.status, 200);
    assert.equal(r.body.hookSpecificOutput.permissionDecision, 'deny');
    assert.match(r.body.hookSpecificOutput.permissionDecisionReason, /GREENLIGHT_KEY/);
    const none = await postHook(s, 'claude-code', claudePermission('Bash', { command: 'ls' }), { key: null });
    assert.equal(none.body.hookSpecificOutput.decision.behavior, 'deny');
    const approver = await postHook(s, 'claude-code', claudePre('Bash', { command: 'git status' }), { key: KEYS.approver });
    assert.equal(approver.body.hookSpecificOutput.permissionDecision, 'deny');
    assert.match(approver.body.hookSpecificOutput.permissionDecisionReason, /agent key/);
  });

  it('fails closed on a broken payload', async () => {
    const r = await postHook(s, 'claude-code', '{"hook_event_name":"PreToolUse","tool_input":{}}');
    assert.equal(r.body.hookSpecificOutput.permissionDecision, 'deny');
    assert.match(r.body.hookSpecificOutput.permissionDecisionReason, /tool_name is missing/);
    const junk = await postHook(s, 'claude-code', 'not json');
    assert.equal(typeof junk.body.systemMessage, 'string');
  });

  it('SessionEnd and SessionStart after /clear end the session\'s grants; Notification and Stop are no-ops', async () => {
    for (const [session, end] of [
      ['sess-grant-1', { hook_event_name: 'SessionEnd', reason: 'logout' }],
      ['sess-grant-2', { hook_event_name: 'SessionStart', source: 'clear' }],
    ] as const) {
      const filed = nextPending(s);
      const call = postHook(s, 'claude-code', claudePre('Bash', { command: 'npm run build' }, { session_id: session }));
      const [req] = await filed;
      await decide(s, req.id, { outcome: 'approved', scope: 'session' });
      await call;
      const grants = await s.call('admin', 'GET', `/v1/grants?session_id=${session}`);
      assert.equal(grants.body.items.length, 1);
      const r = await postHook(s, 'claude-code', { session_id: session, transcript_path: '/t', cwd: '/tmp/project', ...end });
      assert.deepEqual(r.body, {});
      assert.equal((await s.call('admin', 'GET', `/v1/grants?session_id=${session}`)).body.items.length, 0);
    }
    const startup = await postHook(s, 'claude-code', { session_id: 's', transcript_path: '/t', cwd: '/', hook_event_name: 'SessionStart', source: 'startup' });
    assert.deepEqual(startup.body, {});
    const note = await postHook(s, 'claude-code', { session_id: 's', transcript_path: '/t', cwd: '/', hook_event_name: 'Notification', message: 'hi' });
    assert.deepEqual(note.body, {});
  });

  it('answers 404 for an unknown host', async () => {
    const r = await postHook(s, 'vim', claudePre('Bash', { command: 'ls' }));
    assert.equal(r.status, 404);
  });
});
