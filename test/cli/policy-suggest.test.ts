// `greenlight policy suggest`, run as the real built CLI against a real SQLite file seeded with the
// insights history: the same suggestions as GET /v1/insights, none dangerous or protected, hostile
// text made harmless for the terminal, and the YAML / grants command to add each.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { NOW, seedStore } from '../insights/seed.js';
import { runCli } from './cli-helpers.js';

const root = mkdtempSync(join(tmpdir(), 'greenlight-cli-suggest-'));
const data = join(root, 'data');
const config = join(root, 'greenlight.yaml');
after(() => rmSync(root, { recursive: true, force: true }));

before(async () => {
  writeFileSync(
    config,
    [
      `data_dir: ${JSON.stringify(data)}`,
      'projects:',
      "  - { name: web, directories: ['/srv/web'], approvers: [alice] }",
      "  - { name: api, directories: ['/srv/api'], approvers: [bob] }",
      'approvers:',
      '  - { name: alice, key: approver-key-0123456789abcdef }',
      '  - { name: bob, key: other-approver-key-0123456789 }',
      '',
    ].join('\n'),
  );
  const { mkdirSync } = await import('node:fs');
  mkdirSync(data, { recursive: true });
  const store = new SqliteStore({ path: join(data, 'greenlight.db') });
  await store.migrate();
  // The history ends a minute ago, so the last 30 days of the real clock hold all of it.
  await seedStore(store, data, Date.now() - NOW - 60_000);
  await store.close();
});

describe('greenlight policy suggest', () => {
  it('prints each suggestion with its evidence, the grants command and the YAML; nothing dangerous or protected', async () => {
    const r = await runCli(['policy', 'suggest', '--config', config]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Bash\(npm run lint \*\)  — project web: approved 4×, denied 0×, by 2 people \(alice, bob\); would have answered 5 asks$/m);
    assert.match(r.stdout, /^Bash\(cargo fmt --check\)  — project api: approved 3×, denied 0×, by 1 person \(bob\); would have answered 3 asks$/m);
    assert.match(r.stdout, /add: {2}(npx )?greenlight grants add --rule 'Bash\(npm run lint \*\)' --project 'web'/);
    assert.match(r.stdout, /^ {2}- "Bash\(cargo fmt --check\)" {3}# project api$/m);
    for (const never of ['git push', 'rm -rf', 'greenlight.db', '.claude', 'make deploy', 'npm test', 'git status']) assert.ok(!r.stdout.includes(never), never);
    assert.ok(!/[\u0000-\u0008\u001b\u202a-\u202e\u2066-\u2069]/.test(r.stdout), 'no control or bidi characters reach the terminal');
  });

  it('prints JSON with --json, and says so when there is no database', async () => {
    const r = await runCli(['policy', 'suggest', '--config', config, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).items.map((s: { rule: string }) => s.rule), ['Bash(npm run lint *)', 'Bash(cargo fmt --check)']);
    const none = await runCli(['policy', 'suggest', '--data-dir', join(root, 'nowhere')]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no database/);
    const bad = await runCli(['policy', 'suggest', '--nope']);
    assert.equal(bad.code, 2);
  });
});
