// Scalar settings that can also come from the environment and from flags: one table, so a flag,
// an env var and a YAML key always name the same thing.

export interface Setting {
  /** Dotted YAML path. */
  path: string;
  /** Environment variable (also read as <env>_FILE for secrets). */
  env: string;
  /** CLI flag without the leading dashes. */
  flag: string;
  type: 'string' | 'int' | 'number' | 'bool' | 'list';
  help: string;
}

export const SETTINGS: readonly Setting[] = [
  { path: 'server.host', env: 'GREENLIGHT_HOST', flag: 'host', type: 'string', help: 'address to listen on' },
  { path: 'server.port', env: 'GREENLIGHT_PORT', flag: 'port', type: 'int', help: 'port to listen on (0: any free port)' },
  { path: 'server.public_url', env: 'GREENLIGHT_PUBLIC_URL', flag: 'public-url', type: 'string', help: 'URL humans and links use to reach the server' },
  { path: 'server.body_limit_bytes', env: 'GREENLIGHT_BODY_LIMIT_BYTES', flag: 'body-limit-bytes', type: 'int', help: 'largest request body accepted' },
  { path: 'server.shutdown_grace_sec', env: 'GREENLIGHT_SHUTDOWN_GRACE_SEC', flag: 'shutdown-grace-sec', type: 'int', help: 'seconds a shutdown may take before Greenlight exits anyway' },
  { path: 'data_dir', env: 'GREENLIGHT_DATA_DIR', flag: 'data-dir', type: 'string', help: 'where the SQLite database lives' },
  { path: 'store.sqlite_path', env: 'GREENLIGHT_SQLITE_PATH', flag: 'sqlite-path', type: 'string', help: 'SQLite file (default <data-dir>/greenlight.db)' },
  { path: 'store.kind', env: 'GREENLIGHT_STORE', flag: 'store', type: 'string', help: 'sqlite | postgres (default: postgres when a database URL is set)' },
  { path: 'store.url', env: 'GREENLIGHT_DATABASE_URL', flag: 'database-url', type: 'string', help: 'PostgreSQL URL, postgres://user:password@host:port/db' },
  { path: 'log.level', env: 'GREENLIGHT_LOG_LEVEL', flag: 'log-level', type: 'string', help: 'debug | info | warn | error | silent' },
  { path: 'log.format', env: 'GREENLIGHT_LOG_FORMAT', flag: 'log-format', type: 'string', help: 'text | json' },
  { path: 'rate_limit.per_minute', env: 'GREENLIGHT_RATE_LIMIT_PER_MINUTE', flag: 'rate-limit-per-minute', type: 'int', help: 'requests per minute per key (0: off)' },
  { path: 'requests.default_expires_in_sec', env: 'GREENLIGHT_DEFAULT_EXPIRES_IN_SEC', flag: 'default-expires-in-sec', type: 'int', help: 'expiry of a request that names none' },
  { path: 'delivery.callback_secret', env: 'GREENLIGHT_CALLBACK_SECRET', flag: 'callback-secret', type: 'string', help: 'HMAC secret for per-request callbacks' },
  { path: 'receipts.signing_key', env: 'GREENLIGHT_RECEIPTS_SIGNING_KEY', flag: 'receipts-signing-key', type: 'string', help: 'Ed25519 private key (PEM) that signs decision receipts; prefer the _FILE form' },
  { path: 'step_up.secret_key', env: 'GREENLIGHT_STEP_UP_SECRET_KEY', flag: 'step-up-secret-key', type: 'string', help: 'key that encrypts stored TOTP secrets (a secret: prefer the _FILE variable)' },
  { path: 'sessions.max_concurrent', env: 'GREENLIGHT_SESSIONS_MAX_CONCURRENT', flag: 'sessions-max-concurrent', type: 'int', help: 'agent sessions running turns at once' },
  { path: 'sessions.max_turn_sec', env: 'GREENLIGHT_SESSIONS_MAX_TURN_SEC', flag: 'sessions-max-turn-sec', type: 'int', help: 'longest one agent turn may run' },
  { path: 'sessions.max_cost_usd', env: 'GREENLIGHT_SESSIONS_MAX_COST_USD', flag: 'sessions-max-cost-usd', type: 'number', help: 'cost (USD) after which a session takes no more prompts' },
  { path: 'sessions.claude_path', env: 'GREENLIGHT_SESSIONS_CLAUDE_PATH', flag: 'sessions-claude-path', type: 'string', help: "Claude Code's executable for agent sessions" },
  { path: 'channels.discord.bot_token', env: 'GREENLIGHT_DISCORD_BOT_TOKEN', flag: 'discord-bot-token', type: 'string', help: 'the Discord bot\'s token (a secret: prefer the _FILE variable)' },
  { path: 'secrets.mask', env: 'GREENLIGHT_SECRETS_MASK', flag: 'secrets-mask', type: 'bool', help: 'mask secrets in actions on every outside channel' },
  { path: 'secrets.one_tap_approve', env: 'GREENLIGHT_SECRETS_ONE_TAP_APPROVE', flag: 'secrets-one-tap-approve', type: 'bool', help: 'allow one-tap approve on a channel when a secret is masked' },
  { path: 'insights.digest.schedule', env: 'GREENLIGHT_DIGEST_SCHEDULE', flag: 'digest-schedule', type: 'string', help: 'off | daily | weekly: the insights digest' },
  { path: 'insights.digest.channel', env: 'GREENLIGHT_DIGEST_CHANNEL', flag: 'digest-channel', type: 'string', help: 'the channel the digest goes to (telegram, email, ntfy, slack, discord)' },
  { path: 'delivery.allow_loopback', env: 'GREENLIGHT_DELIVERY_ALLOW_LOOPBACK', flag: 'delivery-allow-loopback', type: 'bool', help: 'let webhooks and callbacks reach loopback addresses' },
  { path: 'channels.slack.bot_token', env: 'GREENLIGHT_SLACK_BOT_TOKEN', flag: 'slack-bot-token', type: 'string', help: 'the Slack app\'s bot token (xoxb-…); prefer the _FILE form' },
  { path: 'channels.slack.signing_secret', env: 'GREENLIGHT_SLACK_SIGNING_SECRET', flag: 'slack-signing-secret', type: 'string', help: 'the Slack app\'s signing secret (http mode); prefer the _FILE form' },
  { path: 'channels.slack.app_token', env: 'GREENLIGHT_SLACK_APP_TOKEN', flag: 'slack-app-token', type: 'string', help: 'the Slack app-level token (xapp-…, Socket Mode); prefer the _FILE form' },
];
