// `greenlight init`: writes a fully commented greenlight.yaml with fresh keys. The same template,
// with placeholder keys, is the committed greenlight.example.yaml (src/cli/init.test.ts keeps the
// two and the schema in step).
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { newSecret } from '../core/ids.js';
import { defaultConfig } from '../config/schema.js';
import { SETTINGS } from '../config/settings.js';
import { stringify as stringifyYaml } from 'yaml';
import { askChannels, parseChannelList, type ChannelAnswers } from './init-channels.js';
import { SETUPS, type ChannelSetup } from '../channels/setup.js';
import type { Command } from './commands.js';
import { cli } from '../invocation.js';

export interface TemplateKeys {
  admin: string;
  approver: string;
  agent: string;
}

/** The names `init` gives the three principals it creates. */
export const INIT_NAMES = { admin: 'admin', approver: 'me', agent: 'my-agent' } as const;

/** The keys in greenlight.example.yaml: obviously not secret, long enough to load. */
export const PLACEHOLDER_KEYS: TemplateKeys = {
  admin: 'REPLACE-ME-admin-key-run-greenlight-init',
  approver: 'REPLACE-ME-approver-key-run-greenlight-init',
  agent: 'REPLACE-ME-agent-key-run-greenlight-init',
};

/** Fresh keys, with the same role prefixes as keys made by `greenlight keys create`. */
export function freshKeys(): TemplateKeys {
  return { admin: newSecret('glx'), approver: newSecret('glp'), agent: newSecret('gla') };
}

const EXAMPLE_MARK = '#~ ';

/**
 * The fully commented config. Lines marked `#~ ` in the template are examples: written commented
 * out (`# `), or live when `examples: 'active'` (tests use that to prove every schema key is
 * shown and every example is valid).
 */
export function renderConfigTemplate(keys: TemplateKeys, options: { examples?: 'commented' | 'active'; channels?: ChannelAnswers } = {}): string {
  const text = template(keys, options.channels ?? { sections: {}, approver: {} });
  return options.examples === 'active' ? activateExamples(text) : text.replaceAll(EXAMPLE_MARK, '# ');
}

/** Uncomments the examples; a list header `key: []` followed by example items becomes `key:`. */
function activateExamples(text: string): string {
  const out: string[] = [];
  let header: { at: number; indent: string } | null = null;
  for (const line of text.split('\n')) {
    const m = /^(\s*)#~ (.*)$/.exec(line);
    if (!m) {
      const h = /^(\s*)[a-z_]+: \[\]$/.exec(line);
      if (h) header = { at: out.length, indent: h[1] };
      else if (!/^\s*#/.test(line)) header = null;
      out.push(line);
      continue;
    }
    // Items of a `key: []` list sit at the key's own indentation.
    if (header && header.indent === m[1] && m[2].startsWith('- ')) out[header.at] = out[header.at].replace(/ \[\]$/, '');
    out.push(m[1] + m[2]);
  }
  return out.join('\n');
}

/** "Env GREENLIGHT_X, flag --x." for keys in the settings table; "File only." otherwise. */
function where(path: string): string {
  const s = SETTINGS.find((x) => x.path === path);
  return s ? `Env ${s.env}, flag --${s.flag}.` : 'File only (no env variable or flag).';
}

/** A YAML scalar or flow list, quoted only where YAML needs it. */
function v(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(v).join(', ')}]`;
  if (typeof value === 'string' && /^[A-Za-z0-9./][A-Za-z0-9._/-]*$/.test(value) && !/^(true|false|null|yes|no|on|off|~|[0-9.]+)$/i.test(value)) return value;
  return JSON.stringify(value);
}

/** YAML lines at `indent` for a mapping (none for an empty one). */
function yamlLines(value: Record<string, unknown>, indent: string): string {
  if (Object.keys(value).length === 0) return '';
  return stringifyYaml(value, { lineWidth: 0 }).trimEnd().split('\n').map((l) => indent + l).join('\n') + '\n';
}

function template(keys: TemplateKeys, channels: ChannelAnswers): string {
  const d = defaultConfig();
  const q = JSON.stringify;
  return `# Greenlight configuration: every key, with its default and what it does.
#
# Precedence, lowest first: built-in defaults < this file < GREENLIGHT_* environment variables
# < command-line flags. Keys that also have an environment variable and a flag say so below; a
# secret can be read from a file by setting the variable with _FILE appended to its path.
# Point Greenlight at this file with --config FILE or GREENLIGHT_CONFIG=FILE.
# Reference: docs/config.md. Lines starting with "# -" or "# key:" are examples to copy.
#
# This file holds keys: keep it private (mode 0600) and out of version control.

server:
  # Address to listen on. 127.0.0.1 keeps Greenlight on this machine; 0.0.0.0 listens on every
  # interface (put TLS in front of it).
  # ${where('server.host')}
  host: ${v(d.server.host)}
  # Port to listen on; 0 picks any free port.
  # ${where('server.port')}
  port: ${v(d.server.port)}
  # The URL humans and links use to reach this server, e.g. https://greenlight.example.com.
  # null: http://<host>:<port>.
  # ${where('server.public_url')}
  public_url: ${v(d.server.public_url)}
  # Largest request body accepted, in bytes (1024 to 67108864).
  # ${where('server.body_limit_bytes')}
  body_limit_bytes: ${v(d.server.body_limit_bytes)}
  # Browser origins allowed to call /mcp and the API with credentials.
  # ${where('server.allowed_origins')}
  allowed_origins: ${v(d.server.allowed_origins)}
  #~ - https://dashboard.example.com
  # On SIGTERM / SIGINT Greenlight stops accepting connections, answers every waiting client
  # (503 with Retry-After, so it asks again elsewhere), finishes the sends under way, then exits.
  # This bounds how long that may take, in seconds; 0 exits at once, cutting open connections.
  # ${where('server.shutdown_grace_sec')}
  shutdown_grace_sec: ${v(d.server.shutdown_grace_sec)}

# Where Greenlight keeps its data (the SQLite database). A relative path is taken from the
# directory Greenlight starts in.
# ${where('data_dir')}
data_dir: ${v(d.data_dir)}

store:
  # sqlite: one instance, one file (the default). postgres: several instances on one PostgreSQL
  # database (docs/scaling.md). null: postgres when a database URL is set, else sqlite.
  # ${where('store.kind')}
  kind: ${v(d.store.kind)}
  # The older name of kind, still read; give one of the two.
  # ${where('store.driver')}
  #~ driver: sqlite
  # The SQLite file. null: <data_dir>/greenlight.db.
  # ${where('store.sqlite_path')}
  sqlite_path: ${v(d.store.sqlite_path)}
  # The PostgreSQL database, postgres://user:password@host:5432/greenlight (add ?sslmode=require
  # across a network). Keep the password out of this file: GREENLIGHT_DATABASE_URL_FILE names a
  # file holding the URL.
  # ${where('store.url')}
  url: ${v(d.store.url)}
  # Connections each instance keeps to PostgreSQL, besides one for events and one for leadership.
  # ${where('store.pool_size')}
  pool_size: ${v(d.store.pool_size)}

log:
  # debug | info | warn | error | silent.
  # ${where('log.level')}
  level: ${v(d.log.level)}
  # text (for people) | json (for log collectors).
  # ${where('log.format')}
  format: ${v(d.log.format)}

# Principals. Each has a name (letters, digits, . _ @ -) and a key of at least 16 characters,
# given either as \`key\` (the key itself) or as \`key_sha256\` (its SHA-256 hex digest, so this
# file need not hold the secret: printf %s "$KEY" | sha256sum). Keys are compared in constant
# time. More keys can be created (and revoked) at run time with \`greenlight keys\`; keys
# declared here can only be removed by editing this file and restarting.

# Agents: the programs that ask before they act. An agent key files, reads and cancels its own
# requests. It can never decide one.
agents:
  - name: ${INIT_NAMES.agent}
    key: ${q(keys.agent)}
    # Projects this agent may file requests under; empty: any declared project.
    projects: []
  #~ - name: ci-bot
  #~   key_sha256: "7c566e79c705df0b4dd2b7fba5fb3c1c8251adbc375061298b5a7a3ea6d4339d"
  #~   projects: [web]
  #~   # The approver who runs this agent: never counted towards its quorum (docs/workflows.md).
  #~   owner: alice

# Approvers: the humans who decide. Besides a key (for the API) an approver can have identities
# on channels, so a click or reply there is known to be theirs: telegram_user_id (a number),
# email, slack_user_id, discord_user_id; and a dashboard password, stored as the scrypt hash that
# \`greenlight password hash\` prints (password_hash). An approver may have no key at all and
# decide only on channels. projects: the projects they decide for (empty: all).
approvers:
  - name: ${INIT_NAMES.approver}
    key: ${q(keys.approver)}
${yamlLines(channels.approver, '    ')}    projects: []
  #~ - name: alice
  #~   key_sha256: "f7d66ba0e36cd32b58c7b110bc217e215a7259711488e69b397d61cab0d203b8"
  #~   telegram_user_id: 42
  #~   email: alice@example.com
  #~   slack_user_id: U0123ABCD
  #~   discord_user_id: "123456789012345678"
  #~   password_hash: "replace-with-the-output-of-greenlight-password-hash"
  #~   projects: [web]

# Admins: can do everything an approver can, and manage keys. They may have an email,
# telegram_user_id and password_hash too. With no admin declared here, the first
# \`greenlight serve\` creates one admin key and prints it once.
admins:
  - name: ${INIT_NAMES.admin}
    key: ${q(keys.admin)}
  #~ - name: ops
  #~   key_sha256: "6276bcb5f3c5c2f09bc71f39478cf5fb46b5fdc7c0c53f98244fddf1b4d58804"
  #~   email: ops@example.com
  #~   telegram_user_id: 43
  #~   password_hash: "replace-with-the-output-of-greenlight-password-hash"

# Projects group requests by where the agent works, and say who decides them and where they are
# announced. Routing is only what is written here: an agent cannot pick its approvers.
#   name         the project's name (agents may name it in a request)
#   directories  a request whose cwd lies inside one of these belongs to the project
#   approvers    approver names who decide it (empty: every approver)
#   routes       where its requests are announced: a channel and its target (chat id, address)
#   allow, ask, deny   policy rules for this project, added to the global policy below
#   sandboxed    true: the agent runs in a sandbox, so its tool calls may be auto-approved
#                (dangerous operations still go to a human)
projects: ${v(d.projects)}
#~ - name: web
#~   directories: [/home/me/src/web]
#~   approvers: [alice]
#~   routes:
#~     - channel: telegram
#~       target: "-1001234567890"
#~   allow: ["Bash(npm run test *)", "Read(./src/**)"]
#~   ask: ["Bash(git push *)"]
#~   deny: ["Bash(rm -rf *)"]
#~   sandboxed: false

# The global policy, in Claude Code's rule syntax (Bash(git diff:*), Read(./src/**),
# WebFetch(domain:example.com), mcp__server__tool). deny wins over ask, ask over allow; every
# subcommand of a compound shell command must match on its own; what matches nothing goes to
# a human.
policy:
  allow: ${v(d.policy.allow)}
  #~ - "Bash(git status)"
  #~ - "Read(./src/**)"
  ask: ${v(d.policy.ask)}
  #~ - "Bash(git push *)"
  deny: ${v(d.policy.deny)}
  #~ - "Bash(rm -rf *)"
  # Extra rules the dangerous-action guard never auto-approves (on top of rm -rf /, mkfs,
  # curl | sh, writes to agent permission files, ...): a human always decides them.
  dangerous: ${v(d.policy.dangerous)}
  #~ - "Bash(terraform destroy *)"
  # Branches a forced push to is dangerous.
  protected_branches: ${v(d.policy.protected_branches)}

mcp:
  # The MCP execute_approved tool runs a command a human approved (never one the policy or a
  # grant approved), in one directory, with a timeout and an output cap. Off by default.
  execute_approved:
    enabled: ${v(d.mcp.execute_approved.enabled)}
    directory: ${v(d.mcp.execute_approved.directory)}
    timeout_sec: ${v(d.mcp.execute_approved.timeout_sec)}
    max_output_bytes: ${v(d.mcp.execute_approved.max_output_bytes)}

requests:
  # Seconds a request waits for a decision when it names no expiry.
  # ${where('requests.default_expires_in_sec')}
  default_expires_in_sec: ${v(d.requests.default_expires_in_sec)}
  # The longest expiry a request may ask for, in seconds.
  # ${where('requests.max_expires_in_sec')}
  max_expires_in_sec: ${v(d.requests.max_expires_in_sec)}
  # Whether a request may ask to be approved when nobody answers in time. false: every
  # unanswered request is denied (fail closed).
  # ${where('requests.allow_approve_on_timeout')}
  allow_approve_on_timeout: ${v(d.requests.allow_approve_on_timeout)}
  # Longest a single wait / long-poll call may block, in seconds (1 to 3600).
  # ${where('requests.max_wait_sec')}
  max_wait_sec: ${v(d.requests.max_wait_sec)}

rate_limit:
  # Requests per minute per key; 0 turns the limit off.
  # ${where('rate_limit.per_minute')}
  per_minute: ${v(d.rate_limit.per_minute)}
  # The most requests a key may send in one quick burst (the size of its token bucket).
  # ${where('rate_limit.burst')}
  burst: ${v(d.rate_limit.burst)}

# Step-up: requests that need the approver's second factor to approve: the 6-digit code of an
# authenticator app (set up on the dashboard's Security page; asked for on every channel) or a
# passkey (dashboard). Denying never needs one. A request needs it when any of these says so.
# See docs/security.md#step-up.
step_up:
  # Priorities (the risk level the agent declares) that need it.
  # ${where('step_up.priorities')}
  priorities: ${v(d.step_up.priorities)}
  # Requests the dangerous-action guard flagged.
  # ${where('step_up.dangerous')}
  dangerous: ${v(d.step_up.dangerous)}
  # Every request of these projects.
  # ${where('step_up.projects')}
  projects: ${v(d.step_up.projects)}
  # Requests whose action matches one of these rules (policy syntax), e.g. "Bash(kubectl apply *)".
  # ${where('step_up.rules')}
  rules: ${v(d.step_up.rules)}
  # Encrypts stored TOTP secrets, at least 32 characters. null: generated once, kept in the store.
  # ${where('step_up.secret_key')}
  secret_key: ${v(d.step_up.secret_key)}
  # Wrong codes allowed per approver within failure_window_sec before codes are refused.
  # ${where('step_up.max_failures')}
  max_failures: ${v(d.step_up.max_failures)}
  # ${where('step_up.failure_window_sec')}
  failure_window_sec: ${v(d.step_up.failure_window_sec)}
  # The name authenticator apps show.
  # ${where('step_up.issuer')}
  issuer: ${v(d.step_up.issuer)}

# Webhooks: every listed event is POSTed to url, signed with HMAC-SHA256 of secret (at least 16
# characters) and retried from a durable outbox. Events: request.created, request.decided,
# request.expired, request.cancelled (default: all four).
webhooks: ${v(d.webhooks)}
#~ - url: https://hooks.example.com/greenlight
#~   secret: "replace-with-a-long-random-secret"
#~   events: [request.created, request.decided, request.expired, request.cancelled]
#~   # Send secrets in the action in clear (default false: masked, as on every outside channel).
#~   include_secrets: false

# Secrets in agents' actions (tokens, passwords, keys) are masked on every outside channel:
# Telegram, email, ntfy, Slack, Discord, webhooks. The dashboard shows the whole action.
# See docs/security.md#secrets-never-leave-in-clear.
secrets:
  # false shows secrets in clear on every channel (not recommended).
  # ${where('secrets.mask')}
  mask: ${v(d.secrets.mask)}
  # May a channel approve a request with a masked secret in one tap? A hidden value that could
  # hide the command's structure (spaces, quotes, $, newlines) never may.
  # ${where('secrets.one_tap_approve')}
  one_tap_approve: ${v(d.secrets.one_tap_approve)}
  # Your own shapes beyond gitleaks' rules and Greenlight's; the secret is the first group.
  patterns: ${v(d.secrets.patterns)}
  #~ - name: acme-deploy-key
  #~   regex: "ACME_DK_([A-Za-z0-9]{32})"
  #~   ignore_case: false

# Insights (docs/insights.md): figures on the dashboard's Insights page and GET /v1/insights,
# suggested rules (approved again and again, never denied; never dangerous, broader than the
# evidence, or touching protected paths), and a digest to one channel.
insights:
  # Fewest human approvals before a rule is suggested.
  suggest_min_approvals: ${v(d.insights.suggest_min_approvals)}
  # How far back suggestions look (1-90 days).
  suggest_days: ${v(d.insights.suggest_days)}
  digest:
    # off, daily or weekly.
    # ${where('insights.digest.schedule')}
    schedule: ${v(d.insights.digest.schedule)}
    # The hour (UTC) it goes out, and the day for weekly.
    hour_utc: ${v(d.insights.digest.hour_utc)}
    weekday: ${v(d.insights.digest.weekday)}
    # telegram, email, ntfy, slack or discord (configured under channels).
    # ${where('insights.digest.channel')}
    channel: ${v(d.insights.digest.channel)}
    # A chat id / an approver's email / an ntfy topic / a Slack or Discord channel id the channel
    # already sends to; null: its default (the first chat, topic or channel; every approver with an
    # email).
    target: ${v(d.insights.digest.target)}

# Groups of approvers, each with an optional on-call rotation (docs/workflows.md).
#   members        approver names
#   on_call        rotation: daily | weekly (weekly hands over on start's weekday); time_zone
#                  (IANA, DST followed); hand_over (local HH:MM); start (local date order[0] starts);
#                  order (default: members); overrides: {approver, from, until} in local time
groups: ${v(d.groups)}
#~ - name: sre
#~   members: [alice]
#~   on_call:
#~     rotation: weekly
#~     time_zone: Europe/Berlin
#~     hand_over: "09:00"
#~     start: "2026-01-05"
#~     order: [alice]
#~     overrides:
#~       - approver: alice
#~         from: "2026-03-01 09:00"
#~         until: "2026-03-02 09:00"

# Workflows: who must approve which requests (docs/workflows.md). The first whose match covers a
# request applies.
#   match      projects, priority, dangerous (true/false), rules (the policy rule that asked),
#              tags, agents: every criterion given must hold
#   quorum     approvals: distinct approvers needed; deny: first (any deny ends it) | majority
#   approvers  who may vote: names, group:<g>, oncall:<g> (default: everyone the ladder names);
#              the agent's own name and its owner never count
#   ladder     steps: who (names, group:<g>, oncall:<g>), channels (default: all), targets
#              (channel:chat, e.g. telegram:-1001234567890), wait (30s, 5m, 2h; only the last
#              step may leave it out)
#   final      what ends a ladder nobody finished: deny (default) or expire; never approve
workflows: ${v(d.workflows)}
#~ - name: prod-deploy
#~   match: { projects: [web], priority: [high, critical], dangerous: null, rules: [], tags: [], agents: [] }
#~   quorum: { approvals: 1, deny: first }
#~   approvers: [group:sre]
#~   ladder:
#~     - who: [oncall:sre]
#~       channels: [web]
#~       targets: []
#~       wait: 5m
#~     - who: [group:sre]
#~       wait: 15m
#~   final: deny

# Contexts: directories Greenlight itself runs Claude Code in (through the Agent SDK), driven from
# Telegram (/context NAME, then every message is a prompt; /new, /stop, /resume, /status) and the
# dashboard's Agents view. Every tool call of these sessions goes through the policy and approvals
# like a hooked agent's, filed as the agent context:<name>. See docs/sessions.md.
#   name, directory            the context's name and its working directory (absolute)
#   additional_directories     more directories Claude Code may work in
#   project                    the project its requests belong to (else found from the directory)
#   model                      the model (null: Claude Code's default)
#   allow, ask, deny           policy rules for its tool calls, before the project's and global ones
#   sandbox                    true: Bash runs in Claude Code's sandbox (bubblewrap on Linux), which
#                              bounds what it touches; what is not dangerous is then allowed
#   sandbox_allowed_domains    domains sandboxed commands may reach (empty: none)
#   approvers                  who may prompt, stop and resume it (empty: every approver)
#   chats                      chats it may be driven from, and where its cards go first
contexts: ${v(d.contexts)}
#~ - name: web
#~   directory: /home/me/src/web
#~   additional_directories: []
#~   project: null
#~   model: null
#~   allow: ["Bash(npm run test *)"]
#~   ask: []
#~   deny: ["Bash(git push *)"]
#~   sandbox: true
#~   sandbox_allowed_domains: []
#~   approvers: [alice]
#~   chats:
#~     - channel: telegram
#~       target: "-1001234567890"

# Limits for context sessions.
sessions:
  # Sessions working on a turn at once (on each instance).
  # ${where('sessions.max_concurrent')}
  max_concurrent: ${v(d.sessions.max_concurrent)}
  # A turn running longer is interrupted.
  # ${where('sessions.max_turn_sec')}
  max_turn_sec: ${v(d.sessions.max_turn_sec)}
  # A session that has cost this much (USD, Claude Code's estimate) takes no more prompts.
  # ${where('sessions.max_cost_usd')}
  max_cost_usd: ${v(d.sessions.max_cost_usd)}
  # Transcript events kept per session, and the characters kept of one event.
  max_transcript_events: ${v(d.sessions.max_transcript_events)}
  max_event_chars: ${v(d.sessions.max_event_chars)}
  # Ended sessions idle this many days are deleted with their transcript (0: keep).
  keep_days: ${v(d.sessions.keep_days)}
  # Claude Code's executable (null: the one @anthropic-ai/claude-agent-sdk ships).
  # ${where('sessions.claude_path')}
  claude_path: ${v(d.sessions.claude_path)}
  # Environment for Claude Code on top of the server's own (ANTHROPIC_API_KEY, ...);
  # GREENLIGHT_* never passes.
  env: ${v(d.sessions.env)}

# Channels that announce requests to approvers and take their decisions: one section per
# channel (telegram, email, slack, discord, web, ...), each with the keys that channel documents.
# A channel without a section is off. \`greenlight init --channels ntfy\` asks for a channel's settings.
# The Discord bot's token (channels.discord.bot_token) is a secret: set it in the environment.
# ${where('channels.discord.bot_token')}
# The Slack app's tokens (channels.slack.bot_token, app_token, signing_secret) are secrets: set
# them in the environment. ${where('channels.slack.bot_token')}
# ${where('channels.slack.app_token')} ${where('channels.slack.signing_secret')}
${Object.keys(channels.sections).length ? `channels:\n${yamlLines(channels.sections, '  ').trimEnd()}` : 'channels: {}'}

receipts:
  # The Ed25519 private key (PEM) that signs decision receipts. null: <data_dir>/receipt-key.pem,
  # generated (mode 0600) on first start. Several instances on PostgreSQL must all have the same
  # key: set it on each, e.g. GREENLIGHT_RECEIPTS_SIGNING_KEY_FILE=/run/secrets/receipt-key.pem.
  # ${where('receipts.signing_key')}
  signing_key: ${v(d.receipts.signing_key)}

delivery:
  # Secret that signs per-request callbacks (header X-Greenlight-Signature), at least 16
  # characters. null: Greenlight generates one. A secret: prefer GREENLIGHT_CALLBACK_SECRET_FILE.
  # ${where('delivery.callback_secret')}
  callback_secret: ${v(d.delivery.callback_secret)}
  # Let webhooks and callbacks reach loopback addresses (127.0.0.1, ::1); off guards against SSRF.
  # ${where('delivery.allow_loopback')}
  allow_loopback: ${v(d.delivery.allow_loopback)}
  # Let webhooks and callbacks reach private networks (10/8, 172.16/12, 192.168/16, ...).
  # ${where('delivery.allow_private_networks')}
  allow_private_networks: ${v(d.delivery.allow_private_networks)}
  # Hosts always allowed, exact or *.suffix, even on a private network.
  # ${where('delivery.allow_hosts')}
  allow_hosts: ${v(d.delivery.allow_hosts)}
  #~ - hooks.internal.example.com
  # Attempts before a delivery is given up (marked dead).
  # ${where('delivery.max_attempts')}
  max_attempts: ${v(d.delivery.max_attempts)}
  # Wait before the second attempt, in milliseconds; it doubles (with jitter) after each failure.
  # ${where('delivery.backoff_base_ms')}
  backoff_base_ms: ${v(d.delivery.backoff_base_ms)}
  # The longest wait between attempts, in milliseconds.
  # ${where('delivery.backoff_max_ms')}
  backoff_max_ms: ${v(d.delivery.backoff_max_ms)}
  # How long one delivery attempt may take, in milliseconds.
  # ${where('delivery.timeout_ms')}
  timeout_ms: ${v(d.delivery.timeout_ms)}
  # How long a claimed outbox item stays leased to the instance sending it, in seconds. null: long
  # enough for a whole batch to time out (at least 60). If an instance dies mid-send, another sends
  # its items when the lease ends; receivers drop the repeat by X-Greenlight-Delivery.
  # ${where('delivery.lease_sec')}
  lease_sec: ${v(d.delivery.lease_sec)}
`;
}

const USAGE = `Usage: ${cli('init')} [--config FILE] [--force] [--channels LIST | --no-channels]

Writes a fully commented config with fresh keys for one admin, one approver and one agent. In a
terminal it asks which channels to set up, and their settings; --channels ntfy asks for the
named ones (answers may be piped in, one per line), --no-channels asks nothing.

Options:
  --config, -c FILE  where to write it (default: $GREENLIGHT_CONFIG, else ./greenlight.yaml)
  --force            overwrite an existing file (its keys stop working)
  --channels LIST    set up these channels (comma-separated: ${SETUPS.map((s) => s.channel).join(', ')})
  --no-channels      ask nothing about channels
  --help, -h         show this help
`;

function refuseExisting(path: string, given: string): number {
  process.stderr.write(
    `greenlight init: ${path} already exists; nothing was written.\n` +
      `Keep it and run "${cli('serve --config')} ${given}", write elsewhere with --config FILE, ` +
      `or pass --force to replace it (the keys in it stop working).\n`,
  );
  return 1;
}

export const initCommand: Command = {
  summary: 'write a commented greenlight.yaml with fresh keys',
  async run(args) {
    let values;
    try {
      ({ values } = parseArgs({ args, options: { config: { type: 'string', short: 'c' }, force: { type: 'boolean' }, channels: { type: 'string' }, 'no-channels': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
    } catch (err) {
      process.stderr.write(`greenlight init: ${(err as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    const given = values.config ?? process.env.GREENLIGHT_CONFIG ?? 'greenlight.yaml';
    const path = resolve(given);
    if (!values.force && existsSync(path)) return refuseExisting(path, given);
    let chosen: ChannelSetup[] | null = [];
    if (values.channels !== undefined) {
      const parsed = parseChannelList(values.channels);
      if ('error' in parsed) {
        process.stderr.write(`greenlight init: ${parsed.error}\n`);
        return 2;
      }
      chosen = parsed.channels;
    } else if (!values['no-channels'] && process.stdin.isTTY) chosen = null;
    let channels: Awaited<ReturnType<typeof askChannels>> = { sections: {}, approver: {}, next: [] };
    if (chosen === null || chosen.length) {
      try {
        channels = await askChannels(chosen, INIT_NAMES.approver, { input: process.stdin, output: process.stdout });
      } catch (err) {
        process.stderr.write(`greenlight init: ${(err as Error).message}. Nothing was written.\n`);
        return 1;
      }
    }
    const keys = freshKeys();
    try {
      writeFileSync(path, renderConfigTemplate(keys, { channels }), { mode: 0o600, flag: values.force ? 'w' : 'wx' });
      chmodSync(path, 0o600); // an overwritten file keeps its old mode otherwise
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return refuseExisting(path, given);
      else {
        process.stderr.write(`greenlight init: cannot write ${path}: ${(err as Error).message}. Check the directory exists and is writable, or pick another path with --config FILE.\n`);
      }
      return 1;
    }
    process.stdout.write(
      `Wrote ${path} (mode 0600).\n\n` +
        `Keys (the file holds them too: keep it private and out of version control):\n` +
        `  admin    ${INIT_NAMES.admin.padEnd(9)} ${keys.admin}\n` +
        `  approver ${INIT_NAMES.approver.padEnd(9)} ${keys.approver}\n` +
        `  agent    ${INIT_NAMES.agent.padEnd(9)} ${keys.agent}\n\n` +
        `Send a key as "Authorization: Bearer <key>". Next:\n\n    ${cli('serve --config')} ${given}\n` +
        channels.next.map((n) => `\n${n}\n`).join(''),
    );
    return 0;
  },
};
