// What the parts of the Slack channel share: the channel context, the parsed settings, the Web API,
// the inbound tracker, and how a refused action is audited.
import type { ChannelContext } from '../channel.js';
import type { InboundTracker } from '../health.js';
import type { SlackApi } from './api.js';
import type { SlackSettings } from './config.js';

export const CHANNEL = 'slack';

/** Kinds of message refs the channel keeps per request (ChannelMessageRef.channel). */
export const REF = {
  /** A card: target = conversation id, message_id = ts. Edited once the request is settled. */
  card: 'slack',
  /** Where an announce went: target = the destination (channel or user id), message_id = "<conversation> <ts>". */
  sent: 'slack:to',
  /** The full text attached in a card's thread: target = conversation id, message_id = the card's ts. */
  file: 'slack:file',
} as const;

export interface SlackDeps {
  ctx: ChannelContext;
  settings: SlackSettings;
  api: SlackApi;
  inbound: InboundTracker;
}

/** Audits someone who tried to act without the right (never thrown into the caller). */
export async function auditRefusal(deps: SlackDeps, who: { id: string; name: string | null }, where: string | null, what: string, reason: string, requestId: string | null): Promise<void> {
  try {
    await deps.ctx.gate.record({ kind: 'system', name: CHANNEL }, 'slack.unauthorized', { slack_user_id: who.id, user_name: who.name, channel_id: where, action: what, reason }, CHANNEL, requestId);
  } catch (err) {
    deps.ctx.logger.error('slack: could not write the audit entry for a refused action', { err });
  }
  deps.ctx.metrics.inc('greenlight_slack_refused_total', { reason });
}
