// OpenAPI paths of the ok2run dialect (src/http/compat/ok2run.ts).
import { paramRef, schemaRef } from './components.js';
import { jsonResponse, operation, query, TOO_DEEP } from './operation.js';

type Json = Record<string, unknown>;

const TAG = 'compat-ok2run';

export function ok2runPaths(): Record<string, Json> {
  return {
    '/v1/approvals': {
      post: operation({
        operationId: 'ok2runCreateApproval',
        tag: TAG,
        summary: 'ok2run: file an approval',
        description:
          'ok2run\'s create, unchanged for its clients (hook script, MCP tools): the same body and the same answer (`approval_id`, `status`, `auto`, `expires_at`, `decision`). Greenlight\'s rules apply: only agent keys file, `target` must be a chat or address the server routes this request to (a hint, not a choice), and the policy may decide at once (`auto: true` only for an approval). Answers 200, as ok2run did.',
        roles: ['agent'],
        errorEnvelope: 'compat',
        body: { schema: schemaRef('Ok2runCreate'), example: { session_id: 's-1', action_type: 'bash', title: 'Run tests', preview: 'npm test', channel: 'telegram', options: ['Unit only', 'Everything'] } },
        responses: { '200': jsonResponse('Filed (pending, or decided by policy).', schemaRef('Ok2runCreated')) },
        errors: {
          400: 'VALIDATION_FAILED: the mapped request breaks a Greenlight limit (e.g. expires_in_sec above the server maximum); ' + TOO_DEEP + '.',
          403: 'AGENT_KEY_REQUIRED (an approver or admin key: only agents file), TARGET_NOT_ROUTED (a chat or address the server does not route this request to), PROJECT_NOT_ALLOWED.',
          415: '',
          422: 'A field is missing or of the wrong type (`detail` lists them).',
        },
      }),
    },
    '/v1/approvals/{id}': {
      get: operation({
        operationId: 'ok2runGetApproval',
        tag: TAG,
        summary: 'ok2run: read an approval (optionally wait)',
        description:
          'ok2run\'s status read. A request past its deadline reads `expired` even before the sweep settles it. Greenlight extension: `?wait=SECONDS` blocks until decided (or the time is up) instead of polling every 2 s.',
        roles: ['agent', 'approver', 'admin'],
        errorEnvelope: 'compat',
        parameters: [
          paramRef('RequestId'),
          query('wait', 'Seconds to block until decided; 0 answers at once. At most requests.max_wait_sec (default 300).', { type: 'integer', minimum: 0, maximum: 3600, default: 0 }),
        ],
        responses: { '200': jsonResponse('The approval.', schemaRef('Ok2runStatus')) },
        errors: { 400: 'VALIDATION_FAILED: wait out of bounds.', 404: '`detail`: "approval not found".' },
      }),
    },
    '/v1/inbox/email-reply': {
      post: operation({
        operationId: 'ok2runEmailReply',
        tag: TAG,
        summary: 'ok2run: decide from an email reply',
        description:
          'For an email forwarder: the reply\'s first word is ok2run\'s menu code — 1 approve once, 2 session, 3 deny, 4 approve with a note (or answer the question), 5 approve an edited action, 6 always — and the request id (`req_...`) is in the subject or body. ok2run took any client key here, so an agent could approve itself; Greenlight takes approver keys only, and the decider of record is the key\'s owner.',
        roles: ['approver', 'admin'],
        errorEnvelope: 'compat',
        body: { schema: schemaRef('Ok2runEmailReply'), example: { subject: 'Re: Approve? [req_01j9z8k3m2abcdefghjkmnpqrs]', body: '4 add logging first\n\nOn Mon, Greenlight wrote:\n> ...' } },
        responses: { '200': jsonResponse('Decided.', schemaRef('Ok2runEmailReplyResult')) },
        errors: {
          400: 'CONDITIONS_INVALID / ANSWER_INVALID / VALIDATION_FAILED from the decision; ' + TOO_DEEP + '.',
          403: 'FORBIDDEN (agent key), NOT_ROUTED_TO_YOU or FILER_CANNOT_DECIDE (the request was filed under this key\'s name).',
          404: '`detail`: "approval not found".',
          409: '`detail`: "approval not pending".',
          415: '',
          422: 'No request id in the reply, or not a menu choice (`detail` says which).',
        },
      }),
    },
  };
}
