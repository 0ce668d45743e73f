// OpenAPI path of the agent-host hooks (src/hooks/routes.ts): one endpoint per host, taking the
// host's own hook payload and answering in the host's own output format.
import { operation, TOO_DEEP } from './operation.js';

type Json = Record<string, unknown>;

export function hooksPaths(): Record<string, Json> {
  const op = operation({
    operationId: 'agentHook',
    tag: 'hooks',
    roles: ['agent'],
    summary: 'Answer an agent host\'s hook',
    description: [
      'The same logic as the command hook `greenlight hook <host>`, without a process spawn: Claude Code `"type": "http"` hooks send the agent key as `Authorization: Bearer`.',
      'The body is the host\'s hook payload (Claude Code: `PreToolUseHookInput`, `PermissionRequestHookInput`, `SessionStart`, `SessionEnd`, ...; Codex, Gemini CLI `BeforeTool`, Cursor `beforeShellExecution` / `beforeMCPExecution`).',
      'The policy answers first; otherwise the call waits for a human up to `wait_sec` and then denies with "retry the same action later" (an identical later call picks up the decision).',
      'Always 200 with the host\'s own output, also for a bad key or payload (not JSON, or ' + TOO_DEEP + '): a failure reaches the agent as a deny (or ask with `on_error=ask`), never as an allow. Guide: docs/hooks.md.',
    ].join('\n'),
    errors: {},
    body: { schema: { type: 'object', additionalProperties: true }, description: 'The host\'s hook payload, as the host sends it.' },
    responses: { '200': { description: 'The host\'s hook output (Claude Code: `HookJSONOutput`).', content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } } } },
  });
  op.parameters = [
    { name: 'host', in: 'path', required: true, schema: { type: 'string', enum: ['claude-code', 'codex', 'gemini', 'cursor', 'opencode'] }, description: 'Which agent host sent the payload.' },
    { name: 'wait_sec', in: 'query', required: false, schema: { type: 'integer', minimum: 0 }, description: 'How long to wait for a human before denying with "retry later".' },
    { name: 'on_error', in: 'query', required: false, schema: { type: 'string', enum: ['deny', 'ask'] }, description: 'What to answer when the gate fails: deny (default) or ask (the host\'s own dialog).' },
  ];
  return { '/v1/hooks/{host}': { post: op } };
}
