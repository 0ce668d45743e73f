// Slack's request signatures (v0), which authenticate every HTTP request Slack sends in http mode:
// X-Slack-Signature = "v0=" + hex(HMAC-SHA256(signing secret, "v0:" + X-Slack-Request-Timestamp +
// ":" + the raw body)). Compared in constant time; a timestamp more than five minutes from now
// (either way) is refused, so a captured request cannot be sent again later. Within those five
// minutes the channel refuses a signature it has already seen (slack-channel's replay guard).
import { createHmac } from 'node:crypto';
import { sameBytes } from '../action-token.js';

/** Slack's own window: requests older (or newer) than this are refused. */
export const MAX_SKEW_SEC = 5 * 60;

export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'forged'; message: string };

export function sign(secret: string, timestamp: string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export function checkSignature(secret: string, headers: { signature: string | undefined; timestamp: string | undefined }, body: string, nowMs: number): SignatureCheck {
  const { signature, timestamp } = headers;
  if (!signature || !timestamp) return { ok: false, reason: 'missing', message: 'X-Slack-Signature and X-Slack-Request-Timestamp are required: only Slack calls this endpoint.' };
  if (!/^\d{1,12}$/.test(timestamp) || !/^v0=[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: 'malformed', message: 'X-Slack-Signature or X-Slack-Request-Timestamp is malformed.' };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_SKEW_SEC) {
    return { ok: false, reason: 'stale', message: `X-Slack-Request-Timestamp is more than ${MAX_SKEW_SEC / 60} minutes from this server's clock: refused (a replay, or a clock to fix).` };
  }
  const expected = Buffer.from(sign(secret, timestamp, body));
  if (!sameBytes(Buffer.from(signature), expected)) return { ok: false, reason: 'forged', message: 'X-Slack-Signature does not match: the body was changed, or it was not signed with channels.slack.signing_secret.' };
  return { ok: true };
}
