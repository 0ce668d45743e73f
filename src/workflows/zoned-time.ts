// Wall-clock time in an IANA time zone, with Node's own Intl (no tz library): what local date and
// time an instant is, and which instant a local date and time is. Rotations hand over at a local
// time, so a 09:00 hand-over stays at 09:00 across daylight-saving changes.
//
// A local time that does not exist (the hour skipped when clocks go forward) is read as the same
// wall time after the jump (02:30 → 03:30 local); one that exists twice (clocks go back) as the
// first of the two.

export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(zone, f);
  }
  return f;
}

/** Whether Node knows the zone (an IANA name such as Europe/Berlin, or UTC). */
export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The local date and time of an instant in a zone. */
export function toLocal(ms: number, zone: string): LocalDateTime & { second: number } {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute, second: parts.second };
}

/** The zone's offset from UTC at an instant, in ms (Berlin in summer: +2 h). */
function offsetAt(ms: number, zone: string): number {
  const l = toLocal(ms, zone);
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/** The instant a local date and time names in a zone (see the opening comment for gaps and repeats). */
export function fromLocal(t: LocalDateTime, zone: string): number {
  const naive = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute);
  // Try the offsets in force a day either side: one of them maps back to the wall time asked for.
  const candidates = [...new Set([offsetAt(naive - 86_400_000, zone), offsetAt(naive, zone), offsetAt(naive + 86_400_000, zone)])]
    .map((off) => naive - off)
    .filter((ms) => {
      const l = toLocal(ms, zone);
      return l.year === t.year && l.month === t.month && l.day === t.day && l.hour === t.hour && l.minute === t.minute;
    })
    .sort((a, b) => a - b);
  if (candidates.length) return candidates[0];
  // In the gap: the offset before the jump puts the wall time just after it.
  return naive - offsetAt(naive - 86_400_000, zone);
}

/** Days from 1970-01-01 to a calendar date (the calendar's own count: DST plays no part). */
export const dayNumber = (year: number, month: number, day: number): number => Math.floor(Date.UTC(year, month - 1, day) / 86_400_000);

/** The calendar date `n` days after 1970-01-01. */
export function dateOfDay(n: number): { year: number; month: number; day: number } {
  const d = new Date(n * 86_400_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** `2026-03-01 09:00` or `2026-03-01T09:00`. */
export function parseLocalDateTime(text: string): LocalDateTime {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2})$/.exec(text);
  if (!m) throw new Error(`"${text}" is not a local date and time YYYY-MM-DD HH:MM`);
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]) };
}

/** "2026-03-29 09:00 Europe/Berlin": an instant as the zone's people read it. */
export function fmtLocal(ms: number, zone: string): string {
  const l = toLocal(ms, zone);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${l.year}-${p(l.month)}-${p(l.day)} ${p(l.hour)}:${p(l.minute)} ${zone}`;
}
