// Policy evaluation time: a typical command against 100 rules, and a Read inside the project.
// Run: npx tsc -p tsconfig.json && node dist/bench/policy-eval.js   (target: p50 < 50 µs after warm-up)
// "fresh" varies one argument per run so every run parses anew; "repeated" hits the parse memo.
import { evaluate, initPolicy } from '../src/policy/index.js';
import type { PolicyAction, PolicyContext, PolicyRule } from '../src/policy/index.js';

const ITERATIONS = 20_000;
const WARMUP = 2_000;
const CWD = '/home/alice/webapp';

function hundredRules(): PolicyRule[] {
  const tools = ['git', 'npm', 'pnpm', 'docker', 'kubectl', 'make', 'cargo', 'go', 'python3', 'pytest'];
  const subs = ['status', 'diff', 'log', 'build', 'test', 'run lint'];
  const rules: PolicyRule[] = [];
  for (const t of tools) for (const s of subs) rules.push({ rule: `Bash(${t} ${s} *)`, effect: 'allow', source: 'config:global' });
  for (let i = 0; i < 15; i++) rules.push({ rule: `Read(./docs/part${i}/**)`, effect: 'allow', source: 'config:project:webapp' });
  for (let i = 0; i < 10; i++) rules.push({ rule: `WebFetch(domain:site${i}.example.com)`, effect: 'allow', source: 'config:global' });
  for (let i = 0; i < 10; i++) rules.push({ rule: `mcp__server${i}__*`, effect: 'allow', source: 'config:global' });
  rules.push(
    { rule: 'Bash(rm -rf *)', effect: 'deny', source: 'config:global' },
    { rule: 'Bash(curl * | sh)', effect: 'deny', source: 'config:global' },
    { rule: 'Read(./.env)', effect: 'deny', source: 'config:global' },
    { rule: 'Bash(git push *)', effect: 'ask', source: 'config:global' },
    { rule: 'Edit(./secrets/**)', effect: 'deny', source: 'config:global' },
  );
  return rules;
}

function measure(name: string, actions: (i: number) => PolicyAction, ctx: PolicyContext): void {
  const verdict = evaluate(actions(0), ctx).verdict;
  const all = Array.from({ length: WARMUP + ITERATIONS }, (_, i) => actions(i));
  for (let i = 0; i < WARMUP; i++) evaluate(all[i], ctx);
  const times = new Float64Array(ITERATIONS);
  for (let i = 0; i < ITERATIONS; i++) {
    const a = all[WARMUP + i];
    const t0 = process.hrtime.bigint();
    evaluate(a, ctx);
    times[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  times.sort();
  const pct = (p: number) => times[Math.min(ITERATIONS - 1, Math.floor(ITERATIONS * p))].toFixed(1);
  console.log(`${name.padEnd(58)} ${verdict.padEnd(5)} p50=${pct(0.5).padStart(6)} µs  p99=${pct(0.99).padStart(6)} µs`);
}

await initPolicy();
const ctx: PolicyContext = {
  rules: hundredRules(),
  projectDirs: [CWD],
  sandboxed: false,
  homeDir: '/home/alice',
  protectedPaths: ['/home/alice/.config/greenlight'],
};
const bash = (command: string): PolicyAction => ({ tool: 'Bash', input: { command }, cwd: CWD });
console.log(`policy evaluate(): ${ctx.rules.length} rules, ${ITERATIONS} runs after ${WARMUP} warm-up runs`);
measure('Bash fresh: git status && npm test -- --watch=false', (i) => bash(`git status && npm test -- --watch=false --seed=${i}`), ctx);
measure('Bash repeated: git status && npm test -- --watch=false', () => bash('git status && npm test -- --watch=false'), ctx);
measure('Bash fresh: git log --oneline | head -20 > out.txt', (i) => bash(`git log --oneline -n ${i} | head -20 > out.txt`), ctx);
measure('Read inside the project', (i) => ({ tool: 'Read', input: { file_path: `${CWD}/src/file${i}.ts` }, cwd: CWD }), ctx);
