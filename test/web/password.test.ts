// Dashboard passwords: the scrypt format of approvers[].password_hash, and `greenlight password hash`.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { hashPassword, parsePasswordHash, verifyPassword } from '../../src/web/password.js';

describe('password hashes', () => {
  it('are scrypt$N$r$p$salt$hash with a fresh salt each time, and verify', async () => {
    const a = await hashPassword('hunter2hunter2');
    const b = await hashPassword('hunter2hunter2');
    assert.match(a, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, b);
    assert.equal(await verifyPassword('hunter2hunter2', a), true);
    assert.equal(await verifyPassword('hunter2hunter3', a), false);
    assert.equal(await verifyPassword('', a), false);
  });

  it('never match when malformed, missing, or with absurd parameters', async () => {
    assert.equal(await verifyPassword('anything', null), false);
    assert.equal(await verifyPassword('anything', 'anything'), false);
    assert.equal(parsePasswordHash('scrypt$3$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), null, 'N must be a power of two');
    assert.equal(parsePasswordHash('scrypt$4194304$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), null, 'N too large');
    assert.equal(parsePasswordHash('argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA'), null);
  });

  it('refuses passwords shorter than 8 characters', async () => {
    await assert.rejects(hashPassword('short'), /at least 8/);
  });
});

describe('greenlight password hash', () => {
  const script = fileURLToPath(new URL('../../src/cli/password.js', import.meta.url));
  function run(args: string[], stdin: string): Promise<{ code: number | null; out: string; err: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', `import { passwordCommand } from ${JSON.stringify(script)}; process.exitCode = await passwordCommand.run(${JSON.stringify(args)});`], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('close', (code) => resolve({ code, out, err }));
      child.stdin.end(stdin);
    });
  }

  it('reads the password from stdin and prints a hash that verifies', async () => {
    const { code, out } = await run(['hash'], 'my dashboard password\n');
    assert.equal(code, 0);
    const hash = out.trim();
    assert.match(hash, /^scrypt\$/);
    assert.equal(await verifyPassword('my dashboard password', hash), true, 'the trailing newline is not part of it');
  });

  it('refuses the password as an argument (shell history) and short passwords', async () => {
    const arg = await run(['hash', 'secret-on-the-command-line'], '');
    assert.equal(arg.code, 2);
    assert.match(arg.err, /stdin/);
    const short = await run(['hash'], 'short\n');
    assert.equal(short.code, 1);
    assert.match(short.err, /at least 8/);
    assert.equal((await run(['nope'], '')).code, 2);
  });
});
