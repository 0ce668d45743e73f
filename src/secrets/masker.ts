// The server's one masking service: what every outside channel (Telegram, email, ntfy, Slack,
// Discord, webhooks that did not opt in) renders instead of the stored request. Built once from
// `secrets` in the config and shared by the channels (ChannelContext.secrets) and the outbox
// worker. Scanning is cached per request version, since one send renders a request several times
// (card, keyboard, attachment) and every channel renders the same one.
import type { Config } from '../config/schema.js';
import type { ApprovalRequest } from '../core/types.js';
import { maskRequest, type MaskedRequest } from './mask-request.js';
import { createSecretScanner, type SecretScanner } from './scanner.js';

export interface SecretMasker {
  /** Whether it masks at all (`secrets.mask`). */
  readonly enabled: boolean;
  readonly scanner: SecretScanner;
  /** The request as an outside channel shows it: secrets replaced by markers, `masked` saying what was hidden. */
  shown(r: ApprovalRequest): MaskedRequest;
}

const CACHE = 500;

export function createSecretMasker(config: Config['secrets']): SecretMasker {
  const scanner = createSecretScanner({ patterns: config.patterns });
  const cache = new Map<string, MaskedRequest>();
  const holdOneTap = !config.one_tap_approve;
  return {
    enabled: config.mask,
    scanner,
    shown(r) {
      if (!config.mask) return r;
      const key = `${r.id}\u0000${r.updated_at}\u0000${r.status}`;
      const hit = cache.get(key);
      if (hit) return hit;
      const masked = maskRequest(scanner, r, { holdOneTap });
      cache.set(key, masked);
      if (cache.size > CACHE) cache.delete(cache.keys().next().value!);
      return masked;
    },
  };
}
