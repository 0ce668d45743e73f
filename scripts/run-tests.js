#!/usr/bin/env node
// Runs every compiled test file (dist/**/*.test.js) with Node's own test runner.
// Usage: node scripts/run-tests.js [substring ...]   — only files whose path contains a substring.
// A full run (no substrings) also checks that the compatibility table in docs/hooks.md matches
// what the test/hosts suites of the real agent CLIs recorded (scripts/compat-table.js).
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = ['dist/src', 'dist/test'];
const filters = process.argv.slice(2);
const files = [];
function walk(dir) {
  let entries;
  try { entries = readdirSync(dir); } catch { return; }
  for (const name of entries) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js') && (filters.length === 0 || filters.some((f) => p.includes(f)))) files.push(p);
  }
}
roots.forEach(walk);
files.sort();
if (files.length === 0) {
  console.error('no test files found under dist/ — did the build run?');
  process.exit(1);
}
const full = filters.length === 0;
// A full run records afresh what the real agent CLIs did.
if (full) rmSync('test-artifacts/hosts', { recursive: true, force: true });
const args = ['--test', '--test-reporter=spec', '--test-timeout=600000', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`, ...files];
const r = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } });
if (r.status !== 0 || !full) process.exit(r.status ?? 1);
const check = spawnSync(process.execPath, ['scripts/compat-table.js', '--check'], { stdio: 'inherit' });
process.exit(check.status ?? 1);
