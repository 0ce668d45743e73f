import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, grantCovers, initPolicy, rulesFromSet, suggestGrants } from './index.js';
import type { PolicyAction, PolicyContext } from './index.js';

const PROJECT = '/home/alice/webapp';
const sctx = { projectDirs: [PROJECT], homeDir: '/home/alice' };
const bash = (command: string, cwd: string | null = PROJECT): PolicyAction => ({ tool: 'Bash', input: { command }, cwd });
const rulesOf = (action: PolicyAction) => suggestGrants(action, sctx).map((g) => g.rule);
const ctx = (allow: string[] = [], deny: string[] = [], ask: string[] = []): PolicyContext => ({
  rules: rulesFromSet({ allow, deny, ask }, 'config:global'),
  projectDirs: [PROJECT],
  sandboxed: false,
  homeDir: '/home/alice',
  protectedPaths: [],
});

describe('suggestGrants', () => {
  before(async () => { await initPolicy(); });

  it('offers a prefix per subcommand, with the subcommand word for tools that have them', () => {
    assert.deepEqual(suggestGrants(bash('git status && npm test -- --watch=false'), sctx), [
      { kind: 'prefix', label: 'Accept all `git status *`', rule: 'Bash(git status *)' },
      { kind: 'prefix', label: 'Accept all `npm test *`', rule: 'Bash(npm test *)' },
    ]);
    assert.deepEqual(rulesOf(bash('npm run build -- --prod')), ['Bash(npm run build *)']);
    assert.deepEqual(rulesOf(bash('docker compose up -d')), ['Bash(docker compose up *)']);
    assert.deepEqual(rulesOf(bash('ls -la src')), ['Bash(ls *)']);
    assert.deepEqual(rulesOf(bash('pytest -x tests/')), ['Bash(pytest *)']);
  });

  it('derives the prefix from the command, never from an assignment', () => {
    assert.deepEqual(rulesOf(bash('FOO=1 git status')), ['Bash(git status *)']);
  });

  it('derives the prefix through a wrapper, never the wrapper itself', () => {
    assert.deepEqual(rulesOf(bash('timeout 5 rm x')), ['Bash(rm *)']);
    assert.deepEqual(rulesOf(bash('nohup nice -n 5 make build')), ['Bash(make build *)']);
  });

  it('offers no prefix for sudo', () => {
    assert.deepEqual(rulesOf(bash('sudo rm x')), []);
    assert.deepEqual(rulesOf(bash('git status && sudo rm x')), ['Bash(git status *)']);
  });

  it('never offers a blanket grant', () => {
    const blanket = /^Bash(\(\s*\*?\s*\))?$/;
    for (const cmd of ['git', 'git -C x status', 'python3 script.py', 'bash build.sh', 'node x.js', 'env', 'xargs rm', '*', './$X', 'npm', 'npm run']) {
      for (const r of rulesOf(bash(cmd))) {
        assert.ok(!blanket.test(r), `${cmd} → ${r}`);
        assert.ok(!/^Bash\((git|npm|python3|bash|node|env|xargs|sudo|timeout) \*\)$/.test(r), `${cmd} → ${r}`);
      }
    }
    assert.deepEqual(rulesOf(bash('git -C x status')), []);
    assert.deepEqual(rulesOf(bash('python3 script.py')), []);
  });

  it('offers nothing for a dangerous action', () => {
    assert.deepEqual(suggestGrants(bash('rm -rf /'), sctx), []);
    assert.deepEqual(suggestGrants(bash('git status && rm -rf ~'), sctx), []);
    assert.deepEqual(suggestGrants(bash('curl x | sh'), sctx), []);
    assert.deepEqual(suggestGrants({ tool: 'Edit', input: { file_path: `${PROJECT}/.claude/settings.json` }, cwd: PROJECT }, sctx), []);
  });

  it('offers nothing for a command no grant could allow', () => {
    assert.deepEqual(suggestGrants(bash('bash -c "ls"'), sctx), []);
    assert.deepEqual(suggestGrants(bash('eval ls && git status'), sctx), []);
    assert.deepEqual(suggestGrants(bash('git status\u00a0&& ls'), sctx), []);
    assert.deepEqual(suggestGrants(bash('ls "unterminated'), sctx), []);
  });

  it('offers "Accept all edits" for a redirect or tee into the project', () => {
    const g = suggestGrants(bash('git log > notes.txt'), sctx);
    assert.deepEqual(g.map((x) => x.kind), ['prefix', 'edits']);
    assert.equal(g[1].rule, `Edit(/${PROJECT}/**)`);
    assert.ok(suggestGrants(bash('npm test | tee out.log'), sctx).some((x) => x.kind === 'edits'));
    assert.ok(!suggestGrants(bash('git log > /tmp/x'), sctx).some((x) => x.kind === 'edits'));
  });

  it('offers edits inside the project for the write family, nothing outside', () => {
    assert.deepEqual(suggestGrants({ tool: 'Write', input: { file_path: `${PROJECT}/src/a.ts` }, cwd: PROJECT }, sctx), [
      { kind: 'edits', label: `Accept all edits in ${PROJECT}/`, rule: `Edit(/${PROJECT}/**)` },
    ]);
    assert.deepEqual(suggestGrants({ tool: 'Edit', input: { file_path: '/etc/hosts' }, cwd: PROJECT }, sctx), []);
  });

  it('offers the tool and the directory for reads outside the project', () => {
    assert.deepEqual(suggestGrants({ tool: 'Read', input: { file_path: '/opt/data/x.csv' }, cwd: PROJECT }, sctx), [
      { kind: 'tool', label: 'Accept all Read', rule: 'Read' },
      { kind: 'read-dir', label: 'Allow reading from /opt/data/', rule: 'Read(//opt/data/**)' },
    ]);
    assert.deepEqual(rulesOf({ tool: 'LS', input: { path: '/opt/data' }, cwd: PROJECT }), ['LS', 'Read(//opt/data/**)']);
    assert.deepEqual(rulesOf({ tool: 'Read', input: { file_path: '/etc' }, cwd: PROJECT }), ['Read'], 'never "reading from /"');
    assert.deepEqual(rulesOf({ tool: 'Read', input: { file_path: '/home/alice/x' }, cwd: PROJECT }), ['Read'], 'never all of home');
  });

  it('offers a domain and the tool for WebFetch, the tool for MCP and plain actions', () => {
    assert.deepEqual(rulesOf({ tool: 'WebFetch', input: { url: 'https://Docs.Example.com/x' }, cwd: null }), ['WebFetch(domain:docs.example.com)', 'WebFetch']);
    assert.deepEqual(rulesOf({ tool: 'mcp__github__create_issue', input: {}, cwd: null }), ['mcp__github__create_issue']);
    assert.deepEqual(rulesOf({ tool: 'deploy', input: {}, cwd: null }), ['deploy']);
  });

  it('every suggested grant is a valid rule that covers the action it came from', () => {
    for (const a of [bash('git status'), bash('FOO=1 npm run lint'), bash('timeout 5 make test'), { tool: 'Read', input: { file_path: '/opt/x' }, cwd: PROJECT }]) {
      for (const g of suggestGrants(a, sctx)) {
        if (g.kind === 'prefix' || g.kind === 'tool' || g.kind === 'read-dir') assert.ok(grantCovers(g.rule, a, ctx()), `${g.rule} covers ${JSON.stringify(a.input)}`);
      }
    }
  });
});

describe('grantCovers', () => {
  before(async () => { await initPolicy(); });

  it('covers a pending request the new rule allows', () => {
    assert.ok(grantCovers('Bash(git status *)', bash('git status --short'), ctx()));
    assert.ok(grantCovers('Read', { tool: 'Read', input: { file_path: '/etc/hosts' }, cwd: PROJECT }, ctx()));
  });

  it('does not cover what it does not match', () => {
    assert.ok(!grantCovers('Bash(git status *)', bash('git push'), ctx()));
    assert.ok(!grantCovers('Bash(git status *)', bash('git status && rm x'), ctx()));
    assert.ok(!grantCovers('Read', { tool: 'Edit', input: { file_path: `${PROJECT}/a` }, cwd: PROJECT }, ctx()));
  });

  it('covers a compound command when the grant completes it', () => {
    assert.ok(grantCovers('Bash(npm test *)', bash('git status && npm test'), ctx(['Bash(git status *)'])));
  });

  it('does not cover an action it takes no part in', () => {
    assert.ok(!grantCovers('Bash(npm test *)', bash('git status'), ctx(['Bash(git status *)'])));
  });

  it('never covers over a deny or ask rule', () => {
    assert.ok(!grantCovers('Bash(git *)', bash('git push'), ctx([], ['Bash(git push *)'])));
    assert.ok(!grantCovers('Bash(git *)', bash('git push'), ctx([], [], ['Bash(git push *)'])));
  });

  it('never covers a dangerous action: a "rm *" grant meeting rm -rf /', () => {
    assert.ok(grantCovers('Bash(rm *)', bash('rm -rf build'), ctx()));
    assert.ok(!grantCovers('Bash(rm *)', bash('rm -rf /'), ctx()));
    assert.ok(!grantCovers('Bash(git *)', bash('git push --force origin main'), ctx()));
  });

  it('a prefix from FOO=1 git status covers the command but not other commands with that assignment', () => {
    assert.ok(grantCovers('Bash(git status *)', bash('FOO=1 git status'), ctx()));
    assert.ok(!grantCovers('Bash(git status *)', bash('FOO=1 rm -rf x'), ctx()));
  });

  it('an rm grant does not cover sudo rm, and a timeout grant does not cover what it wraps', () => {
    assert.ok(!grantCovers('Bash(rm *)', bash('sudo rm x'), ctx()));
    assert.ok(!grantCovers('Bash(timeout *)', bash('timeout 5 rm x'), ctx()));
  });

  it('an edits grant covers edits inside the project only', () => {
    const rule = `Edit(/${PROJECT}/**)`;
    assert.ok(grantCovers(rule, { tool: 'Write', input: { file_path: `${PROJECT}/src/a.ts` }, cwd: PROJECT }, ctx()));
    assert.ok(!grantCovers(rule, { tool: 'Write', input: { file_path: `${PROJECT}/../x` }, cwd: PROJECT }, ctx()));
    assert.ok(!grantCovers(rule, { tool: 'Write', input: { file_path: `${PROJECT}/.claude/settings.json` }, cwd: PROJECT }, ctx()));
  });

  it('is false for a malformed rule', () => {
    assert.ok(!grantCovers('Bash(', bash('ls'), ctx()));
  });

  it('leaves the context untouched', () => {
    const c = ctx(['Bash(ls *)']);
    const before = JSON.stringify(c.rules);
    grantCovers('Bash(git *)', bash('git status'), c);
    assert.equal(JSON.stringify(c.rules), before);
    assert.equal(evaluate(bash('git status'), c).verdict, 'ask');
  });
});
