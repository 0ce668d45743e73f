// Request-body schemas. The create and decide bodies are generated from the zod schemas that
// validate them (src/core/request-input.ts), so the docs cannot drift from validation; fields zod
// cannot describe (`z.unknown()`, checks done after parsing) get their notes added here by name,
// and a note for a field that no longer exists throws.
import { z } from 'zod';
import { MAX_CONDITION_FIELDS } from '../../core/conditions.js';
import { CreateRequestSchema, DecideSchema, LIMITS } from '../../core/request-input.js';
import { CONDITION_FIELD_TYPES, ROLES } from '../../core/types.js';

type Json = Record<string, unknown>;

/**
 * JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) of what `schema` accepts as input —
 * before defaults apply, so fields with defaults are optional. `notes` are merged into the named
 * properties; a `z.unknown()` field without a note is described as "any JSON value".
 */
export function inputJsonSchema(schema: z.ZodType, notes: Record<string, Json> = {}): Json {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  delete json.$schema;
  if (json.$defs) throw new Error('openapi: a body schema produced $defs; inline it (they would not resolve inside the OpenAPI document)');
  const props = (json.properties ?? {}) as Record<string, Json>;
  for (const [name, note] of Object.entries(notes)) {
    if (!props[name]) throw new Error(`openapi: the body has no field "${name}" any more; update the note in bodies.ts`);
    props[name] = { ...props[name], ...note };
  }
  for (const [name, p] of Object.entries(props)) {
    if (Object.keys(p).length === 0) props[name] = { description: 'Any JSON value.' };
  }
  return json;
}

const ConditionFieldInput: Json = {
  type: 'object',
  description: 'One field of a conditional-approval form, as an agent declares it.',
  properties: {
    name: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' },
    type: { type: 'string', enum: [...CONDITION_FIELD_TYPES], default: 'text' },
    label: { type: ['string', 'null'], maxLength: 1000 },
    description: { type: ['string', 'null'], maxLength: 1000 },
    required: { type: ['boolean', 'null'] },
    options: { type: ['array', 'null'], items: { type: 'string', minLength: 1, maxLength: 200 }, minItems: 1, maxItems: 100, description: 'Required for (and only for) select fields.' },
  },
  required: ['name'],
};

const fieldList: Json = { type: 'array', items: { $ref: '#/components/schemas/ConditionFieldInput' }, maxItems: MAX_CONDITION_FIELDS };

const CreateRequest = inputJsonSchema(CreateRequestSchema, {
  title: { description: 'One line saying what the agent wants to do.' },
  action_type: { description: 'Kind of action, e.g. `shell`, `file_write`, `deploy`.' },
  preview: { description: 'The exact action the approver will see (command, diff, message). What you see is what you approve.' },
  tool: { description: 'Tool name as the agent host calls it, e.g. `Bash`.' },
  input: { description: `The tool input (any JSON value; at most ${LIMITS.input_bytes} bytes as JSON). An approver may edit it (decision.updated_input).` },
  requester: { description: 'Display name of whoever is asking; shown, never used for authorization.' },
  session_id: { description: 'Agent session; `session`-scoped approvals apply within it.' },
  project: { description: 'Project to file under; must be one the agent key is bound to. Derived from cwd when omitted.' },
  cwd: { description: 'Working directory of the agent (used to pick the project).' },
  host: { description: 'The machine the agent runs on: its hostname (1–253 letters, digits, `-`, `.`, `_`; anything else is refused with 400 VALIDATION_FAILED). A grant an approver limits to "only this host" applies only to requests naming the same host (case-insensitive); the command hook and the agent-side CLI send `os.hostname()`. The server never fills it in.' },
  priority: { description: 'Queue order: critical, high, normal, low.' },
  tags: { description: 'Free labels (duplicates are dropped).' },
  context: { description: 'Why the agent wants to do this.' },
  question: { description: 'Ask the approver to choose (options, "A", "B", ...) or to answer in text. String options get keys A, B, C, ...; a question needs two options or allow_free_text.' },
  conditions_schema: {
    description: `A form the approver fills in for a conditional approval: a list of fields, or \`{ "fields": [...] }\` (Chock's shape); at most ${MAX_CONDITION_FIELDS} fields.`,
    anyOf: [fieldList, { type: 'object', properties: { fields: fieldList }, required: ['fields'] }, { type: 'null' }],
  },
  expires_in_sec: { description: 'Seconds until the request expires. Default requests.default_expires_in_sec (3600); at most requests.max_expires_in_sec (default 604800 = 7 days), else 400.' },
  on_timeout: { description: 'What happens when nobody answers in time. `approve` is refused (403 ON_TIMEOUT_APPROVE_NOT_ALLOWED) unless the server sets requests.allow_approve_on_timeout.' },
  callback_url: { description: 'Where to POST the HMAC-signed result (X-Greenlight-Signature). Must pass the SSRF allowlist, else 403 CALLBACK_URL_BLOCKED.' },
  idempotency_key: { description: 'Retrying with the same key (per agent) returns the first request with 200 instead of filing a new one. The Idempotency-Key header does the same; the body wins.' },
  channel: { description: 'Channel hint (e.g. `telegram`); must be routed for the project.' },
  target: { description: 'A hint: a chat id or address the server itself sends this request to (a project route, a channel\'s default chat, a routed approver\'s chat or address). Any other is refused (403 TARGET_NOT_ROUTED): an agent never picks who approves.' },
  metadata: { description: `Anything to show alongside (at most ${LIMITS.metadata_bytes} bytes of JSON); never interpreted.` },
});

const Decide = inputJsonSchema(DecideSchema, {
  outcome: { description: '`approved`, `denied`, `conditional` (with conditions) or `answered` (with answer).' },
  scope: {
    description:
      '`once`: this request; `session`: a grant for the rest of the agent\'s session; `always`: a standing grant (revoke with DELETE /v1/grants/{id}). Only a plain approval can be widened: denials, conditional approvals, answers and edited actions are `once`, and a dangerous action (policy.dangerous) can only be approved once (403). `session` needs a request with a session_id.',
  },
  comment: { description: 'Shown to the agent.' },
  conditions: { description: 'Values for the request\'s conditions_schema (outcome `conditional` only). Numbers and booleans may be sent as text.' },
  answer: { description: 'Option key(s) or free text (outcome `answered`; an approval may carry one too).' },
  updated_input: { description: 'The edited action ("modify then allow"): replaces the request\'s input. Not allowed on a denial.' },
  step_up: {
    description:
      'For a request whose `policy.step_up` is true, approving (any outcome but `denied`) needs the approver\'s second factor: `{"code": "123456"}` (the 6 digits of their authenticator app) or `{"passkey": <the browser\'s answer to POST /v1/step-up/passkeys/challenge>}`. Without it: 403 STEP_UP_REQUIRED, or STEP_UP_NOT_ENROLLED when they have none. Wrong codes are counted per approver (STEP_UP_CODE_WRONG, then 429 STEP_UP_LOCKED), a code of a time step already used is STEP_UP_CODE_REPLAYED; every refusal is audited and nothing is decided.',
  },
  grant_rule: {
    description:
      'With scope `session` or `always`: which grant to give — the `rule` of one of the request\'s `policy.suggestions` (e.g. `Bash(git status *)`, "Accept all `git status *`"). Absent or null: exactly this action (`exact:<tool>:<hash>`, the first suggestion). A rule that was not offered is refused (400): an approver widens only along the lines the server offers. Not allowed with scope `once`.',
  },
  grant_limits: {
    description:
      'With scope `session` or `always`: limits the gate enforces on the grant — `expires_in_sec` ("for 30 minutes": 1800), `max_uses` ("at most 3 times"), `path_prefix` ("only under ./src": a directory, absolute or relative to the request\'s cwd; `..`, `~` and `/` are refused; it then allows only file actions whose lexical and real path lie under it, never shell commands) and `host` ("only on this host": the request\'s own `host`; it then allows only requests naming that host, case-insensitively, and never a request that names none). Each request the grant allows spends one use atomically, so requests at once never spend more than `max_uses`; a used-up or expired grant allows nothing and the next request asks a human. The grant shows `uses`, `max_uses` and `expires_at` on GET /v1/grants. Not allowed with scope `once` or on a quorum vote.',
  },
});

/** Hand-written: the cancel route validates its optional body by hand. */
const CancelRequest: Json = {
  type: 'object',
  properties: { reason: { type: ['string', 'null'], maxLength: 2000, description: 'Why the agent no longer needs the approval.' } },
};

/** Hand-written: the key route validates by hand (src/http/routes/admin.ts, src/auth/keys-service.ts). */
const CreateKey: Json = {
  type: 'object',
  properties: {
    role: { type: 'string', enum: [...ROLES] },
    name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$' },
    projects: { type: 'array', items: { type: 'string', maxLength: 100 }, maxItems: 100, default: [] },
  },
  required: ['role', 'name'],
};

export const BODY_SCHEMAS: Record<string, Json> = { CreateRequest, Decide, CancelRequest, CreateKey, ConditionFieldInput };
