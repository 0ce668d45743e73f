import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/log.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { getJson, runCli } from './cli-helpers.js';

const root = mkdtempSync(join(tmpdir(), 'greenlight-cli-keys-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Creates a key with the CLI and returns its id and secret, read from what it printed. */
async function createKey(dataDir: string, role: string, name: string, extra: string[] = []) {
  const r = await runCli(['keys', 'create', '--role', role, '--name', name, '--data-dir', dataDir, ...extra]);
  assert.equal(r.code, 0, r.stderr);
  const secret = /^ {4}(gl[apx]_\S+)$/m.exec(r.stdout)?.[1];
  const id = /\((key_[0-9a-z]+)\)/.exec(r.stdout)?.[1];
  assert.ok(secret && id, `create prints the key and its id:\n${r.stdout}`);
  assert.match(r.stdout, /shown once/);
  return { id, secret, stdout: r.stdout };
}

describe('greenlight keys against a running server', () => {
  const dataDir = join(root, 'live');
  let server: RunningServer;

  before(async () => {
    const { config } = loadConfig({ env: {}, flags: { 'data-dir': dataDir, port: '0', host: '127.0.0.1', 'log-level': 'silent' } });
    server = await startServer(config, { logger: silentLogger });
  });
  after(async () => {
    await server?.close();
  });

  it('creates a key that authenticates at once, lists it without its hash, and revokes it to a 401', async () => {
    const { id, secret } = await createKey(dataDir, 'agent', 'claude-laptop');

    const me = await getJson(`${server.url}/v1/me`, secret);
    assert.equal(me.status, 200);
    assert.equal(me.body.name, 'claude-laptop');
    assert.equal(me.body.role, 'agent');

    const listed = await runCli(['keys', 'list', '--data-dir', dataDir]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^ID\s+ROLE\s+NAME\s+PROJECTS\s+SOURCE\s+CREATED\s+REVOKED$/m);
    const row = listed.stdout.split('\n').find((l) => l.startsWith(id));
    assert.ok(row, `list shows ${id}`);
    assert.match(row, /\bagent\s+claude-laptop\s+\*\s+store\s+\d{4}-\d\d-\d\dT\S+\s+-$/);
    assert.ok(!listed.stdout.includes(secret), 'never the secret');
    assert.ok(!listed.stdout.includes(createHash('sha256').update(secret).digest('hex')), 'never the hash');

    const revoked = await runCli(['keys', 'revoke', id, '--data-dir', dataDir]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, new RegExp(`Revoked agent key "claude-laptop" \\(${id}\\)`));

    assert.equal((await getJson(`${server.url}/v1/me`, secret)).status, 401);
    const after = await runCli(['keys', 'list', '--data-dir', dataDir]);
    assert.match(after.stdout.split('\n').find((l) => l.startsWith(id)) ?? '', /\d{4}-\d\d-\d\dT\S+Z$/, 'list shows when it was revoked');

    const again = await runCli(['keys', 'revoke', id, '--data-dir', dataDir]);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /already revoked/);
  });

  it('binds an agent key to the projects given with --project', async () => {
    const file = join(root, 'projects.yaml');
    writeFileSync(file, 'projects:\n  - name: web\n  - name: api\n');
    const r = await runCli(['keys', 'create', '--role', 'agent', '--name', 'web-bot', '--project', 'web', '--project', 'api', '--config', file, '--data-dir', dataDir, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const created = JSON.parse(r.stdout);
    assert.deepEqual(created.projects, ['web', 'api']);
    assert.equal(created.hash, undefined);
    const me = await getJson(`${server.url}/v1/me`, created.key);
    assert.deepEqual(me.body.projects, ['web', 'api']);
  });
});

describe('greenlight keys and the config file', () => {
  const dataDir = join(root, 'config');
  const file = join(root, 'greenlight.yaml');
  writeFileSync(file, `agents:\n  - name: from-file\n    key: "plain-key-for-dev-0123"\nadmins:\n  - name: root\n    key_sha256: "${'ab'.repeat(32)}"\n`);

  it('lists keys declared in the file with source config and no key material', async () => {
    const r = await runCli(['keys', 'list', '--config', file, '--data-dir', dataDir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^config:agent:from-file\s+agent\s+from-file\s+\*\s+config\s+-\s+-$/m);
    assert.match(r.stdout, /^config:admin:root\s+admin\s+root\s+\*\s+config/m);
    assert.ok(!r.stdout.includes('plain-key-for-dev-0123'));
    assert.ok(!r.stdout.includes('abab'));
  });

  it('refuses to revoke a key declared in the file and says to remove it there', async () => {
    const r = await runCli(['keys', 'revoke', 'config:agent:from-file', '--config', file, '--data-dir', dataDir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /declared in the config file/);
    assert.match(r.stderr, /Remove that agent from the file/);
  });

  it('fails with exit code 1 for a key id that does not exist', async () => {
    await createKey(dataDir, 'approver', 'someone');
    const r = await runCli(['keys', 'revoke', 'key_nope', '--data-dir', dataDir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no key key_nope/);
  });

  it('fails with exit code 1, creating nothing, when there is no database to revoke in', async () => {
    const nowhere = join(root, 'nowhere');
    const r = await runCli(['keys', 'revoke', 'key_nope', '--data-dir', nowhere]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no database at/);
    assert.equal(existsSync(nowhere), false);
  });

  it('fails for a project the config does not declare', async () => {
    const r = await runCli(['keys', 'create', '--role', 'agent', '--name', 'x', '--project', 'ghost', '--config', file, '--data-dir', dataDir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /"ghost" is not declared/);
  });
});

describe('greenlight keys usage errors', () => {
  const dataDir = join(root, 'usage');
  const cases: [string, string[], RegExp][] = [
    ['no subcommand', ['keys'], /Usage:/],
    ['an unknown subcommand', ['keys', 'rotate'], /unknown subcommand "rotate"/],
    ['an unknown role', ['keys', 'create', '--role', 'wizard', '--name', 'x'], /--role must be one of agent, approver, admin/],
    ['no --name', ['keys', 'create', '--role', 'agent'], /--name is required/],
    ['an invalid name', ['keys', 'create', '--role', 'agent', '--name', 'bad name!'], /key name/],
    ['--project on an approver key', ['keys', 'create', '--role', 'approver', '--name', 'a', '--project', 'web'], /applies to agent keys/],
    ['revoke without an id', ['keys', 'revoke'], /give the KEY_ID/],
    ['an unknown flag', ['keys', 'list', '--bogus'], /bogus/],
  ];
  for (const [what, args, message] of cases) {
    it(`exits 2 on ${what}`, async () => {
      const r = await runCli(args.length > 1 ? [...args, '--data-dir', dataDir] : args);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, message);
    });
  }
});
