import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionAsItRuns, actionSummary, invisibleReport, type ActionSource, type ShownRequest } from './action.js';
import { toolPreview } from './tool-preview.js';

const src = (over: Partial<ActionSource>): ActionSource => ({ tool: null, input: null, preview: '', action_type: 'action', cwd: null, ...over });

describe('the action as it will run', () => {
  it('is the command from the input, never the agent\'s preview; the preview is the agent\'s description', () => {
    const a = actionAsItRuns(src({ tool: 'Bash', input: { command: 'rm -rf ~/important' }, preview: 'ls -la' }));
    assert.deepEqual(a.body, { kind: 'command', command: 'rm -rf ~/important' });
    assert.equal(a.text, 'rm -rf ~/important');
    assert.equal(a.tool, 'Bash');
    assert.equal(a.description, 'ls -la');
    assert.equal(a.inputJson, null);
  });

  it('takes Bash\'s own description field as the agent\'s words too, and lists the input fields the command leaves out', () => {
    const a = actionAsItRuns(src({ tool: 'Bash', input: { command: 'make', description: 'Build it', dangerouslyDisableSandbox: true, timeout: 600000 } }));
    assert.equal(a.description, 'Build it');
    assert.deepEqual(a.extras, [{ name: 'dangerouslyDisableSandbox', value: 'true' }, { name: 'timeout', value: '600000' }]);
    assert.match(a.inputJson ?? '', /"dangerouslyDisableSandbox": true/);
  });

  it('does not repeat a preview that only restates the action: the action text itself, or the standard preview the hooks write', () => {
    const input = { command: 'npm test', description: 'Run the tests' };
    assert.equal(actionAsItRuns(src({ tool: 'Bash', input, preview: 'npm test' })).description, 'Run the tests');
    assert.equal(actionAsItRuns(src({ tool: 'Bash', input, preview: toolPreview('Bash', input, '/srv'), cwd: '/srv' })).description, 'Run the tests');
    const edit = { file_path: '/a.ts', old_string: 'a', new_string: 'b' };
    assert.equal(actionAsItRuns(src({ tool: 'Edit', input: edit, preview: toolPreview('Edit', edit, null) })).description, null);
    assert.equal(actionAsItRuns(src({ tool: 'Edit', input: edit, preview: 'tidy a comment' })).description, 'tidy a comment');
  });

  it('shows edits as a unified diff, a written file whole with its path, reads and fetches by their target', () => {
    const edit = actionAsItRuns(src({ tool: 'Edit', input: { file_path: '/a.ts', old_string: 'x = 1', new_string: 'x = 2', replace_all: true } }));
    assert.equal(edit.body.kind, 'edit');
    assert.match(edit.text, /^\(every occurrence\)\n--- \/a\.ts\n\+\+\+ \/a\.ts\n@@[^\n]*\n-x = 1\n\+x = 2$/);
    const multi = actionAsItRuns(src({ tool: 'MultiEdit', input: { file_path: '/b', edits: [{ old_string: 'a', new_string: 'b' }, { old_string: 'c', new_string: 'd', replace_all: true }] } }));
    assert.match(multi.text, /^# edit 1 of 2\n--- \/b[\s\S]*# edit 2 of 2\n\(every occurrence\)\n--- \/b/);
    const content = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n');
    const write = actionAsItRuns(src({ tool: 'Write', input: { file_path: '/etc/cron.d/x', content }, preview: 'a note' }));
    assert.equal(write.text, `Write /etc/cron.d/x\n\n${content}`, 'the whole file, not a head');
    assert.equal(actionAsItRuns(src({ tool: 'Read', input: { file_path: '/etc/shadow' } })).text, '/etc/shadow');
    assert.equal(actionAsItRuns(src({ tool: 'WebFetch', input: { url: 'https://x.example', prompt: 'summarise' } })).text, 'https://x.example\n\nprompt: summarise');
  });

  it('shows any other tool\'s input as JSON, a plain action as its preview, and says when there is nothing', () => {
    const mcp = actionAsItRuns(src({ tool: 'mcp__db__query', input: { sql: 'DROP TABLE users' }, preview: 'a harmless read' }));
    assert.deepEqual(mcp.body, { kind: 'json', json: '{\n  "sql": "DROP TABLE users"\n}' });
    assert.equal(mcp.description, 'a harmless read');
    const odd = actionAsItRuns(src({ tool: 'Bash', input: { command: 42 } }));
    assert.equal(odd.body.kind, 'json', 'a Bash input without a string command is shown as it is');
    const plain = actionAsItRuns(src({ action_type: 'deploy', preview: 'kubectl apply -f prod.yaml' }));
    assert.deepEqual(plain.body, { kind: 'text', text: 'kubectl apply -f prod.yaml' });
    assert.equal(plain.tool, 'deploy');
    assert.equal(plain.description, null, 'the preview is the action, not a second description');
    assert.equal(actionAsItRuns(src({})).body.kind, 'none');
  });

  it('sums an action up in one bounded line for lists', () => {
    assert.equal(actionSummary(actionAsItRuns(src({ tool: 'Bash', input: { command: 'set -e\nmake' } }))), 'set -e');
    assert.equal(actionSummary(actionAsItRuns(src({ tool: 'Write', input: { file_path: '/x', content: 'y' } }))), 'Write /x');
    assert.equal(actionSummary(actionAsItRuns(src({ tool: 'Bash', input: { command: 'x'.repeat(500) } }))).length, 241);
  });
});

describe('invisibleReport', () => {
  const req = (over: Partial<ShownRequest>): ShownRequest => ({ ...src({}), title: 'ok', context: null, requester: null, question: null, conditions_schema: null, ...over });

  it('names every field that hides invisible characters, and where', () => {
    const report = invisibleReport(req({ title: 'Fix \u202Etxt', tool: 'Bash', input: { command: 'ls\u200B' }, preview: 'p\u2066', question: { options: [{ key: 'A', label: 'yes\u2069' }] } }));
    assert.equal(
      report,
      'Contains invisible characters, shown as ⟪U+…⟫: invisible character U+202E in the title at position 5; invisible character U+200B in the command at position 3; invisible character U+2066 in the agent’s description (preview) at position 2; invisible character U+2069 in option A at position 4.',
    );
  });

  it('leaves out what the policy already said, stays bounded, and says nothing for clean requests', () => {
    const r = req({ tool: 'Bash', input: { command: 'ls\u200B' }, title: 't\u200B' });
    assert.doesNotMatch(invisibleReport(r, 'invisible character U+200B in the command at position 3') ?? '', /command/);
    const many = req({ tool: 'x', input: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, '\u200B'])) });
    assert.match(invisibleReport(many) ?? '', /; and in 45 more places\.$/);
    assert.equal(invisibleReport(req({ title: '✅ done ⚠️' })), null);
  });
});
