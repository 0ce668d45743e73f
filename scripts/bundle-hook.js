#!/usr/bin/env node
// Makes the command hook one file: dist/src/hooks/command-hook.cjs gets the CommonJS modules it
// requires by relative path (json-depth, fail-output, limits, canonical, http-post, sha256) written
// into it, each in a function of its own, the way tsc emitted them. The hook starts once per tool
// call, and each file Node resolves, reads and compiles costs a fresh process about 0.3–1 ms (2.5 ms
// for these six; docs/benchmarks.md). Run by `npm run build` after tsc, which emits every file
// afresh on each run, so the bundle is never older than its parts. Node built-ins (`node:…`) and
// dynamic import() (the failure path's CLI lookup) are left as they are.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

const ENTRY = resolve('dist/src/hooks/command-hook.cjs');
const MARK = '// Bundled by scripts/bundle-hook.js';
const ROOT = resolve('dist/src');

const entrySource = readFileSync(ENTRY, 'utf8');
if (entrySource.includes(MARK)) process.exit(0); // this build's output is bundled already

/** id (path under dist/src) → module source with its relative requires rewritten. */
const modules = new Map();

function rewrite(file, source) {
  const body = source.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
  return body.replace(/\brequire\((["'])(\.{1,2}\/[^"']+)\1\)/g, (_, _q, spec) => `__bundled(${JSON.stringify(add(resolve(dirname(file), spec)))})`);
}

function add(file) {
  const id = relative(ROOT, file);
  if (!modules.has(id)) {
    modules.set(id, null); // a cycle stops here
    modules.set(id, rewrite(file, readFileSync(file, 'utf8')));
  }
  return id;
}

const entry = rewrite(ENTRY, entrySource).replace(/^"use strict";\n/, '');
// Each part assigns `__module.exports`, not `module.exports`: Node's ES module loader reads the
// named exports of a CommonJS file from its text, and those of the parts are not the hook's.
const parts = [...modules].map(([id, source]) => `  ${JSON.stringify(id)}: (__module) => {\n${source.replace(/\bmodule\.exports\b/g, '__module.exports')}  },\n`).join('');
writeFileSync(
  ENTRY,
  `"use strict";
${MARK} from the modules named below; the sources are src/hooks/command-hook.cts and those modules.
const __modules = {
${parts}};
const __loaded = {};
function __bundled(id) {
  if (!__loaded[id]) {
    __loaded[id] = { exports: {} };
    __modules[id](__loaded[id]);
  }
  return __loaded[id].exports;
}
${entry}`,
);
