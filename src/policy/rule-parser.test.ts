import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRule, ruleAppliesTo } from './rule-parser.js';

describe('parseRule', () => {
  it('parses a bare tool name', () => {
    const r = parseRule('Read');
    assert.equal(r.kind, 'tool');
    assert.equal(r.tool, 'Read');
    assert.equal(r.specifier, null);
  });

  it('parses Bash rules into a command pattern', () => {
    const r = parseRule('Bash(npm run test *)');
    assert.equal(r.kind, 'bash');
    assert.equal(r.specifier, 'npm run test *');
    assert.ok(r.commandRe?.test('npm run test --watch'));
  });

  it('trims whitespace around the rule and the specifier', () => {
    const r = parseRule('  Bash( git status )  ');
    assert.equal(r.raw, 'Bash( git status )');
    assert.equal(r.specifier, 'git status');
  });

  it('keeps parentheses inside a specifier', () => {
    assert.equal(parseRule('Bash(echo (x))').specifier, 'echo (x)');
  });

  it('parses path rules for the read and write families', () => {
    for (const t of ['Read', 'Edit', 'Write', 'MultiEdit', 'NotebookEdit', 'Glob', 'Grep', 'LS']) {
      assert.equal(parseRule(`${t}(./src/**)`).kind, 'path', t);
    }
    assert.equal(parseRule('Read(//etc/**)').path?.anchor, 'abs');
    assert.equal(parseRule('Read(~/x)').path?.anchor, 'home');
    assert.equal(parseRule('Read(/x)').path?.anchor, 'project');
    assert.equal(parseRule('Read(./x)').path?.anchor, 'cwd');
  });

  it('parses WebFetch domain rules', () => {
    assert.deepEqual(parseRule('WebFetch(domain:example.com)').domain, { host: 'example.com', subdomains: false });
    assert.deepEqual(parseRule('WebFetch(domain:*.Example.com)').domain, { host: 'example.com', subdomains: true });
  });

  it('parses MCP rules for a server, a server wildcard and one tool', () => {
    assert.ok(parseRule('mcp__github').toolRe?.test('mcp__github__create_issue'));
    assert.ok(parseRule('mcp__github__*').toolRe?.test('mcp__github__create_issue'));
    assert.ok(parseRule('mcp__github__create_issue').toolRe?.test('mcp__github__create_issue'));
    assert.ok(!parseRule('mcp__github__create_issue').toolRe?.test('mcp__github__create_issue2'));
    assert.ok(!parseRule('mcp__github').toolRe?.test('mcp__githubx__a'));
    assert.ok(parseRule('mcp__my-server__*').toolRe?.test('mcp__my-server__x'));
  });

  it('parses other tools with a specifier as a generic glob', () => {
    const r = parseRule('Task(Explore*)');
    assert.equal(r.kind, 'generic');
    assert.ok(r.genericRe?.test('Explorer'));
  });

  const malformed: [string, RegExp][] = [
    ['', /empty rule/],
    ['   ', /empty rule/],
    ['Bash(', /closing "\)"/],
    ['Bash(git status', /closing "\)"/],
    ['Bash)', /"\)" without "\("/],
    ['Bash()', /empty parentheses/],
    ['Bash(  )', /empty parentheses/],
    ['Bash(:*)', /empty/],
    ['*', /wildcard/],
    ['Ba*sh', /wildcard/],
    ['Bad Tool', /not a tool name/],
    ['WebFetch(example.com)', /domain:example.com/],
    ['WebFetch(domain:)', /not a host name/],
    ['WebFetch(domain:exa mple.com)', /not a host name/],
    ['mcp__github(x)', /no parentheses/],
    ['mcp__', /mcp__server/],
    ['mcp____x', /mcp__server/],
    ['mcp__*__x', /only the tool part/],
    ['Read(~bob/x)', /~user/],
    ['Read(//a/../b)', /'\.' and '\.\.'/],
    ['Edit(./a//b)', /empty path segment/],
  ];
  for (const [rule, message] of malformed) {
    it(`rejects ${JSON.stringify(rule)} with a clear message`, () => {
      assert.throws(() => parseRule(rule), (e: unknown) => e instanceof Error && message.test(e.message));
    });
  }

  it('rejects a non-string rule', () => {
    assert.throws(() => parseRule(42 as unknown as string), /must be a string/);
  });
});

describe('ruleAppliesTo', () => {
  it('applies Read rules to the read family and Edit rules to the write family', () => {
    for (const t of ['Read', 'Glob', 'Grep', 'LS']) assert.ok(ruleAppliesTo(parseRule('Read'), t), t);
    for (const t of ['Edit', 'Write', 'MultiEdit', 'NotebookEdit']) assert.ok(ruleAppliesTo(parseRule('Edit'), t), t);
    assert.ok(!ruleAppliesTo(parseRule('Read'), 'Edit'));
    assert.ok(!ruleAppliesTo(parseRule('Edit'), 'Read'));
  });

  it('applies other names exactly', () => {
    assert.ok(ruleAppliesTo(parseRule('Write'), 'Write'));
    assert.ok(!ruleAppliesTo(parseRule('Write'), 'Edit'));
    assert.ok(!ruleAppliesTo(parseRule('deploy'), 'deployment'));
    assert.ok(!ruleAppliesTo(parseRule('Bash'), 'bash'));
  });
});
