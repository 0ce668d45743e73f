// What an agent may send to create a request, validated once for every entry point. The compat
// routes (ok2run, Chock) translate their shapes into this.
import { z } from 'zod';
import { PRIORITIES } from './types.js';

export const LIMITS = {
  title: 500,
  preview: 100_000,
  context: 10_000,
  requester: 200,
  tags: 50,
  tag: 100,
  callback_url: 2000,
  options: 26,
  option_label: 500,
  metadata_bytes: 16_384,
  input_bytes: 256 * 1024,
} as const;

const text = (max: number) => z.string().max(max, `at most ${max} characters`);

/** A machine's hostname as an agent sends it (os.hostname()): plain DNS-like text, nothing to escape or hide. */
export const HOSTNAME_PATTERN = /^[A-Za-z0-9._-]{1,253}$/;
const hostname = z.string().regex(HOSTNAME_PATTERN, "must be a hostname: 1–253 letters, digits, '-', '.' or '_' (no spaces, control or other characters)");

const OptionSchema = z.union([
  text(LIMITS.option_label).min(1),
  z
    .object({
      key: z.string().regex(/^[A-Za-z0-9_-]{1,20}$/, '1–20 letters, digits, _ or -').optional(),
      label: text(LIMITS.option_label).min(1),
      description: text(1000).optional(),
    })
    .strict(),
]);

export const QuestionInputSchema = z
  .object({
    options: z.array(OptionSchema).max(LIMITS.options).default([]),
    multi_select: z.boolean().default(false),
    /** Default: true when there are no options, else false. */
    allow_free_text: z.boolean().optional(),
  })
  .strict();

export const CreateRequestSchema = z
  .object({
    title: text(LIMITS.title).min(1, 'a title is required'),
    action_type: text(100).min(1).default('action'),
    preview: text(LIMITS.preview).default(''),
    tool: text(200).min(1).nullable().optional(),
    input: z.unknown().optional(),
    requester: text(LIMITS.requester).nullable().optional(),
    session_id: text(200).min(1).nullable().optional(),
    project: text(100).min(1).nullable().optional(),
    cwd: text(4096).min(1).nullable().optional(),
    /** The machine the agent runs on (its hostname); what a grant "only on this host" is compared with. */
    host: hostname.nullable().optional(),
    priority: z.enum(PRIORITIES).default('normal'),
    tags: z.array(text(LIMITS.tag).min(1)).max(LIMITS.tags, `at most ${LIMITS.tags} tags`).default([]),
    context: text(LIMITS.context).nullable().optional(),
    question: QuestionInputSchema.nullable().optional(),
    conditions_schema: z.unknown().optional(),
    expires_in_sec: z.number().int().min(1).optional(),
    on_timeout: z.enum(['deny', 'approve']).default('deny'),
    callback_url: text(LIMITS.callback_url).url().nullable().optional(),
    idempotency_key: text(200).min(1).nullable().optional(),
    channel: text(40).min(1).nullable().optional(),
    target: text(500).min(1).nullable().optional(),
    metadata: z.record(z.string(), z.unknown()).nullable().optional(),
  })
  .strict();

export type CreateRequestInput = z.input<typeof CreateRequestSchema>;
export type CreateRequestParsed = z.output<typeof CreateRequestSchema>;

export const DecideSchema = z
  .object({
    outcome: z.enum(['approved', 'denied', 'conditional', 'answered']),
    scope: z.enum(['once', 'session', 'always']).default('once'),
    comment: text(10_000).nullable().optional(),
    conditions: z.record(z.string(), z.unknown()).nullable().optional(),
    answer: z.union([text(10_000), z.array(text(100)).max(LIMITS.options)]).nullable().optional(),
    updated_input: z.unknown().optional(),
    /** With scope session/always: which offered grant (policy.suggestions[].rule); default: this exact action. */
    grant_rule: text(2000).min(1).nullable().optional(),
    /** With scope session/always: limits the gate enforces on the grant (src/core/grant-uses.ts). */
    grant_limits: z
      .object({
        /** The grant ends this long after the decision. */
        expires_in_sec: z.number().int().min(1).max(10 * 365 * 86400).nullable().optional(),
        /** It allows at most this many requests, each spending one use atomically. */
        max_uses: z.number().int().min(1).max(1_000_000).nullable().optional(),
        /** It applies only to file actions under this directory (absolute, or relative to the request's cwd). */
        path_prefix: text(1000).nullable().optional(),
        /** It applies only to requests from this machine (the request's `host`, compared case-insensitively). */
        host: hostname.nullable().optional(),
      })
      .strict()
      .nullable()
      .optional(),
    /**
     * The approver's second factor, for a request that needs step-up: a TOTP code, or a passkey
     * assertion from the dashboard. The code's form is checked by the step-up service, with a
     * message that says what a code looks like.
     */
    step_up: z.union([z.object({ code: z.string().max(20_000) }).strict(), z.object({ passkey: z.unknown() }).strict()]).optional(),
  })
  .strict();

export type DecideInput = z.input<typeof DecideSchema>;
export type DecideParsed = z.output<typeof DecideSchema>;

export const CancelSchema = z.object({ reason: text(2000).nullable().optional() }).strict();

export const CreateKeySchema = z
  .object({
    role: z.enum(['agent', 'approver', 'admin']),
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/, '1–100 letters, digits, . _ @ - starting with a letter or digit'),
    projects: z.array(text(100).min(1)).max(100).default([]),
  })
  .strict();

/** Formats zod issues as one readable sentence list. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 10)
    .map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`)
    .join('; ');
}
