// Telegram HTML: every piece of agent text goes through escapeHtml. Telegram's HTML knows only
// &lt; &gt; &amp; &quot;, so those four are escaped; characters that change how text is shown
// without being seen (bidi overrides, zero-width spaces, control characters) are made visible,
// so an approver reads the command that will run, not a disguised one.

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

// Bidi embeddings/overrides/isolates and marks, zero-width space/non-joiner, word joiner, BOM,
// and C0/C1 controls other than tab and newline. ZWJ (U+200D) stays: emoji sequences need it.
const INVISIBLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200B\u200C\u200E\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/g;

const visible = (c: string) => `[U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`;

/** Text with its invisible characters written out as `[U+202E]`. */
export const showInvisible = (text: string): string => text.replace(INVISIBLE, visible);

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

/**
 * Escapes at most as much of `text` as fits in `max` characters of HTML (the mark counted), never
 * splitting a surrogate pair. `keep: 'end'` keeps the tail (for paths).
 */
export function clipHtml(text: string, max: number, keep: 'start' | 'end' = 'start', mark = '…'): Clipped {
  const whole = escapeHtml(text);
  if (whole.length <= max) return { html: whole, cut: false, shown: text.length };
  const budget = Math.max(0, max - mark.length);
  const points = Array.from(text);
  const parts: string[] = [];
  let used = 0;
  let shown = 0;
  for (let i = 0; i < points.length; i++) {
    const p = points[keep === 'start' ? i : points.length - 1 - i];
    const e = escapeHtml(p);
    if (used + e.length > budget) break;
    parts.push(e);
    used += e.length;
    shown += p.length;
  }
  const body = keep === 'start' ? parts.join('') : parts.reverse().join('');
  return { html: keep === 'start' ? body + mark : mark + body, cut: true, shown };
}

/** Plain text (button labels, toasts) with invisible characters shown, cut to `max` UTF-16 units. */
export function clipText(raw: string, max: number): string {
  const text = showInvisible(raw);
  if (text.length <= max) return text;
  let out = '';
  for (const p of text) {
    if (out.length + p.length > max - 1) break;
    out += p;
  }
  return out + '…';
}
