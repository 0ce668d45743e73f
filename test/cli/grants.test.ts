// `greenlight grants list|add|revoke`, run as the real built CLI against the database of a running
// server: a grant added from the CLI decides the server's next request, and revoking it undoes that.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/log.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { runCli } from './cli-helpers.js';

const root = mkdtempSync(join(tmpdir(), 'greenlight-cli-grants-'));
after(() => rmSync(root, { recursive: true, force: true }));

const AGENT_KEY = 'cli-grants-agent-key-0123456789abcdef';

function writeConfig(name: string): string {
  const file = join(root, `${name}.yaml`);
  writeFileSync(
    file,
    [
      `data_dir: ${JSON.stringify(join(root, name))}`,
      'server: { host: 127.0.0.1, port: 0 }',
      'log: { level: silent }',
      'agents:',
      `  - { name: bot, key: ${AGENT_KEY} }`,
      'projects:',
      '  - name: webapp',
      '',
    ].join('\n'),
  );
  return file;
}

const grants = (config: string, ...args: string[]) => runCli(['grants', ...args, '--config', config]);

/** Files `npm test` as the agent and returns the status the server gave it at once. */
async function fileNpmTest(server: RunningServer): Promise<string> {
  const res = await fetch(`${server.url}/v1/requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${AGENT_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'run the tests', tool: 'Bash', input: { command: 'npm test -- --grep cli' }, cwd: root }),
  });
  const body = (await res.json()) as { status: string };
  assert.equal(res.status, 201, JSON.stringify(body));
  return body.status;
}

describe('greenlight grants against a running server', () => {
  const config = writeConfig('live');
  let server: RunningServer;

  before(async () => {
    const loaded = loadConfig({ file: config, env: {} });
    server = await startServer(loaded.config, { logger: silentLogger, configFile: loaded.file });
  });
  after(async () => {
    await server?.close();
  });

  it('add → the server allows the next matching request; list shows it; revoke → gone and asked again', async () => {
    assert.equal(await fileNpmTest(server), 'pending', 'no rule allows it yet');

    const added = await grants(config, 'add', '--rule', 'Bash(npm test *)', '--agent', 'bot', '--max-uses', '5');
    assert.equal(added.code, 0, added.stderr);
    const id = /Added grant (grt_[0-9a-z]+): allow Bash\(npm test \*\) for agent bot, every project, at most 5 uses\./.exec(added.stdout)?.[1];
    assert.ok(id, added.stdout);

    const listed = await grants(config, 'list', '--agent', 'bot');
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^ID\s+EFFECT\s+RULE\s+AGENT\s+PROJECT\s+SESSION\s+USES\s+EXPIRES\s+BY$/m);
    const row = listed.stdout.split('\n').find((l) => l.startsWith(id));
    assert.ok(row, `list shows ${id}:\n${listed.stdout}`);
    assert.match(row, /\ballow\s+Bash\(npm test \*\)\s+bot\s+\*\s+-\s+0\/5\s+-\s+cli:\S+$/);

    assert.equal(await fileNpmTest(server), 'approved', 'the running server applies the grant at once');
    const dry = await runCli(['policy', 'test', '--config', config, '--agent', 'bot', '--cwd', root, 'Bash(npm test)']);
    assert.equal(dry.code, 0, dry.stdout + dry.stderr);
    assert.match(dry.stdout, new RegExp(`^rule: +Bash\\(npm test \\*\\) \\[grant:${id}\\]$`, 'm'), 'policy test sees stored grants');

    const revoked = await grants(config, 'revoke', id);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, new RegExp(`Revoked grant ${id} \\(allow Bash\\(npm test \\*\\) for agent bot, every project\\)`));
    const again = await grants(config, 'revoke', id);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /was already revoked .*; nothing changed/);

    const after = await grants(config, 'list');
    assert.equal(after.code, 0, after.stderr);
    assert.ok(!after.stdout.includes(id), `revoked grants are not listed:\n${after.stdout}`);
    assert.match(after.stdout, /^No active grants\./m);
    const all = await grants(config, 'list', '--all', '--json');
    const item = JSON.parse(all.stdout).items.find((g: { id: string }) => g.id === id);
    assert.equal(item.state, 'revoked');
    assert.ok(item.revoked_at);

    assert.equal(await fileNpmTest(server), 'pending', 'asked again once revoked');

    const audit = await server.store.listAudit({ limit: 20, order: 'desc' });
    assert.ok(audit.some((a) => a.action === 'grant.created' && a.via === 'cli' && a.actor_name.startsWith('cli:') && a.detail?.grant_id === id));
    assert.ok(audit.some((a) => a.action === 'grant.revoked' && a.via === 'cli' && a.detail?.grant_id === id));
  });

  it('adds deny and session grants with expiry, scoped to a declared project', async () => {
    const r = await grants(config, 'add', '--rule', 'WebFetch(domain:example.com)', '--effect', 'deny', '--project', 'webapp', '--expires-in', '3600', '--json');
    assert.equal(r.code, 0, r.stderr);
    const g = JSON.parse(r.stdout);
    assert.equal(g.effect, 'deny');
    assert.equal(g.project, 'webapp');
    assert.equal(g.agent, null);
    assert.equal(g.scope, 'always');
    assert.ok(Date.parse(g.expires_at) > Date.now());
    const s = await grants(config, 'add', '--rule', 'Read', '--agent', 'bot', '--session', 'sess-9', '--json');
    assert.equal(s.code, 0, s.stderr);
    assert.equal(JSON.parse(s.stdout).scope, 'session');
  });
});

describe('greenlight grants: refusals', () => {
  const config = writeConfig('offline');

  it('exits 2 with the rule parser\'s message for a malformed rule, and writes nothing', async () => {
    const r = await grants(config, 'add', '--rule', 'Bash(git status');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /rule "Bash\(git status": missing the closing "\)"/);
    const wildcard = await grants(config, 'add', '--rule', '*');
    assert.equal(wildcard.code, 2);
    assert.match(wildcard.stderr, /a tool name cannot be a wildcard/);
    const listed = await grants(config, 'list');
    assert.equal(listed.code, 0);
    assert.match(listed.stdout, /No grants: there is no database/);
  });

  it('exits 2 for usage errors, and 1 for a grant that does not exist', async () => {
    assert.equal((await grants(config, 'add')).code, 2, 'no --rule');
    assert.match((await grants(config, 'add', '--rule', 'Read', '--effect', 'maybe')).stderr, /--effect must be allow, ask or deny/);
    assert.match((await grants(config, 'add', '--rule', 'Read', '--project', 'nope')).stderr, /Project "nope" is not declared/);
    assert.match((await grants(config, 'add', '--rule', 'Read', '--max-uses', '0')).stderr, /--max-uses must be a whole number of at least 1/);
    assert.match((await grants(config, 'add', '--rule', 'Read', '--session', 's')).stderr, /--session needs --agent/);
    assert.match((await grants(config, 'list', '--rule', 'Read')).stderr, /--rule does not apply to "grants list"/);
    assert.equal((await grants(config, 'revoke')).code, 2);
    assert.equal((await grants(config, 'nope')).code, 2);
    assert.equal((await grants(config, 'add', '--rule', 'Read', '--agent', 'bot')).code, 0, 'creates the database like keys create');
    const missing = await grants(config, 'revoke', 'grt_nope');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /there is no grant grt_nope/);
  });
});
