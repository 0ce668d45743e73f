// Invisible and deceptive characters, made visible. Bidi overrides and isolates, zero-width
// characters, BOM, line/paragraph separators, tag characters, stray variation selectors, soft
// hyphens and control characters change how text looks without being seen: `git push origin
// feature` can read as pushing `main`, a title can read backwards, a whole instruction can hide in
// tag characters. Every channel passes agent text through showInvisible before escaping it, and
// the policy names where they are, so what an approver reads is what runs.
//
// This module is compiled twice: into the server (dist/src/text/) and into the dashboard's browser
// build (src/web/client/tsconfig.json). Keep it free of imports, Node and the DOM.

/**
 * Characters that are invisible or reorder text: every control (Cc) but tab and newline, every
 * format character (Cf: bidi controls, zero-width space/joiners, word joiner, invisible operators,
 * BOM, soft hyphen, Mongolian vowel separator, tag characters, ...), the line and paragraph
 * separators, and the fillers and selectors that draw nothing: combining grapheme joiner, Hangul
 * fillers, Khmer inherent vowels, Mongolian free variation selectors, variation selectors (both
 * blocks) and the unassigned U+2065 in the middle of the format block.
 */
const CLASS = '[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\\u034F\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u2065\\u3164\\uFFA0\\uFE00-\\uFE0F\\u{E0100}-\\u{E01EF}]';
const ANY = new RegExp(CLASS, 'u');
const EACH = new RegExp(CLASS, 'gu');
const TAB = 0x09;
const NEWLINE = 0x0a;
const ZWJ = 0x200d;
const KEYCAP = 0x20e3;
const PICTOGRAPHIC = /^\p{Extended_Pictographic}$/u;
const MODIFIER = /^\p{Emoji_Modifier}$/u;
// A subdivision flag (🏴 + lowercase tag letters/digits + cancel tag), e.g. Scotland's.
const TAG_FLAG = /\u{1F3F4}[\u{E0030}-\u{E0039}\u{E0061}-\u{E007A}]{1,8}\u{E007F}/gu;

/** `⟪U+202E⟫`: how an invisible character is written out. */
export const markOf = (codePoint: number): string => `⟪U+${hex(codePoint)}⟫`;

/** `202E`, `E0041`: a code point as Unicode writes it. */
export const hex = (codePoint: number): string => codePoint.toString(16).toUpperCase().padStart(4, '0');

const charAt = (text: string, i: number): string => String.fromCodePoint(text.codePointAt(i) ?? 0);
function charBefore(text: string, i: number): string {
  if (i <= 0) return '';
  const low = text.charCodeAt(i - 1);
  return i >= 2 && low >= 0xdc00 && low <= 0xdfff ? text.slice(i - 2, i) : text.slice(i - 1, i);
}

/**
 * Whether the invisible character at `i` belongs to an emoji and shows as part of it: a zero-width
 * joiner between two pictographs (👩‍💻), an emoji presentation selector after a pictograph (⚠️) or in
 * a keycap (1️⃣), the tags of a subdivision flag. Anywhere else it hides something.
 */
function partOfEmoji(text: string, i: number, cp: number, flags: [number, number][]): boolean {
  if (cp === ZWJ) {
    const before = charBefore(text, i);
    const after = charAt(text, i + 1);
    return (PICTOGRAPHIC.test(before) || MODIFIER.test(before) || before === '\uFE0F') && PICTOGRAPHIC.test(after);
  }
  if (cp === 0xfe0f || cp === 0xfe0e) {
    const before = charBefore(text, i);
    if (PICTOGRAPHIC.test(before)) return true;
    return /^[0-9#*]$/.test(before) && text.codePointAt(i + 1) === KEYCAP;
  }
  if (cp >= 0xe0000 && cp <= 0xe007f) return flags.some(([from, to]) => i >= from && i < to);
  return false;
}

function flagRanges(text: string): [number, number][] {
  const out: [number, number][] = [];
  if (!/[\u{E0000}-\u{E007F}]/u.test(text)) return out;
  for (const m of text.matchAll(TAG_FLAG)) out.push([m.index, m.index + m[0].length]);
  return out;
}

/** One invisible character found in a text. */
export interface Hidden {
  codePoint: number;
  /** UTF-16 offset in the text. */
  index: number;
  /** 1-based line (lines end at "\n"). */
  line: number;
  /** 1-based position in its line, counted in characters (code points). */
  column: number;
}

/** Calls `each` for every invisible character of `text`, in order; stops when it returns false. */
function scan(text: string, each: (cp: number, index: number) => boolean | void): void {
  if (!ANY.test(text)) return;
  const flags = flagRanges(text);
  for (const m of text.matchAll(EACH)) {
    const cp = m[0].codePointAt(0)!;
    if (cp === TAB || cp === NEWLINE || partOfEmoji(text, m.index, cp, flags)) continue;
    if (each(cp, m.index) === false) return;
  }
}

/** Whether `text` has a character showInvisible would write out. */
export function hasInvisible(text: string): boolean {
  let found = false;
  scan(text, () => ((found = true), false));
  return found;
}

/** The invisible characters of `text` with where they are (at most `max`, in order). */
export function findInvisible(text: string, max = Number.MAX_SAFE_INTEGER): Hidden[] {
  const out: Hidden[] = [];
  let line = 1;
  let lineStart = 0;
  let from = 0;
  scan(text, (codePoint, index) => {
    for (let j = text.indexOf('\n', from); j !== -1 && j < index; j = text.indexOf('\n', j + 1)) {
      line++;
      lineStart = j + 1;
    }
    from = index;
    out.push({ codePoint, index, line, column: [...text.slice(lineStart, index)].length + 1 });
    return out.length < max;
  });
  return out;
}

/** Counts the invisible characters of `text`. */
export function countInvisible(text: string): number {
  let n = 0;
  scan(text, () => void n++);
  return n;
}

/** A piece of text: plain text, or one invisible character (for renderers that style the marks). */
export type Segment = { text: string; codePoint?: undefined } | { text: string; codePoint: number };

/** `text` cut into plain runs and invisible characters; each segment's `text` is what to show. */
export function segments(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  scan(text, (codePoint, index) => {
    if (index > last) out.push({ text: text.slice(last, index) });
    out.push({ text: markOf(codePoint), codePoint });
    last = index + (codePoint > 0xffff ? 2 : 1);
  });
  if (last < text.length || out.length === 0) out.push({ text: text.slice(last) });
  return out;
}

/** Text with every invisible character written out as `⟪U+202E⟫`. The one function every channel uses. */
export function showInvisible(text: string): string {
  if (!hasInvisible(text)) return text;
  return segments(text)
    .map((s) => s.text)
    .join('');
}

/** Where a hidden character is: "at position 12", or "at line 3, position 4" in multi-line text. */
export const positionOf = (h: Pick<Hidden, 'line' | 'column'>, multiline: boolean): string => (multiline ? `at line ${h.line}, position ${h.column}` : `at position ${h.column}`);

/**
 * One phrase naming the invisible characters of `text` and where they are, or null when there
 * are none: "invisible character U+202E in the command at position 12", and for several
 * "3 invisible characters in the title (U+202E at position 3, U+2066 at position 9, U+2069 at position 14)",
 * at most `max` of them named.
 */
export function describeInvisible(text: string, where: string, max = 5): string | null {
  const found = findInvisible(text, max);
  if (found.length === 0) return null;
  const multiline = text.includes('\n');
  const total = found.length < max ? found.length : countInvisible(text);
  if (total === 1) return `invisible character U+${hex(found[0].codePoint)} in ${where} ${positionOf(found[0], multiline)}`;
  const listed = found.map((h) => `U+${hex(h.codePoint)} ${positionOf(h, multiline)}`).join(', ');
  return `${total} invisible characters in ${where} (${listed}${total > found.length ? `, and ${total - found.length} more` : ''})`;
}
