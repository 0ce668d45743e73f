import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonTooDeep, MAX_JSON_DEPTH, parseJson } from './bounded-json.js';
import { GreenlightError } from './errors.js';

const nest = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

describe('bounded JSON parsing', () => {
  it('accepts exactly MAX_JSON_DEPTH levels and refuses one more', () => {
    assert.equal(jsonTooDeep(nest(MAX_JSON_DEPTH)), false);
    assert.equal(jsonTooDeep(nest(MAX_JSON_DEPTH + 1)), true);
    assert.deepEqual(parseJson('{"a":[1,{"b":2}]}'), { a: [1, { b: 2 }] });
  });

  it('counts depth, not the number of brackets', () => {
    const wide = `[${Array.from({ length: 10_000 }, () => '{"a":[1]}').join(',')}]`;
    assert.equal(jsonTooDeep(wide), false);
  });

  it('ignores brackets inside strings, across escaped quotes and backslashes', () => {
    assert.equal(jsonTooDeep(JSON.stringify({ s: '['.repeat(1000) })), false);
    assert.equal(jsonTooDeep(JSON.stringify({ s: `\\"${'{'.repeat(1000)}\\` })), false);
    assert.equal(jsonTooDeep(`{"s":"\\\\"}${'['.repeat(MAX_JSON_DEPTH + 1)}`), true, 'an escaped backslash ends before the quote');
  });

  it('refuses with JSON_TOO_DEEP (400) naming the limit, before parsing', () => {
    assert.throws(
      () => parseJson(`{"input":${nest(100_000)}}`, 'The hook payload'),
      (err: unknown) => err instanceof GreenlightError && err.code === 'JSON_TOO_DEEP' && err.status === 400 && err.message.startsWith('The hook payload') && err.message.includes(`${MAX_JSON_DEPTH} levels`),
    );
  });

  it('refuses broken JSON with INVALID_JSON', () => {
    assert.throws(() => parseJson('{"a":'), (err: unknown) => err instanceof GreenlightError && err.code === 'INVALID_JSON');
  });
});
