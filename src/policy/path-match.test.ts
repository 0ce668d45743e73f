import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  compilePathPattern, globToRegexSource, isInside, isTopLevel, matchPathPattern, relativeInside, resolvePath, safeRealpath,
  tolerantRealpath,
} from './path-match.js';
import type { PathBases } from './path-match.js';

const bases: PathBases = { cwd: '/home/alice/webapp/src', projectDirs: ['/home/alice/webapp'], homeDir: '/home/alice' };
const m = (spec: string, p: string, b = bases) => matchPathPattern(compilePathPattern(spec), p, b);

describe('globToRegexSource', () => {
  const re = (g: string, shell = false) => new RegExp('^' + globToRegexSource(g, { shell }) + '$');
  it('keeps * and ? inside one segment', () => {
    assert.ok(re('*.ts').test('a.ts'));
    assert.ok(!re('*.ts').test('dir/a.ts'));
    assert.ok(re('a?c').test('abc'));
    assert.ok(!re('a?c').test('a/c'));
  });
  it('lets ** span directories', () => {
    assert.ok(re('src/**/*.ts').test('src/a.ts'));
    assert.ok(re('src/**/*.ts').test('src/x/y/a.ts'));
    assert.ok(re('src/**').test('src/x/y'));
    assert.ok(re('**/x').test('a/b/x'));
    assert.ok(re('**/x').test('x'));
  });
  it('supports classes and escapes regex characters', () => {
    assert.ok(re('[ab].txt').test('a.txt'));
    assert.ok(!re('[!ab].txt').test('a.txt'));
    assert.ok(re('[!ab].txt').test('c.txt'));
    assert.ok(re('a+b(c).txt').test('a+b(c).txt'));
    assert.ok(!re('a.txt').test('abtxt'));
    assert.ok(re('a[').test('a['));
  });
  it('follows bash in shell mode: no leading-dot matches, no **', () => {
    assert.ok(!re('*', true).test('.claude'));
    assert.ok(re('.*', true).test('.claude'));
    assert.ok(!re('**', true).test('a/b'));
  });
});

describe('compilePathPattern / matchPathPattern', () => {
  it('//path is absolute', () => {
    assert.ok(m('//etc/**', '/etc/passwd'));
    assert.ok(m('//etc/**', '/etc'));
    assert.ok(!m('//etc/**', '/home/etc/passwd'));
  });
  it('~/path is relative to home', () => {
    assert.ok(m('~/.ssh/**', '/home/alice/.ssh/id_rsa'));
    assert.ok(m('~', '/home/alice/anything'));
    assert.ok(!m('~/.ssh/**', '/root/.ssh/id_rsa'));
  });
  it('/path is relative to the project directory', () => {
    assert.ok(m('/secrets/**', '/home/alice/webapp/secrets/k'));
    assert.ok(!m('/secrets/**', '/home/alice/webapp/src/secrets/k'));
    assert.ok(!m('/secrets/**', '/secrets/k'));
  });
  it('./path and path are relative to the working directory', () => {
    assert.ok(m('./a.ts', '/home/alice/webapp/src/a.ts'));
    assert.ok(m('lib/**', '/home/alice/webapp/src/lib/x.ts'));
    assert.ok(!m('./a.ts', '/home/alice/webapp/a.ts'));
  });
  it('a slash-less pattern matches at any depth (gitignore)', () => {
    assert.ok(m('.env', '/home/alice/webapp/src/.env'));
    assert.ok(m('.env', '/home/alice/webapp/src/deep/er/.env'));
    assert.ok(m('*.pem', '/home/alice/webapp/src/k/x.pem'));
    assert.ok(!m('.env', '/home/alice/webapp/.env'), 'outside the cwd base');
    assert.ok(!m('./.env', '/home/alice/webapp/src/deep/.env'), './ anchors it');
  });
  it('a pattern naming a directory covers its contents', () => {
    assert.ok(m('./secrets', '/home/alice/webapp/src/secrets/key'));
    assert.ok(m('./secrets/', '/home/alice/webapp/src/secrets/key'));
  });
  it('leading ../ climbs from the working directory', () => {
    assert.ok(m('../docs/**', '/home/alice/webapp/docs/a.md'));
    assert.ok(m('../../shared/*', '/home/alice/shared/x'));
    assert.ok(!m('../docs/**', '/home/alice/webapp/src/docs/a.md'));
  });
  it('falls back to the project dirs without a cwd, and the cwd without a project', () => {
    assert.ok(m('./x', '/home/alice/webapp/x', { ...bases, cwd: null }));
    assert.ok(m('/x', '/home/alice/webapp/src/x', { ...bases, projectDirs: [] }));
    assert.ok(!m('./x', '/x', { ...bases, cwd: null, projectDirs: [] }));
  });
});

describe('path helpers', () => {
  it('resolvePath folds .., expands ~ and needs a cwd for relative paths', () => {
    assert.equal(resolvePath('a/../b', '/w', '/h'), '/w/b');
    assert.equal(resolvePath('../../..', '/w/x', '/h'), '/');
    assert.equal(resolvePath('~/x', '/w', '/h'), '/h/x');
    assert.equal(resolvePath('~', null, '/h'), '/h');
    assert.equal(resolvePath('/a//b/./c/', null, '/h'), '/a/b/c');
    assert.equal(resolvePath('x', null, '/h'), null);
    assert.equal(resolvePath('x', 'relative/cwd', '/h'), null);
    assert.equal(resolvePath('x', '/', '/h'), '/x');
    assert.equal(resolvePath('/', '/w', '/h'), '/');
  });
  it('relativeInside / isInside respect segment boundaries', () => {
    assert.equal(relativeInside('/a/b', '/a/b/c'), 'c');
    assert.equal(relativeInside('/a/b', '/a/b'), '');
    assert.equal(relativeInside('/a/b', '/a/bc'), null);
    assert.equal(relativeInside('/', '/x'), 'x');
    assert.ok(isInside('/a/b/c', '/a'));
    assert.ok(!isInside('/a', '/a/b'));
  });
  it('isTopLevel is / and its direct children', () => {
    assert.ok(isTopLevel('/'));
    assert.ok(isTopLevel('/etc'));
    assert.ok(!isTopLevel('/etc/x'));
  });
  it('tolerantRealpath resolves the longest existing prefix', () => {
    const fake = (p: string) => {
      if (p === '/proj/link') return '/outside';
      if (p === '/proj' || p === '/' || p === '/outside') return p;
      throw new Error('ENOENT');
    };
    const rp = tolerantRealpath(fake);
    assert.equal(rp('/proj/link/new/file.txt'), '/outside/new/file.txt');
    assert.equal(rp('/proj/missing/x'), '/proj/missing/x');
    assert.equal(rp('/proj/link'), '/outside');
    const asked: string[] = [];
    const probed = tolerantRealpath((p) => (asked.push(p), fake(p)), (p) => ['/proj', '/proj/link', '/', '/outside'].includes(p));
    assert.equal(probed('/proj/link/new/file.txt'), '/outside/new/file.txt', 'the same answer with an existence probe');
    assert.deepEqual(asked, ['/proj/link'], 'realpath runs only where the probe finds something');
    assert.equal(tolerantRealpath(fake, () => true)('/proj/missing/x'), '/proj/missing/x', 'a probe that is wrong costs a realpath, not the answer');
  });
  it('safeRealpath is identity by default and null when the injected one throws', () => {
    assert.equal(safeRealpath(undefined, '/a'), '/a');
    assert.equal(safeRealpath(() => '/real/a', '/a'), '/real/a');
    assert.equal(safeRealpath(() => { throw new Error('ENOENT'); }, '/a'), null);
    assert.equal(safeRealpath(() => 'relative', '/a'), null);
  });
});
