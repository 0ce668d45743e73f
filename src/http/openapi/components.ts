// Hand-written response schemas of the native v1 API (the wire shapes of src/http/wire.ts), the
// shared parameters and the error responses. Request bodies come from the zod schemas (bodies.ts).
import { ERROR_CODES } from '../../core/errors.js';
import { CONDITION_FIELD_TYPES, OUTCOMES, PRIORITIES, ROLES, SCOPES, STATUSES } from '../../core/types.js';

export type Schema = Record<string, unknown>;

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
export const str = (description: string, extra: Schema = {}): Schema => ({ type: 'string', description, ...extra });
export const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });
export const nullableStr = (description: string, extra: Schema = {}): Schema => ({ type: ['string', 'null'], description, ...extra });
export const isoTime = (description: string): Schema => str(description, { format: 'date-time' });
export const obj = (properties: Record<string, Schema>, description?: string, optional: string[] = []): Schema => ({
  type: 'object',
  ...(description ? { description } : {}),
  properties,
  required: Object.keys(properties).filter((k) => !optional.includes(k)),
});

const QuestionOption = obj(
  {
    key: str('Short stable key the approver picks: "A", "B", ... unless the agent gave its own.'),
    label: str('What the option says.'),
    description: str('Longer explanation.'),
  },
  undefined,
  ['description'],
);

const Question = obj(
  {
    options: { type: 'array', items: ref('QuestionOption'), maxItems: 26 },
    multi_select: { type: 'boolean', description: 'Whether several options may be picked.' },
    allow_free_text: { type: 'boolean', description: 'Whether a free-text answer is accepted.' },
  },
  'A question the agent asked the approver (A/B/C/D choices and/or free text).',
);

const ConditionField = obj(
  {
    name: str('Field name: 1–64 letters, digits, _ . -', { pattern: '^[A-Za-z0-9_.-]{1,64}$' }),
    type: { type: 'string', enum: [...CONDITION_FIELD_TYPES] },
    label: str('Label shown to the approver.', { maxLength: 1000 }),
    description: str('Help text shown to the approver.', { maxLength: 1000 }),
    required: { type: 'boolean' },
    options: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 200 }, minItems: 1, maxItems: 100, description: 'Choices of a select field.' },
  },
  'One field of the form an approver fills in for a conditional approval.',
  ['label', 'description', 'required', 'options'],
);

const PolicyVerdict = obj(
  {
    verdict: { type: 'string', enum: ['allow', 'deny', 'ask'] },
    rule: nullableStr('The policy rule that matched, e.g. `Bash(git status *)`, or the grant that allowed it.'),
    reason: str('Why the policy said so.'),
    dangerous: { type: 'boolean', description: 'True when the dangerous-action guard flagged the action: never auto-approved, and approvable only once (never for a session or always).' },
    step_up: { type: 'boolean', description: 'True when approving needs the approver\'s second factor (config `step_up`): send `step_up` with the approval; approved once only, and no grant covers it.' },
    danger_reasons: { type: 'array', items: { type: 'string' }, description: 'Present when `dangerous`: what the guard found, e.g. `rm of /`. Show it to the approver as a warning.' },
    suggestions: {
      type: 'array',
      items: ref('GrantSuggestion'),
      description: 'Present when the policy asks and the action is not dangerous: the grants an approver may give with the decision (`grant_rule` with scope `session` or `always`). Made by the server, never by the agent. The first is always "exactly this action".',
    },
    trace: { type: 'array', items: ref('PolicyTraceEntry'), maxItems: 40, description: 'The verdict of each subcommand, redirection and path (at most 40 entries): why it asked.' },
  },
  'What the policy said before any human saw the request.',
  ['dangerous', 'danger_reasons', 'suggestions', 'trace', 'step_up'],
);

const GrantSuggestion = obj(
  {
    kind: { type: 'string', enum: ['exact', 'tool', 'prefix', 'edits', 'read-dir', 'domain'], description: '`exact`: this action only; `tool`: every use of the tool; `prefix`: a command prefix (`git status *`); `edits`: edits in a directory; `read-dir`: reads in a directory; `domain`: a WebFetch host.' },
    label: str('Button text, e.g. "Accept all `git status *`".'),
    rule: str('The rule the grant would hold: a policy rule such as `Bash(git status *)`, or `exact:<tool>:<hash>` for exactly this action.'),
  },
  'A grant the policy offers the approver of a request.',
);

const PolicyTraceEntry = obj(
  {
    subject: str('What was judged: `Bash(git status)`, `write > ~/.bashrc`, `Read(/home/a/x)`.'),
    verdict: { type: 'string', enum: ['allow', 'deny', 'ask'] },
    rule: nullableStr('The rule that decided this part, or null (a default or a scope decided).'),
    source: str('Where the rule came from: `config:global`, `config:project:<name>`, `grant:<id>`, `scope:project`, `scope:sandbox`, `scope:implicit`. In dry runs only.'),
    reason: str('Why, in words.'),
  },
  'The policy\'s verdict on one part of an action.',
  ['source'],
);

const conditionValue: Schema = { type: ['string', 'number', 'boolean'] };

const Decision = obj(
  {
    outcome: { type: 'string', enum: [...OUTCOMES] },
    scope: { type: 'string', enum: [...SCOPES], description: '`once`: this request; `session`: similar requests in this session; `always`: a standing grant.' },
    comment: nullableStr('What the approver (or policy, or timeout) said.'),
    conditions: nullable({ type: 'object', additionalProperties: conditionValue, description: 'Values of a conditional approval, checked against conditions_schema.' }),
    answer: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }, { type: 'null' }], description: 'Free-text answer, or the key(s) of the chosen option(s).' },
    updated_input: { description: 'The action as the approver edited it (replaces `input`), or null.' },
    decided_by: str('Approver name, policy rule, or `timeout`.'),
    decided_by_kind: { type: 'string', enum: [...ROLES, 'policy', 'system'] },
    via: str('Channel or entry point that carried the decision: `api`, `web`, `telegram`, `policy`, `timeout`, ...'),
    decided_at: isoTime('When it was decided.'),
  },
  'The one decision of a settled request.',
);

const Workflow = obj(
  {
    route: str('The configured workflow (`workflows[].name`) covering the request.'),
    quorum: obj({ required: { type: 'integer', minimum: 1, description: 'Distinct approvals needed.' }, deny: { type: 'string', enum: ['first', 'majority'] } }, 'How many must approve, and how denials end it.'),
    eligible: { type: 'array', items: { type: 'string' }, description: 'Who may vote: the people the workflow names (never the agent itself or its owner), and delegates of those away.' },
    votes: {
      type: 'array',
      items: obj({ approver: str('Who voted.'), outcome: { type: 'string', enum: ['approved', 'denied'] }, via: str('The channel the vote came on.'), at: isoTime('When.'), comment: nullableStr('What they said.') }, 'One counted vote.'),
      description: 'Counted votes, one per approver, in the order they were counted.',
    },
    ladder: nullable(
      obj(
        {
          steps: {
            type: 'array',
            items: obj(
              {
                who: { type: 'array', items: { type: 'string' }, description: 'Names, `group:<g>`, `oncall:<g>`.' },
                channels: { anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'null' }], description: 'Channels its people are asked on (null: all).' },
                targets: { type: 'array', items: obj({ channel: str('Channel.'), target: str('Chat or topic.') }) },
                wait_ms: { type: ['integer', 'null'], description: 'How long the step lasts (null: until the request expires).' },
              },
              'One configured step.',
            ),
          },
          started: {
            type: 'array',
            items: obj({ step: { type: 'integer', minimum: 0 }, at: isoTime('When it started.'), paged: { type: 'array', items: obj({ name: str('Who was asked.'), why: str('Why them: named, member of a group, on call, delegate of someone away.') }) } }, 'A step that started.'),
          },
          final: { type: 'string', enum: ['deny', 'expire'], description: 'What ends the ladder when nobody finished: both fail closed.' },
        },
        'The escalation ladder: its steps and those started so far.',
      ),
    ),
    next_at: nullableStr('When the ladder moves next (null: it will not).', { format: 'date-time' }),
    progress: { type: 'array', items: { type: 'string' }, description: 'What every channel shows: "1 of 2 approvals — alice approved", "Step 2 of 3: asked …".' },
  },
  'Who must approve: a quorum and an escalation ladder (docs/workflows.md).',
);

const Request = obj(
  {
    id: str('Request id: `req_` + 26 lowercase Crockford base-32 characters, time-ordered.', { pattern: '^req_[0-9a-hjkmnp-tv-z]{26}$', examples: ['req_01j9z8k3m2abcdefghjkmnpqrs'] }),
    status: { type: 'string', enum: [...STATUSES] },
    title: str('One line saying what the agent wants to do.'),
    action_type: str('Kind of action, e.g. `shell`, `file_write`, `deploy`; default `action`.'),
    preview: str('The exact action the approver sees (command, diff, message).'),
    tool: nullableStr('Tool name as the agent host calls it, e.g. `Bash`.'),
    input: { description: 'The tool input as the agent sent it (any JSON), or null.' },
    agent: str('Name of the agent key that filed the request.'),
    requester: nullableStr('Free-form display name the caller gave; never used for authorization.'),
    session_id: nullableStr('Agent session the request belongs to (session grants match on it).'),
    project: nullableStr('Project the request was routed under.'),
    cwd: nullableStr('Working directory of the agent.'),
    host: nullableStr('The machine the agent runs on (its hostname), as the agent said; null when it did not say. A grant limited to a host ("only on this host") applies only to requests naming that host.'),
    priority: { type: 'string', enum: [...PRIORITIES] },
    tags: { type: 'array', items: { type: 'string' } },
    context: nullableStr('Why the agent wants to do it.'),
    question: nullable(ref('Question')),
    conditions_schema: nullable({ type: 'array', items: ref('ConditionField') }),
    created_at: isoTime('When it was filed.'),
    updated_at: isoTime('Last change.'),
    expires_at: isoTime('Deadline; a pending request then becomes `expired` (or `approved` when on_timeout is approve and the server allows it).'),
    on_timeout: { type: 'string', enum: ['deny', 'approve'] },
    callback_url: nullableStr('Where the signed callback goes when the request is settled.', { format: 'uri' }),
    idempotency_key: nullableStr('Idempotency key given at creation.'),
    channel: nullableStr('Channel hint the agent gave.'),
    target: nullableStr('Configured target the agent asked for.'),
    origin: { type: 'string', enum: ['native', 'ok2run', 'chock'], description: 'Wire dialect that created it.' },
    policy: nullable(ref('PolicyVerdict')),
    decision: nullable(ref('Decision')),
    metadata: nullable({ type: 'object', additionalProperties: true, description: 'Metadata the agent attached: shown, never interpreted.' }),
    workflow: nullable(ref('Workflow')),
    receipt: nullable(ref('Receipt')),
  },
  'An approval request as the native v1 API returns it (timestamps are ISO-8601).',
);

const hex64 = (description: string): Schema => str(description, { pattern: '^[0-9a-f]{64}$' });

const Receipt = {
  ...obj(
    {
      receipt_version: { const: 1 },
      request_id: str('The request settled.'),
      agent: str('The agent that filed it.'),
      action_sha256: hex64('SHA-256 of the canonical action {cwd, input, tool} as filed and shown to the approver.'),
      edited_action_sha256: { anyOf: [hex64('SHA-256 of the canonical action as the approver edited it.'), { type: 'null' }] },
      outcome: { type: 'string', enum: STATUSES.filter((s) => s !== 'pending') },
      scope: { anyOf: [{ type: 'string', enum: [...SCOPES] }, { type: 'null' }] },
      approvers: { type: 'array', minItems: 1, items: obj({ name: str('Who.'), kind: str('approver, admin, agent (a cancel), policy or system.'), via: str('The channel: telegram, email, web, api, policy, timeout, ...') }) },
      conditions: nullable({ type: 'object', additionalProperties: conditionValue }),
      decided_at: isoTime('When it was decided.'),
      issued_at: isoTime('When the receipt was signed.'),
      key_id: str('`ed25519:` + the first 16 hex digits of the SHA-256 of the public key (DER, SPKI).', { pattern: '^ed25519:[0-9a-f]{16}$' }),
      signature: str('Ed25519 over the canonical JSON of every other field, base64url.', { pattern: '^[A-Za-z0-9_-]{86}$' }),
    },
    'A signed decision receipt (docs/security.md#receipts).',
  ),
  additionalProperties: false,
};

const ReceiptPublicKey = obj({
  key_id: str('The id receipts name in key_id.'),
  algorithm: { const: 'Ed25519' },
  public_key_pem: str('The public key, PEM (SPKI).'),
  previous: { type: 'array', items: obj({ key_id: str('Key id.'), public_key_pem: str('PEM.'), until: isoTime('When it was replaced.') }), description: 'Keys used before a deliberate rotation.' },
});

const RequestPage = obj(
  {
    items: { type: 'array', items: ref('Request') },
    next_cursor: nullableStr('Pass as `cursor` to get the next page; null on the last page.'),
  },
  'One page of requests.',
);

const PendingPage = obj(
  {
    items: { type: 'array', items: ref('Request') },
    next_cursor: { type: 'null', description: 'Always null: the queue pages with `offset`.' },
  },
  'One page of the pending queue: highest priority first, then oldest first.',
);

const AuditEntry = obj(
  {
    seq: { type: 'integer', minimum: 1, description: 'Position in the append-only log.' },
    at: isoTime('When it happened.'),
    actor: obj({ kind: str('`agent`, `approver`, `admin`, `policy` or `system`.'), name: str('Who.') }),
    action: str('What happened, e.g. `request.created`, `request.approved`, `key.revoked`.'),
    request_id: nullableStr('The request it concerns, if any.'),
    via: nullableStr('Channel or entry point.'),
    detail: nullable({ type: 'object', additionalProperties: true }),
    hash: str('SHA-256 chaining this entry to the previous one (tamper evidence).'),
    prev_hash: str('Hash of the previous entry.'),
  },
  'One entry of the append-only audit log.',
);

const AuditPage = obj({ items: { type: 'array', items: ref('AuditEntry') } }, 'Audit entries; page on with after_seq / before_seq.');

const RequestEventData = obj(
  {
    type: { type: 'string', enum: ['request.created', 'request.decided', 'request.expired', 'request.cancelled', 'request.updated'], description: '`request.updated`: still pending, but a workflow vote was counted or a ladder step started.' },
    at: isoTime('When the event happened.'),
    request: ref('Request'),
  },
  'The JSON `data` of an SSE event (the SSE `event:` field repeats `type`).',
);

const Key = obj(
  {
    id: str('Key id.', { pattern: '^key_' }),
    role: { type: 'string', enum: [...ROLES] },
    name: str('Principal name.'),
    projects: { type: 'array', items: { type: 'string' } },
    created_at: isoTime('Created.'),
    revoked_at: nullable(isoTime('Revoked, or null.')),
  },
  'An API key record (never the secret or its hash).',
);

const CreatedKey = {
  allOf: [ref('Key'), obj({ key: str('The secret. Shown once: the server stores only its hash.'), note: str('Reminder to store the key.') })],
};

const Me = obj({
  name: str('Principal name.'),
  role: { type: 'string', enum: [...ROLES] },
  key_id: str('`key_...`, or `config:<role>:<name>` for keys declared in the config file.'),
  projects: { type: 'array', items: { type: 'string' } },
});

const ErrorEnvelope = obj(
  {
    error: obj(
      {
        code: { type: 'string', enum: Object.keys(ERROR_CODES), description: 'Stable UPPER_SNAKE code.' },
        message: str('What went wrong and how to fix it.'),
        request_id: str('Also sent as the X-Request-Id header; quote it when reporting a problem.'),
        details: { type: 'object', additionalProperties: true, description: 'Machine-readable facts, e.g. who won a decision race (ALREADY_DECIDED).' },
      },
      undefined,
      ['details'],
    ),
  },
  'The one error envelope of the native API.',
);

const CompatIssue = obj(
  {
    loc: { type: 'array', items: { type: ['string', 'integer'] }, description: 'Where: `["body", "title"]`, `["query", "limit"]`.' },
    msg: str('What is wrong, in pydantic\'s words.'),
    type: str('pydantic\'s issue type, e.g. `missing`, `string_too_long`.'),
  },
  'One validation issue, as FastAPI reports it.',
);

const CompatError = {
  type: 'object',
  description: 'The error of the compat routes: the native envelope plus `detail`, which clients of the replaced FastAPI servers read (a message, or on 422 the list of issues).',
  properties: {
    error: (ErrorEnvelope.properties as Record<string, Schema>).error,
    detail: { anyOf: [{ type: 'string' }, { type: 'array', items: ref('CompatIssue') }] },
  },
  required: ['error'],
};

export const SCHEMAS: Record<string, Schema> = {
  Request,
  Workflow,
  Decision,
  Question,
  QuestionOption,
  ConditionField,
  PolicyVerdict,
  GrantSuggestion,
  PolicyTraceEntry,
  RequestPage,
  PendingPage,
  AuditEntry,
  AuditPage,
  Receipt,
  ReceiptPublicKey,
  RequestEventData,
  Key,
  CreatedKey,
  Me,
  Error: ErrorEnvelope,
  CompatError,
  CompatIssue,
  Health: obj({ status: { const: 'ok' }, version: str('Server version.') }),
  Ready: obj({
    status: { type: 'string', enum: ['ready', 'not ready'] },
    checks: { type: 'object', description: 'Each check by name (store, migrations, events, draining, ...): `ok`, or what is wrong.', additionalProperties: { type: 'string' } },
  }),
};

// ---- error responses -----------------------------------------------------------------------

const codesOf = (status: number) => Object.entries(ERROR_CODES).filter(([, s]) => s === status).map(([c]) => c);

const errorResponse = (description: string, headers?: Record<string, Schema>, schema = 'Error'): Schema => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema: ref(schema) } },
});

/** Error responses by status, referenced from every operation as `#/components/responses/E<status>`. */
export const ERROR_RESPONSES: Record<number, Schema> = {
  400: errorResponse(`Invalid input (${codesOf(400).join(', ')}).`),
  401: errorResponse('UNAUTHENTICATED: no key, or a key this server does not know (or revoked).', {
    'WWW-Authenticate': { description: 'Bearer realm="greenlight"', schema: { type: 'string' } },
  }),
  403: errorResponse(`The key is known but may not do this (${codesOf(403).join(', ')}).`),
  404: errorResponse('NOT_FOUND: no such request, or your key may not see it (agents see only their own).'),
  409: errorResponse('ALREADY_DECIDED: the request is no longer pending; `details` names who decided and via which channel.'),
  410: errorResponse(`Gone: a channel's action token can no longer decide (${codesOf(410).join(', ')}).`),
  413: errorResponse('PAYLOAD_TOO_LARGE: the body is over server.body_limit_bytes (default 1 MiB).'),
  415: errorResponse('UNSUPPORTED_MEDIA_TYPE: send the body as application/json.'),
  429: errorResponse('RATE_LIMITED: too many requests for this key (rate_limit.per_minute / burst).', {
    'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 1 } },
  }),
  503: errorResponse('NOT_READY: the server is starting or shutting down.'),
};

/** The same responses on the compat routes (with `detail`), plus FastAPI's 422. */
export const COMPAT_ERROR_RESPONSES: Record<number, Schema> = {
  ...Object.fromEntries(Object.entries(ERROR_RESPONSES).map(([status, r]) => [status, { ...r, content: { 'application/json': { schema: ref('CompatError') } } }])),
  422: errorResponse('VALIDATION_FAILED or INVALID_JSON, the FastAPI way: `detail` lists each issue (loc, msg, type).', undefined, 'CompatError'),
};

/** A `$ref` to an error response, optionally with an operation-specific description (OpenAPI 3.1 allows it). */
export const errorRef = (status: number, description?: string, prefix: 'E' | 'C' = 'E'): Schema => ({
  $ref: `#/components/responses/${prefix}${status}`,
  ...(description ? { description } : {}),
});

// ---- shared parameters ---------------------------------------------------------------------

export const PARAMETERS: Record<string, Schema> = {
  RequestId: {
    name: 'id',
    in: 'path',
    required: true,
    description: 'Request id (`req_...`).',
    schema: { type: 'string', minLength: 1, maxLength: 100 },
  },
};

export const paramRef = (name: string): Schema => ({ $ref: `#/components/parameters/${name}` });
export const schemaRef = ref;
