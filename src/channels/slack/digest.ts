// The insights digest as a Slack message (src/insights/digest.ts makes the plain lines): a header,
// the lines as plain_text sections — never parsed for formatting, links or mentions, so agent text
// in a title or a rule cannot bold, link or ping (`<!channel>`, `<@U…>`) — and a button to the
// dashboard's Insights page. The notification text is mrkdwn, so it is escaped. Pure.
import { digestText, type Digest } from '../../insights/digest.js';
import { plainText, type Block } from './blocks.js';
import { escapeMrkdwn, label } from './escape.js';

/** A plain_text section holds at most 3,000 characters. */
const SECTION = 3000;

export function digestMessage(d: Digest): { text: string; blocks: Block[] } {
  const { title, lines } = digestText(d);
  // Paragraphs (split at the blank lines), without the dashboard link: the button carries it.
  const paragraphs = lines
    .filter((l) => l !== d.url)
    .join('\n')
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean);
  const blocks: Block[] = [
    { type: 'header', text: plainText(label(title, 150)) },
    ...paragraphs.map((p) => ({ type: 'section', text: plainText(label(p, SECTION)) })),
    { type: 'actions', block_id: 'gl:digest', elements: [{ type: 'button', action_id: 'gl:open', url: d.url, text: plainText('Open Insights') }] },
  ];
  return { text: escapeMrkdwn(title), blocks };
}
