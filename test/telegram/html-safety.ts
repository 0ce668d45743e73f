// Checks that a Telegram HTML message uses only the markup Greenlight writes itself, so agent text
// can never add a tag, a link or an entity of its own.
import assert from 'node:assert/strict';

const ALLOWED = new Set(['b', 'i', 'code', 'pre', 'a']);

/** Fails unless every tag is one we emit, properly nested, and links go to tg://user only. */
export function assertSafeTelegramHtml(html: string): void {
  const stack: string[] = [];
  for (const m of html.matchAll(/<(\/?)([^\s>/]*)([^>]*)>/g)) {
    const [whole, closing, name, attrs] = m;
    assert.ok(ALLOWED.has(name), `unexpected tag ${whole} in:\n${html}`);
    if (closing) {
      assert.equal(stack.pop(), name, `misnested ${whole} in:\n${html}`);
    } else {
      if (name === 'a') assert.match(attrs, /^ href="tg:\/\/user\?id=\d+"$/, `unexpected link ${whole}`);
      else assert.equal(attrs, '', `unexpected attributes in ${whole}`);
      stack.push(name);
    }
  }
  assert.deepEqual(stack, [], `unclosed tags in:\n${html}`);
  // Outside tags, only the four entities Telegram knows.
  for (const e of html.replace(/<[^>]*>/g, '').matchAll(/&[^;\s]*;?/g)) assert.ok(['&amp;', '&lt;', '&gt;', '&quot;'].includes(e[0]), `unexpected entity ${e[0]}`);
}

/** The text Telegram shows for an HTML message. */
export const visibleText = (html: string): string =>
  html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
