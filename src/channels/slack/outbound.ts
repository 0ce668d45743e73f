// The outbox side of the Slack channel. `plan` says where a request goes (server routing: the
// project's slack routes, the one the agent hinted if it is among them, else channels.slack.channel;
// plus approvers' direct messages by approver_dms) and, once it is settled, that every message about
// it is to be edited. `send` posts a card (and, when the card had to be cut, the whole text as a
// file in its thread) or edits every card with chat.update. Both are idempotent: the worker
// retries them after any failure, and a retry neither posts twice nor loses an edit.
import { newId } from '../../core/ids.js';
import type { ApprovalRequest, RequestEvent } from '../../core/types.js';
import { DeliveryError } from '../../delivery/delivery-error.js';
import type { OutboxInput, OutboxItem } from '../../store/store.js';
import type { ChannelContext } from '../channel.js';
import { fullText } from '../card.js';
import { editAll } from '../edit-all.js';
import { routeTargets } from '../routing.js';
import { toDeliveryError } from './api.js';
import { renderCard } from './blocks.js';
import type { SlackSettings } from './config.js';
import { CHANNEL, REF, type SlackDeps } from './deps.js';

/**
 * Where a request is announced (../routing.ts): the channel the agent hinted if it is one of the
 * project's slack routes; else those routes; else the default channel; plus each routed approver's
 * direct messages (approver_dms: always, or fallback when nothing else covers the request).
 */
export function destinationsFor(request: ApprovalRequest, settings: SlackSettings, ctx: Pick<ChannelContext, 'config' | 'approversFor'>): string[] {
  return routeTargets(request, CHANNEL, { defaults: settings.channel ? [settings.channel] : [], direct: { when: settings.approver_dms, of: (a) => a.slack_user_id } }, ctx);
}

type Payload = { op: 'announce'; to: string } | { op: 'update' };

const parsePayload = (p: Record<string, unknown>): Payload | null => (p.op === 'announce' && typeof p.to === 'string' ? { op: 'announce', to: p.to } : p.op === 'update' ? { op: 'update' } : null);

/** Outbox items for an event. Pure: the gate calls it inside its transaction. */
export function planSlack(event: RequestEvent, settings: SlackSettings, ctx: Pick<ChannelContext, 'config' | 'approversFor'>): OutboxInput[] {
  const r = event.request;
  const item = (target: string, payload: Payload): OutboxInput => ({ id: newId('dlv', event.at), kind: CHANNEL, target, request_id: r.id, payload, created_at: event.at, next_attempt_at: event.at });
  if (event.type === 'request.created') {
    if (r.status !== 'pending') return []; // the policy decided: no human was asked
    return destinationsFor(r, settings, ctx).map((to) => item(to, { op: 'announce', to }));
  }
  const d = r.decision;
  if (d && d.decided_by_kind === 'policy' && d.decided_at === r.created_at) return [];
  return [item('messages', { op: 'update' })];
}

export function createOutbound(deps: SlackDeps) {
  const { ctx, api } = deps;
  const { store, clock, logger } = ctx;
  const publicUrl = () => ctx.publicUrl.replace(/\/+$/, '');
  const view = () => ({ publicUrl: publicUrl(), secrets: ctx.secrets });
  const remember = (requestId: string, channel: string, target: string, messageId: string) => store.addChannelMessage({ request_id: requestId, channel, target, message_id: messageId, created_at: clock.now() });

  async function announce(request: ApprovalRequest, to: string): Promise<void> {
    if (request.status !== 'pending' || request.expires_at <= clock.now()) return; // settled first: the update covers it
    const refs = await store.listChannelMessages(request.id);
    const card = renderCard(request, view());
    let where = refs.find((r) => r.channel === REF.sent && r.target === to)?.message_id.split(' ');
    if (!where) {
      const posted = await api.postMessage({ channel: to, text: card.text, blocks: card.blocks });
      await remember(request.id, REF.card, posted.channel, posted.ts);
      await remember(request.id, REF.sent, to, `${posted.channel} ${posted.ts}`);
      where = [posted.channel, posted.ts];
    }
    const [conversation, ts] = where;
    if (card.truncated && !refs.some((r) => r.channel === REF.file && r.target === conversation && r.message_id === ts)) {
      await api.uploadText({ channel: conversation, thread_ts: ts, filename: `${request.id}.txt`, title: `The whole request ${request.id}`, content: fullText(ctx.secrets.shown(request)), comment: 'The whole request, as the card could not show it.' });
      await remember(request.id, REF.file, conversation, ts);
    }
    // Settled while we posted? The update item may have run before the card was recorded.
    const now = await store.getRequest(request.id);
    if (now && now.status !== 'pending') await finalize(now);
  }

  /** Edits every card of a settled request to say who decided it, without buttons (../edit-all.ts). */
  async function finalize(request: ApprovalRequest): Promise<void> {
    if (request.status === 'pending') return;
    const card = renderCard(request, view());
    const refs = (await store.listChannelMessages(request.id)).filter((r) => r.channel === REF.card);
    await editAll(refs, (ref) => api.update({ channel: ref.target, ts: ref.message_id, text: card.text, blocks: card.blocks }), {
      skip: () => false, // a deleted card is a permanent refusal: left, with a warning
      toDeliveryError: (err, ref) => toDeliveryError(err, `chat.update of ${ref.target}/${ref.message_id}`),
      leave: (ref, d) => logger.warn('slack: a card of a settled request cannot be edited; leaving it', { request_id: request.id, channel: ref.target, ts: ref.message_id, error: d.message }),
    });
  }

  async function send(item: OutboxItem): Promise<void> {
    const payload = parsePayload(item.payload);
    if (!payload) throw new DeliveryError(`slack outbox item ${item.id} has an unknown payload`, { permanent: true });
    const request = item.request_id ? await store.getRequest(item.request_id) : null;
    if (!request) throw new DeliveryError(`request ${item.request_id} does not exist any more`, { permanent: true });
    if (payload.op === 'update') return finalize(request);
    if (!destinationsFor(request, deps.settings, ctx).includes(payload.to)) return void logger.info('slack: destination no longer routed for this request; not posting', { request_id: request.id, to: payload.to });
    return announce(request, payload.to);
  }

  return { send, finalize };
}
