#!/usr/bin/env node
// Lays out Greenlight as it runs in the container image, in two steps: `deps` installs the
// production dependencies package-lock.json pins, with better-sqlite3 compiled for this Node;
// `files` adds the files of the `npm pack` tarball. The Dockerfile's build stage runs both to make
// /app (deps first, so that a change to the code does not compile SQLite again); test/deploy runs
// the same script to make the same tree on the test machine and starts it as the image does.
//
//   node scripts/app-tree.js deps <dest> [--with-claude-code] [--sqlite-addon FILE]
//   node scripts/app-tree.js files <greenlight-x.y.z.tgz> <dest>
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
const USAGE = 'usage: node scripts/app-tree.js deps <dest> [--with-claude-code] [--sqlite-addon FILE]\n       node scripts/app-tree.js files <greenlight-x.y.z.tgz> <dest>\n';
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'with-claude-code': { type: 'boolean', default: false }, 'sqlite-addon': { type: 'string' } },
});

function fail(message) {
  process.stderr.write(`app-tree: ${message}\n`);
  process.exit(1);
}

/** Runs a command to completion within `minutes`, or exits with what went wrong. */
function run(cmd, args, cwd, minutes) {
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], timeout: minutes * 60_000, killSignal: 'SIGKILL' });
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`})`);
}

function deps(dest) {
  mkdirSync(dest, { recursive: true });
  if (readdirSync(dest).length > 0) fail(`${dest} is not empty`);
  // The lockfile stays in the tree, so that scanners and `npm ls` can read what is installed.
  for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(REPO, f), join(dest, f));
  const omit = ['--omit=dev', ...(values['with-claude-code'] ? [] : ['--omit=optional'])];
  // Scripts stay off: the only dependency that needs one is better-sqlite3, built on its own below.
  run('npm', ['ci', ...omit, '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], dest, 15);

  const sqlite = join(dest, 'node_modules', 'better-sqlite3');
  const addon = join(sqlite, 'build', 'Release', 'better_sqlite3.node');
  if (values['sqlite-addon']) {
    mkdirSync(dirname(addon), { recursive: true });
    copyFileSync(values['sqlite-addon'], addon);
  } else {
    // A prebuilt binary where one is published for this Node, else a compile (python3, make, g++).
    run('npm', ['rebuild', 'better-sqlite3', '--foreground-scripts', '--loglevel=error'], dest, 20);
  }
  if (!existsSync(addon)) fail(`${addon} is missing after the build`);
  // What runs is the .node file and the package's lib/: the SQLite sources, the compiler's
  // intermediate files and the static library are build leftovers.
  rmSync(join(sqlite, 'deps'), { recursive: true, force: true });
  rmSync(join(sqlite, 'src'), { recursive: true, force: true });
  for (const [dir, keep] of [[join(sqlite, 'build'), 'Release'], [dirname(addon), 'better_sqlite3.node']]) {
    for (const entry of readdirSync(dir)) if (entry !== keep) rmSync(join(dir, entry), { recursive: true, force: true });
  }
  process.stdout.write(`app-tree: production dependencies in ${dest}\n`);
}

function files(tarball, dest) {
  if (!existsSync(join(dest, 'node_modules'))) fail(`${dest} has no node_modules: run \`app-tree.js deps ${dest}\` first`);
  const lock = JSON.parse(readFileSync(join(dest, 'package-lock.json'), 'utf8'));
  run('tar', ['-xzf', tarball, '-C', dest, '--strip-components=1', '--no-same-owner'], dest, 2);
  const { name, version } = JSON.parse(readFileSync(join(dest, 'package.json'), 'utf8'));
  if (lock.version !== version) fail(`the dependencies were installed for ${lock.name} ${lock.version}, the tarball is ${name} ${version}`);
  process.stdout.write(`app-tree: ${name} ${version} in ${dest}\n`);
}

const [command, ...rest] = positionals;
if (command === 'deps' && rest.length === 1) deps(resolve(rest[0]));
else if (command === 'files' && rest.length === 2) files(resolve(rest[0]), resolve(rest[1]));
else {
  process.stderr.write(USAGE);
  process.exit(2);
}
