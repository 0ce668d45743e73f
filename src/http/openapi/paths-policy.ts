// OpenAPI paths of the policy routes (src/http/routes/policy.ts): dry runs, grants, session ends
// and ok2run's allow-rules. Agents never read or change policy; they may only end their own session.
import { schemaRef } from './components.js';
import { jsonResponse, operation, query, TOO_DEEP } from './operation.js';

type Json = Record<string, unknown>;

const TAG = 'policy';
const HUMANS = ['approver', 'admin'] as const;
const grant = schemaRef('Grant');
const idParam = (description: string): Json => ({ name: 'id', in: 'path', required: true, description, schema: { type: 'string', minLength: 1, maxLength: 200 } });

export function policyPaths(): Record<string, Json> {
  return {
    '/v1/policy/evaluate': {
      post: operation({
        operationId: 'evaluatePolicy',
        tag: TAG,
        summary: 'Dry-run the policy on an action',
        description:
          'What the policy would say about an action for this agent, project and session — the config\'s rules, the stored grants, the project\'s directories and sandbox, the dangerous-action guard — and why: the deciding rule and its source, the verdict of every subcommand, redirection and path (`trace`), the danger warnings, and the grants an approver would be offered. Nothing is filed, decided or counted. The CLI does the same offline: `greenlight policy test`.',
        roles: HUMANS,
        body: { schema: schemaRef('EvaluatePolicy'), example: { action: 'Bash(git status && rm -rf /)', cwd: '/home/alice/webapp', agent: 'claude-laptop', project: 'webapp' } },
        responses: { '200': jsonResponse('The evaluation.', schemaRef('PolicyEvaluation')) },
        errors: { 400: 'VALIDATION_FAILED (neither or both of action and tool; an action that is not `Tool` or `Tool(argument)`), INVALID_JSON or ' + TOO_DEEP + '.', 415: '' },
      }),
    },
    '/v1/grants': {
      get: operation({
        operationId: 'listGrants',
        tag: TAG,
        summary: 'List grants',
        description:
          'The grants in force (or, with `include_revoked=true`, also revoked, expired and used-up ones), oldest first. With `agent`, `project` or `session_id`, the grants that apply there: those given for it and those given for every agent / project / session.',
        roles: HUMANS,
        parameters: [
          query('agent', 'Grants that apply to this agent.', { type: 'string', maxLength: 200 }),
          query('project', 'Grants that apply in this project.', { type: 'string', maxLength: 200 }),
          query('session_id', 'Grants that apply in this session.', { type: 'string', maxLength: 200 }),
          query('include_revoked', '`true`: also grants that no longer apply.', { type: 'string', enum: ['true', 'false'], default: 'false' }),
          query('limit', 'At most this many.', { type: 'integer', minimum: 1, maximum: 5000, default: 500 }),
        ],
        responses: { '200': jsonResponse('The grants.', schemaRef('GrantPage')) },
        errors: { 400: 'VALIDATION_FAILED: limit out of bounds.' },
      }),
      post: operation({
        operationId: 'createGrant',
        tag: TAG,
        summary: 'Give a grant',
        description:
          'Adds a rule for an agent, a project, a session, or everyone, on top of the config\'s rules; it applies to the next request. An `allow` grant for a named agent also approves that agent\'s pending requests it strictly covers (never dangerous ones). Recorded in the audit log as `grant.created`. The CLI does the same: `greenlight grants add`.',
        roles: HUMANS,
        body: { schema: schemaRef('CreateGrant'), example: { rule: 'Bash(npm test *)', agent: 'claude-laptop', project: 'webapp', expires_in_sec: 86400 } },
        responses: { '201': jsonResponse('The grant.', grant) },
        errors: { 400: 'VALIDATION_FAILED: a malformed rule (the message is the parser\'s), an undeclared project, or a field out of bounds; INVALID_JSON or ' + TOO_DEEP + '.', 415: '' },
      }),
    },
    '/v1/grants/{id}': {
      delete: operation({
        operationId: 'revokeGrant',
        tag: TAG,
        summary: 'Revoke a grant',
        description: 'The grant stops applying at once. Revoking a revoked grant changes nothing and returns it. Recorded as `grant.revoked`. The CLI: `greenlight grants revoke`.',
        roles: HUMANS,
        parameters: [idParam('Grant id (`grt_...`).')],
        responses: { '200': jsonResponse('The revoked grant.', grant) },
        errors: { 404: 'NOT_FOUND: no such grant.' },
      }),
    },
    '/v1/sessions/{id}/end': {
      post: operation({
        operationId: 'endSession',
        tag: TAG,
        summary: 'End an agent session',
        description:
          'Revokes the session\'s grants ("Accept all ... for this session"), as Claude Code\'s SessionEnd hook or /clear should. An agent key ends only its own sessions; an admin names the agent with `?agent=`. Ending a session that has no grants (or that the server never saw) revokes nothing and answers 200. Recorded as `session.ended`. No body.',
        roles: ['agent', 'admin'],
        parameters: [idParam('The session id the agent sends with its requests (at most 200 characters).'), query('agent', 'Admins: whose session. Ignored for agent keys (always their own).', { type: 'string', maxLength: 200 })],
        responses: { '200': jsonResponse('The session ended.', schemaRef('SessionEnded')) },
        errors: { 400: 'VALIDATION_FAILED: an admin did not name the agent, or the session id is over 200 characters.', 403: 'FORBIDDEN: approver keys cannot end sessions.' },
      }),
    },
    '/v1/allow-rules': {
      get: operation({
        operationId: 'listAllowRules',
        tag: TAG,
        summary: 'List grants the ok2run way',
        description: 'Every grant in force in ok2run\'s shape: its "Session" and "Always" buttons create grants, and its clients list them here. Same data as GET /v1/grants.',
        roles: HUMANS,
        responses: { '200': jsonResponse('The grants as allow rules.', schemaRef('AllowRuleList')) },
      }),
    },
    '/v1/allow-rules/{id}': {
      delete: operation({
        operationId: 'revokeAllowRule',
        tag: TAG,
        summary: 'Revoke a grant the ok2run way',
        description: 'Same as DELETE /v1/grants/{id}, answered in ok2run\'s shape.',
        roles: HUMANS,
        parameters: [idParam('The `rule_id` from GET /v1/allow-rules (a grant id).')],
        responses: { '200': jsonResponse('Revoked.', schemaRef('AllowRuleRevoked')) },
        errors: { 404: 'NOT_FOUND: no such rule.' },
      }),
    },
  };
}
