import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clip, escapeAttr, escapeHtml, headerText } from './escape.js';

describe('escapeHtml', () => {
  it('escapes the five characters that matter in text and attributes', () => {
    assert.equal(escapeHtml(`"><img src=x onerror='a()'>&amp;</title>`), '&quot;&gt;&lt;img src=x onerror=&#39;a()&#39;&gt;&amp;amp;&lt;/title&gt;');
    assert.equal(escapeHtml(null), '');
    assert.equal(escapeHtml(42), '42');
  });

  it('writes out invisible characters as marked ⟪U+…⟫ in text, and leaves attribute values as they are', () => {
    const html = escapeHtml('git push origin \u202Eniam\u202C <x>');
    assert.match(html, /^git push origin <span style="[^"]+">⟪U\+202E⟫<\/span>niam<span style="[^"]+">⟪U\+202C⟫<\/span> &lt;x&gt;$/);
    assert.ok(!html.includes('\u202E'));
    assert.equal(escapeHtml('✅ ⚠️ 👩‍💻'), '✅ ⚠️ 👩‍💻', 'emoji stay emoji');
    assert.equal(escapeAttr('a\u200Bb"'), 'a\u200Bb&quot;', 'a form value is sent back as it was');
  });
});

describe('headerText', () => {
  it('keeps header injection out: CR, LF, other controls and Unicode line breaks become spaces', () => {
    assert.equal(headerText('Deploy\r\nBcc: evil@example.com\u2028X: y\u0000'), 'Deploy Bcc: evil@example.com X: y');
  });
  it('writes out bidi overrides and zero-width characters', () => {
    assert.equal(headerText('Fix \u202Etxt.exe\u200B'), 'Fix ⟪U+202E⟫txt.exe⟪U+200B⟫');
  });
  it('cuts long text with an ellipsis', () => {
    assert.equal(headerText('x'.repeat(200), 10), `${'x'.repeat(9)}…`);
  });
});

describe('clip', () => {
  it('says whether and how much it cut', () => {
    assert.deepEqual(clip('abcdef', 4), { text: 'abcd', truncated: true, total: 6 });
    assert.deepEqual(clip('ab', 4), { text: 'ab', truncated: false, total: 2 });
  });
});
