// The one config schema: the single source of defaults. docs/config.md and
// greenlight.example.yaml describe the same keys.
import { z } from 'zod';
import { GroupSchema, WorkflowSchema } from '../workflows/config-schema.js';

const name = z.string().min(1).max(100).regex(/^[A-Za-z0-9][A-Za-z0-9._@-]*$/, 'use letters, digits, . _ @ -');
const hex64 = z.string().regex(/^[0-9a-f]{64}$/i, 'a hex SHA-256 digest (64 hex characters)');

/** A principal declared in the file: a plain key (dev) or its SHA-256. */
const keyed = {
  name,
  key: z.string().min(16, 'keys must be at least 16 characters').optional(),
  key_sha256: hex64.optional(),
};

const requireOneKey = (p: { key?: string; key_sha256?: string }) => Boolean(p.key) !== Boolean(p.key_sha256);
const oneKeyMessage = { message: 'give exactly one of key or key_sha256' };

export const AgentSchema = z
  .object({
    ...keyed,
    /** Projects this agent may file requests under (empty: any). */
    projects: z.array(name).default([]),
    /** The approver who runs this agent: never counted towards its requests' quorum, never asked (docs/workflows.md). */
    owner: name.optional(),
  })
  .strict()
  .refine(requireOneKey, oneKeyMessage);

export const ApproverSchema = z
  .object({
    ...keyed,
    telegram_user_id: z.number().int().optional(),
    email: z.string().email().optional(),
    slack_user_id: z.string().optional(),
    discord_user_id: z.string().optional(),
    /** Dashboard password as an scrypt hash (`greenlight password hash` prints one). */
    password_hash: z.string().optional(),
    /** Projects this approver decides for (empty: every project). */
    projects: z.array(name).default([]),
  })
  .strict()
  .refine((p) => !(p.key && p.key_sha256), oneKeyMessage);

export const AdminSchema = z
  .object({ ...keyed, email: z.string().email().optional(), telegram_user_id: z.number().int().optional(), password_hash: z.string().optional() })
  .strict()
  .refine(requireOneKey, oneKeyMessage);

export const RouteSchema = z
  .object({
    channel: z.string().min(1).max(40),
    /** Chat id, address, channel id: whatever the channel addresses. */
    target: z.string().min(1).max(500),
  })
  .strict();

export const RuleListSchema = z.array(z.string().min(1).max(2000)).default([]);

export const ProjectSchema = z
  .object({
    name,
    directories: z.array(z.string().min(1)).default([]),
    /** Approver names who decide this project's requests (empty: every approver). */
    approvers: z.array(name).default([]),
    routes: z.array(RouteSchema).default([]),
    allow: RuleListSchema,
    ask: RuleListSchema,
    deny: RuleListSchema,
    sandboxed: z.boolean().default(false),
  })
  .strict();

/**
 * A context: a directory Greenlight itself runs Claude Code in (src/sessions/), driven from chat
 * and the dashboard. Its tool calls go through the same gate as any hooked agent, filed as the
 * agent `context:<name>`.
 */
export const ContextSchema = z
  .object({
    name,
    /** The working directory of its sessions (absolute). */
    directory: z.string().min(1).refine((d) => d.startsWith('/'), 'an absolute path'),
    additional_directories: z.array(z.string().min(1).refine((d) => d.startsWith('/'), 'an absolute path')).default([]),
    /** The project its requests belong to (routing, approvers, project rules); else resolved from the directory. */
    project: name.nullable().default(null),
    /** The model Claude Code uses (null: its default). */
    model: z.string().min(1).max(100).nullable().default(null),
    /** Policy rules for this context's tool calls, in Claude Code's syntax, on top of project and global rules. */
    allow: RuleListSchema,
    ask: RuleListSchema,
    deny: RuleListSchema,
    /**
     * Run Bash inside Claude Code's own sandbox (bubblewrap on Linux, Seatbelt on macOS): the
     * sandbox, not a human, bounds what a command can touch, so the policy allows what is not
     * dangerous (as for a sandboxed project). Fails to start when the sandbox is not available.
     */
    sandbox: z.boolean().default(false),
    /** Domains sandboxed commands may reach (empty: none). */
    sandbox_allowed_domains: z.array(z.string().min(1).max(253)).default([]),
    /** Approver names who may prompt, stop and resume it (empty: every approver). */
    approvers: z.array(name).default([]),
    /** Chats it may be driven from, and where its notifications go: `{channel, target}` (empty: any chat of an allowed approver). */
    chats: z.array(RouteSchema).default([]),
  })
  .strict();

export const WebhookSchema = z
  .object({
    url: z.string().url().max(2000),
    secret: z.string().min(16, 'webhook secrets must be at least 16 characters'),
    /** `request.updated` (a vote counted, a ladder step started) is sent only when listed. */
    events: z
      .array(z.enum(['request.created', 'request.decided', 'request.expired', 'request.cancelled', 'request.updated']))
      .default(['request.created', 'request.decided', 'request.expired', 'request.cancelled']),
    /** Send the action with secrets in clear (default: masked, as every outside channel shows it). */
    include_secrets: z.boolean().optional(),
  })
  .strict();

const validRegex = (r: string) => {
  try {
    new RegExp(r, 'd');
    return true;
  } catch {
    return false;
  }
};

/** An operator's secret shape: the secret is the regex's first group, or the whole match. */
export const SecretPatternSchema = z
  .object({
    name: z.string().min(1).max(60).regex(/^[a-z0-9][a-z0-9_.-]*$/i, 'use letters, digits, . _ -'),
    regex: z.string().min(1).max(2000).refine(validRegex, 'a JavaScript regular expression'),
    ignore_case: z.boolean().default(false),
  })
  .strict();

const InsightsSchema = z
  .object({
    /** Fewest human approvals (and no denial) before a rule is suggested. */
    suggest_min_approvals: z.number().int().min(2).max(10_000).default(3),
    /** How far back suggestions look, and what "would have allowed" counts. */
    suggest_days: z.number().int().min(1).max(90).default(30),
    digest: z
      .object({
        /** off, daily or weekly. */
        schedule: z.enum(['off', 'daily', 'weekly']).default('off'),
        /** The hour (UTC) it goes out. */
        hour_utc: z.number().int().min(0).max(23).default(8),
        /** Weekly: the day it goes out. */
        weekday: z.enum(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']).default('monday'),
        /** The channel it goes to (telegram, email, ntfy, slack, discord); it must be configured and able to send digests. */
        channel: z.string().min(1).nullable().default(null),
        /** Where on that channel (a chat id, an address, a topic); null: the channel's own default. */
        target: z.string().min(1).max(500).nullable().default(null),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

export const ConfigSchema = z
  .object({
    server: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8787),
        /** The URL humans and links use to reach this server (defaults to http://host:port). */
        public_url: z.string().url().nullable().default(null),
        body_limit_bytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
        /** Browser origins allowed to call /mcp and the API with credentials. */
        allowed_origins: z.array(z.string()).default([]),
        /** On SIGTERM / SIGINT: how long to finish answering waiters and sending before exiting anyway. */
        shutdown_grace_sec: z.number().int().min(0).max(3600).default(10),
      })
      .strict()
      .prefault({}),
    mcp: z
      .object({
        /** The MCP execute_approved tool: runs commands a person approved. Off by default. */
        execute_approved: z
          .object({
            enabled: z.boolean().default(false),
            directory: z.string().min(1).nullable().default(null),
            timeout_sec: z.number().int().min(1).max(86_400).default(60),
            max_output_bytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(64 * 1024),
          })
          .strict()
          .prefault({})
          .refine((e) => !e.enabled || e.directory !== null, { message: 'execute_approved.enabled needs a directory to run commands in' }),
      })
      .strict()
      .prefault({}),
    data_dir: z.string().default('./data'),
    store: z
      .object({
        /** sqlite (one instance; the default) or postgres (several instances). null: postgres when url is set. */
        kind: z.enum(['sqlite', 'postgres']).nullable().default(null),
        /** The older name of kind. */
        driver: z.enum(['sqlite', 'postgres']).nullable().default(null),
        /** Defaults to <data_dir>/greenlight.db */
        sqlite_path: z.string().nullable().default(null),
        /** postgres://user:password@host:port/database (GREENLIGHT_DATABASE_URL). */
        url: z.string().regex(/^postgres(ql)?:\/\//i, 'a postgres:// or postgresql:// URL').nullable().default(null),
        /** Connections each instance keeps to Postgres (plus one for events and one for leadership). */
        pool_size: z.number().int().min(2).max(500).default(10),
      })
      .strict()
      .prefault({}),
    log: z
      .object({
        level: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
        format: z.enum(['text', 'json']).default('text'),
      })
      .strict()
      .prefault({}),
    agents: z.array(AgentSchema).default([]),
    approvers: z.array(ApproverSchema).default([]),
    admins: z.array(AdminSchema).default([]),
    projects: z.array(ProjectSchema).default([]),
    policy: z
      .object({
        allow: RuleListSchema,
        ask: RuleListSchema,
        deny: RuleListSchema,
        /** Extra rules (same syntax) the dangerous-action guard never auto-approves. */
        dangerous: RuleListSchema,
        /** A forced push to these branches is dangerous. */
        protected_branches: z.array(z.string().min(1)).default(['main', 'master']),
      })
      .strict()
      .prefault({}),
    requests: z
      .object({
        default_expires_in_sec: z.number().int().min(1).default(3600),
        max_expires_in_sec: z.number().int().min(1).default(7 * 24 * 3600),
        /** Whether a request may ask to be approved when nobody answers. Off: fail closed. */
        allow_approve_on_timeout: z.boolean().default(false),
        /** Longest a single wait / long-poll call may block. */
        max_wait_sec: z.number().int().min(1).max(3600).default(300),
      })
      .strict()
      .prefault({}),
    rate_limit: z
      .object({
        /** Requests per minute per key; 0 turns the limit off. */
        per_minute: z.number().int().min(0).default(1200),
        burst: z.number().int().min(1).default(200),
      })
      .strict()
      .prefault({}),
    webhooks: z.array(WebhookSchema).default([]),
    /**
     * Step-up: which requests need a second factor (a TOTP code or a passkey) from the approver who
     * approves them (docs/security.md). Denying never does. Matched when the request is filed.
     */
    step_up: z
      .object({
        /** Requests whose priority (the risk level the agent declared) is one of these. */
        priorities: z.array(z.enum(['low', 'normal', 'high', 'critical'])).default([]),
        /** Requests the dangerous-action guard flagged. */
        dangerous: z.boolean().default(false),
        /** Every request of these projects. */
        projects: z.array(name).default([]),
        /** Requests whose action matches one of these rules (Claude Code syntax, as policy rules). */
        rules: RuleListSchema,
        /** Encrypts stored TOTP secrets (AES-256-GCM). null: a key generated once and kept in the store. */
        secret_key: z.string().min(32, 'at least 32 characters').nullable().default(null),
        /** Wrong codes an approver may enter within failure_window_sec before codes are refused until the window ends. */
        max_failures: z.number().int().min(1).max(100).default(5),
        failure_window_sec: z.number().int().min(10).max(86_400).default(900),
        /** The name authenticator apps show beside the account. */
        issuer: z.string().min(1).max(60).default('Greenlight'),
      })
      .strict()
      .prefault({}),
    /** Secrets in agents' actions are masked on every outside channel (docs/security.md). */
    secrets: z
      .object({
        /** Off: channels show secrets in clear (not recommended). */
        mask: z.boolean().default(true),
        /** Shapes to mask beyond the built-in rules (gitleaks' and Greenlight's own). */
        patterns: z.array(SecretPatternSchema).max(200).default([]),
        /** Whether a channel may approve a request with a masked secret in one tap (a hidden value that could hide the action's structure never may). */
        one_tap_approve: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    /** Insights, suggested rules and the digest (docs/insights.md). */
    insights: InsightsSchema,
    /** Approver groups, with optional on-call rotations (docs/workflows.md). */
    groups: z.array(GroupSchema).default([]),
    /** Quorum and escalation ladders: who must approve which requests (docs/workflows.md). */
    workflows: z.array(WorkflowSchema).default([]),
    contexts: z.array(ContextSchema).default([]),
    /** Limits for the sessions Greenlight runs in `contexts` (docs/sessions.md). */
    sessions: z
      .object({
        max_concurrent: z.number().int().min(1).max(64).default(2),
        /** A turn running longer is interrupted. */
        max_turn_sec: z.number().int().min(10).max(86_400).default(1800),
        /** A session that has cost this much (USD, as Claude Code estimates it) takes no more prompts. */
        max_cost_usd: z.number().min(0.01).max(10_000).default(5),
        /** Transcript events kept per session; older ones are pruned. */
        max_transcript_events: z.number().int().min(50).max(100_000).default(2000),
        /** One stored event's text is cut to this many characters. */
        max_event_chars: z.number().int().min(200).max(1_000_000).default(20_000),
        /** Sessions without activity for this long are pruned with their transcript (0: keep). */
        keep_days: z.number().int().min(0).max(3650).default(30),
        /** Claude Code's executable (null: the one @anthropic-ai/claude-agent-sdk ships). */
        claude_path: z.string().min(1).nullable().default(null),
        /** Environment for Claude Code beyond the server's own (GREENLIGHT_* never passes). */
        env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name'), z.string()).default({}),
      })
      .strict()
      .prefault({}),
    /** One section per channel (telegram, email, web, ...); each channel validates its own. */
    channels: z.record(z.string(), z.unknown()).default({}),
    /** Signed decision receipts (docs/security.md#receipts). */
    receipts: z
      .object({
        /**
         * The Ed25519 private key (PEM) receipts are signed with. null: <data_dir>/receipt-key.pem,
         * generated on first start. Several instances on PostgreSQL must all be given the same key.
         */
        signing_key: z.string().min(1).nullable().default(null),
      })
      .strict()
      .prefault({}),
    delivery: z
      .object({
        /** Secret that signs per-request callbacks (X-Greenlight-Signature). Generated if unset. */
        callback_secret: z.string().min(16).nullable().default(null),
        allow_loopback: z.boolean().default(false),
        allow_private_networks: z.boolean().default(false),
        /** Hosts always allowed (exact, or *.suffix). */
        allow_hosts: z.array(z.string()).default([]),
        max_attempts: z.number().int().min(1).max(100).default(12),
        backoff_base_ms: z.number().int().min(10).default(2000),
        backoff_max_ms: z.number().int().min(10).default(3_600_000),
        timeout_ms: z.number().int().min(100).default(10_000),
        /**
         * How long a claimed outbox item stays leased to the instance sending it. null: long enough
         * for a whole batch to time out (at least 60 s). When an instance dies mid-send, another
         * one sends its items once their lease ends.
         */
        lease_sec: z.number().int().min(1).max(3600).nullable().default(null),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
export type InsightsConfig = Config['insights'];
export type AgentConfig = z.infer<typeof AgentSchema>;
export type ApproverConfig = z.infer<typeof ApproverSchema>;
export type ProjectConfig = z.infer<typeof ProjectSchema>;
export type WebhookConfig = z.infer<typeof WebhookSchema>;
export type ContextConfig = z.infer<typeof ContextSchema>;
export type SessionsConfig = Config['sessions'];
export type DeliveryConfig = Config['delivery'];
export type StepUpConfig = Config['step_up'];

/** Which store the config names: `kind`, else its older name `driver`, else postgres when a URL is set. */
export function storeKind(config: Pick<Config, 'store'>): 'sqlite' | 'postgres' {
  return config.store.kind ?? config.store.driver ?? (config.store.url ? 'postgres' : 'sqlite');
}

/** The defaults, as a parsed empty file gives them. */
export const defaultConfig = (): Config => ConfigSchema.parse({});
