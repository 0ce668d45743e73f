// A small Bash tokenizer for display: it colours command names, flags, strings, variables,
// operators, redirections and comments. It only splits text into spans (text nodes, invisible
// characters shown as marks): it never decides anything, so being approximate is fine.
import { h, textNodes } from './dom.js';

export type TokenKind = 'cmd' | 'flag' | 'str' | 'var' | 'op' | 'redir' | 'comment' | 'kw' | 'word' | 'space';
export interface Token {
  kind: TokenKind;
  text: string;
}

const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac', 'in', 'function', 'select', 'time', '!', '{', '}']);
const OPS = ['&&', '||', ';;', '|&', '|', ';', '&', '(', ')'];
const REDIR = /^(\d*(>>|>&|<&|&>|>\||<<<|<<-?|<>|>|<))/;

export function tokenizeBash(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let commandStart = true;
  const push = (kind: TokenKind, text: string) => {
    if (text) out.push({ kind, text });
  };
  while (i < src.length) {
    const rest = src.slice(i);
    const ws = /^(?:[ \t\r\n]|\\\r?\n)+/.exec(rest);
    if (ws) {
      if (/(?:^|[^\\])\r?\n/.test(ws[0])) commandStart = true;
      push('space', ws[0]);
      i += ws[0].length;
      continue;
    }
    if (rest[0] === '#' && (i === 0 || /\s/.test(src[i - 1]))) {
      const end = rest.indexOf('\n');
      push('comment', end < 0 ? rest : rest.slice(0, end));
      i += end < 0 ? rest.length : end;
      continue;
    }
    const op = OPS.find((o) => rest.startsWith(o));
    if (op) {
      push('op', op);
      i += op.length;
      commandStart = op !== ')';
      continue;
    }
    const redir = REDIR.exec(rest);
    if (redir) {
      push('redir', redir[0]);
      i += redir[0].length;
      continue;
    }
    // A word: runs of quoted strings, variables and plain characters until whitespace or an operator.
    const start = out.length;
    let word = '';
    const flushWord = () => {
      if (word) push('word', word);
      word = '';
    };
    while (i < src.length && !/[\s;&|()<>]/.test(src[i])) {
      const ch = src[i];
      if (ch === "'") {
        flushWord();
        const end = src.indexOf("'", i + 1);
        const stop = end < 0 ? src.length : end + 1;
        push('str', src.slice(i, stop));
        i = stop;
      } else if (ch === '"') {
        flushWord();
        let j = i + 1;
        while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
        const stop = Math.min(src.length, j + 1);
        push('str', src.slice(i, stop));
        i = stop;
      } else if (ch === '$') {
        flushWord();
        const m = /^\$(\{[^}]*\}?|\([^)]*\)?|[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])?/.exec(src.slice(i))!;
        push('var', m[0]);
        i += m[0].length;
      } else if (ch === '\\' && i + 1 < src.length) {
        word += src.slice(i, i + 2);
        i += 2;
      } else {
        word += ch;
        i++;
      }
    }
    flushWord();
    const parts = out.slice(start);
    const text = parts.map((p) => p.text).join('');
    if (parts.length === 1 && parts[0].kind === 'word') {
      if (commandStart && KEYWORDS.has(text)) parts[0].kind = 'kw';
      else if (commandStart && /^[A-Za-z_][A-Za-z0-9_]*=/.test(text)) parts[0].kind = 'var';
      else if (commandStart) {
        parts[0].kind = 'cmd';
        commandStart = false;
      } else if (/^--?[A-Za-z0-9]/.test(text)) parts[0].kind = 'flag';
    } else if (commandStart && parts.length) {
      commandStart = /^[A-Za-z_][A-Za-z0-9_]*=/.test(text);
    }
    if (parts.length === 0) {
      // Not a word (a lone operator character we do not know): take it as is.
      push('word', src[i]);
      i++;
    }
  }
  return out;
}

/** The command as highlighted spans in a <pre><code>. */
export function bashBlock(src: string): HTMLElement {
  const code = h('code', { class: 'lang-bash' });
  for (const t of tokenizeBash(src)) code.appendChild(t.kind === 'space' || t.kind === 'word' ? textNodes(t.text) : h('span', { class: `tok-${t.kind}` }, t.text));
  return h('pre', { class: 'code scroll', tabindex: 0, 'aria-label': 'Shell command' }, code);
}
