// POST /v1/hooks/:host — the hook endpoint. Claude Code's `"type": "http"` hooks post here
// directly; `greenlight hook <host>` forwards its stdin here. Always answers 200 with the host's
// own output so a failure still reaches the agent as a deny (fail closed), never as an error
// the host would skip over.
import { Hono } from 'hono';
import { parseJson } from '../core/bounded-json.js';
import { GreenlightError, isGreenlightError } from '../core/errors.js';
import type { Principal } from '../core/types.js';
import type { AppEnv, Ctx } from '../http/context.js';
import { requireAgentKey } from '../http/middleware.js';
import { decideCall } from './engine.js';
import { failOutput, hookEventOf, onErrorMode } from './fail-output.cjs';

type OnError = ReturnType<typeof onErrorMode>;
import { adapterFor } from './hosts.js';
import { clampWaitSec } from './limits.cjs';
import { closeAnsweredAtTerminal } from './relayed.js';
import { HookPayloadError, HOSTS, type HostAdapter } from './types.js';
import { cli } from '../invocation.js';

/** The wait for a human: ?wait_sec (or GREENLIGHT_HOOK_WAIT_SEC), inside the host's hook timeout and requests.max_wait_sec. */
function waitSecOf(c: Ctx, host: string): number {
  const max = c.get('deps').config.requests.max_wait_sec;
  const raw = c.req.query('wait_sec') ?? process.env.GREENLIGHT_HOOK_WAIT_SEC;
  return Math.min(clampWaitSec(host, raw === undefined || raw === '' ? null : Number(raw)), max);
}

async function authenticate(c: Ctx): Promise<Principal> {
  await requireAgentKey()(c, async () => {});
  return c.get('principal');
}

async function endSession(c: Ctx, principal: Principal, sessionId: string, event: string): Promise<number> {
  const { store, clock } = c.get('deps').gate.deps;
  const now = clock.now();
  return store.revokeSessionGrants(principal.name, sessionId.slice(0, 200), now, {
    audit: [{ at: now, actor_kind: principal.role, actor_name: principal.name, action: 'session.ended', request_id: null, via: 'hook', detail: { agent: principal.name, session_id: sessionId.slice(0, 200), event } }],
    outbox: [],
  });
}

async function handle(c: Ctx, adapter: HostAdapter, mode: OnError): Promise<unknown> {
  let event = 'unknown';
  try {
    const text = await c.req.text();
    let payload: unknown;
    try {
      payload = parseJson(text, 'The hook payload');
    } catch (err) {
      if (isGreenlightError(err) && err.code === 'INVALID_JSON') throw new HookPayloadError('the hook payload is not JSON; point the hook at this endpoint only from the agent host.');
      event = hookEventOf(text); // too deep, yet its event is readable: answer with the host's own deny
      throw err;
    }
    if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw new HookPayloadError('the hook payload must be a JSON object.');
    const p = payload as Record<string, unknown>;
    if (typeof p.hook_event_name === 'string') event = p.hook_event_name;
    const principal = await authenticate(c);
    // What the agent is doing, for the dashboard's Agents view (never in the way of the verdict).
    void c.get('deps').sessions?.onHook(principal, adapter.name, p);
    const parsed = adapter.parse(p);
    if (parsed.kind === 'ignore') return adapter.renderNothing(parsed.event);
    if (parsed.kind === 'answered-at-terminal') {
      await closeAnsweredAtTerminal(c.get('deps').gate, principal, parsed);
      return adapter.renderNothing(parsed.event);
    }
    if (parsed.kind === 'session-end') {
      await endSession(c, principal, parsed.session_id, parsed.event);
      return adapter.renderNothing(parsed.event);
    }
    // The command hook says which machine it runs on; the server never guesses (a host's "http" hook sends none).
    const machine = c.req.query('hostname');
    if (machine) parsed.call.machine = machine;
    const verdict = await decideCall(c.get('deps').gate, principal, parsed.call, {
      waitSec: waitSecOf(c, adapter.name),
      // Read only when a human is waited for: reading it builds the full Request with its
      // AbortController, which a policy-decided call never needs (a disconnect before that point
      // still aborts it: @hono/node-server keeps the reason).
      get signal() {
        return c.req.raw.signal;
      },
      canEditInput: adapter.canEditInput(parsed.call),
      asksTwice: adapter.asksTwice,
    });
    const output = adapter.render(parsed.call, verdict);
    // The command hook asks for the receipt (?receipt=1) to check the action itself, and takes
    // this field off before the host sees the output.
    if (c.req.query('receipt') === '1' && output && typeof output === 'object') {
      return { ...(output as object), greenlight: { request_id: verdict.requestId, receipt: verdict.kind === 'allow' ? (verdict.receipt ?? null) : null } };
    }
    return output;
  } catch (err) {
    return failOutput(adapter.name, event, explain(err, c), mode);
  }
}

function explain(err: unknown, c: Ctx): string {
  if (err instanceof HookPayloadError) return `refused the ${adapterName(c)} hook payload: ${err.message}`;
  if (isGreenlightError(err)) {
    if (err.code === 'UNAUTHENTICATED') return `the gate refused the key (${err.message}). Set GREENLIGHT_KEY (or the hook's Authorization header) to an agent key: ${cli('keys create --role agent --name <agent>')}.`;
    return `the gate refused the request (${err.code}): ${err.message}`;
  }
  c.get('deps').logger.error('hook failed', { request_id: c.get('requestId'), err });
  return `the gate failed on this call (request id ${c.get('requestId')}); it is logged on the server. Not approved.`;
}

const adapterName = (c: Ctx) => c.req.param('host') ?? 'hook';

export function hooksRouteGroup(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/v1/hooks/:host', async (c) => {
    const adapter = adapterFor(c.req.param('host'));
    if (!adapter) throw new GreenlightError('NOT_FOUND', `No hook adapter "${c.req.param('host').slice(0, 40)}". Hosts: ${HOSTS.join(', ')}.`);
    const mode: OnError = c.req.query('on_error') === 'ask' ? 'ask' : onErrorMode({});
    return c.json(await handle(c, adapter, mode) as object);
  });
  return app;
}
