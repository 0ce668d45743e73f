import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clip, escapeHtml, headerText } from './escape.js';

describe('escapeHtml', () => {
  it('escapes the five characters that matter in text and attributes', () => {
    assert.equal(escapeHtml(`"><img src=x onerror='a()'>&amp;</title>`), '&quot;&gt;&lt;img src=x onerror=&#39;a()&#39;&gt;&amp;amp;&lt;/title&gt;');
    assert.equal(escapeHtml(null), '');
    assert.equal(escapeHtml(42), '42');
  });
});

describe('headerText', () => {
  it('keeps header injection out: CR, LF, other controls and Unicode line breaks become spaces', () => {
    assert.equal(headerText('Deploy\r\nBcc: evil@example.com\u2028X: y\u0000'), 'Deploy Bcc: evil@example.com X: y');
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
