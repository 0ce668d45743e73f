// The OpenAPI 3.1 document of the HTTP API, served at /openapi.json and rendered at /docs.
// test/openapi/openapi.test.ts checks it against the routes the app really registers.
import { BODY_SCHEMAS } from './bodies.js';
import { COMPAT_ERROR_RESPONSES, ERROR_RESPONSES, PARAMETERS, SCHEMAS } from './components.js';
import { compatPaths, COMPAT_SCHEMAS, COMPAT_TAGS } from './paths-compat.js';
import { mcpPaths, MCP_SCHEMAS } from './paths-mcp.js';
import { hooksPaths } from './paths-hooks.js';
import { policyPaths } from './paths-policy.js';
import { requestPaths } from './paths-requests.js';
import { sessionPaths, SESSION_SCHEMAS } from './paths-sessions.js';
import { stepUpPaths, STEP_UP_SCHEMAS } from './paths-step-up.js';
import { systemPaths } from './paths-system.js';
import { receiptPaths } from './paths-receipts.js';
import { telegramPaths, TELEGRAM_SCHEMAS } from './paths-telegram.js';
import { channelPaths, CHANNEL_SCHEMAS } from './paths-channels.js';
import { discordPaths, DISCORD_SCHEMAS } from './paths-discord.js';
import { slackPaths, SLACK_SCHEMAS } from './paths-slack.js';
import { POLICY_SCHEMAS } from './policy-components.js';
import { insightPaths, INSIGHT_SCHEMAS } from './paths-insights.js';
import { workflowPaths, WORKFLOW_SCHEMAS } from './paths-workflows.js';

const DESCRIPTION = `Greenlight is a self-hosted approval gate for AI agents. Agents file **requests** before they do
something with side effects; the policy answers at once where it can, everything else goes to human
**approvers**, and the agent gets the decision pushed back (long-poll, server-sent events, signed callback).

**Authentication.** Send your key as \`Authorization: Bearer <key>\` or \`X-API-Key: <key>\`. Keys have a role:
\`agent\` (files, reads and cancels its own requests — never decides), \`approver\` (reads and decides what is
routed to it), \`admin\` (everything). Each operation lists the roles that may call it (also as \`x-greenlight-roles\`).

**Errors** use one envelope: \`{"error": {"code", "message", "request_id"}}\` with a stable code
(see the Error schema). Every response carries \`X-Request-Id\`.

Guide: docs/api.md in the repository.`;

const TAGS = [
  { name: 'requests', description: 'File, read, list, wait for, decide and cancel approval requests.' },
  { name: 'events', description: 'Server-sent events: decisions pushed as they happen.' },
  { name: 'audit', description: 'The append-only audit log, and its export.' },
  { name: 'receipts', description: 'Signed decision receipts and the public key that checks them offline.' },
  { name: 'policy', description: 'Dry runs of the policy, stored grants, session ends, and ok2run\'s allow-rules. Agents cannot read or change policy; they may only end their own session.' },
  { name: 'insights', description: 'Figures over the request history and suggested rules (approvers see the projects routed to them; agents nothing).' },
  { name: 'keys', description: 'API keys and the current principal.' },
  { name: 'system', description: 'Health, readiness, metrics and these docs.' },
  { name: 'mcp', description: 'For agents: the MCP Streamable HTTP endpoint (JSON-RPC; agent or admin key) and OpenAI function-calling tool definitions.' },
  { name: 'hooks', description: 'For agent hosts: Claude Code, Codex, Gemini CLI and Cursor hooks answered over HTTP, without a process spawn.' },
  { name: 'step-up', description: 'Second factors for approving requests that need step-up: an authenticator app (TOTP) and passkeys (docs/security.md).' },
  { name: 'sessions', description: 'Agent sessions: the Claude Code sessions Greenlight runs in contexts, driven from chat and the dashboard, and the sessions hooked agents report (docs/sessions.md).' },
  { name: 'telegram', description: 'The Telegram channel\'s webhook and its set-up (served only when channels.telegram is configured).' },
  { name: 'workflows', description: 'Team workflows: an approver away until a time, with a delegate. Quorum and ladder state travel on every request as `workflow` (docs/workflows.md).' },
  { name: 'channels', description: 'How each configured channel is doing: sends, errors, outbox backlog, inbound traffic.' },
  { name: 'ntfy', description: 'Where ntfy push notifications\' Approve / Deny buttons post (served only when channels.ntfy is configured).' },
  { name: 'discord', description: 'The Discord channel\'s interactions endpoint, signed by Discord (served only when channels.discord is configured).' },
  { name: 'slack', description: 'Where Slack sends clicks, modals and the slash command in http mode, signed by Slack (served only when channels.slack is configured).' },
];

export function buildOpenApiSpec(version: string): object {
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(ERROR_RESPONSES)) responses[`E${status}`] = response;
  for (const [status, response] of Object.entries(COMPAT_ERROR_RESPONSES)) responses[`C${status}`] = response;
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    info: {
      title: 'Greenlight API',
      version,
      summary: 'Approval gate for AI agents: policy first, then humans, pushed back at once.',
      description: DESCRIPTION,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/', description: 'This server' }],
    security: [{ bearerAuth: [] }, { apiKeyAuth: [] }],
    tags: [...TAGS, ...COMPAT_TAGS],
    paths: { ...requestPaths(), ...policyPaths(), ...insightPaths(), ...systemPaths(), ...receiptPaths(), ...telegramPaths(), ...channelPaths(), ...discordPaths(), ...slackPaths(), ...mcpPaths(), ...hooksPaths(), ...sessionPaths(), ...workflowPaths(), ...stepUpPaths(), ...compatPaths() },
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <key>' },
        apiKeyAuth: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'The same key in the X-API-Key header (Chock clients send this).' },
      },
      schemas: { ...SCHEMAS, ...POLICY_SCHEMAS, ...INSIGHT_SCHEMAS, ...BODY_SCHEMAS, ...TELEGRAM_SCHEMAS, ...CHANNEL_SCHEMAS, ...DISCORD_SCHEMAS, ...SLACK_SCHEMAS, ...MCP_SCHEMAS, ...SESSION_SCHEMAS, ...WORKFLOW_SCHEMAS, ...STEP_UP_SCHEMAS, ...COMPAT_SCHEMAS },
      parameters: PARAMETERS,
      responses,
    },
  };
}
