// GET /v1/tools/openai: OpenAI function-calling definitions for asking Greenlight, for agents that
// are not MCP clients. The tool calls map onto the native API (see docs/agents.md).
import { Hono } from 'hono';
import type { RouteGroup } from '../http/app.js';
import type { AppEnv } from '../http/context.js';

export const OPENAI_TOOLS = [
  {
    type: 'function',
    function: {
      name: 'request_approval',
      description: 'Ask a human (or the server policy) to approve an action with side effects before doing it. Returns approval_id and status; act only when status is approved.',
      parameters: {
        type: 'object',
        properties: {
          action_type: { type: 'string', description: 'Kind of action: bash_command, file_write, http_request, deploy, ...' },
          title: { type: 'string', description: 'Short title saying what you want to do' },
          preview: { type: 'string', description: 'The exact command, diff or payload that will run' },
          context: { type: 'string', description: 'Why you want to do it' },
        },
        required: ['action_type', 'title', 'preview'],
        additionalProperties: false,
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'wait_for_approval',
      description: 'Block until the request is decided. approved: go ahead (use the edited action if one is returned); denied, expired or cancelled: do not do it; pending: still undecided after max_wait.',
      parameters: {
        type: 'object',
        properties: {
          approval_id: { type: 'string', description: 'The approval_id from request_approval' },
          max_wait: { type: 'integer', description: 'Seconds to wait (default 300)' },
        },
        required: ['approval_id'],
        additionalProperties: false,
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'ask_user',
      description: 'Ask a human a question and wait for the answer (one of the options, or free text).',
      parameters: {
        type: 'object',
        properties: {
          question: { type: 'string' },
          options: { type: 'array', items: { type: 'string' }, description: 'Choices to pick from' },
          allow_free_text: { type: 'boolean', description: 'Accept a typed answer besides the options' },
        },
        required: ['question'],
        additionalProperties: false,
      },
    },
  },
] as const;

export function openaiToolsRouteGroup(): RouteGroup {
  const app = new Hono<AppEnv>();
  app.get('/v1/tools/openai', (c) => c.json({ tools: OPENAI_TOOLS, docs: '/docs/agents.md' }));
  return app;
}
