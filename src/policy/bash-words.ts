// Turn a tree-sitter word-like node into the value bash would see after quote removal, and note what the
// shell would still expand at run time (parameters, substitutions, globs, braces, tilde).
import type { Node } from 'web-tree-sitter';

export interface Word {
  /** Value after quote removal; the source text stands in for parts computed at run time. */
  value: string;
  /** Source text. */
  raw: string;
  /** Contains $-expansion, command/process substitution or arithmetic: its run-time value is unknown. */
  dynamic: boolean;
  /** Unquoted glob characters (`*`, `?`, `[`). */
  glob: boolean;
  /** Unquoted leading `~`. */
  tilde: boolean;
  /** Unquoted brace expansion (`{a,b}`, `{1..3}`). */
  brace: boolean;
  /** Stands for arguments xargs reads from stdin. */
  stdin?: boolean;
}

const DYNAMIC_TYPES = new Set([
  'simple_expansion', 'expansion', 'command_substitution', 'process_substitution', 'arithmetic_expansion',
]);

interface Acc {
  value: string;
  /** Like value, but quoted or escaped characters are replaced by '_' and dynamic parts by '$'. */
  skeleton: string;
  dynamic: boolean;
  brace: boolean;
}

export function wordFromNode(n: Node, type = n.type): Word {
  const acc: Acc = { value: '', skeleton: '', dynamic: false, brace: false };
  const raw = n.text;
  if (type === 'word' || type === 'number') unquoted(raw, acc);
  else append(n, acc);
  const sk = acc.skeleton;
  return {
    value: acc.value,
    raw,
    dynamic: acc.dynamic,
    glob: /[*?]|\[.*\]/.test(sk),
    tilde: sk.startsWith('~'),
    brace: acc.brace || /\{[^{}]*(,|\.\.)[^{}]*\}/.test(sk),
  };
}

/** A literal word (for synthetic argv such as a declaration keyword). */
export function literalWord(value: string): Word {
  return { value, raw: value, dynamic: false, glob: false, tilde: false, brace: false };
}

function append(n: Node, acc: Acc): void {
  const type = n.type;
  if (type === 'word' || type === 'number') {
    unquoted(n.text, acc);
  } else if (type === 'raw_string') {
    quoted(n.text.slice(1, -1), acc);
  } else if (type === 'string' || type === 'translated_string') {
    for (const c of n.children) {
      if (!c) continue;
      if (c.type === 'string_content') quoted(unescapeDouble(c.text), acc);
      else if (c.isNamed) append(c, acc);
    }
  } else if (type === 'ansi_c_string') {
    quoted(decodeAnsiC(n.text.slice(2, -1)), acc);
  } else if (type === 'concatenation') {
    for (const c of n.children) if (c && (c.isNamed || c.type !== '$')) append(c, acc);
  } else if (type === 'brace_expression') {
    acc.brace = true;
    acc.value += n.text;
    acc.skeleton += n.text;
  } else if (DYNAMIC_TYPES.has(type)) {
    dynamicPart(n.text, acc);
  } else if (!n.isNamed) {
    // punctuation tree-sitter kept inside a word, e.g. '$' before a translated string
    if (type !== '$') unquoted(n.text, acc);
  } else {
    dynamicPart(n.text, acc);
  }
}

function dynamicPart(text: string, acc: Acc): void {
  acc.dynamic = true;
  acc.value += text;
  acc.skeleton += '$'.repeat(Math.max(1, text.length));
}

function quoted(text: string, acc: Acc): void {
  acc.value += text;
  acc.skeleton += '_'.repeat(text.length);
}

function unquoted(text: string, acc: Acc): void {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      i++;
      if (text[i] === '\n') continue; // line continuation
      acc.value += text[i];
      acc.skeleton += '_';
    } else {
      acc.value += c;
      acc.skeleton += c;
    }
  }
}

/** Inside double quotes a backslash only escapes $ ` " \ and newline. */
export function unescapeDouble(text: string): string {
  return text.replace(/\\([$`"\\\n])/g, (_m, c: string) => (c === '\n' ? '' : c));
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
  '\\': '\\', "'": "'", '"': '"', '?': '?',
};

/** Decode the body of a $'...' string. */
export function decodeAnsiC(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\' || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[e];
    } else if (/[0-7]/.test(e)) {
      const m = /^[0-7]{1,3}/.exec(body.slice(i))![0];
      out += String.fromCharCode(parseInt(m, 8) & 0xff);
      i += m.length - 1;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const max = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const m = new RegExp(`^[0-9a-fA-F]{1,${max}}`).exec(body.slice(i + 1));
      if (!m) {
        out += '\\' + e;
      } else {
        const cp = parseInt(m[0], 16);
        out += cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
        i += m[0].length;
      }
    } else if (e === 'c' && i + 1 < body.length) {
      out += String.fromCharCode(body.charCodeAt(++i) & 0x1f);
    } else {
      out += '\\' + e;
    }
  }
  return out;
}
