import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, formatEvaluation, initPolicy, MAX_COMMAND_LENGTH, rulesFromSet } from './index.js';
import type { PolicyContext, PolicyRule } from './index.js';

const PROJECT = '/home/alice/webapp';
const base: PolicyContext = { rules: [], projectDirs: [PROJECT], sandboxed: false, homeDir: '/home/alice', protectedPaths: [] };
const run = (command: string, rules: PolicyRule[], extra: Partial<PolicyContext> = {}) =>
  evaluate({ tool: 'Bash', input: { command }, cwd: PROJECT }, { ...base, ...extra, rules });

describe('evaluate: the evaluation it returns', () => {
  before(async () => { await initPolicy(); });

  it('names the deciding deny rule and its source', () => {
    const rules = [
      ...rulesFromSet({ allow: ['Bash(git *)'] }, 'config:global'),
      ...rulesFromSet({ deny: ['Bash(git push *)'] }, 'config:project:webapp'),
    ];
    const ev = run('git status && git push', rules);
    assert.equal(ev.verdict, 'deny');
    assert.equal(ev.rule, 'Bash(git push *)');
    assert.equal(ev.source, 'config:project:webapp');
    assert.match(ev.reason, /git push.*denied by Bash\(git push \*\)/);
    assert.deepEqual(ev.grantIds, []);
  });

  it('traces every subcommand with its own verdict and rule', () => {
    const ev = run('git status && npm test | tee out.log', rulesFromSet({ allow: ['Bash(git *)', 'Bash(npm test *)'] }, 'g'));
    assert.equal(ev.verdict, 'ask');
    assert.deepEqual(ev.trace.map((t) => [t.subject, t.verdict, t.rule]), [
      ['Bash(git status)', 'allow', 'Bash(git *)'],
      ['Bash(npm test)', 'allow', 'Bash(npm test *)'],
      ['Bash(tee out.log)', 'ask', null],
      ['write tee out.log', 'ask', null],
    ]);
    assert.match(ev.reason, /tee out\.log/);
  });

  it('reports the grants that allowed it, once each, only when allowed', () => {
    const rules: PolicyRule[] = [
      { rule: 'Bash(git status *)', effect: 'allow', source: 'grant:grt_1', grantId: 'grt_1' },
      { rule: 'Bash(npm test *)', effect: 'allow', source: 'grant:grt_2', grantId: 'grt_2' },
      { rule: 'Bash(ls *)', effect: 'allow', source: 'config:global' },
    ];
    const ev = run('git status; npm test; git status -s; ls', rules);
    assert.equal(ev.verdict, 'allow');
    assert.deepEqual(ev.grantIds, ['grt_1', 'grt_2']);
    assert.equal(ev.source, 'grant:grt_1');
    assert.deepEqual(run('git status; rm x', rules).grantIds, []);
  });

  it('says when the guard turned an allow into ask, and keeps the reasons', () => {
    const ev = run('rm -rf /', rulesFromSet({ allow: ['Bash(rm *)'] }, 'g'));
    assert.equal(ev.verdict, 'ask');
    assert.equal(ev.dangerous, true);
    assert.deepEqual(ev.dangerReasons, ['rm of /']);
    assert.match(ev.reason, /dangerous/);
    assert.equal(ev.trace[0].verdict, 'allow', 'the rule did match; the guard overrode it');
  });

  it('first match wins within an effect, in the given order', () => {
    const ev = run('git push', [
      { rule: 'Bash(git push *)', effect: 'ask', source: 'a' },
      { rule: 'Bash(git *)', effect: 'ask', source: 'b' },
    ]);
    assert.equal(ev.source, 'a');
  });

  it('deny beats ask beats allow regardless of order', () => {
    const rules: PolicyRule[] = [
      { rule: 'Bash(git *)', effect: 'allow', source: 'x' },
      { rule: 'Bash(git *)', effect: 'ask', source: 'x' },
      { rule: 'Bash(git *)', effect: 'deny', source: 'x' },
    ];
    assert.equal(run('git log', rules).verdict, 'deny');
    assert.equal(run('git log', rules.slice(0, 2)).verdict, 'ask');
  });

  it('never allows when a deny or ask rule is malformed, and ignores a malformed allow rule', () => {
    const ev = run('git status', [{ rule: 'Bash(git *)', effect: 'allow', source: 'x' }, { rule: 'Bash(', effect: 'deny', source: 'y' }]);
    assert.equal(ev.verdict, 'ask');
    assert.match(ev.reason, /malformed/);
    assert.equal(run('git status', [{ rule: 'Bash(git *)', effect: 'allow', source: 'x' }, { rule: 'Bash(', effect: 'allow', source: 'y' }]).verdict, 'allow');
    assert.equal(run('git status', [{ rule: 'Bash(git *)', effect: 'allow', source: 'x' }], { extraDangerous: ['Bash('] }).verdict, 'ask');
  });

  it('asks for a command over the length limit', () => {
    const ev = run('ls ' + 'a'.repeat(MAX_COMMAND_LENGTH), rulesFromSet({ allow: ['Bash(ls *)'] }, 'g'));
    assert.equal(ev.verdict, 'ask');
    assert.match(ev.reason, /10,000/);
  });

  it('picks up a rule array changed in place (no stale memo)', () => {
    const rules = rulesFromSet({ allow: ['Bash(ls *)'] }, 'g');
    assert.equal(run('ls', rules).verdict, 'allow');
    rules[0].effect = 'deny';
    assert.equal(run('ls', rules).verdict, 'deny');
    rules.push({ rule: 'Bash(ls)', effect: 'ask', source: 'g' });
    rules[0].effect = 'allow';
    assert.equal(run('ls', rules).verdict, 'ask');
  });

  it('tolerates odd input without throwing', () => {
    const ctx = { ...base, rules: rulesFromSet({ allow: ['Bash', 'Read'] }, 'g') };
    for (const action of [
      { tool: 'Bash', input: null, cwd: PROJECT },
      { tool: 'Bash', input: { command: 42 }, cwd: PROJECT },
      { tool: 'Read', input: 'x', cwd: null },
      { tool: 'Read', input: { file_path: 7 }, cwd: 'relative' },
      { tool: 42 as unknown as string, input: {}, cwd: null },
    ]) {
      assert.equal(evaluate(action, ctx).verdict, 'ask', JSON.stringify(action));
    }
  });

  it('fails closed on a missing or relative home directory', () => {
    for (const homeDir of ['', 'home/alice']) {
      const ev = run('rm -rf ~', rulesFromSet({ allow: ['Bash(rm *)'] }, 'g'), { homeDir });
      assert.equal(ev.verdict, 'ask');
      assert.equal(ev.dangerous, true);
      assert.equal(evaluate({ tool: 'Read', input: { file_path: '~/x' }, cwd: PROJECT }, { ...base, homeDir }).verdict, 'ask');
    }
  });

  it('matches a generic specifier against a string input as a whole', () => {
    const ctx = { ...base, rules: rulesFromSet({ allow: ['deploy(a)'] }, 'g') };
    assert.equal(evaluate({ tool: 'deploy', input: 'abc', cwd: null }, ctx).verdict, 'ask');
    assert.equal(evaluate({ tool: 'deploy', input: 'a', cwd: null }, ctx).verdict, 'allow');
  });

  it('rulesFromSet orders deny, ask, allow and tags the source', () => {
    assert.deepEqual(rulesFromSet({ allow: ['A'], ask: ['B'], deny: ['C'] }, 's'), [
      { rule: 'C', effect: 'deny', source: 's' }, { rule: 'B', effect: 'ask', source: 's' }, { rule: 'A', effect: 'allow', source: 's' },
    ]);
    assert.deepEqual(rulesFromSet(undefined, 's'), []);
  });
});

describe('formatEvaluation', () => {
  before(async () => { await initPolicy(); });
  it('prints the verdict, the deciding rule, dangers and the trace per subcommand', () => {
    const ev = run('git status && rm -rf ~', rulesFromSet({ allow: ['Bash(git *)', 'Bash(rm *)'] }, 'config:global'));
    const text = formatEvaluation(ev);
    assert.match(text, /^verdict: ask \(DANGEROUS\)/);
    assert.match(text, /danger: {2}rm of ~ \(\/home\/alice\)/);
    assert.match(text, /allow Bash\(git status\) Bash\(git \*\) \[config:global\]/);
    assert.match(text, /allow Bash\(rm -rf ~\) Bash\(rm \*\) \[config:global\]/);
  });
  it('prints the rule and source of an allow', () => {
    const text = formatEvaluation(run('git status', rulesFromSet({ allow: ['Bash(git *)'] }, 'config:global')));
    assert.match(text, /rule: {4}Bash\(git \*\) \[config:global\]/);
  });
});
