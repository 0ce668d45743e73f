// OpenAPI paths of the agent-sessions API (src/sessions/routes.ts; docs/sessions.md): the sessions
// Greenlight runs in `contexts` and the ones hooked agents report.
import { isoTime, nullable, nullableStr, obj, ref, str, type Schema } from './components.js';
import { jsonResponse, operation, query, TOO_DEEP } from './operation.js';

type Json = Record<string, unknown>;

const TAG = 'sessions';
const READERS = ['approver', 'admin'] as const;
const DRIVE = 'Only an approver the context allows (`contexts[].approvers`) may; anyone else gets CONTEXT_NOT_ALLOWED, audited as `session.refused`.';
const int = (description: string): Schema => ({ type: ['integer', 'null'], description });
const idParam: Json = { name: 'id', in: 'path', required: true, description: 'The agent session id (`ses_...`).', schema: { type: 'string', pattern: '^ses_[0-9a-z]{1,40}$' } };

export const SESSION_SCHEMAS: Record<string, Schema> = {
  AgentSession: obj(
    {
      id: str('`ses_...`'),
      kind: { type: 'string', enum: ['run', 'hook'], description: '`run`: Greenlight runs it in a context; `hook`: a hooked agent reports it.' },
      agent: str('The agent its requests are filed under (`context:<name>` for `run`).'),
      context: nullableStr('The context (`run` only).'),
      host: nullableStr('The agent host (claude-code, codex, ...).'),
      external_id: nullableStr("The host's own session id (Claude Code's); what resume continues."),
      cwd: nullableStr('Its working directory.'),
      project: nullableStr('Its project, when known.'),
      status: { type: 'string', enum: ['working', 'waiting_approval', 'waiting_input', 'idle', 'ended'] },
      current_tool: nullableStr('The tool it is running or waiting on.'),
      chat_channel: nullableStr('The chat that drives it (its output and notices go there).'),
      chat_target: nullableStr('That chat\'s id.'),
      started_by: nullableStr('Who started it (`run`).'),
      cost_usd: { type: ['number', 'null'], description: "Claude Code's estimate of the session's cost." },
      input_tokens: int('Input tokens of the last turn, when known.'),
      output_tokens: int('Output tokens of the last turn, when known.'),
      turns: { type: 'integer', description: 'Prompts it has had.' },
      last_outcome: nullableStr('How the last turn ended: completed, stopped, timed_out, budget, failed, restarted.'),
      created_at: isoTime('When it started.'),
      updated_at: isoTime('Its last activity.'),
      ended_at: nullable(isoTime('When it ended.')),
      pending_approvals: { type: 'integer', description: 'Its requests waiting for a human.' },
    },
    'An agent session.',
  ),
  SessionEvent: obj(
    {
      session_id: str('The session.'),
      seq: { type: 'integer', description: 'Increases by one per event of the session.' },
      at: isoTime('When it happened.'),
      kind: str('prompt, text, tool, tool_result, status, result, error, notice'),
      text: str("What happened, as text (agent text as it came: escape it)."),
      data: { type: ['object', 'null'], description: 'Details by kind (who prompted, the tool, the outcome).' },
    },
    'One transcript event.',
  ),
  AgentSessionList: obj({
    items: { type: 'array', items: ref('AgentSession') },
    contexts: {
      type: 'array',
      items: obj({ name: str('The context.'), directory: str('Its directory.'), sandbox: { type: 'boolean' }, model: nullableStr('Its model.'), may_drive: { type: 'boolean', description: 'Whether this key may prompt it.' } }),
    },
  }),
  AgentSessionDetail: obj({ session: ref('AgentSession'), events: { type: 'array', items: ref('SessionEvent') }, running: { type: 'boolean', description: 'A turn is running (on this instance or another).' } }),
  StartSession: { type: 'object', properties: { context: str('The context.'), prompt: str('The first prompt (at most 20,000 characters).', { maxLength: 20000 }) }, required: ['context', 'prompt'] },
  SessionPrompt: { type: 'object', properties: { text: str('The prompt (at most 20,000 characters).', { maxLength: 20000 }) }, required: ['text'] },
  SessionResume: { type: 'object', properties: { text: str('A prompt to continue with at once.', { maxLength: 20000 }) } },
  SessionStopped: obj({ stopped: { type: 'boolean', description: 'False: nothing was running.' } }),
  AgentSessionEnded: obj({ session: ref('AgentSession'), grants_revoked: { type: 'integer' } }),
};

const PROMPT_ERRORS = {
  400: `VALIDATION_FAILED (no prompt, not a string, empty, over 20,000 characters, a hooked agent's session), INVALID_JSON or ${TOO_DEEP}.`,
  403: `CONTEXT_NOT_ALLOWED, or FORBIDDEN for agent keys. ${DRIVE}`,
  404: 'NOT_FOUND: no such context or session.',
  409: 'SESSION_BUSY (a turn is running, here or on another instance) or SESSION_BUDGET_SPENT (sessions.max_cost_usd reached).',
  415: '',
  429: 'SESSION_LIMIT (sessions.max_concurrent turns are running on this instance) or RATE_LIMITED.',
};

export function sessionPaths(): Record<string, Json> {
  return {
    '/v1/agent-sessions': {
      get: operation({
        operationId: 'listAgentSessions',
        tag: TAG,
        summary: 'List agent sessions',
        description: 'Running and recent sessions, most recent activity first, with their pending approvals; and the contexts, with whether this key may drive each.',
        roles: READERS,
        parameters: [query('active', '`true`: only sessions that have not ended.', { type: 'string', enum: ['true', 'false'] }), query('limit', 'At most this many (1–500, default 100).', { type: 'integer', minimum: 1, maximum: 500 })],
        responses: { '200': jsonResponse('The sessions.', ref('AgentSessionList')) },
        errors: { 400: 'VALIDATION_FAILED: limit out of range.' },
      }),
      post: operation({
        operationId: 'startAgentSession',
        tag: TAG,
        summary: 'Start a session in a context',
        description: `Starts Claude Code in the context's directory with the prompt; the turn runs on, its tool calls filed as the agent \`context:<name>\`. Audited as \`session.started\` and \`session.prompted\`. ${DRIVE}`,
        roles: READERS,
        body: { schema: ref('StartSession'), example: { context: 'web', prompt: 'Run the tests and fix what fails.' } },
        responses: { '201': jsonResponse('The session, working.', ref('AgentSession')) },
        errors: PROMPT_ERRORS,
      }),
    },
    '/v1/agent-sessions/events': {
      get: operation({
        operationId: 'streamAgentSessions',
        tag: TAG,
        summary: 'Server-sent events of agent sessions',
        description: 'Events `ready`, `session` (an AgentSession that changed), `notice` (`{session_id, notice, text}`: finished, needs_input, interrupted, failed); with `session_id`, also `transcript` (a SessionEvent), first those stored after `after_seq`. A `shutdown` event ends the stream when the server stops.',
        roles: READERS,
        parameters: [query('session_id', "Also this session's transcript.", { type: 'string' }), query('after_seq', 'Transcript events after this seq.', { type: 'integer', minimum: 0 })],
        responses: { '200': { description: 'The event stream.', content: { 'text/event-stream': { schema: { type: 'string', description: 'SSE frames; each `data:` line is JSON.' } } } } },
        errors: { 400: 'VALIDATION_FAILED: session_id is not a session id, or after_seq is not a whole number.', 503: 'SHUTTING_DOWN' },
      }),
    },
    '/v1/agent-sessions/{id}': {
      get: operation({
        operationId: 'getAgentSession',
        tag: TAG,
        summary: 'Read a session and its transcript',
        description: 'The session and its transcript events after `after_seq`, oldest first (transcripts are bounded by sessions.max_transcript_events).',
        roles: READERS,
        parameters: [idParam, query('after_seq', 'Events after this seq.', { type: 'integer', minimum: 0 }), query('limit', 'At most this many events (1–5000, default 500).', { type: 'integer', minimum: 1, maximum: 5000 })],
        responses: { '200': jsonResponse('The session.', ref('AgentSessionDetail')) },
        errors: { 400: 'VALIDATION_FAILED: a query parameter out of range.', 404: 'NOT_FOUND: no such session.' },
      }),
    },
    '/v1/agent-sessions/{id}/prompt': {
      post: operation({
        operationId: 'promptAgentSession',
        tag: TAG,
        summary: 'Send the next prompt',
        description: `Continues the session (the same Claude Code session) with the prompt. ${DRIVE}`,
        roles: READERS,
        parameters: [idParam],
        body: { schema: ref('SessionPrompt'), example: { text: 'Now commit it.' } },
        responses: { '202': jsonResponse('The session, working.', ref('AgentSession')) },
        errors: PROMPT_ERRORS,
      }),
    },
    '/v1/agent-sessions/{id}/stop': {
      post: operation({
        operationId: 'stopAgentSession',
        tag: TAG,
        summary: 'Interrupt the running turn',
        description: `Audited as \`session.stopped\`. No body. ${DRIVE}`,
        roles: READERS,
        parameters: [idParam],
        responses: { '200': jsonResponse('Whether a turn was stopped.', ref('SessionStopped')) },
        errors: { 400: "VALIDATION_FAILED: a hooked agent's session.", 403: `CONTEXT_NOT_ALLOWED. ${DRIVE}`, 404: 'NOT_FOUND: no such session.' },
      }),
    },
    '/v1/agent-sessions/{id}/resume': {
      post: operation({
        operationId: 'resumeAgentSession',
        tag: TAG,
        summary: 'Continue a session',
        description: `Reopens an ended session for its next prompt (its grants stay ended), or with \`text\` sends that prompt at once. Audited as \`session.resumed\`. ${DRIVE}`,
        roles: READERS,
        parameters: [idParam],
        body: { schema: ref('SessionResume'), required: false },
        responses: { '202': jsonResponse('The session.', ref('AgentSession')) },
        errors: PROMPT_ERRORS,
      }),
    },
    '/v1/agent-sessions/{id}/end': {
      post: operation({
        operationId: 'endAgentSession',
        tag: TAG,
        summary: 'End a session and its grants',
        description: `Stops its turn and ends the grants given "for this session" (as \`/new\` does). Audited as \`session.ended\`. No body. ${DRIVE}`,
        roles: READERS,
        parameters: [idParam],
        responses: { '200': jsonResponse('The session, ended.', ref('AgentSessionEnded')) },
        errors: { 400: "VALIDATION_FAILED: a hooked agent's session.", 403: `CONTEXT_NOT_ALLOWED. ${DRIVE}`, 404: 'NOT_FOUND: no such session.' },
      }),
    },
  };
}
