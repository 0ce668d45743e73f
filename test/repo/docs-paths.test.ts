// Every docs path the CLI, the code's messages and the docs themselves point a reader at exists,
// and the docs index lists every page. A renamed or missing page fails here, not in a user's shell.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { REPO, runCli } from '../cli/cli-helpers.js';

function files(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(join(REPO, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(REPO, path)).isDirectory()) return files(path, keep);
    return keep(name) ? [path] : [];
  });
}

/** `docs/x.md` written out in code or text (not the server's `/docs/...` URLs). */
const DOCS_PATH = /(?<![\w/.-])docs\/[\w./-]*\w/g;
const existing = (path: string) => existsSync(join(REPO, path));

describe('docs paths', () => {
  it('greenlight --help names a docs index that exists', async () => {
    const { code, stdout } = await runCli(['--help']);
    assert.equal(code, 0);
    const named = stdout.match(DOCS_PATH) ?? [];
    assert.ok(named.length > 0, `--help should point at the docs:\n${stdout}`);
    for (const p of named) assert.ok(existing(p), `greenlight --help names ${p}, which does not exist`);
  });

  it('every docs/… path in the code, the CLI, the README and the example config exists', () => {
    const sources = [...files('src', (n) => n.endsWith('.ts') && !n.endsWith('.test.ts')), ...files('bin', () => true), 'README.md', 'greenlight.example.yaml'];
    const missing: string[] = [];
    for (const file of sources) {
      for (const p of readFileSync(join(REPO, file), 'utf8').match(DOCS_PATH) ?? []) {
        const path = p.replace(/[.]$/, '');
        if (!existing(path)) missing.push(`${file}: ${path}`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it('every relative link in the README and docs/ points at a file that exists', () => {
    const missing: string[] = [];
    for (const file of ['README.md', ...files('docs', (n) => n.endsWith('.md'))]) {
      for (const [, target] of readFileSync(join(REPO, file), 'utf8').matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/i.test(target) || target.startsWith('/')) continue;
        const path = relative(REPO, resolve(join(REPO, dirname(file)), target));
        if (!existing(path)) missing.push(`${file}: ${target}`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it('docs/README.md lists every page under docs/, and the README links to it', () => {
    const index = readFileSync(join(REPO, 'docs', 'README.md'), 'utf8');
    const unlisted = files('docs', (n) => n.endsWith('.md'))
      .map((p) => relative('docs', p))
      .filter((p) => p !== 'README.md' && !index.includes(`](${p})`));
    assert.deepEqual(unlisted, [], 'add these pages to docs/README.md');
    assert.ok(readFileSync(join(REPO, 'README.md'), 'utf8').includes('](docs/README.md)'));
  });
});
