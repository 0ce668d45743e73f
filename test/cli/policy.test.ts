// `greenlight policy test`, run as the real built CLI: the verdict as its exit code, the deciding
// rule, the danger warnings, the suggestions and the trace per subcommand.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from './cli-helpers.js';

const root = mkdtempSync(join(tmpdir(), 'greenlight-cli-policy-'));
after(() => rmSync(root, { recursive: true, force: true }));

const webapp = join(root, 'webapp');
mkdirSync(join(webapp, 'src'), { recursive: true });
const x = join(root, 'x');
mkdirSync(x);

const config = join(root, 'greenlight.yaml');
writeFileSync(
  config,
  [
    `data_dir: ${JSON.stringify(join(root, 'data'))}`,
    'policy:',
    "  allow: ['Bash(git *)']",
    "  deny: ['Bash(git push --force *)']",
    'projects:',
    '  - name: webapp',
    `    directories: [${JSON.stringify(webapp)}]`,
    "    allow: ['Edit(/src/**)']",
    '',
  ].join('\n'),
);

const policyTest = (...args: string[]) => runCli(['policy', 'test', '--config', config, ...args]);

describe('greenlight policy test', () => {
  it('exits 3 (ask) for `git status && rm -rf /` under Bash(git *), and names rm -rf / as dangerous', async () => {
    const r = await policyTest('--cwd', x, 'Bash(git status && rm -rf /)');
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /^verdict: ask \(DANGEROUS\)$/m);
    assert.match(r.stdout, /^danger: +rm of \/$/m);
    assert.match(r.stdout, /^ {2}allow Bash\(git status\) Bash\(git \*\) \[config:global\]/m, 'the trace shows the allowed subcommand');
    assert.match(r.stdout, /^ {2}ask +Bash\(rm -rf \/\) — /m, 'and the one that was not');
    assert.match(r.stdout, /no rule or grant can ever auto-approve it/);
    assert.doesNotMatch(r.stdout, /^suggestions/m, 'nothing is offered for a dangerous action');
  });

  it('exits 0 (allow) for `git status` and names the rule and where it came from', async () => {
    const r = await policyTest('--cwd', x, 'Bash(git status)');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^verdict: allow$/m);
    assert.match(r.stdout, /^rule: +Bash\(git \*\) \[config:global\]$/m);
    assert.match(r.stdout, /^reason: +allowed by Bash\(git \*\)/m);
  });

  it('exits 4 (deny) when a deny rule matches, naming the rule', async () => {
    const r = await policyTest('--cwd', x, 'Bash(git push --force origin feature)');
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stdout, /^rule: +Bash\(git push --force \*\) \[config:global\]$/m);
  });

  it('lists the grants an approver would be offered when it asks', async () => {
    const r = await policyTest('--cwd', x, 'Bash(npm test)');
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /^suggestions/m);
    assert.match(r.stdout, /^ {2}exact +exact:Bash:[0-9a-f]{32} — Exactly this action$/m);
    assert.match(r.stdout, /^ {2}prefix +Bash\(npm test \*\) — /m);
  });

  it('picks the project from --cwd and applies its rules', async () => {
    const r = await policyTest('--cwd', webapp, 'Edit(src/app.ts)');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^project: webapp \(from --cwd\)$/m);
    assert.match(r.stdout, /^rule: +Edit\(\/src\/\*\*\) \[config:project:webapp\]$/m);
    const outside = await policyTest('--cwd', x, 'Edit(src/app.ts)');
    assert.equal(outside.code, 3, 'outside the project its rules do not apply');
  });

  it('prints the dry run as JSON with --json (the shape of POST /v1/policy/evaluate)', async () => {
    const r = await policyTest('--cwd', x, '--json', 'Bash(git status && rm -rf /)');
    assert.equal(r.code, 3, r.stderr);
    const body = JSON.parse(r.stdout);
    assert.deepEqual(body.action, { tool: 'Bash', input: { command: 'git status && rm -rf /' }, cwd: x });
    assert.equal(body.verdict, 'ask');
    assert.equal(body.dangerous, true);
    assert.deepEqual(body.trace.map((t: { subject: string }) => t.subject), ['Bash(git status)', 'Bash(rm -rf /)']);
  });

  it('exits 2 with the rule parser\'s message when the config holds a malformed rule', async () => {
    const bad = join(root, 'bad.yaml');
    writeFileSync(bad, `data_dir: ${JSON.stringify(join(root, 'data'))}\npolicy:\n  allow: ['Bash(git status']\n`);
    const r = await runCli(['policy', 'test', '--config', bad, 'Bash(ls)']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /policy\.allow: rule "Bash\(git status": missing the closing "\)"/);
  });

  it('exits 2 on usage errors: a malformed action, no action, an unknown project or subcommand', async () => {
    const unclosed = await policyTest('Bash(git status');
    assert.equal(unclosed.code, 2);
    assert.match(unclosed.stderr, /missing the closing "\)"/);
    const none = await policyTest();
    assert.equal(none.code, 2);
    assert.match(none.stderr, /give the action to test/);
    const project = await policyTest('--project', 'nope', 'Bash(ls)');
    assert.equal(project.code, 2);
    assert.match(project.stderr, /project "nope" is not declared/);
    const host = await policyTest('--host', 'evil host<b>', 'Bash(ls)');
    assert.equal(host.code, 2);
    assert.match(host.stderr, /--host must be a hostname/);
    assert.equal((await runCli(['policy', 'explain'])).code, 2);
    const help = await runCli(['policy', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Exit codes: 0 allow, 3 ask .*, 4 deny/);
  });
});
