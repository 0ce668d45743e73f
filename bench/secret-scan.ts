// What the secret scanner (src/secrets/scanner.ts: gitleaks' rules, Greenlight's own) costs on
// adversarial actions, beside two references over the same text in the same run: JSON.stringify
// (what sending the action costs anyway) and a plain indexOf scan for every keyword the rules
// name (the least any keyword-gated scanner must do). Each input is about 100 KB — the size of a
// large Write — and built to provoke backtracking: long runs of the characters a secret is made
// of, keywords with no value after them, key blocks that never end, assignments that never close.
// A rule that backtracks shows up as a ratio in the hundreds or thousands.
//
// Run: npm run build && env -u NODE_EXTRA_CA_CERTS node dist/bench/secret-scan.js
// (NODE_EXTRA_CA_CERTS slows Node's start, not this loop; unset it anyway, as every bench here does.)
import { GITLEAKS_RULES } from '../src/secrets/gitleaks-rules.js';
import { OWN_RULES } from '../src/secrets/own-rules.js';
import { createSecretScanner } from '../src/secrets/scanner.js';
import { printTable } from './stats.js';

const SIZE = 100_000;
const fill = (unit: string, size: number) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
const alnum = (n: number) => {
  let x = 7;
  let s = '';
  const a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  for (let i = 0; i < n; i++) s += a[(x = (x * 1103515245 + 12345) >>> 0) % a.length];
  return s;
};

// Each input as a function of its size: the bench runs it at SIZE and at twice SIZE, and a rule
// that backtracks shows as growth well over 2× (quadratic: 4×).
const KEYWORDS = [...new Set([...GITLEAKS_RULES, ...OWN_RULES].flatMap((r) => r.keywords ?? []).map((k) => k.toLowerCase()))];
const INPUTS: [string, (size: number) => string][] = [
  ['one run of a', (n) => ' ' + fill('a', n)],
  ['one random alnum run', (n) => ' ' + alnum(n)],
  ['token name, then name chars, no =', (n) => ' my_token' + fill('a', n) + ' '],
  ['key=key=key=…', (n) => fill('key=', n)],
  ['"secret": " repeated', (n) => fill('"secret": "', n)],
  ['Authorization: Bearer + a run', (n) => 'curl -H "Authorization: Bearer ' + fill('x', n) + '"'],
  ['authorization: repeated, no value', (n) => fill('authorization: ', n)],
  ['PEM header, body, no end', (n) => '-----BEGIN RSA PRIVATE KEY-----\n' + fill('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgh+/\n', n)],
  ['PEM headers repeated', (n) => fill('-----BEGIN PRIVATE KEY-----\nAAAA\n', n)],
  ['URL with : and no @', (n) => 'postgres://user:' + fill('p', n)],
  ['scheme:// repeated', (n) => fill('a://b:c', n)],
  ['spaces, then =', (n) => ' password' + ' '.repeat(n) + '= x'],
  ['--password flags, no value', (n) => fill('--password ', n)],
  ['ghp_ near misses (35 chars)', (n) => fill('ghp_' + alnum(35) + ' ', n)],
  ['AKIA near misses', (n) => fill('AKIA' + 'A'.repeat(15) + ' ', n)],
  ['every keyword, repeated', (n) => fill(KEYWORDS.join(' = ') + ' ', n)],
  ['.env file (50 bytes a line)', (n) => Array.from({ length: Math.round(n / 50) }, (_, i) => `VAR_${i}_TOKEN=${alnum(40)}`).join('\n')],
  ['ordinary source code', (n) => fill('export function add(a: number, b: number): number {\n  return a + b; // sum\n}\n', n)],
];

function indexOfScan(text: string): number {
  const lower = text.toLowerCase();
  let hits = 0;
  for (const k of KEYWORDS) for (let at = lower.indexOf(k); at !== -1; at = lower.indexOf(k, at + k.length)) hits++;
  return hits;
}

/** Mean ms per call over a time budget (at least `min` calls), after one warm-up call. */
function time(fn: () => unknown, budgetMs = 300, min = 3): number {
  fn();
  let n = 0;
  const start = performance.now();
  while (n < min || performance.now() - start < budgetMs) {
    fn();
    n++;
  }
  return (performance.now() - start) / n;
}

const scanner = createSecretScanner();
console.log(`secret scanner: ${scanner.ruleCount} rules, ${KEYWORDS.length} keywords`);
const rows: [string, string][] = [];
let worst = 0;
let steepest = 0;
for (const [name, make] of INPUTS) {
  const text = make(SIZE);
  const twice = make(2 * SIZE);
  const scan = time(() => scanner.find(text));
  const growth = time(() => scanner.find(twice)) / scan;
  steepest = Math.max(steepest, growth);
  const json = time(() => JSON.stringify({ command: text }));
  const idx = time(() => indexOfScan(text));
  worst = Math.max(worst, scan / idx);
  rows.push([`${name} (${(text.length / 1000).toFixed(0)} KB)`, `scan ${scan.toFixed(2).padStart(8)} ms   JSON.stringify ${json.toFixed(3).padStart(6)} ms   indexOf ${idx.toFixed(3).padStart(6)} ms   scan/stringify ${(scan / json).toFixed(0).padStart(5)}×   scan/indexOf ${(scan / idx).toFixed(1).padStart(6)}×   2× input ${growth.toFixed(1)}×   found ${scanner.find(text).length}`]);
}
printTable('the secret scanner on adversarial ~100 KB actions (mean per call)', rows);
console.log(`worst scan / indexOf: ${worst.toFixed(1)}×; steepest growth for twice the input: ${steepest.toFixed(1)}× (2× is linear)`);
