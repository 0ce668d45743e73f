import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { sha256Hex } from './sha256.cjs';

const reference = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('sha256Hex (the command hook\'s SHA-256 in JavaScript)', () => {
  it('gives the FIPS 180-4 example digests', () => {
    assert.equal(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'), '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
    assert.equal(sha256Hex('a'.repeat(1_000_000)), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });

  it('agrees with node:crypto at every length across the padding boundaries, on UTF-8 beyond ASCII', () => {
    for (let n = 0; n <= 200; n++) {
      const text = randomBytes(n).toString('latin1');
      assert.equal(sha256Hex(text), reference(text), `length ${n}`);
    }
    for (const text of ['é', '€ and 😀', 'a\u0000b', '\u202eevil', 'lone \ud800 surrogate', `{"cwd":"/tmp","input":{"command":"git status"},"tool":"Bash"}`, '😀'.repeat(5000)]) {
      assert.equal(sha256Hex(text), reference(text), JSON.stringify(text.slice(0, 20)));
    }
  });
});
