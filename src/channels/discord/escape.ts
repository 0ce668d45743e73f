// Agent text as Discord shows it: nothing it says may format, link, mention or ping. Discord's
// markdown takes a backslash before any punctuation as "this character, literally", so every
// character that starts formatting (`* _ ~ | > # - [ ] ( )`), a code span (`` ` ``), a mention,
// channel, emoji or timestamp tag (`<`, `@`), a link (`:` stops `https://` from linking) and the
// backslash itself gets one. Inside a code block nothing renders, so the action goes there whole —
// unless it holds a backtick, which could close the block; then it is escaped like the rest. Pings
// are also switched off per message (`allowed_mentions: {parse: []}`, ./render.ts): two locks.
// Invisible characters are written out first (src/text/invisible.ts), by clip().
import { clip, type Clipped } from '../../text/clip.js';
import { showInvisible } from '../../text/invisible.js';

const SPECIAL = /[\\`*_~|>#\-[\]()<@:]/g;

/** Agent text for Discord markdown (embed descriptions, fields, titles). */
export const escapeMarkdown = (text: string): string => text.replace(SPECIAL, (c) => `\\${c}`);

/** At most `max` characters of agent text as Discord shows it, invisible characters written out, cut visibly. */
export const clipMarkdown = (raw: string, max: number): Clipped => clip(raw, max, { escape: escapeMarkdown });

/** Plain text (button and option labels, modal titles: Discord renders no markdown there), cut visibly. */
export const clipPlain = (raw: string, max: number): string => clip(raw, max).text;

/** Whether text can go in a code block as it is (a backtick could close the block early). */
export const fitsCodeBlock = (raw: string): boolean => !raw.includes('`');

/**
 * A block of agent text at most `max` characters long including its fences: a code block when it
 * can be one, else escaped markdown.
 */
export function codeBlock(raw: string, max: number): Clipped {
  if (!fitsCodeBlock(showInvisible(raw))) return clipMarkdown(raw, max);
  const c = clip(raw, Math.max(1, max - 8));
  return { ...c, text: `\`\`\`\n${c.text}\n\`\`\`` };
}
