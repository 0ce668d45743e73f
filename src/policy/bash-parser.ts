// Bash → a flat list of simple commands (argv words, leading assignments), the redirections, and every
// construct the policy cannot see through. Parsing is done by tree-sitter-bash on web-tree-sitter; the
// wasm is loaded once by initBashParser() and parseBash() is synchronous after that. The runtime
// itself is imported there too: a process that never judges a Bash command never loads it
// (docs/benchmarks.md: idle memory).
import { createRequire } from 'node:module';
import type { Node, Parser } from 'web-tree-sitter';
import { wordFromNode, literalWord } from './bash-words.js';
import type { Word } from './bash-words.js';

export interface Assignment {
  name: string;
  value: Word | null;
}

export interface SimpleCommand {
  /** argv; empty for an assignment-only statement. */
  words: Word[];
  assignments: Assignment[];
  /** Source text, for statements without argv (with argv, render the words instead). */
  text: string;
  /** 0 at top level, +1 for each enclosing $(), ``, <() or >(). */
  depth: number;
  /** Index of the command whose words hold the substitution this one runs in, or -1. */
  parent: number;
  /** Pipeline id (-1: not in a pipeline) and position in it. */
  pipeline: number;
  stage: number;
}

export interface Redirect {
  op: string;
  kind: 'write' | 'read' | 'dup';
  target: Word | null;
  /** Index of the simple command it belongs to, or -1 for a compound statement. */
  command: number;
}

export interface Construct {
  subject: string;
  reason: string;
}

/** Shared between callers through the memo below: treat as read-only. */
export interface ParsedCommandLine {
  readonly commands: readonly SimpleCommand[];
  readonly redirects: readonly Redirect[];
  /** Constructs that mean "ask, never allow" (functions, parse errors, arithmetic injection, ...). */
  readonly unsafe: readonly Construct[];
  /** Dangerous patterns found at the syntax level (fork bombs). */
  readonly danger: readonly string[];
}

let parser: Parser | null = null;
let loading: Promise<void> | null = null;

export async function initBashParser(): Promise<void> {
  if (parser) return;
  loading ??= (async () => {
    const { Language, Parser } = await import('web-tree-sitter');
    await Parser.init();
    const language = await Language.load(bashGrammarPath());
    const p = new Parser();
    p.setLanguage(language);
    parser = p;
  })().catch((err: unknown) => {
    loading = null;
    throw new Error('policy: could not load the tree-sitter-bash grammar', { cause: err });
  });
  await loading;
}

/** The grammar's file; throws when the package is missing (cheap: a server checks it at start-up and loads it later). */
export function bashGrammarPath(): string {
  return createRequire(import.meta.url).resolve('tree-sitter-bash/tree-sitter-bash.wasm');
}

export function bashParserReady(): boolean {
  return parser !== null;
}

const MAX_DEPTH = 100;
const MAX_LEVEL = 400;

// The same command is often judged several times (hook retries, suggestGrants, grantCovers over the
// pending requests of a session): remember the last few parses. Pure memoization.
const memo = new Map<string, ParsedCommandLine>();
const MEMO_ENTRIES = 256;
const MEMO_MAX_LENGTH = 4096;

export function parseBash(source: string): ParsedCommandLine {
  const hit = memo.get(source);
  if (hit) {
    memo.delete(source);
    memo.set(source, hit);
    return hit;
  }
  const parsed = parseUncached(source);
  if (source.length <= MEMO_MAX_LENGTH) {
    if (memo.size >= MEMO_ENTRIES) memo.delete(memo.keys().next().value as string);
    memo.set(source, parsed);
  }
  return parsed;
}

function parseUncached(source: string): ParsedCommandLine {
  return parsePlainWords(source) ?? parseWithTreeSitter(source);
}

// Plain words: letters, digits and `_ . / -` (arguments also `: + , =` after their first
// character), one space apart (`git status --short
// src/app.ts`, `npm test`, `ls -la`) — no quotes, escapes, expansions, globs, tildes, braces,
// comments, operators or redirections. Such a line is one simple command whose argv is its words,
// exactly as tree-sitter reads it (src/policy/bash-parser.test.ts checks the two agree on
// generated lines), without a WebAssembly parse. Anything else — a first word that assigns
// (`A=1 cmd`) or starts with punctuation, a reserved word or a declaration keyword the grammar
// reads as its own construct — goes to tree-sitter.
const PLAIN_LINE = /^[\w./-]+(?: [\w./-][\w./:+,=-]*)*$/;
// The command name is made of letters, digits, `_ . / -` only and does not start with `-`: the
// grammar reads `- a=b` as an assignment and `a+:b` as the command `:b`.
const PLAIN_FIRST = /^[\w./][\w./-]*$/;
const NOT_PLAIN_FIRST = new Set([
  'if', 'then', 'else', 'elif', 'fi', 'case', 'esac', 'for', 'select', 'while', 'until', 'do', 'done', 'in', 'function', 'time', 'coproc',
  'declare', 'typeset', 'export', 'readonly', 'local', 'unset', 'unsetenv',
]);

function parsePlainWords(source: string): ParsedCommandLine | null {
  if (source.length > 2000 || !PLAIN_LINE.test(source)) return null;
  const argv = source.split(' ');
  if (!PLAIN_FIRST.test(argv[0]) || NOT_PLAIN_FIRST.has(argv[0])) return null;
  return { commands: [{ words: argv.map(literalWord), assignments: [], text: '', depth: 0, parent: -1, pipeline: -1, stage: 0 }], redirects: [], unsafe: [], danger: [] };
}

/** What tree-sitter makes of `source` (exported for the test that checks the plain-words path against it). */
export function parseWithTreeSitter(source: string): ParsedCommandLine {
  if (!parser) throw new Error('policy: call `await initPolicy()` once before evaluating Bash commands');
  const w = new Walker();
  const tree = parser.parse(source);
  if (!tree) return { commands: [], redirects: [], unsafe: [{ subject: 'parse', reason: 'the command could not be parsed' }], danger: [] };
  try {
    if (tree.rootNode.hasError) w.unsafe.push({ subject: 'parse', reason: 'the command does not parse as bash' });
    w.statement(tree.rootNode, 0, -1, null);
  } finally {
    tree.delete();
  }
  return { commands: w.commands, redirects: w.redirects, unsafe: w.unsafe, danger: w.danger };
}

interface Pipe { id: number; stage: number }

const CONTAINERS = new Set([
  'program', 'list', 'compound_statement', 'subshell', 'do_group', 'if_statement', 'elif_clause', 'else_clause',
  'while_statement', 'for_statement', 'c_style_for_statement', 'case_statement', 'case_item', 'negated_command',
]);
const STATEMENTS = new Set([
  ...CONTAINERS, 'pipeline', 'redirected_statement', 'command', 'declaration_command', 'unset_command',
  'variable_assignment', 'variable_assignments', 'function_definition', 'test_command', 'comment', 'ERROR',
]);
const REDIRECTS = new Set(['file_redirect', 'heredoc_redirect', 'herestring_redirect']);
const ARITH_CONTEXTS = new Set(['test_command', 'arithmetic_expansion', 'c_style_for_statement']);
const LEAVES = new Set([
  'word', 'number', 'raw_string', 'ansi_c_string', 'string_content', 'variable_name', 'special_variable_name',
  'file_descriptor', 'test_operator', 'heredoc_start', 'heredoc_end', 'heredoc_content', 'comment', 'regex', 'extglob_pattern',
]);
const WRITE_OPS = new Set(['>', '>>', '&>', '&>>', '>|', '<>']);

class Walker {
  commands: SimpleCommand[] = [];
  redirects: Redirect[] = [];
  unsafe: Construct[] = [];
  danger: string[] = [];
  private pipelines = 0;
  private level = 0;

  statement(n: Node, depth: number, parent: number, pipe: Pipe | null, type = n.type): void {
    if (depth > MAX_DEPTH || this.level >= MAX_LEVEL) {
      this.unsafe.push({ subject: 'nesting', reason: 'the command is nested too deeply to check' });
      return;
    }
    this.level++;
    try {
      this.statementInner(n, depth, parent, pipe, type);
    } finally {
      this.level--;
    }
  }

  private statementInner(n: Node, depth: number, parent: number, pipe: Pipe | null, type: string): void {
    if (CONTAINERS.has(type)) {
      const arith = type === 'c_style_for_statement' || (type === 'compound_statement' && n.firstChild?.type === '((');
      for (const c of n.namedChildren) {
        if (!c) continue;
        const t = c.type;
        if (STATEMENTS.has(t) || REDIRECTS.has(t)) this.statementOrRedirect(c, depth, parent, null, -1, t);
        else this.expression(c, depth, parent, arith, t);
      }
    } else if (type === 'pipeline') {
      const p: Pipe = { id: ++this.pipelines, stage: 0 };
      for (const c of n.namedChildren) if (c) this.statement(c, depth, parent, { id: p.id, stage: p.stage++ });
    } else if (type === 'redirected_statement') {
      this.redirected(n, depth, parent, pipe);
    } else if (type === 'command') {
      this.command(n, depth, parent, pipe);
    } else if (type === 'declaration_command') {
      this.declaration(n, depth, parent, pipe);
    } else if (type === 'variable_assignment' || type === 'variable_assignments') {
      const list = type === 'variable_assignment' ? [n] : n.namedChildren.filter((c): c is Node => !!c);
      const cmd = this.push({ words: [], assignments: [], text: n.text, depth, parent, pipeline: pipe?.id ?? -1, stage: pipe?.stage ?? 0 });
      for (const a of list) this.assignment(a, cmd, depth);
    } else if (type === 'unset_command') {
      this.expression(n, depth, parent, false);
    } else if (type === 'function_definition') {
      this.functionDefinition(n, depth, parent);
    } else if (type === 'test_command') {
      this.expression(n, depth, parent, true);
    } else if (type === 'comment') {
      // nothing runs
    } else if (type === 'ERROR') {
      for (const c of n.namedChildren) if (c) this.statementOrRedirect(c, depth, parent, null, -1);
    } else {
      this.unsafe.push({ subject: type, reason: `unsupported shell construct "${type}"` });
      this.expression(n, depth, parent, false);
    }
  }

  private statementOrRedirect(n: Node, depth: number, parent: number, pipe: Pipe | null, cmd: number, type = n.type): void {
    if (REDIRECTS.has(type)) this.redirect(n, depth, parent, cmd, pipe, type);
    else if (STATEMENTS.has(type)) this.statement(n, depth, parent, pipe, type);
    else this.expression(n, depth, parent, false, type);
  }

  private push(c: SimpleCommand): number {
    this.commands.push(c);
    return this.commands.length - 1;
  }

  private command(n: Node, depth: number, parent: number, pipe: Pipe | null): number {
    const cmd = this.push({ words: [], assignments: [], text: '', depth, parent, pipeline: pipe?.id ?? -1, stage: pipe?.stage ?? 0 });
    const words: Node[] = [];
    const children = n.children;
    for (let i = 0; i < children.length; i++) {
      const c = children[i];
      if (!c) continue;
      const t = c.type;
      if (t === 'variable_assignment') this.assignment(c, cmd, depth);
      else if (REDIRECTS.has(t)) this.redirect(c, depth, parent, cmd, pipe, t);
      else if (t === 'command_name') { const w = c.firstNamedChild ?? c.firstChild; if (w) words.push(w); }
      else if (t === 'comment') continue;
      else if (c.isNamed) words.push(c);
      else if (t !== '$' && n.fieldNameForChild(i) === 'argument') words.push(c);
    }
    const c = this.commands[cmd];
    for (const wn of words) {
      const t = wn.type;
      c.words.push(wordFromNode(wn, t));
      if (!LEAVES.has(t)) this.expression(wn, depth, cmd, c.words[0].value === 'let', t);
    }
    if (c.words.length === 0) c.text = n.text; // assignments only: the text is the subject shown
    return cmd;
  }

  private declaration(n: Node, depth: number, parent: number, pipe: Pipe | null): void {
    const keyword = n.firstChild?.type ?? 'declare';
    const named = n.namedChildren.filter((c): c is Node => !!c);
    const plain = named.every((c) => c.type === 'variable_assignment' || c.type === 'variable_name');
    const cmd = this.push({ words: plain ? [] : [literalWord(keyword)], assignments: [], text: n.text, depth, parent, pipeline: pipe?.id ?? -1, stage: pipe?.stage ?? 0 });
    for (const c of named) {
      if (c.type === 'variable_assignment') this.assignment(c, cmd, depth);
      else if (c.type === 'variable_name') this.commands[cmd].assignments.push({ name: c.text, value: null });
      if (!plain) {
        this.commands[cmd].words.push(wordFromNode(c));
        if (c.type !== 'variable_assignment') this.expression(c, depth, cmd, false);
      }
    }
  }

  private assignment(n: Node, cmd: number, depth: number): void {
    const name = n.childForFieldName('name')?.text ?? n.text.split(/\+?=/)[0];
    const valueNode = n.childForFieldName('value');
    this.commands[cmd].assignments.push({ name, value: valueNode ? wordFromNode(valueNode) : null });
    if (valueNode) this.expression(valueNode, depth, cmd, false);
  }

  private redirected(n: Node, depth: number, parent: number, pipe: Pipe | null): void {
    const body = n.childForFieldName('body');
    const first = this.commands.length;
    if (body) this.statement(body, depth, parent, pipe);
    const cmd = body?.type === 'command' ? first : -1;
    const count = n.childCount;
    for (let i = 0; i < count; i++) {
      const c = n.child(i);
      if (!c || !c.isNamed || n.fieldNameForChild(i) === 'body') continue;
      if (REDIRECTS.has(c.type)) this.redirect(c, depth, parent, cmd, pipe);
      else this.statementOrRedirect(c, depth, parent, null, cmd);
    }
  }

  private redirect(n: Node, depth: number, parent: number, cmd: number, pipe: Pipe | null, type = n.type): void {
    if (type === 'herestring_redirect') {
      this.expression(n, depth, cmd === -1 ? parent : cmd, false);
      return;
    }
    if (type === 'heredoc_redirect') {
      this.heredoc(n, depth, parent, cmd, pipe);
      return;
    }
    let op = '';
    for (const c of n.children) if (c && !c.isNamed) { op = c.type; break; }
    const dest = n.childForFieldName('destination');
    let kind: Redirect['kind'];
    if (WRITE_OPS.has(op)) kind = 'write';
    else if (op === '<') kind = 'read';
    else if ((op === '>&' || op === '<&') && dest && !/^(\d+|-)$/.test(dest.text)) kind = op === '>&' ? 'write' : 'read';
    else kind = 'dup';
    this.redirects.push({ op, kind, target: dest ? wordFromNode(dest) : null, command: cmd });
    if (dest) this.expression(dest, depth, cmd === -1 ? parent : cmd, false);
  }

  private heredoc(n: Node, depth: number, parent: number, cmd: number, pipe: Pipe | null): void {
    const start = n.children.find((c) => c?.type === 'heredoc_start');
    const literal = !!start && /['"\\]/.test(start.text);
    for (const c of n.namedChildren) {
      if (!c) continue;
      if (c.type === 'heredoc_body') {
        if (!literal) this.expression(c, depth, cmd === -1 ? parent : cmd, false);
      } else if (c.type === 'pipeline') {
        // `cat <<EOF | sh`: tree-sitter hangs the rest of the pipeline under the heredoc.
        let p = pipe;
        if (!p) {
          p = { id: ++this.pipelines, stage: 0 };
          if (cmd !== -1) { this.commands[cmd].pipeline = p.id; this.commands[cmd].stage = 0; }
        }
        let stage = p.stage + 1;
        for (const s of c.namedChildren) if (s) this.statement(s, depth, parent, { id: p.id, stage: stage++ });
      } else if (REDIRECTS.has(c.type) || STATEMENTS.has(c.type)) {
        this.statementOrRedirect(c, depth, parent, null, cmd);
      }
    }
  }

  private functionDefinition(n: Node, depth: number, parent: number): void {
    const name = n.childForFieldName('name')?.text ?? '?';
    this.unsafe.push({ subject: `function ${name}`, reason: `defines a shell function "${name}": the policy cannot follow calls to it` });
    const first = this.commands.length;
    const body = n.childForFieldName('body');
    if (body) this.statement(body, depth, parent, null);
    for (let i = first; i < this.commands.length; i++) {
      if (this.commands[i].words[0]?.value === name) {
        this.danger.push(`function "${name}" calls itself (fork bomb pattern)`);
        break;
      }
    }
  }

  /** Look inside words and expressions for command/process substitutions (they run too). */
  expression(n: Node, depth: number, owner: number, arith: boolean, type = n.type): void {
    if (this.level >= MAX_LEVEL) {
      this.unsafe.push({ subject: 'nesting', reason: 'the command is nested too deeply to check' });
      return;
    }
    this.level++;
    try {
      this.expressionInner(n, depth, owner, arith, type);
    } finally {
      this.level--;
    }
  }

  private expressionInner(n: Node, depth: number, owner: number, arith: boolean, type: string): void {
    if (type === 'command_substitution' || type === 'process_substitution') {
      for (const c of n.namedChildren) if (c) this.statementOrRedirect(c, depth + 1, owner, null, -1);
      return;
    }
    if (arith || ARITH_CONTEXTS.has(type)) {
      arith = true;
      if ((type === 'raw_string' || type === 'string_content' || type === 'word') && /\$\(|`/.test(n.text)) {
        this.unsafe.push({ subject: n.text, reason: 'a quoted $( or ` in an arithmetic or [[ ]] context can run a command' });
      }
    }
    if (LEAVES.has(type)) return;
    for (const c of n.namedChildren) if (c) this.expression(c, depth, owner, arith);
  }
}
