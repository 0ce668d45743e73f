// "Why you are asked": the reason names every part no rule allows (dangerous first, marked,
// bounded), and says where the action hides invisible characters — which always need a human.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, initPolicy, rulesFromSet } from './index.js';
import type { PolicyContext, RuleSet } from './index.js';

const PROJECT = '/home/alice/webapp';
const base: PolicyContext = { rules: [], projectDirs: [PROJECT], sandboxed: false, homeDir: '/home/alice', protectedPaths: [] };
const run = (command: string, set: Partial<RuleSet> = {}, extra: Partial<PolicyContext> = {}) =>
  evaluate({ tool: 'Bash', input: { command }, cwd: PROJECT }, { ...base, ...extra, rules: rulesFromSet(set, 'config:global') });

describe('why you are asked: every part no rule allows', () => {
  before(async () => { await initPolicy(); });

  it('names every uncovered subcommand of a script, not only the first', () => {
    const ev = run('set -euo pipefail\nnpm ci\nnpm test\nnode scripts/deploy.js --prod', { allow: ['Bash(npm test *)'] });
    assert.equal(ev.verdict, 'ask');
    assert.equal(ev.reason, 'No rule allows 3 of the 4 parts:\n• Bash(set -euo pipefail)\n• Bash(npm ci)\n• Bash(node scripts/deploy.js --prod)');
  });

  it('puts dangerous parts first and marks them with what the guard found', () => {
    const ev = run('set -e; echo start; git push --force origin main; rm -rf ~; ls', { allow: ['Bash(echo *)'] });
    assert.equal(ev.dangerous, true);
    const lines = ev.reason.split('\n');
    assert.equal(lines[0], 'No rule allows 4 of the 5 parts:');
    assert.match(lines[1], /^• DANGEROUS \(git push --force to a protected branch[^)]*\)\) Bash\(git push --force origin main\)$/);
    assert.match(lines[2], /^• DANGEROUS \(rm of ~ \(\/home\/alice\)\) Bash\(rm -rf ~\)$/);
    assert.deepEqual(lines.slice(3), ['• Bash(set -e)', '• Bash(ls)']);
  });

  it('stays bounded for a script of 500 commands: a dozen named, then how many more', () => {
    const script = ['set -euo pipefail', ...Array.from({ length: 500 }, (_, i) => `make s${i}`), 'rm -rf /'].join('\n');
    const ev = run(script);
    assert.equal(ev.verdict, 'ask');
    assert.ok(ev.reason.length < 2500, `${ev.reason.length} characters`);
    const lines = ev.reason.split('\n');
    assert.equal(lines[0], 'No rule allows any of the 502 parts:');
    assert.match(lines[1], /^• DANGEROUS \(rm of \/\) Bash\(rm -rf \/\)$/, 'the dangerous one first, though it is last');
    assert.equal(lines[2], '• Bash(set -euo pipefail)');
    assert.equal(lines.length, 1 + 12 + 1);
    assert.equal(lines.at(-1), '… and 490 more');
  });

  it('names a repeated part once, with how often, and cuts a very long subcommand', () => {
    const ev = run(`x; x; x; y ${'a'.repeat(400)}`);
    const lines = ev.reason.split('\n');
    assert.equal(lines[1], '• Bash(x) (3 times)');
    assert.ok(lines[2].length < 200 && lines[2].endsWith('…'), lines[2]);
  });

  it('keeps the short form for a single part, and the ask rule first when one matched', () => {
    assert.equal(run('ls').reason, 'Bash(ls): no allow rule covers `ls`');
    const ev = run('git push origin feature; npm ci', { ask: ['Bash(git push *)'] });
    assert.equal(ev.rule, 'Bash(git push *)');
    assert.equal(ev.reason, 'Bash(git push origin feature): ask rule Bash(git push *) (config:global)\nBash(npm ci): no allow rule covers `npm ci`');
  });
});

describe('why you are asked: invisible characters', () => {
  before(async () => { await initPolicy(); });

  it('never allows a command with a bidi override, even when every part is allowed, and says where it is', () => {
    const ev = run('git push origin \u202Eniam\u202C feature', { allow: ['Bash(git *)'] });
    assert.equal(ev.verdict, 'ask');
    assert.match(ev.reason, /^2 invisible characters in the command \(U\+202E at position 17, U\+202C at position 22\): a human must see what really runs$/);
  });

  it('counts lines and positions in a script, and writes the characters out wherever the reason quotes the command', () => {
    const ev = run('echo a\necho b\u200B', { allow: [] });
    assert.match(ev.reason, /^invisible character U\+200B in the command at line 2, position 7: /);
    assert.match(ev.reason, /• Bash\(echo 'b⟪U\+200B⟫'\)/);
    assert.doesNotMatch(ev.reason, /\u200B/);
  });

  it('asks for tag characters (hidden ASCII) that a plain allow rule would have let through', () => {
    const hidden = [...'rm -rf ~'].map((c) => String.fromCodePoint(0xe0000 + c.codePointAt(0)!)).join('');
    const ev = run(`echo hello${hidden}`, { allow: ['Bash(echo *)'] });
    assert.equal(ev.verdict, 'ask');
    assert.match(ev.reason, /^8 invisible characters in the command \(U\+E0072 at position 11, /);
  });

  it('names unusual whitespace bash may split differently, with positions', () => {
    const ev = run('git status\u00a0&&\u3000ls', { allow: ['Bash(git *)', 'Bash(ls *)'] });
    assert.equal(ev.verdict, 'ask');
    assert.match(ev.reason, /unusual whitespace or joiners \(U\+00A0 at position 11, U\+3000 at position 14\)/);
  });

  it('asks for a path, a URL or a plain action that hides invisible characters', () => {
    const ctx = { ...base, rules: rulesFromSet({ allow: ['Read', 'WebFetch', 'deploy'] }, 'g') };
    const read = evaluate({ tool: 'Read', input: { file_path: `${PROJECT}/a\u202Etxt.sh` }, cwd: PROJECT }, ctx);
    assert.equal(read.verdict, 'ask');
    assert.match(read.reason, /invisible character U\+202E in the path at position \d+/);
    const fetch = evaluate({ tool: 'WebFetch', input: { url: 'https://example.com/\u200Bx' }, cwd: null }, ctx);
    assert.equal(fetch.verdict, 'ask');
    assert.match(fetch.reason, /in the URL/);
    const plain = evaluate({ tool: 'deploy', input: { preview: 'kubectl apply -f \u2066prod\u2069.yaml' }, cwd: null }, ctx);
    assert.equal(plain.verdict, 'ask');
    assert.match(plain.reason, /2 invisible characters in the action/);
    assert.equal(evaluate({ tool: 'deploy', input: { preview: 'kubectl apply -f prod.yaml ✅' }, cwd: null }, ctx).verdict, 'allow');
  });
});
