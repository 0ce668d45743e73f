// Closing relayed prompts the terminal answered first. `greenlight channel` files each permission
// prompt Claude Code relays to it while the terminal dialog stays open; Claude Code never tells a
// channel that the terminal answered. Its hooks do: PostToolUse (the call ran, so it was allowed
// there) and Stop (the turn is over, so nothing still waits on a relayed prompt). Each such hook
// closes the session's still-pending relayed requests as answered at the terminal, with the reason
// kept on the request so every channel's message says so.
import { isGreenlightError } from '../core/errors.js';
import type { Gate } from '../core/gate.js';
import type { ApprovalRequest, Principal } from '../core/types.js';

/** Metadata `greenlight channel` puts on the requests it files. */
export const RELAY_VIA = 'channel';

/** Claude Code relays JSON.stringify(input), cut at 200 characters with a trailing "…". */
function previewMatches(preview: unknown, input: Record<string, unknown>): boolean {
  if (typeof preview !== 'string') return false;
  const full = JSON.stringify(input);
  return preview.endsWith('…') ? full.startsWith(preview.slice(0, -1)) : full === preview;
}

function relayedFor(r: ApprovalRequest, agent: string, session: string, tool: string | null, input: Record<string, unknown> | null): boolean {
  const m = (r.metadata ?? {}) as Record<string, unknown>;
  if (r.agent !== agent || m.via !== RELAY_VIA || r.session_id !== session) return false;
  return tool === null || (r.tool === tool && input !== null && previewMatches(m.input_preview, input));
}

/** Cancels the matching pending relayed requests; returns how many it closed. */
export async function closeAnsweredAtTerminal(gate: Gate, principal: Principal, a: { session_id: string; tool: string | null; input: Record<string, unknown> | null }): Promise<number> {
  const session = a.session_id.slice(0, 200);
  const page = await gate.pending(principal, 100);
  const reason = a.tool ? 'Allowed at the terminal before anyone answered here.' : 'Answered at the terminal before anyone answered here.';
  let closed = 0;
  for (const r of page.items.filter((x) => relayedFor(x, principal.name, session, a.tool, a.input))) {
    try {
      await gate.cancel(principal, r.id, { reason, via: 'terminal', shown: true });
      closed++;
    } catch (err) {
      if (!(isGreenlightError(err) && err.code === 'ALREADY_DECIDED')) throw err;
    }
  }
  return closed;
}
