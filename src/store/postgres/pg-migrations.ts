// Numbered schema migrations for the Postgres store, applied in order and recorded in
// `schema_migrations`, under a session advisory lock: instances that start together queue on the
// lock, and only the first finds anything left to do. Never edit a migration that has shipped:
// append a new one. Kept as TypeScript strings so the build ships them (tsc copies no .sql).
//
// The columns mirror the SQLite store's: one per field, nested values as JSON text, times as
// epoch-ms BIGINT. Text that agents write may hold NUL, which Postgres TEXT cannot: pg-rows.ts
// wraps such strings reversibly, and the searched text is BYTEA (UTF-8) so substring search stays
// exact, byte for byte.

import type pg from 'pg';
import { statusOf, type MigrationStatus } from '../migration-status.js';
import { ADVISORY_NAMESPACE, LOCK } from './pg-locks.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const INIT = /* sql */ `
CREATE TABLE requests (
  id                TEXT COLLATE "C" PRIMARY KEY,
  status            TEXT    NOT NULL,
  title             TEXT    NOT NULL,
  action_type       TEXT    NOT NULL,
  preview           TEXT    NOT NULL,
  tool              TEXT,
  input             TEXT    NOT NULL,
  agent             TEXT COLLATE "C" NOT NULL,
  requester         TEXT,
  session_id        TEXT,
  project           TEXT COLLATE "C",
  cwd               TEXT,
  priority          TEXT    NOT NULL,
  priority_rank     SMALLINT NOT NULL,   -- critical=3 high=2 normal=1 low=0
  tags              TEXT    NOT NULL,
  context           TEXT,
  question          TEXT,
  conditions_schema TEXT,
  created_at        BIGINT  NOT NULL,
  updated_at        BIGINT  NOT NULL,
  expires_at        BIGINT  NOT NULL,
  on_timeout        TEXT    NOT NULL,
  callback_url      TEXT,
  idempotency_key   TEXT COLLATE "C",
  channel           TEXT,
  target            TEXT,
  origin            TEXT    NOT NULL,
  policy            TEXT,
  decision          TEXT,
  metadata          TEXT,
  search_text       BYTEA   NOT NULL     -- UTF-8 of the lower-cased title, preview, context, requester
);
CREATE INDEX requests_newest        ON requests (created_at, id);
CREATE INDEX requests_queue         ON requests (status, priority_rank DESC, created_at, id);
CREATE INDEX requests_status_newest ON requests (status, created_at, id);
CREATE INDEX requests_expiry        ON requests (expires_at) WHERE status = 'pending';
CREATE INDEX requests_agent         ON requests (agent, created_at, id);
CREATE INDEX requests_project       ON requests (project, created_at, id);
CREATE UNIQUE INDEX requests_idempotency ON requests (agent, idempotency_key) WHERE idempotency_key IS NOT NULL;

CREATE TABLE request_tags (
  tag        TEXT COLLATE "C" NOT NULL,
  created_at BIGINT NOT NULL,
  request_id TEXT COLLATE "C" NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
  PRIMARY KEY (tag, created_at, request_id)
);
CREATE INDEX request_tags_request ON request_tags (request_id, tag);

-- Append-only and hash-chained, as in SQLite: the triggers stop casual rewrites; the chain and the
-- recorded head (meta 'audit_head') detect the rest.
CREATE TABLE audit (
  seq        BIGINT PRIMARY KEY,
  at         BIGINT NOT NULL,
  actor_kind TEXT   NOT NULL,
  actor_name TEXT   NOT NULL,
  action     TEXT   NOT NULL,
  request_id TEXT COLLATE "C",
  via        TEXT,
  detail     TEXT,
  prev_hash  TEXT   NOT NULL,
  hash       TEXT   NOT NULL
);
CREATE INDEX audit_request ON audit (request_id, seq);
CREATE FUNCTION greenlight_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit rows are append-only';
END;
$$;
CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION greenlight_audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit FOR EACH STATEMENT EXECUTE FUNCTION greenlight_audit_append_only();

CREATE TABLE outbox (
  id              TEXT COLLATE "C" PRIMARY KEY,
  kind            TEXT   NOT NULL,
  target          TEXT   NOT NULL,
  request_id      TEXT COLLATE "C",
  payload         TEXT   NOT NULL,
  created_at      BIGINT NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT,
  state           TEXT   NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
  locked_until    BIGINT,
  delivered_at    BIGINT
);
CREATE INDEX outbox_due     ON outbox (next_attempt_at, created_at, id) WHERE state = 'pending';
CREATE INDEX outbox_request ON outbox (request_id, created_at, id);
CREATE INDEX outbox_created ON outbox (created_at, id);

CREATE TABLE keys (
  id         TEXT COLLATE "C" PRIMARY KEY,
  role       TEXT   NOT NULL,
  name       TEXT   NOT NULL,
  hash       TEXT   NOT NULL UNIQUE,
  projects   TEXT   NOT NULL,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);

CREATE TABLE channel_messages (
  request_id TEXT COLLATE "C" NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
  channel    TEXT COLLATE "C" NOT NULL,
  target     TEXT COLLATE "C" NOT NULL,
  message_id TEXT COLLATE "C" NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (request_id, channel, target, message_id)
);

CREATE TABLE grants (
  id                TEXT COLLATE "C" PRIMARY KEY,
  rule              TEXT   NOT NULL,
  effect            TEXT   NOT NULL CHECK (effect IN ('allow', 'deny', 'ask')),
  scope             TEXT   NOT NULL CHECK (scope IN ('session', 'always')),
  agent             TEXT COLLATE "C",
  project           TEXT COLLATE "C",
  session_id        TEXT COLLATE "C",
  created_by        TEXT   NOT NULL,
  created_at        BIGINT NOT NULL,
  expires_at        BIGINT,
  max_uses          INTEGER,
  uses              INTEGER NOT NULL DEFAULT 0,
  revoked_at        BIGINT,
  source_request_id TEXT COLLATE "C"
);
CREATE INDEX grants_agent_session ON grants (agent, session_id);

CREATE TABLE meta (
  key        TEXT COLLATE "C" PRIMARY KEY,
  value      TEXT   NOT NULL,
  expires_at BIGINT
);
CREATE INDEX meta_expiry ON meta (expires_at) WHERE expires_at IS NOT NULL;

-- Token buckets for rate limits shared by every instance (pg-limits.ts).
CREATE TABLE rate_buckets (
  key    TEXT COLLATE "C" PRIMARY KEY,
  tokens DOUBLE PRECISION NOT NULL,
  at     BIGINT NOT NULL,
  ok     BOOLEAN NOT NULL     -- whether the last take got a token
);
`;

// Agent sessions (src/sessions/) and their bounded transcripts, as in SQLite's migration 3.
const AGENT_SESSIONS = /* sql */ `
CREATE TABLE agent_sessions (
  id            TEXT COLLATE "C" PRIMARY KEY,
  kind          TEXT    NOT NULL CHECK (kind IN ('run', 'hook')),
  agent         TEXT COLLATE "C" NOT NULL,
  context       TEXT,
  host          TEXT,
  external_id   TEXT COLLATE "C",
  cwd           TEXT,
  project       TEXT,
  status        TEXT    NOT NULL,
  current_tool  TEXT,
  chat_channel  TEXT,
  chat_target   TEXT,
  started_by    TEXT,
  cost_usd      DOUBLE PRECISION,
  input_tokens  BIGINT,
  output_tokens BIGINT,
  turns         INTEGER NOT NULL DEFAULT 0,
  last_outcome  TEXT,
  created_at    BIGINT  NOT NULL,
  updated_at    BIGINT  NOT NULL,
  ended_at      BIGINT
);
CREATE INDEX agent_sessions_recent   ON agent_sessions (updated_at DESC, id DESC);
CREATE INDEX agent_sessions_external ON agent_sessions (agent, external_id);

CREATE TABLE session_events (
  session_id TEXT COLLATE "C" NOT NULL REFERENCES agent_sessions (id) ON DELETE CASCADE,
  seq        BIGINT  NOT NULL,
  at         BIGINT  NOT NULL,
  kind       TEXT    NOT NULL,
  text       TEXT    NOT NULL,
  data       TEXT,
  PRIMARY KEY (session_id, seq)
);
`;

// Hook calls used to keep a generation counter per distinct call in meta (one row each, forever).
// A call waiting for a human now holds its request's idempotency key instead; the rows go.
const DROP_HOOK_GENERATIONS = /* sql */ `
DELETE FROM meta WHERE key LIKE 'hook-gen:%';
`;

// Team workflows (src/core/workflow.ts): the quorum and ladder as JSON text, the revision votes
// compare-and-set on, and when the ladder moves next (the expiry sweeper's second index); and
// the directory a grant is limited to (the limits an approver puts on a grant).
const WORKFLOWS = /* sql */ `
ALTER TABLE requests ADD COLUMN workflow TEXT;
ALTER TABLE requests ADD COLUMN workflow_rev INTEGER NOT NULL DEFAULT 0;
ALTER TABLE requests ADD COLUMN wake_at BIGINT;
CREATE INDEX requests_wake ON requests (wake_at) WHERE status = 'pending' AND wake_at IS NOT NULL;
-- Grants an approver limited to a directory ("only under ./src"; src/core/grants.ts).
ALTER TABLE grants ADD COLUMN path_prefix TEXT;
`;

// Signed decision receipts (src/receipts/): one per settled request, written with its settlement.
const RECEIPTS = /* sql */ `
ALTER TABLE requests ADD COLUMN receipt TEXT;
`;

// Step-up (issue 14): each approver's TOTP enrolment and passkeys, as in SQLite's migration 7.
const STEP_UP = /* sql */ `
CREATE TABLE totp_factors (
  approver       TEXT    PRIMARY KEY,
  secret         TEXT    NOT NULL,
  confirmed_at   BIGINT,
  last_step      BIGINT,
  failures       INTEGER NOT NULL DEFAULT 0,
  failures_since BIGINT,
  created_at     BIGINT  NOT NULL
);

CREATE TABLE passkeys (
  id           TEXT    PRIMARY KEY,
  approver     TEXT    NOT NULL,
  public_key   TEXT    NOT NULL,
  counter      BIGINT  NOT NULL,
  transports   TEXT    NOT NULL,
  created_at   BIGINT  NOT NULL,
  last_used_at BIGINT
);
CREATE INDEX passkeys_approver ON passkeys (approver);
`;

// "Only this host" (issue 14): the request's machine and a grant's host limit, as in SQLite's migration 8.
const HOSTS = /* sql */ `
ALTER TABLE requests ADD COLUMN host TEXT;
ALTER TABLE grants ADD COLUMN host TEXT;
`;

export const MIGRATIONS: Migration[] = [
  { version: 1, name: 'init', sql: INIT },
  { version: 2, name: 'agent_sessions', sql: AGENT_SESSIONS },
  { version: 3, name: 'drop_hook_generations', sql: DROP_HOOK_GENERATIONS },
  { version: 4, name: 'workflows', sql: WORKFLOWS },
  { version: 5, name: 'receipts', sql: RECEIPTS },
  { version: 6, name: 'step_up', sql: STEP_UP },
  { version: 7, name: 'hosts', sql: HOSTS },
];

export async function migrationStatus(client: pg.ClientBase): Promise<MigrationStatus> {
  const exists = await client.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t");
  const applied = exists.rows[0].t
    ? (await client.query<{ version: number; name: string; applied_at: number }>('SELECT version, name, applied_at FROM schema_migrations ORDER BY version')).rows
    : [];
  return statusOf(applied, MIGRATIONS);
}

/** Applies every migration the database lacks, each in its own transaction, holding the migration lock. */
export async function applyMigrations(client: pg.ClientBase): Promise<number> {
  await client.query('SELECT pg_advisory_lock($1, $2)', [ADVISORY_NAMESPACE, LOCK.migrations]);
  try {
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
    const status = await migrationStatus(client);
    if (status.ahead) {
      const current = status.applied.at(-1)!.version;
      throw new Error(`The database is at schema version ${current}, newer than this Greenlight knows (${MIGRATIONS.at(-1)?.version ?? 0}): upgrade Greenlight, or restore a backup made by this version.`);
    }
    for (const migration of MIGRATIONS.filter((m) => status.pending.some((p) => p.version === m.version))) {
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [migration.version, migration.name, Date.now()]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw new Error(`Migration ${migration.version} (${migration.name}) failed: ${(err as Error).message}`, { cause: err });
      }
    }
    return status.pending.length;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1, $2)', [ADVISORY_NAMESPACE, LOCK.migrations]).catch(() => {});
  }
}
