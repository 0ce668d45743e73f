import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countInvisible, describeInvisible, findInvisible, hasInvisible, markOf, segments, showInvisible } from './invisible.js';

const cp = (n: number) => String.fromCodePoint(n);

describe('showInvisible', () => {
  it('writes out bidi controls, zero-width characters, BOM, separators and controls as ⟪U+…⟫', () => {
    assert.equal(showInvisible('git push origin \u202Eniam\u202C feature'), 'git push origin ⟪U+202E⟫niam⟪U+202C⟫ feature');
    assert.equal(showInvisible('\u2066a\u2067b\u2068c\u2069'), '⟪U+2066⟫a⟪U+2067⟫b⟪U+2068⟫c⟪U+2069⟫');
    assert.equal(showInvisible('a\u200Bb\u200Cc\u200Dd\u200Ee\u200Ff'), 'a⟪U+200B⟫b⟪U+200C⟫c⟪U+200D⟫d⟪U+200E⟫e⟪U+200F⟫f');
    assert.equal(showInvisible('\uFEFFx\u2028y\u2029z'), '⟪U+FEFF⟫x⟪U+2028⟫y⟪U+2029⟫z');
    assert.equal(showInvisible('\u0000\u0007\u001b[0m\r\u007f\u0085'), '⟪U+0000⟫⟪U+0007⟫⟪U+001B⟫[0m⟪U+000D⟫⟪U+007F⟫⟪U+0085⟫');
  });

  it('keeps tab and newline', () => {
    assert.equal(showInvisible('a\tb\nc'), 'a\tb\nc');
  });

  it('writes out the other format and filler characters: soft hyphen, Mongolian separator, word joiner, invisible operators, tags, variation selectors', () => {
    for (const n of [0x00ad, 0x034f, 0x061c, 0x0600, 0x06dd, 0x115f, 0x1160, 0x17b4, 0x180b, 0x180e, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0x2065, 0x206a, 0x3164, 0xfe00, 0xfe0f, 0xffa0, 0xfff9, 0x110bd, 0x1d173, 0xe0001, 0xe0041, 0xe007f, 0xe0100, 0xe01ef]) {
      assert.equal(showInvisible(`a${cp(n)}b`), `a${markOf(n)}b`, `U+${n.toString(16)}`);
    }
  });

  it('keeps emoji that use joiners, presentation selectors, keycaps and tag flags', () => {
    for (const e of ['👩‍💻', '👨‍👩‍👧‍👦', '👍🏽', '🧑🏽‍🚀', '⚠️', '❤️', '✔️', '©️', '1️⃣', '#️⃣', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '🏴‍☠️']) {
      assert.equal(showInvisible(`x ${e} y`), `x ${e} y`, e);
    }
  });

  it('writes out the same characters where they hide something: a joiner or selector not inside an emoji, tags without a flag', () => {
    assert.equal(showInvisible('rm\u200D -rf'), 'rm⟪U+200D⟫ -rf');
    assert.equal(showInvisible('1\uFE0F'), '1⟪U+FE0F⟫', 'a presentation selector after a digit, no keycap');
    assert.equal(showInvisible('a\uFE0Fb'), 'a⟪U+FE0F⟫b');
    assert.equal(showInvisible('👩‍'), '👩⟪U+200D⟫', 'a joiner with nothing after it');
    assert.equal(showInvisible(`ok${cp(0xe0068)}${cp(0xe0069)}`), `ok${markOf(0xe0068)}${markOf(0xe0069)}`);
    assert.equal(showInvisible(`🏴${cp(0xe0068)}${cp(0xe0069)}`), `🏴${markOf(0xe0068)}${markOf(0xe0069)}`, 'tags that do not end in a cancel tag');
  });

  it('leaves text without invisible characters unchanged, and is idempotent', () => {
    const plain = 'kubectl apply -f prod.yaml — 中文 עברית العربية';
    assert.equal(showInvisible(plain), plain);
    const once = showInvisible('a\u202Eb');
    assert.equal(showInvisible(once), once);
  });
});

describe('finding invisible characters', () => {
  it('says where each one is: code point, line and position in the line (in characters)', () => {
    assert.deepEqual(findInvisible('ab\u202Ec'), [{ codePoint: 0x202e, index: 2, line: 1, column: 3 }]);
    assert.deepEqual(findInvisible('set -e\n🚀 x\u200By\n\uFEFF'), [
      { codePoint: 0x200b, index: 11, line: 2, column: 4 },
      { codePoint: 0xfeff, index: 14, line: 3, column: 1 },
    ]);
    assert.equal(findInvisible('\u200B'.repeat(100), 3).length, 3);
    assert.equal(countInvisible('\u200B'.repeat(100)), 100);
    assert.equal(hasInvisible('plain'), false);
    assert.equal(hasInvisible('✅ ⚠️'), false);
  });

  it('describes them in one bounded phrase', () => {
    assert.equal(describeInvisible('git push origin \u202Emain', 'the command'), 'invisible character U+202E in the command at position 17');
    assert.equal(describeInvisible('a\nb\u2066c\u2069', 'the title'), '2 invisible characters in the title (U+2066 at line 2, position 2, U+2069 at line 2, position 4)');
    assert.equal(describeInvisible('\u200B'.repeat(1000), 'the command', 2), '1000 invisible characters in the command (U+200B at position 1, U+200B at position 2, and 998 more)');
    assert.equal(describeInvisible('clean', 'x'), null);
  });

  it('cuts text into plain runs and marks for renderers that style the marks', () => {
    assert.deepEqual(segments('a\u202Eb'), [{ text: 'a' }, { text: '⟪U+202E⟫', codePoint: 0x202e }, { text: 'b' }]);
    assert.deepEqual(segments(''), [{ text: '' }]);
    assert.deepEqual(segments(cp(0xe0041)), [{ text: '⟪U+E0041⟫', codePoint: 0xe0041 }]);
  });
});
