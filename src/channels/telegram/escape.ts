// Telegram HTML: every piece of agent text goes through escapeHtml. Telegram's HTML knows only
// &lt; &gt; &amp; &quot;, so those four are escaped; characters that change how text is shown
// without being seen (bidi overrides, zero-width characters, tag characters, control characters)
// are written out as ⟪U+202E⟫ by the one function every channel uses (src/text/invisible.ts), so
// an approver reads the command that will run, not a disguised one.
import { segments, showInvisible } from '../../text/invisible.js';

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

/**
 * Escapes at most as much of `text` as fits in `max` characters of HTML (the mark counted), never
 * splitting a surrogate pair. `keep: 'end'` keeps the tail (for paths).
 */
export function clipHtml(text: string, max: number, keep: 'start' | 'end' = 'start', mark = '…'): Clipped {
  const whole = escapeHtml(text);
  if (whole.length <= max) return { html: whole, cut: false, shown: text.length };
  const budget = Math.max(0, max - mark.length);
  const units = pieces(text);
  const parts: string[] = [];
  let used = 0;
  let shown = 0;
  for (let i = 0; i < units.length; i++) {
    const p = units[keep === 'start' ? i : units.length - 1 - i];
    const e = escapeVisible(p.shown);
    if (used + e.length > budget) break;
    parts.push(e);
    used += e.length;
    shown += p.units;
  }
  const body = keep === 'start' ? parts.join('') : parts.reverse().join('');
  return { html: keep === 'start' ? body + mark : mark + body, cut: true, shown };
}

const escapeVisible = (shown: string): string => shown.replace(/[&<>"]/g, (c) => HTML[c]);

/** The text as the smallest pieces a cut may fall between: characters, and whole ⟪U+…⟫ marks. */
function pieces(text: string): { shown: string; units: number }[] {
  const out: { shown: string; units: number }[] = [];
  for (const s of segments(text)) {
    if (s.codePoint !== undefined) out.push({ shown: s.text, units: s.codePoint > 0xffff ? 2 : 1 });
    else for (const ch of s.text) out.push({ shown: ch, units: ch.length });
  }
  return out;
}

/** Plain text (button labels, toasts) with invisible characters shown, cut to `max` UTF-16 units. */
export function clipText(raw: string, max: number): string {
  const text = showInvisible(raw);
  if (text.length <= max) return text;
  let out = '';
  for (const p of pieces(raw)) {
    if (out.length + p.shown.length > max - 1) break;
    out += p.shown;
  }
  return out + '…';
}
