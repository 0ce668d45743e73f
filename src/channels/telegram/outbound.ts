// The outbox side: `announce` posts a request's card (and, when it had to be shortened, the full
// text as a file) to one chat; `update` edits every message about a settled request to show the
// outcome and drops its buttons. Both are idempotent, so the worker can retry them freely.
import { InputFile } from 'grammy';
import type { ApprovalRequest } from '../../core/types.js';
import { DeliveryError } from '../../delivery/delivery-error.js';
import type { ChannelMessageRef, OutboxItem } from '../../store/store.js';
import { editAll } from '../edit-all.js';
import type { Sent } from './conversation.js';
import { isGoneMessage, isNotModified, migratedTo, toDeliveryError } from './api.js';
import { fullText, outcomeLineHtml, renderCard } from './card.js';
import { chatArg, messagesOf, REF, remember, type TelegramDeps } from './deps.js';
import { keyboardFor } from './keyboard.js';

export type TelegramPayload = { op: 'announce'; chat_id: string; reason?: 'routed' | 'pending' } | { op: 'update' };

export function parsePayload(payload: Record<string, unknown>): TelegramPayload | null {
  if (payload.op === 'announce' && typeof payload.chat_id === 'string' && payload.chat_id.length > 0) return payload as TelegramPayload;
  if (payload.op === 'update') return { op: 'update' };
  return null;
}

export function createOutbound(deps: TelegramDeps) {
  const { ctx, bot, conv } = deps;
  const { store, clock, logger } = ctx;

  async function send(item: OutboxItem): Promise<void> {
    const payload = parsePayload(item.payload);
    if (!payload) throw new DeliveryError(`telegram outbox item ${item.id} has an unknown payload`, { permanent: true });
    if (!item.request_id) throw new DeliveryError(`telegram outbox item ${item.id} names no request`, { permanent: true });
    const stored = await store.getRequest(item.request_id);
    // Everything sent to Telegram shows the request with its secrets masked.
    const request = stored && ctx.secrets.shown(stored);
    if (!request) throw new DeliveryError(`request ${item.request_id} does not exist any more`, { permanent: true });
    if (payload.op === 'update') return finalize(request);
    return announce(item, payload.chat_id, payload.reason === 'pending', request);
  }

  /**
   * What an announce already sent, so a retry does not post twice: for routed cards, the card and
   * file remembered for this chat; for /pending (which may repeat a card on purpose), per item.
   */
  async function alreadySent(item: OutboxItem, chat: string, perItem: boolean): Promise<Sent> {
    if (perItem) return conv.getSent(item.id);
    const refs = (await store.listChannelMessages(item.request_id!)).filter((r) => r.target === chat);
    const card = refs.find((r) => r.channel === REF.card);
    const doc = refs.find((r) => r.channel === REF.document);
    return { ...(card ? { card: Number(card.message_id) } : {}), ...(doc ? { doc: Number(doc.message_id) } : {}) };
  }

  async function announce(item: OutboxItem, chat: string, perItem: boolean, request: ApprovalRequest): Promise<void> {
    // Settled before we got to it: nothing to announce (the update item covers any message).
    if (request.status !== 'pending') return;
    const sent = await alreadySent(item, chat, perItem);
    const record = (s: Sent) => (perItem ? conv.setSent(item.id, s) : Promise.resolve());
    let target = sent.chat ?? chat;
    const m = messagesOf(deps, target);
    const card = renderCard(request, { m, now: clock.now() });
    if (sent.card === undefined) {
      const post = (to: string) =>
        bot.api.sendMessage(chatArg(to), card.html, {
          parse_mode: 'HTML',
          reply_markup: keyboardFor(request, { m, truncated: card.truncated }),
          link_preview_options: { is_disabled: true },
        });
      let message;
      try {
        message = await post(target);
      } catch (err) {
        const moved = migratedTo(err);
        if (moved === null) throw toDeliveryError(err, `sendMessage to chat ${target}`);
        logger.warn('telegram: the chat became a supergroup with a new id; update the config', { from: target, to: moved });
        target = String(moved);
        message = await post(target).catch((e: unknown) => Promise.reject(toDeliveryError(e, `sendMessage to chat ${target}`)));
      }
      sent.card = message.message_id;
      sent.chat = target;
      await remember(deps, request.id, REF.card, target, message.message_id);
      await record(sent);
    }
    if (card.truncated && sent.doc === undefined) {
      const file = new InputFile(Buffer.from(fullText(request), 'utf8'), `${request.id}.txt`);
      const doc = await bot.api
        .sendDocument(chatArg(target), file, { caption: m.fullTextCaption, reply_parameters: { message_id: sent.card, allow_sending_without_reply: true } })
        .catch((e: unknown) => Promise.reject(toDeliveryError(e, `sendDocument to chat ${target}`)));
      sent.doc = doc.message_id;
      await remember(deps, request.id, REF.document, target, doc.message_id);
      await record(sent);
    }
    // Decided while we were sending? The update item may have run before our message was
    // recorded, so settle this chat's messages ourselves.
    const now = await store.getRequest(request.id);
    if (now && now.status !== 'pending') await finalize(ctx.secrets.shown(now));
  }

  /** Edits every remembered message about a settled request. */
  async function finalize(request: ApprovalRequest): Promise<void> {
    if (request.status === 'pending') return;
    const refs = (await store.listChannelMessages(request.id)).filter((r) => r.channel === REF.card || r.channel.startsWith('telegram:'));
    await editAll(refs, (ref) => editOne(request, ref), {
      skip: (err) => isNotModified(err) || isGoneMessage(err),
      toDeliveryError: (err, ref) => toDeliveryError(err, `edit message ${ref.message_id} in chat ${ref.target}`),
      leave: (ref, d) => logger.warn('telegram: a message about a settled request cannot be edited; leaving it', { request_id: request.id, chat: ref.target, message_id: ref.message_id, error: d.message }),
    });
  }

  async function editOne(request: ApprovalRequest, ref: ChannelMessageRef): Promise<void> {
    const chat = chatArg(ref.target);
    const id = Number(ref.message_id);
    if (!Number.isSafeInteger(id)) return;
    const m = messagesOf(deps, ref.target);
    switch (ref.channel) {
      case REF.card: {
        const card = renderCard(request, { m, now: clock.now() });
        await bot.api.editMessageText(chat, id, card.html, { parse_mode: 'HTML', reply_markup: { inline_keyboard: [] }, link_preview_options: { is_disabled: true } });
        return;
      }
      case REF.document:
        await bot.api.editMessageCaption(chat, id, { caption: `${m.fullTextCaption}\n${outcomeLineHtml(request, m)}`, parse_mode: 'HTML' });
        return;
      case REF.step:
        await bot.api.editMessageText(chat, id, outcomeLineHtml(request, m), { parse_mode: 'HTML', reply_markup: { inline_keyboard: [] } });
        return;
      case REF.prompt:
        await bot.api.editMessageText(chat, id, outcomeLineHtml(request, m), { parse_mode: 'HTML' });
        return;
    }
  }

  return { send, finalize };
}

export type Outbound = ReturnType<typeof createOutbound>;
