import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clipMarkdown, codeBlock, escapeMarkdown } from './escape.js';
import { decodeCustomId, encodeCustomId } from './custom-id.js';

describe('discord escaping', () => {
  it('escapes every character that formats, links or mentions, and nothing else', () => {
    assert.equal(escapeMarkdown('*a* _b_ ~~c~~ ||d|| `e` > f # g - h [i](https://x) <@1> @everyone \\'), '\\*a\\* \\_b\\_ \\~\\~c\\~\\~ \\|\\|d\\|\\| \\`e\\` \\> f \\# g \\- h \\[i\\]\\(https\\://x\\) \\<\\@1\\> \\@everyone \\\\');
    assert.equal(escapeMarkdown('plain text, 42. ok!'), 'plain text, 42. ok!');
  });

  it('counts the escaped length when cutting, and writes invisible characters out first', () => {
    const c = clipMarkdown('**\u202E**'.repeat(20), 30);
    assert.ok(c.cut && c.text.length <= 30 && c.text.endsWith('…'));
    assert.ok(!/\u202E/.test(c.text));
  });

  it('puts text in a code block unless a backtick could close it', () => {
    assert.equal(codeBlock('rm -rf *', 100).text, '```\nrm -rf *\n```');
    assert.equal(codeBlock('echo `id`', 100).text, 'echo \\`id\\`');
    const long = codeBlock('x'.repeat(500), 100);
    assert.ok(long.cut && long.text.length <= 100 && long.text.startsWith('```\n') && long.text.endsWith('\n```'));
  });
});

describe('discord custom_id', () => {
  const id = 'req_01jzaaaaaaaaaaaaaaaaaaaaaa';
  it('round-trips every choice of the offer within 100 characters', () => {
    for (const choice of ['approve', 'session', 'always', 'grant:4', 'conditional', 'edit', 'deny', 'deny_reason', `option:${'K'.repeat(20)}`, 'select', 'answer']) {
      const raw = encodeCustomId({ surface: 'b', choice, requestId: id });
      assert.ok(raw.length <= 100);
      assert.deepEqual(decodeCustomId(raw), { surface: 'b', choice, requestId: id });
    }
  });

  it('refuses anything that is not exactly one of ours', () => {
    for (const raw of [null, 42, '', 'glb|approve', `glx|approve|${id}`, `glb|grant:9|${id}`, `glb|approve|${id}|extra`, `glb|approve|req_01JZ${'A'.repeat(22)}`, `glb|option:has space|${id}`, 'x'.repeat(101)]) assert.equal(decodeCustomId(raw), null, String(raw));
  });
});
