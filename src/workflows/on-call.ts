// Who is on call in a group at an instant: an override covering the instant wins (the last listed,
// if several do); else the rotation — daily or weekly, handing over at a local time in the
// group's time zone, counted in calendar days from `start`, so the hand-over stays at 09:00 local
// across daylight-saving changes. Pure: the caller passes the instant.
import type { GroupConfig, OnCallConfig } from './config-schema.js';
import { dateOfDay, dayNumber, fmtLocal, fromLocal, parseLocalDateTime, toLocal } from './zoned-time.js';

export interface OnCall {
  name: string;
  /** Why them: "on call for sre until 2026-03-30 09:00 Europe/Berlin", "override for sre until …". */
  why: string;
  /** When their turn ends (the next hand-over, or the override's end). */
  until: number;
}

const hhmm = (s: string) => ({ hour: Number(s.slice(0, 2)), minute: Number(s.slice(3, 5)) });

/** The rotation's order: its own, else the group's members. */
export const rotationOrder = (group: GroupConfig): string[] => (group.on_call?.order.length ? group.on_call.order : group.members);

/** The instant of the hand-over on a calendar day (a day number) in the rotation's zone. */
function handOverOn(day: number, rota: OnCallConfig): number {
  return fromLocal({ ...dateOfDay(day), ...hhmm(rota.hand_over) }, rota.time_zone);
}

/** The override covering `at`, if any (the last listed wins). */
function overrideAt(rota: OnCallConfig, at: number): { approver: string; until: number } | null {
  let found: { approver: string; until: number } | null = null;
  for (const o of rota.overrides) {
    const from = fromLocal(parseLocalDateTime(o.from), rota.time_zone);
    const until = fromLocal(parseLocalDateTime(o.until), rota.time_zone);
    if (from <= at && at < until) found = { approver: o.approver, until };
  }
  return found;
}

/** The rotation's turn at `at`: which member (index into the order) and when the turn ends. */
export function turnAt(rota: OnCallConfig, order: readonly string[], at: number): { index: number; until: number } {
  const period = rota.rotation === 'daily' ? 1 : 7;
  const local = toLocal(at, rota.time_zone);
  let today = dayNumber(local.year, local.month, local.day);
  // Before today's hand-over, yesterday's shift is still on.
  if (at < handOverOn(today, rota)) today -= 1;
  const [y, m, d] = rota.start.split('-').map(Number);
  const start = dayNumber(y, m, d);
  const shifts = Math.floor((today - start) / period);
  const index = ((shifts % order.length) + order.length) % order.length;
  return { index, until: handOverOn(start + (shifts + 1) * period, rota) };
}

/** Who is on call in `group` at `at`, or null when the group has no rotation. */
export function onCallAt(group: GroupConfig, at: number): OnCall | null {
  const rota = group.on_call;
  if (!rota) return null;
  const o = overrideAt(rota, at);
  if (o) return { name: o.approver, why: `override on call for ${group.name} until ${fmtLocal(o.until, rota.time_zone)}`, until: o.until };
  const order = rotationOrder(group);
  const turn = turnAt(rota, order, at);
  return { name: order[turn.index], why: `on call for ${group.name} until ${fmtLocal(turn.until, rota.time_zone)}`, until: turn.until };
}

/** The members after the one on call, in rotation order (whom to page when the one on call is away without a delegate). */
export function nextInRotation(group: GroupConfig, at: number): string[] {
  const rota = group.on_call;
  if (!rota) return [...group.members];
  const order = rotationOrder(group);
  const { index } = turnAt(rota, order, at);
  return [...order.slice(index + 1), ...order.slice(0, index)];
}
