#!/usr/bin/env node
// Regenerates src/secrets/gitleaks-rules.ts from gitleaks' default rule file (config/gitleaks.toml,
// MIT licence): `node scripts/gen-secret-rules.js path/to/gitleaks.toml <commit>`. The rules are
// facts (which shapes a given provider's keys take); this script carries them into JavaScript:
// Go's RE2 inline flags `(?i)`, `(?i:…)`, `(?-i:…)`, `(?s:…)`, `\z` and `[[:alnum:]]` have no
// equivalent in Node 20's regular expressions, so case-insensitive parts are spelled out letter by
// letter (`[aA]`) and the rest is copied. Rules that only match file paths are left out; each
// rule keeps its id, secret group, entropy floor, keywords and the allowlists that look at the
// secret, the match or the line (not at paths).
import { readFileSync, writeFileSync } from 'node:fs';

const [, , tomlPath, commit = 'unknown'] = process.argv;
if (!tomlPath) {
  console.error('usage: node scripts/gen-secret-rules.js gitleaks.toml <commit>');
  process.exit(2);
}
const text = readFileSync(tomlPath, 'utf8');

/** The value of `key = '''…'''`, `key = "…"`, `key = 1.5` or `key = [ … ]` in a block. */
function field(block, key) {
  const m = new RegExp(`^${key} = (.*)$`, 'm').exec(block);
  if (!m) return undefined;
  const v = m[1];
  if (v.startsWith("'''")) return v.slice(3, v.lastIndexOf("'''"));
  if (v.startsWith('"')) return JSON.parse(v);
  if (v.startsWith('[')) {
    const start = m.index + m[0].indexOf('[');
    let end = block.indexOf('\n]', start);
    if (v.trimEnd().endsWith(']')) end = start + v.length - 1;
    const body = block.slice(start + 1, end);
    return [...body.matchAll(/'''(.*?)'''|"((?:[^"\\]|\\.)*)"/g)].map((x) => (x[1] !== undefined ? x[1] : JSON.parse(`"${x[2]}"`)));
  }
  return Number(v);
}

/** Adds the other case of every letter and letter range in a character class body. */
function foldClass(body) {
  let extra = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (body[i + 1] === '-' && body[i + 2] && body[i + 2] !== ']') {
      const to = body[i + 2];
      if (/[a-z]/.test(c) && /[a-z]/.test(to)) extra += `${c.toUpperCase()}-${to.toUpperCase()}`;
      else if (/[A-Z]/.test(c) && /[A-Z]/.test(to)) extra += `${c.toLowerCase()}-${to.toLowerCase()}`;
      i += 2;
      continue;
    }
    if (/[a-z]/.test(c)) extra += c.toUpperCase();
    else if (/[A-Z]/.test(c)) extra += c.toLowerCase();
  }
  return extra + body;
}

/** An RE2 pattern as a JavaScript one (no flags needed). */
export function toJs(src) {
  let out = '';
  let ci = false;
  let dotall = false;
  const stack = [];
  for (let i = 0; i < src.length; ) {
    const c = src[i];
    if (c === '\\') {
      const n = src[i + 1];
      out += n === 'z' ? '$' : c + n;
      i += 2;
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      let neg = '';
      if (src[j] === '^') (neg = '^'), j++;
      let body = '';
      if (src[j] === ']') (body += '\\]'), j++;
      while (src[j] !== ']') {
        if (src.startsWith('[:alnum:]', j)) {
          body += 'a-zA-Z0-9';
          j += 9;
        } else if (src[j] === '\\') {
          body += src[j] + src[j + 1];
          j += 2;
        } else body += src[j++];
      }
      out += `[${neg}${ci ? foldClass(body) : body}]`;
      i = j + 1;
      continue;
    }
    if (c === '(') {
      const flag = /^\(\?(-?[is]+)([:)])/.exec(src.slice(i, i + 6));
      if (flag) {
        const set = (f) => {
          const on = !f.startsWith('-');
          for (const l of f.replace('-', '')) l === 'i' ? (ci = on) : (dotall = on);
        };
        if (flag[2] === ')') {
          set(flag[1]);
        } else {
          stack.push([ci, dotall]);
          set(flag[1]);
          out += '(?:';
        }
        i += flag[0].length;
        continue;
      }
      stack.push([ci, dotall]);
      if (src.startsWith('(?:', i)) (out += '(?:'), (i += 3);
      else if (src.startsWith('(?P<', i)) (out += '(?<'), (i += 4);
      else (out += '('), i++;
      continue;
    }
    if (c === ')') {
      [ci, dotall] = stack.pop();
      out += ')';
      i++;
      continue;
    }
    if (c === '{') {
      // A quantifier: copied as is (its digits are not letters).
      const q = /^\{\d*(,\d*)?\}/.exec(src.slice(i));
      if (q) {
        out += q[0];
        i += q[0].length;
        continue;
      }
    }
    if (c === '.' && dotall) out += '[\\s\\S]';
    else if (ci && /[a-zA-Z]/.test(c)) out += `[${c.toLowerCase()}${c.toUpperCase()}]`;
    else out += c;
    i++;
  }
  new RegExp(out, 'd'); // throws on anything left untranslated
  return out;
}

function allowlists(block) {
  const parts = block.split(/^\[\[rules\.allowlists\]\]$/m).slice(1);
  const out = [];
  for (const p of parts) {
    // Path allowlists say nothing about text; one that needs a path AND a regex never applies here.
    if (field(p, 'paths') && field(p, 'condition') === 'AND') continue;
    const regexes = (field(p, 'regexes') ?? []).map(toJs);
    const stopwords = field(p, 'stopwords') ?? [];
    if (!regexes.length && !stopwords.length) continue;
    out.push({ target: field(p, 'regexTarget') ?? 'secret', regexes, stopwords });
  }
  return out;
}

const [head, ...blocks] = text.split(/^\[\[rules\]\]$/m);
const globalBlock = head.slice(head.indexOf('[allowlist]'));
const global = { regexes: (field(globalBlock, 'regexes') ?? []).map(toJs), stopwords: field(globalBlock, 'stopwords') ?? [] };
const rules = [];
for (const b of blocks) {
  const [main] = b.split(/^\[\[rules\.allowlists\]\]$/m);
  const id = field(main, 'id');
  const regex = field(main, 'regex');
  if (!regex) continue;
  const rule = { id, regex: toJs(regex) };
  const group = field(main, 'secretGroup');
  if (group) rule.group = group;
  const entropy = field(main, 'entropy');
  if (entropy) rule.entropy = entropy;
  const keywords = field(main, 'keywords');
  if (keywords?.length) rule.keywords = keywords.map((k) => k.toLowerCase());
  const allow = allowlists(b);
  if (allow.length) rule.allow = allow;
  rules.push(rule);
}

const lines = [
  '// GENERATED by scripts/gen-secret-rules.js from gitleaks\' default rules (github.com/gitleaks/gitleaks,',
  `// config/gitleaks.toml at ${commit}, MIT licence). Do not edit: regenerate. The patterns are`,
  '// translated from Go RE2 to JavaScript (case-insensitive parts spelled out); see the script.',
  "import type { ScannerRule, AllowList } from './rule.js';",
  '',
  `export const GITLEAKS_COMMIT = ${JSON.stringify(commit)};`,
  '',
  `export const GITLEAKS_ALLOW: AllowList = ${JSON.stringify({ target: 'secret', ...global })};`,
  '',
  'export const GITLEAKS_RULES: ScannerRule[] = [',
  ...rules.map((r) => `  ${JSON.stringify(r)},`),
  '];',
  '',
];
writeFileSync(new URL('../src/secrets/gitleaks-rules.ts', import.meta.url), lines.join('\n'));
console.log(`${rules.length} rules written`);
