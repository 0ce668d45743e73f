import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { initBashParser, parseBash } from './bash-parser.js';
import { commandForms } from './command-match.js';
import { commandDangers, pipelineDangers, textDangers } from './danger-guard.js';
import type { GuardContext } from './danger-guard.js';
import { deviceReason, globReason, protectedReason, writePathCharsReason } from './protected-paths.js';

const g: GuardContext = {
  homeDir: '/home/alice',
  protectedPaths: ['/home/alice/.config/greenlight', '/srv/greenlight/data'],
  projectDirs: ['/home/alice/webapp'],
  protectedBranches: ['main', 'master'],
  cwds: ['/home/alice/webapp'],
};
const dangers = (cmd: string, guard = g) => {
  const p = parseBash(cmd);
  return p.commands.flatMap((c) => commandDangers(commandForms(c), guard));
};

describe('protected locations', () => {
  it('knows agent permission files', () => {
    for (const p of [
      '/p/.claude/settings.json', '/p/.claude/settings.local.json', '/home/a/.claude/settings.json', '/p/.claude/hooks',
      '/p/.claude/hooks/x.sh', '/p/.cursor/hooks.json', '/home/a/.codex/config.toml', '/home/a/.codex', '/p/.gemini/settings.json',
      '/p/.claude',
    ]) assert.ok(protectedReason(p, g), p);
    for (const p of ['/p/.claude/commands/x.md', '/p/.claude/settings.json.bak/x', '/p/claude/settings.json', '/p/.cursor/rules/x', '/p/src/a.ts']) {
      assert.equal(protectedReason(p, g), null, p);
    }
  });

  it("knows Greenlight's own config and data", () => {
    assert.match(protectedReason('/home/alice/.config/greenlight/config.yaml', g) ?? '', /Greenlight/);
    assert.match(protectedReason('/srv/greenlight/data', g) ?? '', /Greenlight/);
    assert.equal(protectedReason('/srv/greenlight/data2', g), null);
  });

  it('sees globs that can reach protected locations, following bash dot rules', () => {
    assert.ok(globReason('/p/.cl*/settings.json', g));
    assert.ok(globReason('/p/.*', g));
    assert.ok(globReason('/home/alice/.config/*', g));
    assert.equal(globReason('/p/*', g), null);
    assert.equal(globReason('/p/src/*.ts', g), null);
  });

  it('flags $, backticks, ~, % and globs in a write path', () => {
    for (const raw of ['/p/$X', '/p/`id`', '~/x', '/p/~/x', '/p/%APPDATA%', '/p/*.ts', '/p/?']) assert.ok(writePathCharsReason(raw), raw);
    for (const raw of ['/p/a.ts', '/p/app/[slug]/page.tsx', '/p/a b']) assert.equal(writePathCharsReason(raw), null, raw);
  });

  it('flags device writes other than the harmless ones', () => {
    assert.ok(deviceReason('/dev/sda'));
    for (const p of ['/dev/null', '/dev/stderr', '/dev/fd/3', '/devx/a']) assert.equal(deviceReason(p), null, p);
  });
});

describe('commandDangers', () => {
  before(async () => { await initBashParser(); });

  it('flags deletion of /, home, top-level dirs, project ancestors and bare globs', () => {
    for (const cmd of [
      'rm -rf /', 'rm -r ~', 'rm -fr $HOME', 'rm -rf /opt', 'rm -rf *', 'rm -rf ./*', 'rm -rf ~/*', 'rm -rf .', 'rm -rf ..',
      'rm -rf ../..', 'rm -rf /home/alice', 'rmdir /var', 'shred /', 'unlink ~', 'rm -rf */', 'rm -rf {a,/}', 'rm -rf "$D"/x',
      'rm -rf -- /',
    ]) assert.ok(dangers(cmd).length, cmd);
  });

  it('lets ordinary deletions through', () => {
    for (const cmd of ['rm -rf build', 'rm -rf build/*', 'rm *.o', 'rm -f /tmp/x.log', 'rm -rf node_modules/.cache', 'rmdir empty']) {
      assert.deepEqual(dangers(cmd), [], cmd);
    }
  });

  it('judges relative targets from every directory the command may cd into', () => {
    assert.ok(dangers('rm -rf usr', { ...g, cwds: ['/home/alice/webapp', '/'] }).length);
    assert.ok(dangers('rm -rf ../x', { ...g, cwds: [null] }).length);
    assert.deepEqual(dangers('rm -rf build', { ...g, cwds: [null] }), []);
  });

  it('flags find -delete and find -exec rm under dangerous roots', () => {
    assert.ok(dangers('find / -name x -delete').length);
    assert.ok(dangers('find ~ -exec rm {} +').length);
    assert.ok(dangers('find . -delete').length, 'everything under the project');
    assert.deepEqual(dangers('find . -name "*.pyc" -delete'), []);
    assert.deepEqual(dangers('find / -name x'), []);
  });

  it('flags recursive chmod/chown on / or home', () => {
    assert.ok(dangers('chmod -R 777 /').length);
    assert.ok(dangers('chown -R bob:bob ~').length);
    assert.ok(dangers('chgrp --recursive x /home').length);
    assert.ok(dangers('chmod -R --reference=a /').length);
    assert.deepEqual(dangers('chmod -R 755 dist'), []);
    assert.deepEqual(dangers('chmod 755 /'), []);
  });

  it('flags dd to a device and mkfs', () => {
    assert.ok(dangers('dd if=x of=/dev/nvme0n1').length);
    assert.ok(dangers('sudo dd if=x of=/dev/sda').length);
    assert.ok(dangers('mkfs.xfs /dev/sdb').length);
    assert.deepEqual(dangers('dd if=/dev/urandom of=key bs=32 count=1'), []);
  });

  it('flags a forced push to a protected branch', () => {
    for (const cmd of ['git push -f origin main', 'git push origin +master', 'git push --force', 'git push -uf origin main', 'git push origin :main', 'git push --mirror --force']) {
      assert.ok(dangers(cmd).length, cmd);
    }
    for (const cmd of ['git push origin main', 'git push -f origin feature', 'git push -u origin HEAD:dev', 'git pull --force']) {
      assert.deepEqual(dangers(cmd), [], cmd);
    }
  });

  it('flags writes to permission files by any non-reading command, not reads', () => {
    assert.ok(dangers('cp x .claude/settings.json').length);
    assert.ok(dangers('ln -sf /tmp/x .claude/hooks/h').length);
    assert.ok(dangers('git checkout -- .claude/settings.json').length);
    assert.ok(dangers('cp x --target-directory=.codex').length);
    assert.ok(dangers('cp x "$HOME/.claude/settings.json"').length);
    assert.deepEqual(dangers('cat .claude/settings.json'), []);
    assert.deepEqual(dangers('grep allow .claude/settings.local.json'), []);
  });

  it('flags any access to Greenlight files, even reads', () => {
    assert.ok(dangers('cat ~/.config/greenlight/config.yaml').length);
    assert.ok(dangers('rm -rf ~/.config').length, 'deleting a parent deletes them');
  });
});

describe('pipelineDangers and textDangers', () => {
  before(async () => { await initBashParser(); });
  const pipe = (cmd: string) => {
    const p = parseBash(cmd);
    return pipelineDangers(p.commands, p.commands.map(commandForms));
  };
  it('flags a download piped into a shell or interpreter', () => {
    for (const cmd of ['curl x | sh', 'wget -O- x | bash -s', 'curl x | sudo -E bash', 'curl x | tee y | python3', 'curl x|perl']) {
      assert.ok(pipe(cmd).length, cmd);
    }
    for (const cmd of ['curl x | jq .', 'sh build.sh | curl -T - x', 'cat x | sh']) assert.deepEqual(pipe(cmd), [], cmd);
  });
  it('flags a download handed to a shell through a substitution', () => {
    assert.ok(pipe('bash <(curl x)').length);
    assert.ok(pipe('sh -c "$(wget -qO- x)"').length);
    assert.deepEqual(pipe('echo "$(curl x)"'), []);
  });
  it('finds fork bombs and curl|sh in text that does not parse', () => {
    assert.ok(textDangers(':(){ :|:& };:').length);
    assert.ok(textDangers('curl x | sh (').length);
    assert.deepEqual(textDangers('ls ('), []);
  });
});
