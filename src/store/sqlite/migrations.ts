// Numbered schema migrations for the SQLite store, applied in order and recorded in
// `schema_migrations`. Kept as TypeScript strings so the build ships them (tsc copies no .sql).
// Never edit a migration that has shipped: append a new one.

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const INIT = /* sql */ `
-- Requests: a column per field. Nested values (input, question, decision, ...) are JSON text.
CREATE TABLE requests (
  pk                INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: the search index relies on it
  id                TEXT    NOT NULL UNIQUE,
  status            TEXT    NOT NULL,
  title             TEXT    NOT NULL,
  action_type       TEXT    NOT NULL,
  preview           TEXT    NOT NULL,
  tool              TEXT,
  input             TEXT    NOT NULL,
  agent             TEXT    NOT NULL,
  requester         TEXT,
  session_id        TEXT,
  project           TEXT,
  cwd               TEXT,
  priority          TEXT    NOT NULL,
  priority_rank     INTEGER NOT NULL,     -- critical=3 high=2 normal=1 low=0
  tags              TEXT    NOT NULL,
  context           TEXT,
  question          TEXT,
  conditions_schema TEXT,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  expires_at        INTEGER NOT NULL,
  on_timeout        TEXT    NOT NULL,
  callback_url      TEXT,
  idempotency_key   TEXT,
  channel           TEXT,
  target            TEXT,
  origin            TEXT    NOT NULL,
  policy            TEXT,
  decision          TEXT,
  metadata          TEXT,
  search_text       TEXT    NOT NULL      -- lower-cased title, preview, context, requester
);
CREATE INDEX requests_newest        ON requests (created_at, id);
CREATE INDEX requests_queue         ON requests (status, priority_rank DESC, created_at, id);
CREATE INDEX requests_status_newest ON requests (status, created_at, id);
CREATE INDEX requests_expiry        ON requests (status, expires_at);
CREATE INDEX requests_agent         ON requests (agent, created_at, id);
CREATE INDEX requests_project       ON requests (project, created_at, id);
CREATE UNIQUE INDEX requests_idempotency ON requests (agent, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- Tags carry the request's created_at, so "tag = x, newest first" walks one index range and stops
-- at the page size instead of sorting every request with that tag.
CREATE TABLE request_tags (
  tag        TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  request_id TEXT    NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
  PRIMARY KEY (tag, created_at, request_id)
) WITHOUT ROWID;
CREATE INDEX request_tags_request ON request_tags (request_id, tag);

-- Substring search: a trigram index over requests.search_text (external content: the text is not
-- stored twice). It is filled lazily, in batches, by the first text search after new requests
-- arrive (sqlite-search-index.ts): indexing one row per commit costs ~200 µs, in batches ~8 µs.
-- search_index.indexed_upto is the last requests.pk in the index; rows above it are scanned.
CREATE VIRTUAL TABLE request_search USING fts5 (
  search_text, content = 'requests', content_rowid = 'pk', tokenize = 'trigram case_sensitive 1'
);
CREATE TABLE search_index (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  indexed_upto INTEGER NOT NULL
);
INSERT INTO search_index (id, indexed_upto) VALUES (1, 0);
CREATE TRIGGER requests_search_delete AFTER DELETE ON requests
WHEN old.pk <= (SELECT indexed_upto FROM search_index) BEGIN
  INSERT INTO request_search (request_search, rowid, search_text) VALUES ('delete', old.pk, old.search_text);
END;
CREATE TRIGGER requests_search_update AFTER UPDATE OF search_text ON requests
WHEN old.pk <= (SELECT indexed_upto FROM search_index) BEGIN
  INSERT INTO request_search (request_search, rowid, search_text) VALUES ('delete', old.pk, old.search_text);
  INSERT INTO request_search (rowid, search_text) VALUES (new.pk, new.search_text);
END;

-- Audit log: append-only and hash-chained. The triggers stop the application (and anyone using
-- the SQL shell casually) from rewriting history; someone editing the file by hand can drop them,
-- and that is what the hash chain and the recorded head (meta 'audit_head') detect.
CREATE TABLE audit (
  seq        INTEGER PRIMARY KEY,
  at         INTEGER NOT NULL,
  actor_kind TEXT    NOT NULL,
  actor_name TEXT    NOT NULL,
  action     TEXT    NOT NULL,
  request_id TEXT,
  via        TEXT,
  detail     TEXT,
  prev_hash  TEXT    NOT NULL,
  hash       TEXT    NOT NULL
);
CREATE INDEX audit_request ON audit (request_id, seq);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN
  SELECT RAISE(ABORT, 'audit rows are append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN
  SELECT RAISE(ABORT, 'audit rows are append-only');
END;

CREATE TABLE outbox (
  id              TEXT    PRIMARY KEY,
  kind            TEXT    NOT NULL,
  target          TEXT    NOT NULL,
  request_id      TEXT,
  payload         TEXT    NOT NULL,
  created_at      INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT,
  state           TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
  locked_until    INTEGER,
  delivered_at    INTEGER
);
CREATE INDEX outbox_due     ON outbox (state, next_attempt_at);
CREATE INDEX outbox_request ON outbox (request_id);

CREATE TABLE keys (
  id         TEXT    PRIMARY KEY,
  role       TEXT    NOT NULL,
  name       TEXT    NOT NULL,
  hash       TEXT    NOT NULL UNIQUE,
  projects   TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);

CREATE TABLE channel_messages (
  request_id TEXT    NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
  channel    TEXT    NOT NULL,
  target     TEXT    NOT NULL,
  message_id TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (request_id, channel, target, message_id)
) WITHOUT ROWID;

CREATE TABLE grants (
  id                TEXT    PRIMARY KEY,
  rule              TEXT    NOT NULL,
  effect            TEXT    NOT NULL CHECK (effect IN ('allow', 'deny', 'ask')),
  scope             TEXT    NOT NULL CHECK (scope IN ('session', 'always')),
  agent             TEXT,
  project           TEXT,
  session_id        TEXT,
  created_by        TEXT    NOT NULL,
  created_at        INTEGER NOT NULL,
  expires_at        INTEGER,
  max_uses          INTEGER,
  uses              INTEGER NOT NULL DEFAULT 0,
  revoked_at        INTEGER,
  source_request_id TEXT
);
CREATE INDEX grants_agent_session ON grants (agent, session_id);

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

// Meta entries may expire (sessions, single-use link nonces, rate-limit windows).
const META_EXPIRY = /* sql */ `
ALTER TABLE meta ADD COLUMN expires_at INTEGER;
CREATE INDEX meta_expiry ON meta (expires_at) WHERE expires_at IS NOT NULL;
`;

const AGENT_SESSIONS = /* sql */ `
-- Agent sessions (src/sessions/): the ones Greenlight runs in a context, and the ones hooked
-- agents report. Their transcripts are bounded per session (the store prunes on append).
CREATE TABLE agent_sessions (
  id             TEXT    PRIMARY KEY,
  kind           TEXT    NOT NULL CHECK (kind IN ('run', 'hook')),
  agent          TEXT    NOT NULL,
  context        TEXT,
  host           TEXT,
  external_id    TEXT,
  cwd            TEXT,
  project        TEXT,
  status         TEXT    NOT NULL,
  current_tool   TEXT,
  chat_channel   TEXT,
  chat_target    TEXT,
  started_by     TEXT,
  cost_usd       REAL,
  input_tokens   INTEGER,
  output_tokens  INTEGER,
  turns          INTEGER NOT NULL DEFAULT 0,
  last_outcome   TEXT,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  ended_at       INTEGER
);
CREATE INDEX agent_sessions_recent ON agent_sessions (updated_at DESC, id DESC);
CREATE INDEX agent_sessions_external ON agent_sessions (agent, external_id);

CREATE TABLE session_events (
  session_id TEXT    NOT NULL REFERENCES agent_sessions (id) ON DELETE CASCADE,
  seq        INTEGER NOT NULL,
  at         INTEGER NOT NULL,
  kind       TEXT    NOT NULL,
  text       TEXT    NOT NULL,
  data       TEXT,
  PRIMARY KEY (session_id, seq)
) WITHOUT ROWID;
`;

// Hook calls used to keep a generation counter per distinct call in meta (one row each, forever).
// A call waiting for a human now holds its request's idempotency key instead; the rows go.
const DROP_HOOK_GENERATIONS = /* sql */ `
DELETE FROM meta WHERE key LIKE 'hook-gen:%';
`;

// Team workflows (src/core/workflow.ts): the quorum and ladder as JSON, the revision votes
// compare-and-set on, and when the ladder moves next (the expiry sweeper's second index); and
// the directory a grant is limited to (the limits an approver puts on a grant).
const WORKFLOWS = /* sql */ `
ALTER TABLE requests ADD COLUMN workflow TEXT;
ALTER TABLE requests ADD COLUMN workflow_rev INTEGER NOT NULL DEFAULT 0;
ALTER TABLE requests ADD COLUMN wake_at INTEGER;
CREATE INDEX requests_wake ON requests (status, wake_at) WHERE wake_at IS NOT NULL;
-- Grants an approver limited to a directory ("only under ./src"; src/core/grants.ts).
ALTER TABLE grants ADD COLUMN path_prefix TEXT;
`;

// Signed decision receipts (src/receipts/): one per settled request, written with its settlement.
const RECEIPTS = /* sql */ `
ALTER TABLE requests ADD COLUMN receipt TEXT;
`;

// Step-up (issue 14): each approver's TOTP enrolment and passkeys. The TOTP secret is sealed
// (AES-256-GCM) before it reaches the store; last_step refuses a replayed code; failures count wrong
// codes per window. A passkey is its credential id, public key (COSE, base64url) and signature counter.
// Version 7: 5 and 6 belong to other branches of the same release.
const STEP_UP = /* sql */ `
CREATE TABLE totp_factors (
  approver       TEXT    PRIMARY KEY,
  secret         TEXT    NOT NULL,
  confirmed_at   INTEGER,
  last_step      INTEGER,
  failures       INTEGER NOT NULL DEFAULT 0,
  failures_since INTEGER,
  created_at     INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE passkeys (
  id           TEXT    PRIMARY KEY,
  approver     TEXT    NOT NULL,
  public_key   TEXT    NOT NULL,
  counter      INTEGER NOT NULL,
  transports   TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER
) WITHOUT ROWID;
CREATE INDEX passkeys_approver ON passkeys (approver);
`;

// "Only this host" (issue 14): the machine a request says the agent runs on, and the machine a grant
// is limited to (src/core/grants.ts onGrantHost). Version 8: after step-up, in the same release.
const HOSTS = /* sql */ `
ALTER TABLE requests ADD COLUMN host TEXT;
ALTER TABLE grants ADD COLUMN host TEXT;
`;

export const MIGRATIONS: Migration[] = [
  { version: 1, name: 'init', sql: INIT },
  { version: 2, name: 'meta_expiry', sql: META_EXPIRY },
  { version: 3, name: 'agent_sessions', sql: AGENT_SESSIONS },
  { version: 4, name: 'drop_hook_generations', sql: DROP_HOOK_GENERATIONS },
  { version: 5, name: 'workflows', sql: WORKFLOWS },
  { version: 6, name: 'receipts', sql: RECEIPTS },
  { version: 7, name: 'step_up', sql: STEP_UP },
  { version: 8, name: 'hosts', sql: HOSTS },
];
