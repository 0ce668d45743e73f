// The MCP server: a cheap, side-effect-free factory over a Greenlight client, shared by stdio
// (`greenlight mcp`), Streamable HTTP (`/mcp`) and the tests. Tool names and arguments follow ok2run.
// A denial or a timeout is a result with isError: true and a sentence the model can act on.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { GreenlightClient } from '../client/client.js';
import { TERMINAL, readAnswer } from '../client/client.js';
import { isGreenlightApiError } from '../client/errors.js';
import { approvedCommand, describeOutcome } from '../client/outcome.js';
import type { WireRequest } from '../client/types.js';
import { VERSION } from '../version.js';
import type { ExecuteApprovedConfig } from './config.js';
import { refuseExecution, runApproved } from './execute.js';
import { registerPermissionPrompt } from './permission-prompt.js';
import { text } from './result.js';

export { text };

/** What the tools need from a client: the HTTP client, or the in-process gate adapter. */
export type McpClient = Pick<GreenlightClient, 'request' | 'get' | 'waitForDecision' | 'cancel'>;

export interface McpServerOptions {
  /** Enables `execute_approved` (off unless configured). */
  executeApproved?: ExecuteApprovedConfig | null;
  /** Seconds wait_for_approval / ask_user block by default (default 300). */
  defaultWaitSec?: number;
}

/** A request as the tools report it: ok2run's fields (approval_id, auto, decision.code/note) beside ours. */
export function summarize(r: WireRequest) {
  const o = describeOutcome(r);
  const d = r.decision;
  return {
    approval_id: r.id,
    request_id: r.id,
    status: r.status,
    auto: d?.decided_by_kind === 'policy',
    expires_at: r.expires_at,
    message: o.message,
    decision: d
      ? { code: r.status, note: d.comment, override: d.updated_input ?? null, scope: d.scope, conditions: d.conditions, answer: d.answer, decided_by: d.decided_by, via: d.via }
      : null,
    /** The signed decision receipt (docs/security.md#receipts); null while pending. */
    receipt: r.receipt ?? null,
  };
}

/** A request's state as a tool result: isError unless it was approved / answered. */
export function outcomeResult(r: WireRequest, extra: Record<string, unknown> = {}): CallToolResult {
  const o = describeOutcome(r);
  return text({ ...summarize(r), ...extra }, !o.ok);
}

/** A failed call as a tool result the model can read. */
export function errorResult(err: unknown): CallToolResult {
  const e = err as { code?: unknown; message?: string };
  if (!isGreenlightApiError(err) && typeof e?.code === "string" && /^[A-Z_]+$/.test(e.code)) return text(`Greenlight refused: ${e.code}: ${e.message}`, true);
  if (isGreenlightApiError(err)) return text(`Greenlight refused: ${err.code}: ${err.message}`, true);
  return text(`Greenlight could not be reached: ${(err as Error)?.message ?? String(err)}`, true);
}

export const guard = (fn: () => Promise<CallToolResult>) => fn().catch(errorResult);

/** Requests execute_approved has run, process-wide (HTTP serves each call with a fresh server). */
const executed = new Set<string>();

export function createMcpServer(client: McpClient, options: McpServerOptions = {}): McpServer {
  const server = new McpServer({ name: 'greenlight', version: VERSION }, { instructions: 'Ask Greenlight before any action with side effects. Call request_approval, then wait_for_approval; act only on status approved (use decision.override if present). A result with isError means: do not do it.' });
  const defaultWait = options.defaultWaitSec ?? 300;

  server.registerTool(
    'request_approval',
    {
      description: 'Ask a human (or the server policy) to approve an action before you do it. Returns approval_id and status; if status is pending, call wait_for_approval with the approval_id. Do the action only when the status is approved.',
      inputSchema: {
        action_type: z.string().min(1).max(100).describe('Kind of action, e.g. bash_command, file_write, http_request, deploy'),
        title: z.string().min(1).max(500).describe('Short title saying what you want to do'),
        preview: z.string().max(100_000).describe('The exact command, diff or payload that will run: the approver approves what they see'),
        context: z.string().max(10_000).optional().describe('Why you want to do it'),
        session_id: z.string().max(200).optional(),
        project: z.string().max(100).optional(),
        priority: z.enum(['low', 'normal', 'high', 'critical']).optional(),
        expires_in_sec: z.number().int().min(1).optional().describe('How long a human has to decide (default: the server\'s)'),
        options: z.array(z.string()).max(26).optional().describe('ok2run compatibility: turns the request into a question with these choices'),
        channel: z.string().max(40).optional().describe('A hint for the channel (telegram, email, ...); the server decides who is notified'),
        tg_chat_id: z.string().optional().describe('Ignored: the server decides who approves'),
        email_to: z.string().optional().describe('Ignored: the server decides who approves'),
      },
    },
    (a) =>
      guard(async () => {
        const r = await client.request({
          action_type: a.action_type,
          title: a.title,
          preview: a.preview,
          context: a.context,
          session_id: a.session_id,
          project: a.project,
          priority: a.priority,
          expires_in_sec: a.expires_in_sec,
          channel: a.channel,
          ...(a.options?.length ? { question: { options: a.options, allow_free_text: true } } : {}),
        });
        if (r.status === 'pending') return text({ ...summarize(r), message: `Waiting for a human. Call wait_for_approval with approval_id "${r.id}" before doing anything.` });
        return outcomeResult(r);
      }),
  );

  server.registerTool(
    'wait_for_approval',
    {
      description: 'Block until a human decides the request (pushed, not polled). Returns approved / denied / expired; isError means do not do it. If it is still pending when max_wait runs out, you may wait again or cancel.',
      inputSchema: {
        approval_id: z.string().min(1).max(100).describe('The approval_id from request_approval'),
        max_wait: z.number().int().min(0).max(86_400).optional().describe(`Seconds to wait (default ${defaultWait})`),
        poll_interval: z.number().optional().describe('Ignored (ok2run compatibility): decisions are pushed'),
      },
    },
    (a) => guard(async () => outcomeResult(await client.waitForDecision(a.approval_id, { timeoutSec: a.max_wait ?? defaultWait }))),
  );

  server.registerTool(
    'ask_user',
    {
      description: 'Ask a human a question and wait for the answer: options (A/B/C/D) and/or free text. Returns the answer text.',
      inputSchema: {
        question: z.string().min(1).max(10_000),
        options: z.array(z.string().min(1).max(500)).max(26).optional().describe("Choices, e.g. ['Use React', 'Use Vue']"),
        allow_free_text: z.boolean().optional().describe('Accept a typed answer besides the options (default: only when there are no options)'),
        multi_select: z.boolean().optional(),
        context: z.string().max(10_000).optional(),
        max_wait: z.number().int().min(0).max(86_400).optional().describe(`Seconds to wait (default ${defaultWait})`),
      },
    },
    (a) =>
      guard(async () => {
        const options = a.options ?? [];
        const created = await client.request({
          title: a.question.length > 500 ? `${a.question.slice(0, 497)}...` : a.question,
          action_type: 'question',
          preview: a.question,
          context: a.context,
          question: { options, multi_select: a.multi_select ?? false, allow_free_text: a.allow_free_text ?? options.length === 0 },
        });
        const r = TERMINAL.has(created.status) ? created : await client.waitForDecision(created.id, { timeoutSec: a.max_wait ?? defaultWait });
        const { answer, keys } = readAnswer(r);
        if ((r.status === 'answered' || r.status === 'approved') && answer !== null) return text({ ...summarize(r), answer, keys });
        return outcomeResult(r, { answer: null });
      }),
  );

  server.registerTool(
    'check_request',
    {
      description: 'Read a request\'s current status without waiting.',
      inputSchema: { approval_id: z.string().min(1).max(100) },
    },
    (a) => guard(async () => text(summarize(await client.get(a.approval_id)))),
  );

  server.registerTool(
    'cancel_request',
    {
      description: 'Withdraw a pending request you no longer need (for example after a timeout).',
      inputSchema: { approval_id: z.string().min(1).max(100), reason: z.string().max(2000).optional() },
    },
    (a) => guard(async () => text(summarize(await client.cancel(a.approval_id, a.reason)))),
  );

  const exec = options.executeApproved;
  if (exec?.enabled && exec.directory) {
    server.registerTool(
      'execute_approved',
      {
        description: `Run the shell command a human approved (the edited version if they edited it) in ${exec.directory}, at most once per request, with a ${exec.timeout_sec}s timeout. Only for requests a person approved one by one; policy or standing-grant approvals are refused.`,
        inputSchema: { approval_id: z.string().min(1).max(100) },
      },
      (a) =>
        guard(async () => {
          const r = await client.get(a.approval_id);
          const refusal = refuseExecution(r);
          if (refusal) return text(refusal, true);
          if (executed.has(r.id)) return text(`Request ${r.id} was already executed once; ask again to run it again.`, true);
          executed.add(r.id);
          const command = approvedCommand(r)!;
          const result = await runApproved(command, exec);
          const failed = result.timed_out || result.exit_code !== 0;
          return text({ approval_id: r.id, command, directory: exec.directory, ...result, ...(result.timed_out ? { message: `The command was killed after ${exec.timeout_sec}s.` } : {}) }, failed);
        }),
    );
  }

  registerPermissionPrompt(server, client, defaultWait);
  return server;
}
