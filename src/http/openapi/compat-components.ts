// Schemas of the compat dialects (src/http/compat/). Bounds come from the code that enforces them:
// Chock's from CHOCK_LIMITS, ok2run's from the core create schema its bodies are mapped onto.
import { CHOCK_LIMITS } from '../compat/chock-mapping.js';
import { OK2RUN_DEFAULT_EXPIRES_SEC } from '../compat/ok2run-mapping.js';
import { CONDITION_FIELD_TYPES, PRIORITIES, STATUSES } from '../../core/types.js';
import { BODY_SCHEMAS } from './bodies.js';

type Json = Record<string, unknown>;

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const str = (description: string, extra: Json = {}): Json => ({ type: 'string', description, ...extra });
const obj = (properties: Record<string, Json>, required: string[], description?: string): Json => ({
  type: 'object',
  ...(description ? { description } : {}),
  properties,
  required,
});

/** The core's bound on a create field (ok2run bodies are validated by it after mapping). */
const coreMax = (field: string): number => {
  const p = (BODY_SCHEMAS.CreateRequest.properties as Record<string, Json>)[field];
  const s = (p.anyOf as Json[] | undefined)?.[0] ?? p;
  return s.maxLength as number;
};

const OK2RUN_STATUS = { type: 'string', enum: ['pending', 'approved', 'denied', 'expired'], description: 'approved also covers conditional and answered; denied also covers cancelled.' };
const chockTime = (description: string): Json => str(`${description} Python isoformat, UTC: \`2026-04-07T12:34:56.123000+00:00\`.`, { format: 'date-time' });

export const COMPAT_SCHEMAS: Record<string, Json> = {
  // ---- ok2run ------------------------------------------------------------------------------
  Ok2runCreate: obj(
    {
      session_id: str('Agent session.', { maxLength: coreMax('session_id') }),
      action_type: str('Kind of action, e.g. `bash`.', { maxLength: coreMax('action_type') }),
      title: str('What the agent wants to do.', { maxLength: coreMax('title') }),
      preview: str('The exact action the approver sees.', { maxLength: coreMax('preview') }),
      channel: str('A hint (`telegram`, `email`, ...) among the channels routed for the project.', { maxLength: 40 }),
      target: {
        type: 'object',
        description: '`{tg_chat_id}` or `{email_to}`: a hint, accepted when it names a chat or address the server itself sends this request to (a project route, `channels.telegram.chats`, a routed approver\'s chat or address), else 403 TARGET_NOT_ROUTED. The request goes where the server\'s routing sends it. Empty: the server\'s routing decides.',
        properties: { tg_chat_id: { type: ['string', 'integer'] }, email_to: { type: 'string' } },
      },
      expires_in_sec: { type: 'integer', minimum: 1, default: OK2RUN_DEFAULT_EXPIRES_SEC, description: 'At most requests.max_expires_in_sec.' },
      options: { type: 'array', items: { type: 'string' }, maxItems: 26, description: 'Makes it a question (A, B, ...), with a custom reply allowed.' },
      project: str('Greenlight extension: the project, for agents bound to several.', { maxLength: 100 }),
    },
    ['session_id', 'action_type', 'title', 'preview'],
    'ok2run\'s ApprovalCreate. Unknown fields are ignored, as pydantic does.',
  ),
  Ok2runDecision: obj(
    {
      code: { type: 'string', enum: ['1', '2', '3', '4', '5', '6'], description: '1 approve once · 2 approve for the session · 3 deny · 4 approve with a note / answer / conditions · 5 approve an edited action (`override`) · 6 always.' },
      note: { type: ['string', 'null'] },
      override: { type: ['string', 'null'], description: 'The edited action (code 5): run this instead.' },
    },
    ['code', 'note', 'override'],
  ),
  Ok2runCreated: obj(
    {
      approval_id: str('Request id (`req_...`).'),
      status: OK2RUN_STATUS,
      auto: { type: 'boolean', description: 'true when the policy approved it at once. A policy denial says false (fail closed).' },
      expires_at: { type: ['integer', 'null'], description: 'Unix seconds; null when auto.' },
      decision: { anyOf: [ref('Ok2runDecision'), { type: 'null' }] },
    },
    ['approval_id', 'status', 'auto', 'expires_at', 'decision'],
  ),
  Ok2runStatus: obj(
    {
      status: OK2RUN_STATUS,
      expires_at: { type: 'integer', description: 'Unix seconds.' },
      decision: { anyOf: [ref('Ok2runDecision'), { type: 'null' }] },
      session_id: { type: ['string', 'null'], description: 'null while pending.' },
      action_type: { type: ['string', 'null'], description: 'null while pending.' },
    },
    ['status', 'expires_at', 'decision', 'session_id', 'action_type'],
  ),
  Ok2runEmailReply: obj(
    {
      subject: str('Subject of the reply; may carry the request id.', { maxLength: 2000 }),
      body: str('The reply. Its first word is the menu code 1–6 (text after 4 and 5), above any quoted message.', { maxLength: 100_000 }),
    },
    ['body'],
  ),
  Ok2runEmailReplyResult: obj({ status: OK2RUN_STATUS, approval_id: str('Request id.') }, ['status', 'approval_id']),

  // ---- Chock -------------------------------------------------------------------------------
  ChockConditionFieldInput: obj(
    {
      key: str('Field name.', { maxLength: CHOCK_LIMITS.field_key }),
      label: str('Label.', { maxLength: CHOCK_LIMITS.field_label }),
      type: { type: 'string', enum: [...CONDITION_FIELD_TYPES], default: 'text' },
      options: { type: 'array', items: { type: 'string' }, maxItems: CHOCK_LIMITS.field_options, description: 'Choices (select fields).' },
      required: { type: 'boolean', default: false },
      description: str('Help text.', { maxLength: CHOCK_LIMITS.field_description }),
    },
    ['key', 'label'],
  ),
  ChockConditionField: obj(
    {
      key: { type: 'string' },
      label: { type: 'string' },
      type: { type: 'string', enum: [...CONDITION_FIELD_TYPES] },
      options: { type: 'array', items: { type: 'string' } },
      required: { type: 'boolean' },
      description: { type: 'string' },
    },
    ['key', 'label', 'type', 'options', 'required', 'description'],
  ),
  ChockCreate: obj(
    {
      title: str('What the agent wants to do.', { maxLength: CHOCK_LIMITS.title }),
      plan: str('What exactly it will do: shown to the approver in full.', { maxLength: CHOCK_LIMITS.plan }),
      requester: str('Display name; never used for authorization.', { maxLength: CHOCK_LIMITS.requester }),
      context: str('Why.', { maxLength: CHOCK_LIMITS.context }),
      tags: { type: 'array', items: { type: 'string', maxLength: CHOCK_LIMITS.tag }, maxItems: CHOCK_LIMITS.tags },
      priority: { type: 'string', enum: [...PRIORITIES], default: 'normal', description: 'Anything else is a 400.' },
      callback_url: str('Receives Chock\'s callback payload, HMAC-signed, when decided.', { maxLength: CHOCK_LIMITS.callback_url }),
      conditions_schema: { type: 'array', items: ref('ChockConditionFieldInput'), maxItems: CHOCK_LIMITS.conditions_schema },
    },
    ['title'],
    'Chock\'s ApprovalCreate. Unknown fields are ignored, as pydantic does.',
  ),
  ChockCreated: obj({ id: str('Request id.'), status: { type: 'string', enum: [...STATUSES] } }, ['id', 'status']),
  ChockResponse: obj(
    {
      status: { type: 'string', enum: [...STATUSES] },
      responder: str('Who decided (the key\'s owner, the policy rule, or `timeout`).'),
      comment: { type: 'string' },
      conditions: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
      responded_at: chockTime('When.'),
    },
    ['status', 'responder', 'comment', 'conditions', 'responded_at'],
    'The decision in Chock\'s words.',
  ),
  ChockRequest: obj(
    {
      id: { type: 'string' },
      title: { type: 'string' },
      plan: { type: 'string' },
      requester: { type: 'string' },
      context: { type: 'string' },
      tags: { type: 'array', items: { type: 'string' } },
      priority: { type: 'string', enum: [...PRIORITIES] },
      status: { type: 'string', enum: [...STATUSES], description: 'Chock\'s four, plus answered, expired and cancelled.' },
      callback_url: { type: 'string' },
      conditions_schema: { type: 'array', items: ref('ChockConditionField') },
      response: { anyOf: [ref('ChockResponse'), { type: 'null' }] },
      created_at: chockTime('Filed.'),
      updated_at: chockTime('Last change.'),
    },
    ['id', 'title', 'plan', 'requester', 'context', 'tags', 'priority', 'status', 'callback_url', 'conditions_schema', 'response', 'created_at', 'updated_at'],
    'A request as Chock\'s API returns it.',
  ),
  ChockRespond: obj(
    {
      status: { type: 'string', enum: ['approved', 'denied', 'conditional'], description: 'Anything else is a 400.' },
      responder: str('Free text, kept in the audit log only: the decider of record is the key\'s owner.', { maxLength: CHOCK_LIMITS.responder }),
      comment: str('Shown to the agent.', { maxLength: CHOCK_LIMITS.comment }),
      conditions: { type: 'object', maxProperties: CHOCK_LIMITS.conditions, description: 'Values for the request\'s conditions_schema (conditional only).' },
    },
    ['status'],
  ),
  ChockRespondResult: obj(
    { status: { type: 'string', enum: ['approved', 'denied', 'conditional'] }, request_id: { type: 'string' }, response: ref('ChockResponse') },
    ['status', 'request_id', 'response'],
  ),
  ChockActivity: obj(
    {
      id: { type: 'integer', description: 'The audit seq.' },
      request_id: { type: ['string', 'null'] },
      action: str('`created`, `responded_approved`, `responded_denied`, `responded_conditional`, `cancelled`, `expired`, ...'),
      actor: { type: 'string' },
      details: { type: 'string' },
      timestamp: chockTime('When.'),
    },
    ['id', 'request_id', 'action', 'actor', 'details', 'timestamp'],
  ),
  ChockHealth: obj(
    { status: { type: 'string', enum: ['ok', 'unavailable'] }, service: { const: 'chock' }, timestamp: chockTime('Now.') },
    ['status', 'service', 'timestamp'],
  ),
};
