// The reference docs cannot drift from the code they describe.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { COMMANDS } from '../../src/cli/commands.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { SETTINGS } from '../../src/config/settings.js';
import { ERROR_CODES } from '../../src/core/errors.js';
import { REPO } from './cli-helpers.js';
import { schemaKeyPaths } from './schema-paths.js';

const doc = (name: string) => readFileSync(join(REPO, 'docs', name), 'utf8');

/** The text of `## HEADING` up to the next `## `. */
function section(text: string, heading: string): string | null {
  const start = text.indexOf(`\n## ${heading}\n`);
  if (start < 0) return null;
  const end = text.indexOf('\n## ', start + 4);
  return text.slice(start, end < 0 ? undefined : end);
}

describe('docs/errors.md', () => {
  const text = doc('errors.md');
  for (const [code, status] of Object.entries(ERROR_CODES)) {
    it(`documents ${code} with its status ${status}, what it means and how to fix it`, () => {
      const body = section(text, code);
      assert.ok(body, `add a "## ${code}" section to docs/errors.md`);
      assert.ok(body.includes(`**${status}.**`), `the ${code} section should start with **${status}.**`);
      assert.match(body, /\*\*Fix:\*\*/, `the ${code} section should say how to fix it`);
      assert.ok(text.includes(`| [\`${code}\`](#${code.toLowerCase()}) | ${status} |`), `add ${code} to the table at the top`);
    });
  }
});

describe('docs/config.md', () => {
  const text = doc('config.md');
  it('has a row for every key of the schema', () => {
    // A section (server, delivery, ...) is covered by the rows of its keys.
    const documented = (p: string) => [`| \`${p}\` |`, `| \`${p}[]\` |`, `| \`${p}.`].some((row) => text.includes(row));
    const missing = schemaKeyPaths(ConfigSchema).filter((p) => !documented(p));
    assert.deepEqual(missing, [], `add rows to docs/config.md for: ${missing.join(', ')}`);
  });
  it('names the environment variable and flag of every setting on its key row', () => {
    for (const s of SETTINGS) {
      const row = text.split('\n').find((l) => l.startsWith(`| \`${s.path}\` |`));
      assert.ok(row?.includes(`\`${s.env}\``) && row.includes(`\`--${s.flag}\``), `${s.path}: its row should name ${s.env} and --${s.flag}`);
    }
  });
});

describe('docs/cli.md', () => {
  const text = doc('cli.md');
  it('documents every command and every config flag', () => {
    for (const name of Object.keys(COMMANDS)) assert.ok(text.includes(`## greenlight ${name}`), `add a "## greenlight ${name}" section`);
    for (const sub of ['keys create', 'keys list', 'keys revoke', 'audit verify', 'audit tail']) assert.ok(text.includes(`### ${sub}\n`), `add a "### ${sub}" section`);
    for (const s of SETTINGS) assert.ok(text.includes(`| \`--${s.flag}\` | \`${s.env}\` |`), `list --${s.flag} in the options table`);
  });
});
