// `greenlight channel`: an MCP server that Claude Code's channels protocol relays its permission
// prompts to, so the terminal dialog and Greenlight's channels are open at once and the first
// answer wins. It declares the `claude/channel` and `claude/channel/permission` capabilities,
// files each `notifications/claude/channel/permission_request` as a Greenlight request (policy
// first, then humans on every channel), and answers `notifications/claude/channel/permission`
// with allow or deny once someone decides. When the terminal answers first, Claude Code does not
// tell the channel; Greenlight's PostToolUse / Stop hooks close the request (hooks/relayed.ts) and
// this server, seeing it cancelled, sends nothing. A factory without I/O: the CLI command connects
// it to stdio, the tests to an in-memory transport.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { z } from 'zod';
import type { GreenlightClient } from '../client/client.js';
import type { WireRequest } from '../client/types.js';
import { RELAY_VIA } from '../hooks/relayed.js';
import { VERSION } from '../version.js';

export const PERMISSION_REQUEST = 'notifications/claude/channel/permission_request';
export const PERMISSION_ANSWER = 'notifications/claude/channel/permission';

export type ChannelClient = Pick<GreenlightClient, 'request' | 'waitForDecision' | 'cancel' | 'pending'>;

export interface ChannelOptions {
  /** Claude Code's session (it sets CLAUDE_CODE_SESSION_ID for MCP servers). */
  sessionId: string | null;
  /** The project directory (CLAUDE_PROJECT_DIR). */
  cwd: string | null;
  /** Where refusals and failures are reported (stderr; stdout carries the protocol). */
  log?: (line: string) => void;
}

export interface ChannelServer {
  server: Server;
  /** Resolves when every relayed prompt received so far has been settled (tests). */
  idle(): Promise<void>;
  /** Withdraws the prompts still pending (the session is over). */
  close(): Promise<void>;
}

/** Anything goes through the SDK; the fields are checked here so a bad one is refused with a reason. */
const LooseNotification = z.object({ method: z.literal(PERMISSION_REQUEST), params: z.unknown().optional() });

const Relayed = z.object({
  request_id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -'),
  tool_name: z.string().min(1).max(200),
  description: z.string().max(4000).default(''),
  input_preview: z.string().max(20_000).default(''),
});
type Relayed = z.infer<typeof Relayed>;

const PREVIEW_CUT = 'Claude Code relays only the start of the input (up to 200 characters); the rest is shown in the terminal.';

/** The input Claude Code relayed, when the preview is the whole of it. */
function fullInput(r: Relayed): Record<string, unknown> | null {
  if (r.input_preview.endsWith('…')) return null;
  try {
    const v = JSON.parse(r.input_preview);
    return v && typeof v === 'object' && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

function requestBody(r: Relayed, o: ChannelOptions) {
  const input = fullInput(r);
  const command = r.tool_name === 'Bash' && typeof input?.command === 'string' ? input.command : null;
  const what = command ?? (r.description || r.tool_name);
  const lines = command ? [`$ ${command}`, ...(r.description ? [`# ${r.description}`] : [])] : [r.description, r.input_preview].filter(Boolean);
  if (!input) lines.push('', PREVIEW_CUT);
  return {
    title: `Claude Code wants to ${command ? 'run' : `use ${r.tool_name}`}: ${what}`.slice(0, 200),
    action_type: 'tool_call',
    preview: lines.join('\n'),
    tool: r.tool_name,
    input: input ?? { input_preview: r.input_preview },
    session_id: o.sessionId ? o.sessionId.slice(0, 200) : null,
    cwd: o.cwd,
    metadata: { host: 'claude-code', hook_event: 'PermissionRequest', via: RELAY_VIA, channel_request_id: r.request_id, input_preview: r.input_preview.slice(0, 1000), relayed_whole_input: input !== null },
  };
}

/** The answer Claude Code gets for a settled request; null when it must get none (closed elsewhere). */
export function behaviorFor(r: WireRequest): 'allow' | 'deny' | null {
  if (r.status === 'approved' || r.status === 'conditional') return 'allow';
  if (r.status === 'cancelled' || r.status === 'pending') return null;
  return 'deny';
}

export function createChannelServer(client: ChannelClient, o: ChannelOptions): ChannelServer {
  const log = o.log ?? (() => {});
  const server = new Server(
    { name: 'greenlight', version: VERSION },
    {
      capabilities: { experimental: { 'claude/channel': {}, 'claude/channel/permission': {} } },
      instructions: 'Greenlight relays Claude Code permission prompts to its approvers; it sends no messages into the conversation.',
    },
  );
  const pending = new Map<string, { id: string | null; done: Promise<void>; abort: AbortController }>();

  // Once Claude Code has connected, check the gate and the key, so a wrong one is said at once
  // (Claude Code keeps an MCP server's stderr in its debug log) rather than at the first prompt.
  server.oninitialized = () => {
    client.pending({ limit: 1 }).catch((err) => log(`greenlight channel: the gate refused this relay (${(err as Error).message}); permission prompts are decided at the terminal only.`));
  };

  async function relay(r: Relayed, abort: AbortController, entry: { id: string | null }): Promise<void> {
    let req = await client.request(requestBody(r, o), { idempotencyKey: `channel:${o.sessionId ?? 'no-session'}:${r.request_id}`, signal: abort.signal });
    entry.id = req.id;
    if (req.status === 'pending') req = await client.waitForDecision(req.id, { signal: abort.signal });
    const behavior = behaviorFor(req);
    if (behavior === null) return;
    await server.notification({ method: PERMISSION_ANSWER, params: { request_id: r.request_id, behavior } });
  }

  server.setNotificationHandler(LooseNotification, async (n) => {
    const parsed = Relayed.safeParse(n.params);
    if (!parsed.success) {
      log(`greenlight channel: refused a permission_request (${parsed.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ')}); the terminal dialog still decides.`);
      return;
    }
    const r = parsed.data;
    if (pending.has(r.request_id)) return;
    const abort = new AbortController();
    const entry = { id: null as string | null, abort, done: Promise.resolve() };
    entry.done = relay(r, abort, entry)
      .catch((err) => {
        if (!abort.signal.aborted) log(`greenlight channel: prompt ${r.request_id} not relayed: ${(err as Error).message}; the terminal dialog still decides.`);
      })
      .finally(() => pending.delete(r.request_id));
    pending.set(r.request_id, entry);
  });

  return {
    server,
    async idle() {
      while (pending.size) await Promise.all([...pending.values()].map((p) => p.done));
    },
    async close() {
      const open = [...pending.values()];
      for (const p of open) p.abort.abort();
      await Promise.all(open.map((p) => (p.id ? client.cancel(p.id, 'The Claude Code session ended before anyone answered.').catch(() => {}) : null)));
      await Promise.all(open.map((p) => p.done));
    },
  };
}
