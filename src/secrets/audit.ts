// The audit trail of masking: when an outside channel or a webhook was sent a request with secrets
// masked, one `secrets.masked` entry says which channel, how many secrets and by which rules
// (never the secrets). Recorded after the send succeeded, once per request and channel on this
// instance (a card's later updates show the same masking); another instance that sends an update
// records its own.
import type { Clock } from '../core/ids.js';
import type { Logger } from '../log.js';
import type { OutboxItem, Store } from '../store/store.js';
import type { SecretMasker } from './masker.js';
import type { MaskReport } from './mask-request.js';
import { maskOf } from './mask-request.js';

type Send = (item: OutboxItem) => Promise<void>;

const SEEN = 5000;

export function createMaskingAudit(deps: { store: Store; clock: Clock; logger: Logger; masker: SecretMasker }) {
  const seen = new Set<string>();

  async function record(requestId: string, via: string, report: MaskReport): Promise<void> {
    const key = `${requestId}\u0000${via}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (seen.size > SEEN) seen.delete(seen.values().next().value!);
    await deps.store
      .appendAudit([{ at: deps.clock.now(), actor_kind: 'system', actor_name: 'greenlight', action: 'secrets.masked', request_id: requestId, via, detail: { count: report.count, rules: report.rules, one_tap_held: report.holdOneTap } }])
      .catch((err: unknown) => deps.logger.error('could not record masking in the audit log', { request_id: requestId, via, err }));
  }

  return {
    record,
    /** A channel's sender that records masking after each successful send. */
    wrap(channel: string, send: Send): Send {
      if (!deps.masker.enabled) return send;
      return async (item) => {
        await send(item);
        if (!item.request_id || seen.has(`${item.request_id}\u0000${channel}`)) return;
        const request = await deps.store.getRequest(item.request_id).catch(() => null);
        const report = request ? maskOf(deps.masker.shown(request)) : null;
        if (report) await record(item.request_id, channel, report);
      };
    },
  };
}

export type MaskingAudit = ReturnType<typeof createMaskingAudit>;
