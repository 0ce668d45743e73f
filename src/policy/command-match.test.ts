import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { initBashParser, parseBash } from './bash-parser.js';
import { commandForms, compileCommandPattern, findExecCommands, renderWords } from './command-match.js';

const forms = (cmd: string) => commandForms(parseBash(cmd).commands[0]);

describe('compileCommandPattern', () => {
  const t = (p: string, cmd: string) => compileCommandPattern(p).test(cmd);
  it('matches exactly without a wildcard', () => {
    assert.ok(t('npm run build', 'npm run build'));
    assert.ok(!t('npm run build', 'npm run build x'));
    assert.ok(!t('npm run build', 'xnpm run build'));
  });
  it('treats a trailing " *" as optional arguments on a word boundary', () => {
    assert.ok(t('ls *', 'ls'));
    assert.ok(t('ls *', 'ls -la'));
    assert.ok(!t('ls *', 'lsof'));
  });
  it('treats legacy ":*" the same way', () => {
    assert.ok(t('git diff:*', 'git diff'));
    assert.ok(t('git diff:*', 'git diff HEAD~1'));
    assert.ok(!t('git diff:*', 'git difftool'));
  });
  it('lets * elsewhere match any characters', () => {
    assert.ok(t('ls*', 'lsof'));
    assert.ok(t('git * main', 'git push origin main'));
    assert.ok(t('* --version', 'node --version'));
    assert.ok(t('*', 'anything'));
    assert.ok(!t('git * main', 'git push origin main2'));
  });
  it('escapes regex characters in the pattern', () => {
    assert.ok(t('echo a.b (c) [d] $e', 'echo a.b (c) [d] $e'));
    assert.ok(!t('echo a.b', 'echo axb'));
  });
  it('rejects an empty pattern', () => {
    assert.throws(() => compileCommandPattern(':*'));
    assert.throws(() => compileCommandPattern('   '));
  });
});

describe('commandForms', () => {
  before(async () => { await initBashParser(); });

  it('renders a canonical form with quoting only where needed', () => {
    assert.equal(renderWords(parseBash(`git commit -m "fix it" --author='a b' x.ts`).commands[0].words), "git commit -m 'fix it' '--author=a b' x.ts");
  });

  it('looks through assignments for allow and keeps them for deny/ask', () => {
    const f = forms('FOO=1 git status');
    assert.equal(f.allowForm, 'git status');
    assert.deepEqual(f.matchForms, ['FOO=1 git status', 'git status']);
  });

  it('looks through wrappers: allow must match the innermost command', () => {
    assert.equal(forms('timeout -k 5 10 nice -n 3 nohup git fetch').allowForm, 'git fetch');
    assert.equal(forms('env -i A=1 stdbuf -oL command git log').allowForm, 'git log');
    assert.equal(forms('time -p builtin cd x').allowForm, 'cd x');
    assert.deepEqual(forms('timeout 5 rm x').matchForms, ['timeout 5 rm x', 'rm x']);
  });

  it('looks through flag-less xargs, appending the arguments it reads', () => {
    const f = forms('xargs rm -f');
    assert.equal(f.allowForm, 'rm -f …');
    assert.ok(forms('xargs -0 rm').unsafe.length > 0);
  });

  it('looks through sudo for deny/ask only', () => {
    const f = forms('sudo -u bob rm -rf x');
    assert.equal(f.viaSudo, true);
    assert.equal(f.allowForm, 'sudo -u bob rm -rf x');
    assert.ok(f.matchForms.includes('rm -rf x'));
    assert.deepEqual(f.inner.map((w) => w.value), ['rm', '-rf', 'x']);
  });

  it('adds the basename form of a path command for deny/ask', () => {
    assert.ok(forms('/bin/rm x').matchForms.includes('rm x'));
    assert.equal(forms('/bin/rm x').allowForm, '/bin/rm x');
  });

  it('does not look through command -v (it runs nothing)', () => {
    assert.equal(forms('command -v rm').allowForm, 'command -v rm');
  });

  const unsafe: [string, RegExp][] = [
    ['PATH=/x ls', /PATH/],
    ['env LD_PRELOAD=x ls', /LD_PRELOAD/],
    ['eval ls', /eval/],
    ['source x', /source/],
    ['. x', /`\.`/],
    ['exec ls', /exec/],
    ['bash -c ls', /bash -c/],
    ['sh -ec ls', /sh -ec/],
    ['bash', /stdin/],
    ['bash -s', /bash -s/],
    ['busybox sh -c ls', /sh -c/],
    ['sudo -i', /starts a shell/],
    ['timeout --bogus 5 ls', /cannot look through/],
    ['env -S "a b"', /cannot look through/],
    ['$X ls', /computed at run time/],
    ['"$(which git)" status', /computed at run time/],
    ['nohup bash -c ls', /bash -c/],
  ];
  for (const [cmd, re] of unsafe) {
    it(`marks ${JSON.stringify(cmd)} as never auto-allowed`, () => {
      const f = forms(cmd);
      assert.equal(f.allowForm, null);
      assert.ok(f.unsafe.some((u) => re.test(u)), f.unsafe.join('; '));
    });
  }

  it('does not mark a shell running a script file', () => {
    assert.deepEqual(forms('bash -x ./build.sh').unsafe, []);
  });
});

describe('findExecCommands', () => {
  before(async () => { await initBashParser(); });
  it('extracts the commands find -exec / -execdir / -ok run', () => {
    const w = parseBash('find . -exec rm {} \\; -execdir grep -l x {} +').commands[0].words;
    assert.deepEqual(findExecCommands(w).map((c) => c.map((x) => x.value)), [['rm', '{}'], ['grep', '-l', 'x', '{}']]);
  });
  it('ignores other commands', () => {
    assert.deepEqual(findExecCommands(parseBash('ls -exec x').commands[0].words), []);
  });
});
