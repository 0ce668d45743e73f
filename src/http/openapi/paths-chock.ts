// OpenAPI paths of the Chock dialect (src/http/compat/chock.ts).
import { CHOCK_LIMITS, CHOCK_PRIORITIES, CHOCK_STATUSES } from '../compat/chock-mapping.js';
import { paramRef, schemaRef } from './components.js';
import { jsonResponse, operation, query, TOO_DEEP } from './operation.js';

type Json = Record<string, unknown>;

const TAG = 'compat-chock';
const list = (item: string): Json => ({ type: 'array', items: schemaRef(item) });
const INT_NOTE = 'Clamped into range as Chock does; not a whole number: 422.';

export function chockPaths(): Record<string, Json> {
  return {
    '/api/requests': {
      post: operation({
        operationId: 'chockCreateRequest',
        tag: TAG,
        summary: 'Chock: file a request',
        description: 'Chock\'s create: `plan` becomes the preview the approver sees in full; `conditions_schema` becomes the conditional-approval form. Callbacks to `callback_url` use Chock\'s payload, HMAC-signed and retried.',
        roles: ['agent'],
        errorEnvelope: 'compat',
        body: { schema: schemaRef('ChockCreate'), example: { title: 'Refund order 1234', plan: 'POST /refunds {order: 1234, amount: 80}', requester: 'support-bot', priority: 'high', conditions_schema: [{ key: 'max_amount', label: 'Max amount', type: 'number', required: true }] } },
        responses: { '201': jsonResponse('Filed.', schemaRef('ChockCreated')) },
        errors: {
          400: 'Unknown priority ("Invalid priority. Use one of: [...]"), a Greenlight limit (VALIDATION_FAILED), or ' + TOO_DEEP + '.',
          403: 'AGENT_KEY_REQUIRED (an approver or admin key: only agents file), PROJECT_NOT_ALLOWED, CALLBACK_URL_BLOCKED.',
          415: '',
          422: 'A field is missing, of the wrong type or too long (`detail` lists them).',
        },
      }),
      get: operation({
        operationId: 'chockListRequests',
        tag: TAG,
        summary: 'Chock: list requests',
        description: 'Newest first, with offset paging. Agent keys see only their own requests (Chock let anyone read everything).',
        roles: ['agent', 'approver', 'admin'],
        errorEnvelope: 'compat',
        parameters: [
          query('status', `One of ${CHOCK_STATUSES.join(', ')}.`, { type: 'string', enum: [...CHOCK_STATUSES] }),
          query('priority', `One of ${CHOCK_PRIORITIES.join(', ')}.`, { type: 'string', enum: [...CHOCK_PRIORITIES] }),
          query('tag', 'Only requests with this tag.', { type: 'string', maxLength: CHOCK_LIMITS.tag }),
          query('q', 'Text search in title, plan, context, requester.', { type: 'string', maxLength: 500 }),
          query('requester', 'Exact requester.', { type: 'string', maxLength: CHOCK_LIMITS.requester }),
          query('limit', `Page size. ${INT_NOTE}`, { type: 'integer', minimum: 1, maximum: 1000, default: 200 }),
          query('offset', `Entries to skip. ${INT_NOTE}`, { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 }),
        ],
        responses: { '200': jsonResponse('Requests.', list('ChockRequest')) },
        errors: { 400: 'Unknown status or priority, or a text filter too long.', 422: 'limit or offset is not a whole number.' },
      }),
    },
    '/api/requests/{id}': {
      get: operation({
        operationId: 'chockGetRequest',
        tag: TAG,
        summary: 'Chock: read a request',
        description: 'One request in Chock\'s shape; cancelled requests are still found (Chock deleted them).',
        roles: ['agent', 'approver', 'admin'],
        errorEnvelope: 'compat',
        parameters: [paramRef('RequestId')],
        responses: { '200': jsonResponse('The request.', schemaRef('ChockRequest')) },
        errors: { 404: '`detail`: "Request not found".' },
      }),
      delete: operation({
        operationId: 'chockCancelRequest',
        tag: TAG,
        summary: 'Chock: cancel a request',
        description: 'Chock hard-deleted the row; Greenlight keeps it as `cancelled` in the history. Only the agent that filed it, or an admin.',
        roles: ['agent', 'admin'],
        errorEnvelope: 'compat',
        parameters: [paramRef('RequestId'), query('reason', 'Why (kept in the audit log).', { type: 'string', maxLength: 2000 })],
        responses: { '200': jsonResponse('Cancelled.', { type: 'object', properties: { status: { const: 'cancelled' } }, required: ['status'] }) },
        errors: { 400: '`detail`: "Cannot cancel — already <status>" (Chock\'s status for a settled request), or reason too long.', 403: 'FORBIDDEN: approver keys cannot cancel.', 404: '`detail`: "Request not found".' },
      }),
    },
    '/api/pending': {
      get: operation({
        operationId: 'chockPending',
        tag: TAG,
        summary: 'Chock: the pending queue',
        description: 'Pending requests, highest priority first, then oldest first; up to 1000 (Chock returned all).',
        roles: ['agent', 'approver', 'admin'],
        errorEnvelope: 'compat',
        responses: { '200': jsonResponse('Pending requests.', list('ChockRequest')) },
      }),
    },
    '/api/requests/{id}/respond': {
      post: operation({
        operationId: 'chockRespond',
        tag: TAG,
        summary: 'Chock: decide a request',
        description:
          'Approve, deny, or approve with conditions. Chock accepted its one shared key here, so agents approved themselves; Greenlight needs an approver (or admin) key, and the decider of record is that key\'s owner — `responder` is kept in the audit log only. Exactly one decision wins; a later one gets 400 "Already responded: <status>" as in Chock.',
        roles: ['approver', 'admin'],
        errorEnvelope: 'compat',
        parameters: [paramRef('RequestId')],
        body: { schema: schemaRef('ChockRespond'), example: { status: 'conditional', responder: 'alice', comment: 'ok up to 50', conditions: { max_amount: 50 } } },
        responses: { '200': jsonResponse('Decided.', schemaRef('ChockRespondResult')) },
        errors: {
          400: '"Already responded: <status>", "Missing required conditions: [...]", "Status must be \'approved\', \'denied\', or \'conditional\'", CONDITIONS_INVALID, ' + TOO_DEEP + '.',
          403: 'FORBIDDEN (agent key), NOT_ROUTED_TO_YOU or FILER_CANNOT_DECIDE (the request was filed under this key\'s name).',
          404: '`detail`: "Request not found".',
          415: '',
          422: 'A field is missing or of the wrong type.',
        },
      }),
    },
    '/api/activity': {
      get: operation({
        operationId: 'chockActivity',
        tag: TAG,
        summary: 'Chock: the activity log',
        description: 'The newest audit rows about requests, as Chock\'s activity table (Chock let anyone read it; Greenlight needs approver or admin).',
        roles: ['approver', 'admin'],
        errorEnvelope: 'compat',
        parameters: [query('limit', `Rows. ${INT_NOTE}`, { type: 'integer', minimum: 0, maximum: 1000, default: 50 })],
        responses: { '200': jsonResponse('Activity rows, newest first.', list('ChockActivity')) },
        errors: { 422: 'limit is not a whole number.' },
      }),
    },
    '/health': {
      get: operation({
        operationId: 'chockHealth',
        tag: TAG,
        summary: 'Chock: health',
        description: 'Chock\'s health check, and Greenlight\'s liveness probe: 200 `ok` while the process serves HTTP. Whether it should get traffic is `/ready`.',
        roles: 'public',
        errorEnvelope: 'compat',
        responses: { '200': jsonResponse('Alive.', schemaRef('ChockHealth')) },
      }),
    },
  };
}
