#!/usr/bin/env node
// Lays out Greenlight as it runs in the container image: the files of the `npm pack` tarball plus
// the production dependencies pinned by package-lock.json, with better-sqlite3 compiled for this
// Node. The Dockerfile's build stage runs it to make /app; test/deploy runs the same script to
// make the same tree on the test machine and starts it the way the image does.
//
//   node scripts/app-tree.js <greenlight-x.y.z.tgz> <dest> [--with-claude-code] [--sqlite-addon FILE]
//
//   --with-claude-code   keep Claude Code's own binary (an optional dependency, about 360 MB),
//                        which agent sessions run; without it, sessions need sessions.claude_path
//   --sqlite-addon FILE  copy this compiled better_sqlite3.node instead of compiling one (for tests,
//                        whose `npm ci` compiled it already for the same Node and version)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'with-claude-code': { type: 'boolean', default: false }, 'sqlite-addon': { type: 'string' } },
});
if (positionals.length !== 2) {
  process.stderr.write('usage: node scripts/app-tree.js <greenlight-x.y.z.tgz> <dest> [--with-claude-code] [--sqlite-addon FILE]\n');
  process.exit(2);
}
const [tarball, dest] = positionals.map((p) => resolve(p));

/** Runs a command to completion within `minutes`, or exits with what it printed. */
function run(cmd, args, cwd, minutes) {
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], timeout: minutes * 60_000, killSignal: 'SIGKILL' });
  if (r.status !== 0) {
    process.stderr.write(`app-tree: ${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`})\n`);
    process.exit(1);
  }
}

mkdirSync(dest, { recursive: true });
if (readdirSync(dest).length > 0) {
  process.stderr.write(`app-tree: ${dest} is not empty\n`);
  process.exit(1);
}
run('tar', ['-xzf', tarball, '-C', dest, '--strip-components=1', '--no-same-owner'], REPO, 2);
// The tarball leaves the lockfile out (npm never packs it); the tree installs exactly what it pins,
// and keeps it, so that scanners and `npm ls` can read what is installed.
copyFileSync(join(REPO, 'package-lock.json'), join(dest, 'package-lock.json'));
const omit = ['--omit=dev', ...(values['with-claude-code'] ? [] : ['--omit=optional'])];
// Scripts stay off: the only dependency that needs one is better-sqlite3, built on its own below.
run('npm', ['ci', ...omit, '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], dest, 15);

const sqlite = join(dest, 'node_modules', 'better-sqlite3');
const addon = join(sqlite, 'build', 'Release', 'better_sqlite3.node');
if (values['sqlite-addon']) {
  mkdirSync(dirname(addon), { recursive: true });
  copyFileSync(values['sqlite-addon'], addon);
} else {
  // A prebuilt binary where one is published for this Node, else a compile (needs python3, make, g++).
  run('npm', ['rebuild', 'better-sqlite3', '--foreground-scripts', '--loglevel=error'], dest, 15);
}
if (!existsSync(addon)) {
  process.stderr.write(`app-tree: ${addon} is missing after the build\n`);
  process.exit(1);
}
// What runs is the .node file and the package's lib/: the SQLite sources, the compiler's
// intermediate files and the static library are build leftovers.
rmSync(join(sqlite, 'deps'), { recursive: true, force: true });
rmSync(join(sqlite, 'src'), { recursive: true, force: true });
for (const [dir, keep] of [[join(sqlite, 'build'), 'Release'], [dirname(addon), 'better_sqlite3.node']]) {
  for (const entry of readdirSync(dir)) if (entry !== keep) rmSync(join(dir, entry), { recursive: true, force: true });
}
const { name, version } = JSON.parse(readFileSync(join(dest, 'package.json'), 'utf8'));
process.stdout.write(`app-tree: ${name} ${version} in ${dest}\n`);
