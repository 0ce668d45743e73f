// OpenAPI paths of the agent integrations: the MCP Streamable HTTP endpoint (src/mcp/http.ts) and
// the OpenAI function-calling tool definitions (src/mcp/openai-tools.ts).
import { obj, str, type Schema } from './components.js';
import { jsonResponse, operation, TOO_DEEP } from './operation.js';

type Json = Record<string, unknown>;

const TAG = 'mcp';

/** The tools the MCP server offers (src/mcp/server.ts, src/mcp/permission-prompt.ts). */
export const MCP_TOOLS: readonly { name: string; description: string }[] = [
  { name: 'request_approval', description: 'Ask a human (or the policy) to approve an action before doing it; returns approval_id and status.' },
  { name: 'wait_for_approval', description: 'Block until the request is decided (pushed, not polled); isError means do not do it.' },
  { name: 'ask_user', description: 'Ask a human a question (options and/or free text) and wait for the answer.' },
  { name: 'check_request', description: 'Read a request\'s current status without waiting.' },
  { name: 'cancel_request', description: 'Withdraw a pending request.' },
  { name: 'permission_prompt', description: 'Claude Code\'s `--permission-prompt-tool`: answers `{"behavior": "allow" | "deny"}`.' },
  { name: 'execute_approved', description: 'Only when `mcp.execute_approved` is enabled with a directory: run the shell command a human approved, at most once per request.' },
];

/** The OpenAI function names GET /v1/tools/openai serves. */
export const OPENAI_TOOL_NAMES = ['request_approval', 'wait_for_approval', 'ask_user'] as const;

const TRANSPORT = [
  'The [MCP Streamable HTTP transport](https://modelcontextprotocol.io/specification/2025-06-18/basic/transports#streamable-http), stateless:',
  'no `Mcp-Session-Id`, every call is served by a fresh server, so each POST carries a complete JSON-RPC exchange.',
  'Send the key as `Authorization: Bearer <key>` (or `X-API-Key`): requests filed through the tools belong to that key.',
  'The `Origin` header, when present, must be this server\'s own origin or listed in `server.allowed_origins` (a DNS-rebinding guard); otherwise 403.',
  '',
  `Tools: ${MCP_TOOLS.map((t) => `\`${t.name}\` (${t.description})`).join('; ')}`,
  '',
  'Guide: docs/mcp.md.',
].join('\n');

const jsonRpcId = { type: ['string', 'integer'], description: 'The JSON-RPC id; absent on notifications.' };

export const MCP_SCHEMAS: Record<string, Schema> = {
  McpJsonRpcMessage: {
    type: 'object',
    description: 'A JSON-RPC 2.0 request or notification (https://www.jsonrpc.org/specification), e.g. `initialize`, `notifications/initialized`, `tools/list`, `tools/call`.',
    properties: {
      jsonrpc: { const: '2.0' },
      id: jsonRpcId,
      method: str('The MCP method, e.g. `tools/call`.', { minLength: 1 }),
      params: { type: 'object', description: 'The method\'s parameters; for `tools/call`: `{"name": <tool>, "arguments": {...}}`.', additionalProperties: true },
    },
    required: ['jsonrpc', 'method'],
    additionalProperties: true,
  },
  McpJsonRpcError: {
    type: 'object',
    description: 'A JSON-RPC error object.',
    properties: {
      code: { type: 'integer', description: 'JSON-RPC error code: -32700 parse error, -32600 invalid request, -32601 method not found, -32602 invalid params, -32000 transport error.' },
      message: str('What went wrong.'),
      data: { description: 'More detail, when there is any.' },
    },
    required: ['code', 'message'],
  },
  McpJsonRpcResponse: {
    type: 'object',
    description: 'A JSON-RPC 2.0 response: `result` on success, `error` otherwise. A refused or timed-out approval is a successful `tools/call` whose result has `isError: true`.',
    properties: {
      jsonrpc: { const: '2.0' },
      id: { type: ['string', 'integer', 'null'], description: 'The id of the request answered (null when it could not be read).' },
      result: { type: 'object', description: 'The method\'s result, e.g. `{"tools": [...]}` for tools/list or `{"content": [{"type": "text", "text": ...}], "isError": false}` for tools/call.', additionalProperties: true },
      error: { $ref: '#/components/schemas/McpJsonRpcError' },
    },
    required: ['jsonrpc', 'id'],
  },
  McpJsonRpcErrorResponse: {
    type: 'object',
    description: 'A JSON-RPC error from the transport itself (not the native error envelope).',
    properties: {
      jsonrpc: { const: '2.0' },
      id: { type: ['string', 'integer', 'null'] },
      error: { $ref: '#/components/schemas/McpJsonRpcError' },
    },
    required: ['jsonrpc', 'id', 'error'],
  },
  OpenAiToolDefinition: obj(
    {
      type: { const: 'function' },
      function: obj(
        {
          name: { type: 'string', enum: [...OPENAI_TOOL_NAMES] },
          description: str('What the tool does, for the model.'),
          parameters: { type: 'object', description: 'A JSON Schema of the arguments.', additionalProperties: true },
        },
        'The function: name, description and JSON Schema parameters.',
      ),
    },
    'A tool in OpenAI\'s function-calling format.',
  ),
  OpenAiTools: obj(
    {
      tools: { type: 'array', items: { $ref: '#/components/schemas/OpenAiToolDefinition' }, description: 'Pass these as `tools` to the chat completions or responses API.' },
      docs: str('Where the guide is: how each call maps onto the native API.'),
    },
    'OpenAI function-calling definitions for asking Greenlight.',
  ),
};

const rpcError = (description: string): Json => jsonResponse(description, { $ref: '#/components/schemas/McpJsonRpcErrorResponse' });

const ORIGIN_403 = 'AGENT_KEY_REQUIRED: needs an agent key (approver and admin keys do not file); FORBIDDEN: the Origin is neither this server nor in server.allowed_origins.';

/** Adds responses outside the native envelope and keeps the statuses in order. */
function withResponses(op: Json, extra: Record<string, Json>): Json {
  const merged: Record<string, Json> = { ...(op.responses as Record<string, Json>), ...extra };
  const sorted = Object.fromEntries(Object.keys(merged).sort().map((k) => [k, merged[k]]));
  return { ...op, responses: sorted };
}

export function mcpPaths(): Record<string, Json> {
  const common = { tag: TAG, roles: ['agent'] as const };
  const post = operation({
    ...common,
    operationId: 'mcpPost',
    summary: 'Send MCP JSON-RPC messages',
    description: `${TRANSPORT}\n\nThe body is one JSON-RPC message (or an array of them). Requests are answered with \`application/json\` (a JSON-RPC response, or an array for an array); a body of only notifications or responses gets 202 with no body. Send \`Accept: application/json, text/event-stream\` and \`Content-Type: application/json\`.`,
    errors: { 403: ORIGIN_403, 413: '' },
    responses: {
      '200': jsonResponse('The JSON-RPC response(s).', { anyOf: [{ $ref: '#/components/schemas/McpJsonRpcResponse' }, { type: 'array', items: { $ref: '#/components/schemas/McpJsonRpcResponse' } }] }),
      '202': { description: 'Accepted: the body held only notifications or responses.' },
    },
  });
  post.requestBody = {
    required: true,
    content: {
      'application/json': {
        schema: { anyOf: [{ $ref: '#/components/schemas/McpJsonRpcMessage' }, { type: 'array', items: { $ref: '#/components/schemas/McpJsonRpcMessage' }, minItems: 1 }] },
        example: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'request_approval', arguments: { action_type: 'bash_command', title: 'Deploy billing', preview: 'kubectl rollout restart deploy/billing' } } },
      },
    },
  };
  return {
    '/mcp': {
      post: withResponses(post, {
        '400': rpcError('Parse error (-32700: not JSON, or ' + TOO_DEEP + ' in `data.code`), an invalid JSON-RPC message (-32600) or an unsupported MCP-Protocol-Version (-32000).'),
        '406': rpcError('Not Acceptable (-32000): Accept must list both application/json and text/event-stream.'),
        '415': rpcError('Unsupported Media Type (-32000): Content-Type must be application/json.'),
      }),
      get: withResponses(
        operation({
          ...common,
          operationId: 'mcpGet',
          summary: 'Open the MCP server-to-client stream',
          description: `${TRANSPORT}\n\nThe transport's standalone SSE stream. The endpoint is stateless and never sends unsolicited messages, so the stream ends at once; clients need not open it.`,
          errors: { 403: ORIGIN_403 },
          responses: { '200': { description: 'An event stream (ends at once: nothing is sent unprompted).', content: { 'text/event-stream': { schema: { type: 'string' } } } } },
        }),
        {
          '400': rpcError('An unsupported MCP-Protocol-Version (-32000).'),
          '406': rpcError('Not Acceptable (-32000): Accept must list text/event-stream.'),
        },
      ),
      delete: withResponses(
        operation({
          ...common,
          operationId: 'mcpDelete',
          summary: 'End an MCP session',
          description: `${TRANSPORT}\n\nThe endpoint keeps no sessions, so there is nothing to end: it answers 200.`,
          errors: { 403: ORIGIN_403 },
          responses: { '200': { description: 'Done (no session was kept).' } },
        }),
        { '400': rpcError('An unsupported MCP-Protocol-Version (-32000).') },
      ),
    },
    '/v1/tools/openai': {
      get: operation({
        operationId: 'getOpenAiTools',
        tag: TAG,
        summary: 'OpenAI tool definitions',
        description: `Static function-calling definitions (\`${OPENAI_TOOL_NAMES.join('`, `')}\`) for agents that are not MCP clients; each call maps onto the native API (see docs/agents.md). The same for every caller.`,
        roles: 'public',
        responses: { '200': jsonResponse('The tool definitions.', { $ref: '#/components/schemas/OpenAiTools' }) },
      }),
    },
  };
}

