// The config keys of team workflows: `groups` (approver groups, each with an optional on-call
// rotation) and `workflows` (which requests need how many approvals, and the escalation ladder
// that asks people step by step). Part of the one schema (src/config/schema.ts); the checks that
// look across keys (names that must exist, a quorum the people named can reach) are in ./check.ts.
import { z } from 'zod';
import { PRIORITIES } from '../core/types.js';

const name = z.string().min(1).max(100).regex(/^[A-Za-z0-9][A-Za-z0-9._@-]*$/, 'use letters, digits, . _ @ -');

/** `30s`, `5m`, `2h`, `1d`. */
export const DURATION = /^([1-9][0-9]{0,6})(s|m|h|d)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function durationMs(text: string): number {
  const m = DURATION.exec(text);
  if (!m) throw new Error(`"${text}" is not a duration such as 30s, 5m, 2h or 1d`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

const duration = z.string().regex(DURATION, 'a duration such as 30s, 5m, 2h or 1d');
const localTime = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'a local time HH:MM (24 h), e.g. 09:00');
const localDate = z.string().regex(/^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/, 'a date YYYY-MM-DD');
/** A local date and time in the rotation's time zone: `2026-03-01 09:00` (or with a T). */
const localDateTime = z.string().regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ]([01][0-9]|2[0-3]):[0-5][0-9]$/, 'a local date and time YYYY-MM-DD HH:MM in the rotation\'s time zone');

export const OverrideSchema = z
  .object({
    /** Who is on call instead, from `from` until `until` (local times in the rotation's time zone). */
    approver: name,
    from: localDateTime,
    until: localDateTime,
  })
  .strict();

export const OnCallSchema = z
  .object({
    /** daily: a new person every day at hand_over; weekly: every 7 days, on start's weekday. */
    rotation: z.enum(['daily', 'weekly']),
    /** IANA time zone the hand-over time and dates are in, e.g. Europe/Berlin (DST is followed). */
    time_zone: z.string().min(1).max(64).default('UTC'),
    hand_over: localTime.default('09:00'),
    /** The local date of the first hand-over: order[0] is on call from then. */
    start: localDate,
    /** Who takes turns, in order (default: the group's members). */
    order: z.array(name).default([]),
    overrides: z.array(OverrideSchema).default([]),
  })
  .strict();

export const GroupSchema = z
  .object({
    name,
    members: z.array(name).min(1, 'a group needs at least one member'),
    on_call: OnCallSchema.optional(),
  })
  .strict();

/**
 * Whom a workflow names: an approver (`alice`), every member of a group (`group:sre`), or whoever
 * is on call in a group when the step starts (`oncall:sre`).
 */
const who = z.string().regex(/^((group|oncall):)?[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/, 'an approver name, group:<group> or oncall:<group>');
/** A chat, topic or address a step posts to besides people: `telegram:-1001234`, `slack:C0123SRE`, `ntfy:sre-alerts`. */
const target = z.string().min(3).max(300).regex(/^[a-z][a-z0-9_-]{0,39}:\S.*$/, 'channel:target, e.g. telegram:-1001234 or slack:C0123SRE');

export const StepSchema = z
  .object({
    who: z.array(who).default([]),
    /** The channels its people are asked on (default: every channel that reaches them). */
    channels: z.array(z.string().min(1).max(40)).nullable().default(null),
    targets: z.array(target).default([]),
    /** How long until the next step (only the last step may leave it out: it then lasts until the request expires). */
    wait: duration.optional(),
  })
  .strict()
  .refine((s) => s.who.length > 0 || s.targets.length > 0, { message: 'a step asks someone: give who and/or targets' });

export const WorkflowSchema = z
  .object({
    name,
    /** Which requests it covers; every listed criterion must hold (a list: any of it). None: every request. */
    match: z
      .object({
        projects: z.array(name).default([]),
        priority: z.array(z.enum(PRIORITIES)).default([]),
        /** Only requests the dangerous-action guard flagged (true) or did not (false). */
        dangerous: z.boolean().nullable().default(null),
        /** The policy rule that asked, exactly as written in the config. */
        rules: z.array(z.string().min(1).max(2000)).default([]),
        tags: z.array(z.string().min(1).max(100)).default([]),
        agents: z.array(name).default([]),
      })
      .strict()
      .prefault({}),
    quorum: z
      .object({
        /** Distinct approvals needed. */
        approvals: z.number().int().min(1).max(50).default(1),
        /** first: any deny ends it; majority: denied once most eligible approvers denied, or the quorum can no longer be reached. */
        deny: z.enum(['first', 'majority']).default('first'),
      })
      .strict()
      .prefault({}),
    /** Who may vote (approvers, group:, oncall: = the whole group). Default: everyone the ladder names. */
    approvers: z.array(who).default([]),
    ladder: z.array(StepSchema).max(20).default([]),
    /** What ends a ladder nobody finished: deny (the default) or expire. Never approve. */
    final: z.enum(['deny', 'expire']).default('deny'),
  })
  .strict()
  .refine((w) => w.approvers.length > 0 || w.ladder.length > 0, { message: 'a workflow names who approves: give approvers and/or a ladder' });

export type GroupConfig = z.infer<typeof GroupSchema>;
export type OnCallConfig = z.infer<typeof OnCallSchema>;
export type WorkflowConfig = z.infer<typeof WorkflowSchema>;
export type StepConfig = z.infer<typeof StepSchema>;

/** The ladder targets on one channel (`slack:C0123`): where each is written, and the target after the prefix. The channel checks their form. */
export function stepTargetsOn(workflows: readonly WorkflowConfig[], channel: string): { where: string; target: string }[] {
  return workflows.flatMap((w) => w.ladder.flatMap((s, i) => s.targets.filter((t) => t.startsWith(`${channel}:`)).map((t) => ({ where: `workflows[${w.name}].ladder[${i}].targets`, target: t.slice(channel.length + 1) }))));
}
