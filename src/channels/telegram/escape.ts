// Telegram HTML: every piece of agent text goes through escapeHtml. Telegram's HTML knows only
// &lt; &gt; &amp; &quot;, so those four are escaped; characters that change how text is shown
// without being seen (bidi overrides, zero-width characters, tag characters, control characters)
// are written out as ⟪U+202E⟫ by the one function every channel uses (src/text/invisible.ts), so
// an approver reads the command that will run, not a disguised one.
import { clip } from '../../text/clip.js';
import { showInvisible } from '../../text/invisible.js';

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

export { showInvisible };

/** Escapes text for a Telegram HTML message (element content; we never put text in attributes). */
export function escapeHtml(text: string): string {
  return showInvisible(text).replace(/[&<>"]/g, (c) => HTML[c]);
}

export interface Clipped {
  /** Escaped HTML of (a prefix or suffix of) the text. */
  html: string;
  /** Whether some of the text was left out. */
  cut: boolean;
  /** UTF-16 units of the original text that made it in. */
  shown: number;
}

const escapeVisible = (shown: string): string => shown.replace(/[&<>"]/g, (c) => HTML[c]);

/**
 * Escapes at most as much of `text` as fits in `max` characters of HTML (the mark counted), never
 * splitting a surrogate pair (the shared cut, src/text/clip.ts). `keep: 'end'` keeps the tail (for paths).
 */
export function clipHtml(text: string, max: number, keep: 'start' | 'end' = 'start', mark = '…'): Clipped {
  const c = clip(text, max, { escape: escapeVisible, keep, mark });
  return { html: c.text, cut: c.cut, shown: c.shown };
}

/** Plain text (button labels, toasts) with invisible characters shown, cut to `max` UTF-16 units. */
export const clipText = (raw: string, max: number): string => clip(raw, max).text;
