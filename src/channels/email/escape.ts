// Every title, preview and answer is attacker-controlled text. One escaper for HTML (mail bodies
// and confirmation pages), one cleaner for mail headers.

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text → HTML text or attribute value (double or single quoted). */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]);
}

/**
 * Text → one header line: CR, LF and other control characters become spaces (no header
 * injection, no folded surprises), runs of whitespace collapse, and long text is cut with "…".
 */
export function headerText(value: unknown, max = 150): string {
  // eslint-disable-next-line no-control-regex
  const flat = String(value ?? '').replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Cuts long text for a mail, saying how much was left out. */
export function clip(text: string, max: number): { text: string; truncated: boolean; total: number } {
  if (text.length <= max) return { text, truncated: false, total: text.length };
  return { text: text.slice(0, max), truncated: true, total: text.length };
}
