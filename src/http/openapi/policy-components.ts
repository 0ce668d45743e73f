// Schemas of the policy routes (src/http/routes/policy.ts): dry runs, grants, session ends and
// ok2run's allow-rules. The grant body comes from the zod schema that validates it.
import { CreateGrantSchema } from '../../grants-admin.js';
import { inputJsonSchema } from './bodies.js';
import { isoTime, nullable, nullableStr, obj, ref, str, type Schema } from './components.js';

const verdict: Schema = { type: 'string', enum: ['allow', 'deny', 'ask'] };
const effect: Schema = { type: 'string', enum: ['allow', 'ask', 'deny'] };

const Grant = obj(
  {
    id: str('Grant id: `grt_` + 26 characters.', { pattern: '^grt_' }),
    rule: str('A policy rule (`Bash(npm test *)`, `Read(./src/**)`, `WebFetch(domain:example.com)`) or `exact:<tool>:<hash>`: exactly one action.'),
    effect,
    scope: { type: 'string', enum: ['session', 'always'], description: '`session`: until the session ends (POST /v1/sessions/{id}/end); `always`: until revoked or expired.' },
    agent: nullableStr('The agent it applies to; null: every agent.'),
    project: nullableStr('The project it applies in; null: every project.'),
    session_id: nullableStr('The session it applies in (scope `session`), else null.'),
    created_by: str('Who gave it: the approver of the decision, or the admin / approver / `cli:<user>` who added it.'),
    created_at: isoTime('When it was given.'),
    expires_at: nullable(isoTime('When it stops applying.')),
    max_uses: { type: ['integer', 'null'], minimum: 1, description: 'It stops applying after allowing this many requests; null: no limit.' },
    uses: { type: 'integer', minimum: 0, description: 'Requests it has allowed so far.' },
    revoked_at: nullable(isoTime('When it was revoked.')),
    source_request_id: nullableStr('The request whose decision created it; null when added by hand.'),
    path_prefix: nullableStr('It applies only to file actions (Read, Edit, Write, …) whose lexical and real path lie under this absolute directory — an approver\'s "only under ./src"; never to shell commands. Null: anywhere.'),
    host: nullableStr('It applies only to requests whose `host` is this hostname (case-insensitive) — an approver\'s "only on this host"; a request that names no host never fits. Null: any machine.'),
  },
  'A stored grant: a policy rule given to an agent, project or session on top of the config\'s rules.',
);

const GrantPage = obj({ items: { type: 'array', items: ref('Grant') } }, 'Grants, oldest first.');

const PolicyEvaluation = obj(
  {
    action: obj(
      {
        tool: str('The tool (or action type) the rules matched against.'),
        input: { description: 'The tool input: `{"command"}` for Bash, `{"file_path"}` for Read/Edit/Write, `{"url"}` for WebFetch, ...' },
        cwd: nullableStr('The working directory relative paths resolve against.'),
      },
      'The action as the policy saw it (parsed from `action`, or the `tool` and `input` given).',
    ),
    verdict,
    rule: nullableStr('The deciding rule (a deny or ask rule, or the first allow rule used); null when a default or a scope decided.'),
    source: nullableStr('Where the deciding rule came from: `config:global`, `config:project:<name>`, `grant:<id>`, `scope:project`, `scope:sandbox`, `scope:implicit`; null for the default ask.'),
    grantIds: { type: 'array', items: { type: 'string' }, description: 'Grants whose rules allowed it (verdict `allow` only).' },
    reason: str('Why, in words.'),
    dangerous: { type: 'boolean', description: 'Flagged by the dangerous-action guard: a human must approve it, once.' },
    dangerReasons: { type: 'array', items: { type: 'string' }, description: 'What the guard found, e.g. `rm of /`.' },
    trace: { type: 'array', items: ref('PolicyTraceEntry'), description: 'The verdict of each subcommand, redirection and path.' },
    suggestions: { type: 'array', items: ref('GrantSuggestion'), description: 'The grants an approver would be offered (verdict `ask`, not dangerous); else empty.' },
  },
  'A dry run of the policy: what would happen to the action, and why.',
);

const SessionEnded = obj(
  {
    agent: str('Whose session ended.'),
    session_id: str('The session.'),
    grants_revoked: { type: 'integer', minimum: 0, description: 'Session grants revoked (0 when there were none, or the session was unknown).' },
  },
  'A session ended: its session grants no longer apply.',
);

const AllowRule = obj(
  {
    rule_id: str('The grant id (`grt_...`); pass it to DELETE /v1/allow-rules/{id}.'),
    rule: str('The grant\'s rule.'),
    scope: { type: 'string', enum: ['session', 'always'] },
    agent: nullableStr('The agent (ok2run\'s client), or null: every agent.'),
    project: nullableStr('The project, or null: every project.'),
    session_id: nullableStr('The session of a session grant.'),
    action_type: str('The tool or action type the rule is about (`Bash`, `deploy`, ...).'),
    created_at: { type: 'integer', minimum: 0, description: 'When it was given, in epoch seconds (ok2run\'s unit).' },
  },
  'A grant as ok2run lists its allow rules.',
);

const AllowRuleList = obj({ rules: { type: 'array', items: ref('AllowRule') } }, 'Every grant in force, as ok2run\'s allow rules.');

const AllowRuleRevoked = obj(
  {
    rule_id: str('The revoked grant.'),
    status: { const: 'revoked' },
    client_id: nullableStr('The agent it applied to (ok2run\'s client id).'),
    action_type: str('The tool or action type of the rule.'),
  },
  'ok2run\'s answer to revoking an allow rule.',
);

/** Hand-written: routes/policy.ts validates it with EvaluateSchema (not exported) — keep them in step. */
const EvaluatePolicy: Schema = {
  type: 'object',
  description: 'Give either `action` (`Tool(argument)`) or `tool` with `input`.',
  properties: {
    action: { type: 'string', minLength: 1, maxLength: 20_000, description: '`Bash(git status && rm -rf /)`, `Read(./src/a.ts)`, `Edit(/srv/app/x.ts)`, `WebFetch(https://example.com/x)`, `mcp__github__create_issue`, or a bare tool name.' },
    tool: { type: 'string', minLength: 1, maxLength: 200, description: 'The tool name, as an agent host sends it (with `input`).' },
    input: { description: 'The tool input (any JSON value), e.g. `{"command": "git status"}`.' },
    cwd: { type: ['string', 'null'], minLength: 1, maxLength: 4096, description: 'The agent\'s working directory: relative paths and `cd` resolve against it.' },
    agent: { type: ['string', 'null'], minLength: 1, maxLength: 200, description: 'The agent the request would come from: its stored grants apply. Without it, no stored grant does.' },
    project: { type: ['string', 'null'], minLength: 1, maxLength: 200, description: 'The project: its rules, directories and sandbox apply. Not derived from cwd here: name it.' },
    session_id: { type: ['string', 'null'], minLength: 1, maxLength: 200, description: 'The session: its session grants apply.' },
    host: { type: ['string', 'null'], pattern: '^[A-Za-z0-9._-]{1,253}$', description: 'The machine the request would come from (its hostname): grants limited to that host apply, compared case-insensitively. Without it, no host-limited grant does.' },
  },
  oneOf: [{ required: ['action'], not: { required: ['tool'] } }, { required: ['tool'], not: { required: ['action'] } }],
  additionalProperties: false,
};

const CreateGrant = inputJsonSchema(CreateGrantSchema, {
  rule: { description: 'A policy rule in Claude Code\'s syntax: `Bash(npm test *)`, `Read(./src/**)`, `Edit(//srv/app/**)`, `WebFetch(domain:example.com)`, `mcp__server__tool`. A malformed rule is refused with the parser\'s message.' },
  effect: { description: '`allow` (default), `ask` or `deny`. Deny wins over ask, ask over allow, whatever their source.' },
  agent: { description: 'Only for this agent; null or absent: every agent.' },
  project: { description: 'Only in this project (declared under projects[]); null or absent: every project.' },
  session_id: { description: 'Only in this session of the agent (scope `session`); it ends with POST /v1/sessions/{id}/end.' },
  expires_in_sec: { description: 'Stops applying after this many seconds.' },
  max_uses: { description: 'Stops applying after it allowed this many requests.' },
});

export const POLICY_SCHEMAS: Record<string, Schema> = { Grant, GrantPage, PolicyEvaluation, SessionEnded, AllowRule, AllowRuleList, AllowRuleRevoked, EvaluatePolicy, CreateGrant };
