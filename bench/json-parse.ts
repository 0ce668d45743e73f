// What the depth bound costs: parseJson (the depth scan, then JSON.parse) next to a bare JSON.parse
// of the same text, in the same run, for the bodies Greenlight reads: a hook payload, a structured
// body near the 1 MiB limit, and a large diff in `preview` (long strings, few brackets).
// Run: npm run build && node dist/bench/json-parse.js
import { parseJson } from '../src/core/bounded-json.js';
import { printTable } from './stats.js';

const bodies: [string, string][] = [
  ['hook payload', JSON.stringify({ session_id: 's', transcript_path: '/tmp/t.jsonl', cwd: '/tmp/p', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'git status --short', description: 'x' }, tool_use_id: 'toolu_1' })],
  ['structured input', JSON.stringify({ title: 'x', input: { items: Array.from({ length: 8000 }, (_, i) => ({ i, s: `lorem ipsum dolor sit amet ${i}`, n: [1, 2, 3] })) } })],
  ['diff in preview', JSON.stringify({ title: 'x', preview: 'diff --git a/x b/x\n+ "quoted" \\ line\n'.repeat(12000) })],
];

/** Mean µs per call over a time budget, after a warm-up. */
function time(fn: () => unknown, budgetMs = 400): number {
  for (let i = 0; i < 50; i++) fn();
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < budgetMs) {
    fn();
    n++;
  }
  return ((performance.now() - start) * 1000) / n;
}

const rows: [string, string][] = [];
for (const [name, text] of bodies) {
  const bare = time(() => JSON.parse(text));
  const bounded = time(() => parseJson(text));
  rows.push([`${name} (${(text.length / 1024).toFixed(1)} KiB)`, `JSON.parse ${bare.toFixed(1)} µs   parseJson ${bounded.toFixed(1)} µs   ratio ${(bounded / bare).toFixed(2)}×`]);
}
printTable('parseJson (depth-bounded) vs JSON.parse, same text, same run', rows);
