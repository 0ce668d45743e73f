// Agent text on its way into Slack. Two kinds of text object carry it:
//   - mrkdwn, only as a ``` code block (the action, the agent's description, the policy's reason):
//     `&`, `<` and `>` escaped as Slack asks, so no `<!channel>`, `<@U…>`, `<!subteam^…>` or
//     `<url|label>` can form; inside the block nothing is bold, struck or linked. Slack has no
//     escape for a backtick, and a run of three would close the block and let what follows format
//     itself, so such runs are shown as ˋˋˋ and the text counts as altered (the card then holds back
//     one-tap approval and attaches the exact text, as for a cut).
//   - plain_text (titles, facts, labels, options): never parsed for formatting or mentions.
// Every piece first has its invisible characters written out (src/text/invisible.ts) and is cut
// visibly to its limit (src/text/clip.ts).
import { clip } from '../../text/clip.js';

export const escapeMrkdwn = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** What stands where agent text was cut. */
export const CUT_MARK = '… [cut]';

export interface Shown {
  text: string;
  /** Some of it was left out. */
  cut: boolean;
  /** It was changed to be shown (a backtick run), so what is shown is not exactly what runs. */
  altered: boolean;
  /** UTF-16 units of the original that made it in. */
  shown: number;
}

const FENCE = /`{3,}/g;

/** Agent text as a mrkdwn code block of at most `max` characters (fences included). */
export function codeBlock(raw: string, max: number): Shown {
  const safe = raw.replace(FENCE, (run) => 'ˋ'.repeat(run.length));
  const c = clip(safe, Math.max(1, max - 8), { escape: escapeMrkdwn, mark: CUT_MARK });
  return { text: `\`\`\`\n${c.text}\n\`\`\``, cut: c.cut, altered: safe !== raw, shown: c.shown };
}

/** Agent text for a plain_text object: invisible characters written out, cut at `max`. */
export function plain(raw: string, max: number, keep: 'start' | 'end' = 'start'): Shown {
  const c = clip(raw, max, { mark: keep === 'start' ? CUT_MARK : '…', keep });
  return { text: c.text, cut: c.cut, altered: false, shown: c.shown };
}

/** Short plain text (labels, button texts): cut at `max` with a plain ellipsis. */
export const label = (raw: string, max: number): string => clip(raw, max).text;
