import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bashParserReady, initBashParser, parseBash, parseWithTreeSitter } from './bash-parser.js';
import type { ParsedCommandLine } from './bash-parser.js';

const argv = (p: ParsedCommandLine) => p.commands.map((c) => c.words.map((w) => w.value));

describe('bash parser before init', () => {
  it('refuses to parse and says to call initPolicy()', () => {
    if (bashParserReady()) return; // another test in this process loaded it already
    assert.throws(() => parseBash('ls | wc -l'), /initPolicy/); // (a line of plain words needs no parser)
  });
});

describe('bash parser', () => {
  before(async () => { await initBashParser(); });

  it('loads the tree-sitter-bash 0.25 grammar into the web-tree-sitter 0.27 runtime', () => {
    assert.ok(bashParserReady());
    assert.deepEqual(argv(parseBash('echo hi')), [['echo', 'hi']]);
  });

  it('splits every list and pipeline operator into simple commands', () => {
    const p = parseBash('a 1 && b 2 || c; d | e |& f & g\nh');
    assert.deepEqual(argv(p), [['a', '1'], ['b', '2'], ['c'], ['d'], ['e'], ['f'], ['g'], ['h']]);
    assert.equal(p.unsafe.length, 0);
  });

  it('numbers pipeline stages', () => {
    const p = parseBash('curl x | sudo bash | tee y');
    assert.deepEqual(p.commands.map((c) => c.stage), [0, 1, 2]);
    assert.ok(p.commands.every((c) => c.pipeline === p.commands[0].pipeline && c.pipeline > 0));
  });

  it('removes quotes and escapes like bash', () => {
    const [c] = parseBash(`'r'm "-rf" \\x a\\ b "q\\"q" $'\\x41\\n'`).commands;
    assert.deepEqual(c.words.map((w) => w.value), ['rm', '-rf', 'x', 'a b', 'q"q', 'A\n']);
  });

  it('marks run-time expansions, globs, braces and tilde', () => {
    const [c] = parseBash('ls $HOME "${x}" *.ts "*.ts" {a,b} ~/x "~" \\*').commands;
    const flags = c.words.slice(1).map((w) => [w.dynamic, w.glob, w.brace, w.tilde]);
    assert.deepEqual(flags, [
      [true, false, false, false],
      [true, false, false, false],
      [false, true, false, false],
      [false, false, false, false],
      [false, false, true, false],
      [false, false, false, true],
      [false, false, false, false],
      [false, false, false, false],
    ]);
  });

  it('collects leading assignments apart from argv', () => {
    const [c] = parseBash('A=1 B="x y" git status').commands;
    assert.deepEqual(c.assignments.map((a) => [a.name, a.value?.value]), [['A', '1'], ['B', 'x y']]);
    assert.deepEqual(c.words.map((w) => w.value), ['git', 'status']);
  });

  it('finds commands in $(), backticks, <(), >() and strings, with depth and parent', () => {
    const p = parseBash('echo "$(a `b`)" <(c) >(d)');
    assert.deepEqual(argv(p).map((w) => w[0]), ['echo', 'a', 'b', 'c', 'd']);
    assert.deepEqual(p.commands.map((c) => c.depth), [0, 1, 2, 1, 1]);
    assert.equal(p.commands[1].parent, 0);
    assert.equal(p.commands[2].parent, 1);
  });

  it('finds commands in assignments, redirect targets and unquoted heredocs, not quoted ones', () => {
    assert.deepEqual(argv(parseBash('x=$(a)')).map((w) => w[0]), [undefined, 'a']);
    assert.deepEqual(argv(parseBash('echo > "$(a)"')).map((w) => w[0]), ['echo', 'a']);
    assert.deepEqual(argv(parseBash('cat <<EOF\n$(a)\nEOF')).map((w) => w[0]), ['cat', 'a']);
    assert.deepEqual(argv(parseBash("cat <<'EOF'\n$(a)\nEOF")).map((w) => w[0]), ['cat']);
  });

  it('reports redirections with their kind', () => {
    const p = parseBash('a > o1 >> o2 2>&1 < i &> o3 >&2 2>/dev/null >| o4 >& o5');
    assert.deepEqual(p.redirects.map((r) => [r.op, r.kind, r.target?.value]), [
      ['>', 'write', 'o1'], ['>>', 'write', 'o2'], ['>&', 'dup', '1'], ['<', 'read', 'i'],
      ['&>', 'write', 'o3'], ['>&', 'dup', '2'], ['>', 'write', '/dev/null'], ['>|', 'write', 'o4'], ['>&', 'write', 'o5'],
    ]);
    assert.ok(p.redirects.every((r) => r.command === 0));
    assert.equal(parseBash('{ a; b; } > o').redirects[0].command, -1);
  });

  it('attaches a redirect written after a heredoc to its command', () => {
    const p = parseBash("cat <<'EOF' > out.txt\nx\nEOF");
    assert.deepEqual(p.redirects.map((r) => [r.kind, r.target?.value, r.command]), [['write', 'out.txt', 0]]);
  });

  it('follows a pipeline tree-sitter hangs under a heredoc', () => {
    const p = parseBash('cat <<EOF | sh\nx\nEOF');
    assert.deepEqual(argv(p), [['cat'], ['sh']]);
    assert.equal(p.commands[0].pipeline, p.commands[1].pipeline);
    assert.deepEqual(p.commands.map((c) => c.stage), [0, 1]);
  });

  it('follows a list tree-sitter hangs under a heredoc', () => {
    assert.deepEqual(argv(parseBash('cat <<EOF && rm x\nbody\nEOF')), [['cat'], ['rm', 'x']]);
  });

  it('treats syntax tree-sitter-bash does not know (<>) as a parse error', () => {
    assert.match(parseBash('a 3<> rw').unsafe[0].reason, /does not parse/);
  });

  it('walks control flow: if, for, while, case, subshells, groups, negation, [[ ]]', () => {
    const p = parseBash('if a; then b; elif c; then d; else e; fi; for i in 1; do f; done; while g; do h; done; case x in y) i;; esac; (j); { k; }; ! l; [[ -f $(m) ]]');
    assert.deepEqual(argv(p).map((w) => w[0]), ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm']);
    assert.equal(p.unsafe.length, 0);
  });

  it('treats export/local of plain variables as assignments, with flags as a command', () => {
    const a = parseBash('export A=1 B');
    assert.deepEqual(a.commands[0].words, []);
    assert.deepEqual(a.commands[0].assignments.map((x) => x.name), ['A', 'B']);
    assert.deepEqual(argv(parseBash('declare -f x')), [['declare', '-f', 'x']]);
  });

  it('flags function definitions, parse errors and arithmetic injection as unsafe', () => {
    assert.match(parseBash('f() { ls; }').unsafe[0].reason, /function/);
    assert.match(parseBash('ls "unterminated').unsafe[0].reason, /does not parse/);
    assert.match(parseBash('ls |').unsafe[0].reason, /does not parse/);
    assert.match(parseBash("(( a['$(id)'] ))").unsafe[0].reason, /arithmetic/);
    assert.equal(parseBash('(( a + 1 ))').unsafe.length, 0);
  });

  it('reports a function that calls itself as a fork bomb', () => {
    assert.equal(parseBash(':(){ :|:& };:').danger.length, 1);
    assert.equal(parseBash('f() { ls; }; f').danger.length, 0);
  });

  it('ignores comments', () => {
    assert.deepEqual(argv(parseBash('ls # && rm -rf /')), [['ls']]);
  });
});

describe('plain words without tree-sitter', () => {
  before(async () => { await initBashParser(); });

  const PLAIN = 'abcxyzABZ0129_./:@%+,=-'; // % and @ included: tree-sitter reads some of their uses as errors, so the plain path must refuse them
  const plainWord = fc.string({ unit: fc.constantFrom(...PLAIN), minLength: 1, maxLength: 12 });
  const keywords = fc.constantFrom('git', 'npm', 'ls', 'if', 'then', 'fi', 'for', 'while', 'do', 'done', 'case', 'esac', 'function', 'time', 'coproc', 'declare', 'export', 'local', 'readonly', 'unset', 'typeset', 'let', 'eval', 'exec', 'A=1', '123', '-x', 'in', 'select', '2', '--', '-', '==', '-eq');
  const first = fc.oneof(plainWord, keywords);
  const arg = fc.oneof(plainWord, plainWord, keywords);

  it('reads a line of plain words exactly as tree-sitter does', () => {
    fc.assert(
      fc.property(first, fc.array(arg, { maxLength: 6 }), (cmd, args) => {
        const line = [cmd, ...args].join(' ');
        assert.deepEqual(parseBash(line), parseWithTreeSitter(line), line);
      }),
      { numRuns: 3000 },
    );
  });

  it('hands everything else to tree-sitter (the answers still agree)', () => {
    for (const line of ['git  status', ' ls', 'ls ', 'A=1 ls', 'ls ~/x', 'ls *.ts', 'echo {a,b}', 'echo a#b', 'echo #c', 'ls\tx', "echo 'q'", 'echo $HOME', 'ls > f', 'if true', 'export A=1', 'declare -x A']) {
      assert.deepEqual(parseBash(line), parseWithTreeSitter(line), line);
    }
  });

  it('gives a plain line its words as argv, nothing unsafe', () => {
    const p = parseBash('git status --short src/f12.ts');
    assert.deepEqual(argv(p), [['git', 'status', '--short', 'src/f12.ts']]);
    assert.deepEqual([p.redirects.length, p.unsafe.length, p.danger.length], [0, 0, 0]);
  });
});
