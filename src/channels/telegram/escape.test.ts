import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clipHtml, clipText, escapeHtml } from './escape.js';

describe('escapeHtml', () => {
  it('escapes the four characters Telegram HTML knows', () => {
    assert.equal(escapeHtml('<b>x</b> & "y"'), '&lt;b&gt;x&lt;/b&gt; &amp; &quot;y&quot;');
    assert.equal(escapeHtml('</pre>'), '&lt;/pre&gt;');
    assert.equal(escapeHtml('&amp;'), '&amp;amp;');
    assert.equal(escapeHtml('<a href=javascript:alert(1)>x</a>'), '&lt;a href=javascript:alert(1)&gt;x&lt;/a&gt;');
  });

  it('keeps emoji (with joiners) and writes out bidi overrides, zero-width spaces and control characters', () => {
    assert.equal(escapeHtml('🚀 👨‍👩‍👧'), '🚀 👨‍👩‍👧');
    assert.equal(escapeHtml('rm -rf /\u202Etxt.exe'), 'rm -rf /⟪U+202E⟫txt.exe');
    assert.equal(escapeHtml('a\u200Bb\u2066c\u0000d\u001be'), 'a⟪U+200B⟫b⟪U+2066⟫c⟪U+0000⟫d⟪U+001B⟫e');
    assert.equal(escapeHtml('tab\tand\nnewline'), 'tab\tand\nnewline');
  });
});

describe('clipHtml', () => {
  it('returns the whole escaped text when it fits', () => {
    assert.deepEqual(clipHtml('a<b', 10), { html: 'a&lt;b', cut: false, shown: 3 });
  });

  it('cuts on escaped length without splitting an entity or a surrogate pair, and marks the cut', () => {
    const c = clipHtml('&&&&&', 12);
    assert.equal(c.html, '&amp;&amp;…');
    assert.equal(c.cut, true);
    assert.equal(c.shown, 2);
    const e = clipHtml('🚀🚀🚀', 4);
    assert.equal(e.html, '🚀…');
    const tail = clipHtml('/very/long/path/to/file', 10, 'end');
    assert.equal(tail.html, '…h/to/file');
    const marked = clipHtml('ab\u202Ecdefgh 👩‍💻', 14);
    assert.equal(marked.html, 'ab⟪U+202E⟫cde…', 'marks are cut whole, never in half');
    assert.equal(marked.shown, 6);
    assert.equal(clipHtml('ab\u202Ecdefgh', 8).html, 'ab…', 'a mark that does not fit is left out whole');
    assert.equal(clipHtml('👩‍💻👩‍💻xxxxxxxxxxxx', 6).html, '👩‍💻…', 'an emoji joiner stays a joiner when cut');
  });
});

describe('clipText', () => {
  it('cuts plain labels and shows invisible characters', () => {
    assert.equal(clipText('abcdef', 4), 'abc…');
    assert.equal(clipText('x\u202Ey', 20), 'x⟪U+202E⟫y');
    assert.equal(clipText('ab\u202Ecdef', 6), 'ab…', 'a mark is never cut in half');
  });
});
