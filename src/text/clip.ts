// Cutting agent text to fit a channel's limit, visibly: invisible characters are written out first
// (./invisible.ts), a cut never splits a surrogate pair or a ⟪U+…⟫ mark, the mark (default "…")
// says where text was left out, and the result says how much of the original made it in. One
// function for every channel's format: pass the channel's escaper (Telegram HTML, Slack mrkdwn,
// ...) and the budget counts escaped characters.
//
// Compiled into the dashboard's browser build too: imports only ./invisible.ts.
import { segments, showInvisible } from './invisible.js';

export interface Clipped {
  /** The shown (and escaped) text, with the mark where it was cut. */
  text: string;
  /** Whether some of the text was left out. */
  cut: boolean;
  /** UTF-16 units of the original text that made it in. */
  shown: number;
}

export interface ClipOptions {
  /** Escapes visible text for the channel's format (default: none). */
  escape?: (text: string) => string;
  /** `end` keeps the tail (paths). */
  keep?: 'start' | 'end';
  /** What stands where text was cut (counted in the budget). */
  mark?: string;
}

/** The text as the smallest pieces a cut may fall between: characters, and whole ⟪U+…⟫ marks. */
function pieces(text: string): { shown: string; units: number }[] {
  const out: { shown: string; units: number }[] = [];
  for (const s of segments(text)) {
    if (s.codePoint !== undefined) out.push({ shown: s.text, units: s.codePoint > 0xffff ? 2 : 1 });
    else for (const ch of s.text) out.push({ shown: ch, units: ch.length });
  }
  return out;
}

/** At most `max` characters of `raw` as the channel shows it (invisible characters written out, escaped), marked where cut. */
export function clip(raw: string, max: number, options: ClipOptions = {}): Clipped {
  const escape = options.escape ?? ((s: string) => s);
  const keep = options.keep ?? 'start';
  const mark = options.mark ?? '…';
  const whole = escape(showInvisible(raw));
  if (whole.length <= max) return { text: whole, cut: false, shown: raw.length };
  const budget = Math.max(0, max - mark.length);
  const units = pieces(raw);
  const parts: string[] = [];
  let used = 0;
  let shown = 0;
  for (let i = 0; i < units.length; i++) {
    const p = units[keep === 'start' ? i : units.length - 1 - i];
    const e = escape(p.shown);
    if (used + e.length > budget) break;
    parts.push(e);
    used += e.length;
    shown += p.units;
  }
  const body = keep === 'start' ? parts.join('') : parts.reverse().join('');
  return { text: keep === 'start' ? body + mark : mark + body, cut: true, shown };
}
