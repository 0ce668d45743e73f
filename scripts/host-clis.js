#!/usr/bin/env node
// Installs the real agent CLIs the end-to-end tests in test/hosts run (Claude Code, Codex, Gemini
// CLI, OpenCode) from test/hosts/package-lock.json, once: `npm test` calls this before building
// test/hosts. They are a separate package so the README's server command (`npm ci && npm start`)
// never downloads them. A stamp of the lockfile's hash in test/hosts/node_modules says whether the
// installed set is current; a failed install fails the test run (nothing is skipped).
// `npm install --no-save` rather than `npm ci`: the lockfile pins every version, but the CLIs'
// per-platform binaries are optional dependencies, and a registry mirror that lacks another
// platform's package leaves the lock without it, which `npm ci` refuses. --no-save never rewrites
// the lock.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'hosts');
const lock = join(dir, 'package-lock.json');
const stamp = join(dir, 'node_modules', '.greenlight-lock-sha256');
const BINS = ['claude', 'codex', 'gemini', 'opencode'];

const want = createHash('sha256').update(readFileSync(lock)).digest('hex');
const have = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : '';
const binsThere = BINS.every((b) => existsSync(join(dir, 'node_modules', '.bin', b)));

if (have === want && binsThere) process.exit(0);

console.log('== installing the agent CLIs for test/hosts (npm install --no-save --prefix test/hosts)');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const r = spawnSync(npm, ['install', '--no-save', '--prefix', dir, '--no-audit', '--no-fund'], { stdio: 'inherit' });
if (r.status !== 0) {
  console.error(`npm install --prefix test/hosts failed (exit ${r.status ?? r.signal}); the host end-to-end tests cannot run.`);
  process.exit(1);
}
const missing = BINS.filter((b) => !existsSync(join(dir, 'node_modules', '.bin', b)));
if (missing.length) {
  console.error(`npm install --prefix test/hosts finished but ${missing.join(', ')} is missing from test/hosts/node_modules/.bin.`);
  process.exit(1);
}
writeFileSync(stamp, `${want}\n`);
