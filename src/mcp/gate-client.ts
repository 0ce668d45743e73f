// The MCP tools' client for /mcp on the server itself: the gate in process, as the caller's key.
import type { Gate } from '../core/gate.js';
import type { Principal } from '../core/types.js';
import { requestToWire } from '../http/wire.js';
import type { WireRequest } from '../client/types.js';
import type { McpClient } from './server.js';

const wire = (r: Parameters<typeof requestToWire>[0]) => requestToWire(r) as unknown as WireRequest;

export function gateClient(gate: Gate, principal: Principal): McpClient {
  return {
    request: async (input) => wire((await gate.request(principal, input, { origin: 'native' })).request),
    get: async (id) => wire(await gate.get(principal, id)),
    cancel: async (id, reason) => wire(await gate.cancel(principal, id, { reason: reason ?? null, via: 'mcp' })),
    async waitForDecision(id, options = {}) {
      const deadline = options.timeoutSec === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.timeoutSec * 1000;
      for (;;) {
        // The gate caps one wait at requests.max_wait_sec; keep waiting until the deadline.
        const r = await gate.wait(principal, id, Math.max(0, Math.min(deadline - Date.now(), 3_600_000)), options.signal);
        if (r.status !== 'pending' || Date.now() >= deadline || options.signal?.aborted) return wire(r);
      }
    },
  };
}
