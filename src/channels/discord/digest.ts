// The insights digest as a Discord message (src/insights/digest.ts makes the plain lines): one
// embed whose title links to the dashboard's Insights page, the lines escaped for Discord markdown
// (./escape.ts: nothing in a title or a rule formats, links or mentions) and, as on every message,
// `allowed_mentions: {parse: []}`. Within Discord's limits (title 256, description 4096). Pure.
import { digestText, type Digest } from '../../insights/digest.js';
import { clip } from '../../text/clip.js';
import { clipPlain, escapeMarkdown } from './escape.js';
import { NO_MENTIONS, type MessageBody } from './render.js';

const INSIGHTS_COLOR = 0x5865f2;

export function digestMessage(d: Digest): MessageBody {
  const { title, lines } = digestText(d);
  const text = lines.filter((l) => l !== d.url).join('\n').trim();
  return {
    embeds: [{ title: clipPlain(title, 256), url: d.url, description: clip(text, 4000, { escape: escapeMarkdown }).text, color: INSIGHTS_COLOR, fields: [] }],
    components: [],
    allowed_mentions: NO_MENTIONS,
  };
}
