// Every title, preview and answer is attacker-controlled text. One escaper for HTML text (mail
// bodies and confirmation pages), which also writes out invisible characters as marked ⟪U+202E⟫
// (the one shared showInvisible, src/text/invisible.ts); one for attribute values and raw-text
// elements, which keeps values as they are; one cleaner for mail headers.
import { segments, showInvisible } from '../../text/invisible.js';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** How an invisible character's mark looks in a mail or page: hard to miss. */
const MARK_STYLE = 'background:#fee2e2;color:#991b1b;border-radius:3px;padding:0 2px';

/** Text → an HTML attribute value (double or single quoted), or the content of <title>/<textarea>: escaped, never changed. */
export function escapeAttr(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]);
}

/** Text → HTML element content, with every invisible character shown as a marked ⟪U+202E⟫. */
export function escapeHtml(value: unknown): string {
  const text = String(value ?? '');
  const parts = segments(text);
  if (parts.length === 1 && parts[0].codePoint === undefined) return escapeAttr(text);
  return parts.map((p) => (p.codePoint === undefined ? escapeAttr(p.text) : `<span style="${MARK_STYLE}">${escapeAttr(p.text)}</span>`)).join('');
}

/**
 * Text → one header line: CR, LF and other control characters become spaces (no header
 * injection, no folded surprises), runs of whitespace collapse, long text is cut with "…", and
 * the remaining invisible characters (bidi overrides, zero-width, ...) are written out.
 */
export function headerText(value: unknown, max = 150): string {
  // eslint-disable-next-line no-control-regex
  const flat = String(value ?? '').replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  const points = Array.from(flat);
  return showInvisible(points.length > max ? `${points.slice(0, max - 1).join('')}…` : flat);
}

/** Cuts long text for a mail, saying how much was left out. */
export function clip(text: string, max: number): { text: string; truncated: boolean; total: number } {
  if (text.length <= max) return { text, truncated: false, total: text.length };
  return { text: text.slice(0, max), truncated: true, total: text.length };
}
