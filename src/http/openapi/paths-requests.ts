// OpenAPI paths of the native v1 requests API (src/http/routes/requests.ts).
import { PRIORITIES, STATUSES } from '../../core/types.js';
import { paramRef, schemaRef } from './components.js';
import { jsonResponse, operation, query, TOO_DEEP } from './operation.js';

type Json = Record<string, unknown>;

const TAG = 'requests';
const request = schemaRef('Request');
const id = paramRef('RequestId');

const csvEnum = (values: readonly string[], what: string): Json => ({
  description: `${what}: one or more of ${values.join(', ')} — comma-separated or repeated.`,
  schema: { type: 'array', items: { type: 'string', enum: [...values] } },
  style: 'form',
  explode: true,
});

const LIST_PARAMS: Json[] = [
  { name: 'status', in: 'query', required: false, ...csvEnum(STATUSES, 'Status filter') },
  { name: 'priority', in: 'query', required: false, ...csvEnum(PRIORITIES, 'Priority filter') },
  query('agent', 'Only requests of this agent (ignored for agent keys, which always see only their own).', { type: 'string', maxLength: 200 }),
  query('project', 'Only requests of this project.', { type: 'string', maxLength: 200 }),
  query('tag', 'Only requests carrying this tag.', { type: 'string', maxLength: 200 }),
  query('q', 'Text search: case-insensitive substring of title, preview, context and requester.', { type: 'string', maxLength: 200 }),
  query('from', 'Created at or after: ISO-8601 date-time or epoch milliseconds.', { type: 'string' }),
  query('to', 'Created before: ISO-8601 date-time or epoch milliseconds.', { type: 'string' }),
  query('cursor', 'next_cursor from the previous page, unchanged.', { type: 'string', maxLength: 500 }),
  query('limit', 'Page size.', { type: 'integer', minimum: 1, maximum: 1000, default: 50 }),
];

const CREATE_EXAMPLE = {
  title: 'Run database migration on prod',
  action_type: 'shell',
  preview: 'npm run migrate -- --env production',
  tool: 'Bash',
  input: { command: 'npm run migrate -- --env production' },
  project: 'billing',
  priority: 'high',
  tags: ['db', 'prod'],
  expires_in_sec: 900,
};

export function requestPaths(): Record<string, Json> {
  return {
    '/v1/requests': {
      post: operation({
        operationId: 'createRequest',
        tag: TAG,
        summary: 'File an approval request',
        description:
          'Files a request. The policy answers at once where it can (the response is then already `approved` or `denied`, with `policy` and `decision` set); otherwise the request is `pending` and goes to the approvers routed for its project. The request is stored before any channel hears of it.\n\nSend `Idempotency-Key` (or `idempotency_key` in the body) to make retries safe: a repeat returns the first request with 200.',
        roles: ['agent'],
        parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, description: 'Makes retries safe (the body field wins).', schema: { type: 'string', minLength: 1, maxLength: 200 } }],
        body: { schema: schemaRef('CreateRequest'), example: CREATE_EXAMPLE },
        responses: {
          '201': jsonResponse('Created (pending, or already decided by policy).', request, { Location: { description: 'URL of the new request.', schema: { type: 'string' } } }),
          '200': jsonResponse('An earlier request with the same idempotency key.', request),
        },
        errors: {
          400: 'VALIDATION_FAILED, INVALID_JSON or ' + TOO_DEEP + ': the body does not match the schema (the message names each field).',
          403: 'AGENT_KEY_REQUIRED (an approver or admin key: only agents file), PROJECT_NOT_ALLOWED, TARGET_NOT_ROUTED (a target the server does not route this request to), CALLBACK_URL_BLOCKED or ON_TIMEOUT_APPROVE_NOT_ALLOWED.',
          415: '',
        },
      }),
      get: operation({
        operationId: 'listRequests',
        tag: TAG,
        summary: 'List and search requests',
        description: 'Newest first, with cursor pagination: pass `next_cursor` back as `cursor` until it is null. Agent keys see only their own requests.',
        roles: ['agent', 'approver', 'admin'],
        parameters: LIST_PARAMS,
        responses: { '200': jsonResponse('One page.', schemaRef('RequestPage')) },
        errors: { 400: 'VALIDATION_FAILED (a filter out of bounds) or BAD_REQUEST (a cursor this server did not hand out).' },
      }),
    },
    '/v1/requests/pending': {
      get: operation({
        operationId: 'listPendingRequests',
        tag: TAG,
        summary: 'The pending queue',
        description: 'Pending requests, highest priority first (critical, high, normal, low), then oldest first. Pages with `offset`. Agent keys see only their own.',
        roles: ['agent', 'approver', 'admin'],
        parameters: [
          query('limit', 'Page size.', { type: 'integer', minimum: 1, maximum: 1000, default: 100 }),
          query('offset', 'How many queue entries to skip.', { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 }),
        ],
        responses: { '200': jsonResponse('One page of the queue.', schemaRef('PendingPage')) },
        errors: { 400: 'VALIDATION_FAILED: limit or offset out of bounds.' },
      }),
    },
    '/v1/requests/{id}': {
      get: operation({
        operationId: 'getRequest',
        tag: TAG,
        summary: 'Get one request',
        description: 'The request with its status and, once settled, its decision. An agent key gets 404 for requests of other agents.',
        roles: ['agent', 'approver', 'admin'],
        parameters: [id],
        responses: { '200': jsonResponse('The request.', request) },
        errors: { 404: '' },
      }),
    },
    '/v1/requests/{id}/wait': {
      get: operation({
        operationId: 'waitForRequest',
        tag: TAG,
        summary: 'Long-poll until decided',
        description:
          'Blocks until the request leaves `pending` and returns it at once (pushed by the event bus, not polled), or returns it still `pending` when `timeout_sec` runs out — call again to keep waiting. A request that is already settled returns immediately. The status is also in the `X-Greenlight-Status` header.',
        roles: ['agent', 'approver', 'admin'],
        parameters: [
          id,
          query('timeout_sec', 'Longest to block, in seconds. At most requests.max_wait_sec on this server (default 300; the config allows up to 3600); more is a 400.', { type: 'integer', minimum: 0, maximum: 3600, default: 30 }),
        ],
        responses: {
          '200': jsonResponse('The request: settled, or still pending when the timeout ran out.', request, {
            'X-Greenlight-Status': { description: 'The request status.', schema: { type: 'string', enum: [...STATUSES] } },
          }),
        },
        errors: { 400: 'VALIDATION_FAILED: timeout_sec out of bounds.', 404: '' },
      }),
    },
    '/v1/requests/{id}/decision': {
      post: operation({
        operationId: 'decideRequest',
        tag: TAG,
        summary: 'Decide a pending request',
        description:
          'Approves, denies, approves with conditions, or answers. An approval with scope `session` or `always` also gives a grant: exactly this action, or the `grant_rule` the approver picked from `policy.suggestions`; the grant approves the agent\'s other pending requests it strictly covers. Exactly one decision wins: deciding is a compare-and-set from `pending`, and every later attempt gets 409 ALREADY_DECIDED naming the winner. Agent keys can never decide. Send `X-Greenlight-Via: web` from the dashboard; everything else is recorded as `api`. When a workflow needs several approvals (`workflow.quorum.required` above 1), this is a vote: the request stays pending (200 with the count in `workflow.progress`) until enough distinct approvers approved, and each approver votes once (409 ALREADY_VOTED).',
        roles: ['approver', 'admin'],
        parameters: [id, { name: 'X-Greenlight-Via', in: 'header', required: false, description: 'Channel to record: `web`, else `api`.', schema: { type: 'string', enum: ['web', 'api'] } }],
        body: {
          schema: schemaRef('Decide'),
          example: { outcome: 'conditional', scope: 'once', comment: 'Only during the maintenance window', conditions: { window: '02:00-04:00' } },
        },
        responses: { '200': jsonResponse('The settled request (or, after a vote that did not yet decide it, the pending request with the count).', request) },
        errors: {
          400: 'VALIDATION_FAILED (also: a grant_rule that was not offered, or a scope the decision cannot have; a step-up request is approved once only), INVALID_JSON, ' + TOO_DEEP + ', CONDITIONS_INVALID (conditions do not fit conditions_schema), ANSWER_INVALID (not an option, or free text not allowed), VOTE_NOT_ALLOWED (a quorum vote is a plain approve or deny) or STEP_UP_CODE_MALFORMED (step_up.code is not 6 digits).',
          403: 'FORBIDDEN (agent key; or scope session/always on a dangerous action) NOT_ROUTED_TO_YOU (the request\'s project is not routed to this approver, or a workflow does not name them), FILER_CANNOT_DECIDE (the request was filed under this key\'s name), or for a step-up request STEP_UP_REQUIRED, STEP_UP_NOT_ENROLLED, STEP_UP_CODE_WRONG or STEP_UP_PASSKEY_INVALID.',
          404: '',
          409: 'ALREADY_DECIDED, ALREADY_VOTED (this approver already voted on it), or STEP_UP_CODE_REPLAYED (a code of a time step already used).',
          415: '',
          429: 'STEP_UP_LOCKED (too many wrong codes: Retry-After says when codes count again) or RATE_LIMITED.',
        },
      }),
    },
    '/v1/requests/{id}/cancel': {
      post: operation({
        operationId: 'cancelRequest',
        tag: TAG,
        summary: 'Cancel a pending request',
        description: 'The agent that filed it (or an admin) withdraws it; it becomes `cancelled` and stays in the history. Approvers deny instead. The body is optional.',
        roles: ['agent', 'admin'],
        parameters: [id],
        body: { schema: schemaRef('CancelRequest'), required: false, example: { reason: 'No longer needed: the user fixed it by hand.' } },
        responses: { '200': jsonResponse('The cancelled request.', request) },
        errors: {
          400: 'INVALID_JSON, ' + TOO_DEEP + ' or VALIDATION_FAILED (reason longer than 2000 characters).',
          403: 'FORBIDDEN: approver keys cannot cancel.',
          404: 'NOT_FOUND (also for another agent\'s request).',
          409: '',
        },
      }),
    },
  };
}
