// Inbound traffic: button taps and replies to prompts, turned into gate.decide with the approver's
// principal and `via: telegram`. Only configured approvers act; everyone else is told so and
// audited. Every tap is answered, whatever happens, so no button keeps spinning.
import type { Bot, Context } from 'grammy';
import { renderCard } from './card.js';
import { registerCommands } from './commands.js';
import { auditRefusal, chatArg, messagesOf, type TelegramDeps } from './deps.js';
import { refusalFor } from '../who-decides.js';
import { alreadyDecidedText, decideAs, decideChoice, type DecideResult, type Turn } from './decide.js';
import { clipText } from './escape.js';
import {
  advance,
  cancelWalk,
  confirmWalk,
  fieldValue,
  nextStep,
  promptAnswer,
  promptCode,
  promptEdit,
  promptReason,
  sendSelection,
  startWalk,
  toggleOption,
  walkStep,
  type Tap,
} from './flows.js';
import { choiceOf, decodeCallback, keyboardFor, telegramChoices } from './keyboard.js';
import { decisionFor } from '../offer.js';
import { installSessionHandlers } from './sessions.js';

export function installHandlers(deps: TelegramDeps, bot: Bot): void {
  registerCommands(deps, bot);
  if (deps.ctx.sessions) deps.detachSessions = installSessionHandlers(deps, bot, deps.ctx.sessions);
  bot.on('callback_query:data', (c) => onTap(deps, c));
  bot.on('callback_query', (c) => c.answerCallbackQuery().catch(() => undefined));
  bot.on('message:text', (c) => onReply(deps, c));
}

async function onTap(deps: TelegramDeps, c: Context): Promise<void> {
  const q = c.callbackQuery!;
  const chat = String(q.message?.chat.id ?? q.from.id);
  const m = messagesOf(deps, chat);
  let answered = false;
  const answer = async (text = '', alert = false) => {
    if (answered) return;
    answered = true;
    await c.answerCallbackQuery({ text: clipText(text, 200), show_alert: alert }).catch((err: unknown) => deps.ctx.logger.debug('telegram: answerCallbackQuery failed', { err }));
  };
  try {
    const cb = decodeCallback(q.data);
    if (!cb) return await answer(m.invalidButton, true);
    const request = await deps.ctx.store.getRequest(cb.requestId);
    const principal = deps.ctx.principalFor({ telegram_user_id: q.from.id });
    if (!principal) {
      await auditRefusal(deps, q.from, chat, cb.action, 'not_an_approver', request?.id ?? null);
      return await answer(m.notAuthorized, true);
    }
    if (!request) return await answer(m.unknownRequest, true);
    const refused = refusalFor(deps.ctx, principal, request);
    if (refused) {
      await auditRefusal(deps, q.from, chat, cb.action, refused, request.id);
      return await answer(refused === 'filer' ? m.filed : m.notRouted, true);
    }
    const messageId = q.message?.message_id ?? null;
    if (request.status !== 'pending') {
      await answer(alreadyDecidedText(m, request));
      return await dropKeyboard(deps, chat, messageId);
    }
    const tap: Tap = { deps, chat, user: q.from, principal, request, m, cb, messageId, answer };
    await route(tap);
  } catch (err) {
    deps.ctx.logger.error('telegram: handling a button tap failed', { err });
    await answer(m.failed('internal error; try again or use the dashboard'), true);
  } finally {
    await answer();
  }
}

/** A shortened card's approvals are for whoever read the attached file (tapped "I read it"). */
function mustReadFirst(tap: Tap): boolean {
  const { truncated } = renderCard(tap.deps.ctx.secrets.shown(tap.request), { m: tap.m, now: tap.deps.ctx.clock.now() });
  return truncated && tap.cb.readBy !== tap.user.id;
}

async function route(tap: Tap): Promise<void> {
  const { cb, m } = tap;
  const done = (r: DecideResult | null) => (r ? tap.answer(r.text, !r.ok) : undefined);
  switch (cb.action) {
    case 'a':
    case 's':
    case 'w':
    case 'g': {
      if (mustReadFirst(tap)) return tap.answer(m.readFirstToast, true);
      const choice = choiceOf(tap.request, cb);
      if (!choice) return tap.answer(m.invalidButton, true);
      if (choice.input?.kind === 'code') return promptCode(tap);
      return done(await decideChoice(tap, choice));
    }
    case 'd':
      return done(await decideChoice(tap, choiceOf(tap.request, cb)!));
    case 'r':
      return promptReason(tap);
    case 'e':
      return promptEdit(tap);
    case 'c':
      if (mustReadFirst(tap)) return tap.answer(m.readFirstToast, true);
      return startWalk(tap);
    case 'v': {
      if (tap.messageId === null) return tap.answer(m.invalidButton, true);
      const reply_markup = keyboardFor(tap.deps.ctx.secrets.shown(tap.request), { m, truncated: true, readBy: tap.user.id });
      await tap.deps.bot.api.editMessageReplyMarkup(chatArg(tap.chat), tap.messageId, { reply_markup });
      await tap.answer(m.revealed);
      return rekeyed(tap);
    }
    case 'q': {
      const choice = choiceOf(tap.request, cb);
      if (!choice) return tap.answer(m.invalidButton, true);
      return done(await decideChoice(tap, choice));
    }
    case 't':
      await toggleOption(tap);
      return rekeyed(tap);
    case 'qd':
      return done(await sendSelection(tap));
    case 'qc':
      if (!choiceOf(tap.request, cb)) return tap.answer(m.invalidButton, true);
      return promptAnswer(tap);
    case 'cv':
    case 'cs':
      return walkStep(tap);
    case 'cy':
      return done(await confirmWalk(tap));
    case 'cx':
      return cancelWalk(tap);
  }
}

/**
 * Takes the buttons off a message about a settled request: one the settling edit missed (not
 * remembered), or one a tap re-keyed just as the request was settled.
 */
async function dropKeyboard(deps: TelegramDeps, chat: string, messageId: number | null): Promise<void> {
  if (messageId === null) return;
  await deps.bot.api.editMessageReplyMarkup(chatArg(chat), messageId, { reply_markup: { inline_keyboard: [] } }).catch(() => undefined);
}

/** After re-keying a card (toggle, reveal): if the request was settled meanwhile, undo that. */
async function rekeyed(tap: Tap): Promise<void> {
  const now = await tap.deps.ctx.store.getRequest(tap.request.id);
  if (now && now.status !== 'pending') await dropKeyboard(tap.deps, tap.chat, tap.messageId);
}

/** A text message: the answer to a force-reply prompt (quoted, or the user's latest prompt here). */
async function onReply(deps: TelegramDeps, c: Context): Promise<void> {
  const msg = c.message!;
  const text = msg.text ?? '';
  if (!msg.from || text.startsWith('/')) return;
  const chat = String(msg.chat.id);
  const promptId = msg.reply_to_message?.message_id ?? (await deps.conv.awaiting(chat, msg.from.id));
  if (!promptId) return void (await deps.sessionText?.(c));
  const prompt = await deps.conv.getPrompt(chat, promptId);
  if (!prompt || prompt.user_id !== msg.from.id) return;
  const m = messagesOf(deps, chat);
  const reply = (t: string) => c.reply(clipText(t, 4000), { reply_parameters: { message_id: msg.message_id, allow_sending_without_reply: true } }).catch((err: unknown) => deps.ctx.logger.debug('telegram: reply failed', { err }));
  try {
    const principal = deps.ctx.principalFor({ telegram_user_id: msg.from.id });
    const request = await deps.ctx.store.getRequest(prompt.request_id);
    if (!principal) {
      await auditRefusal(deps, msg.from, chat, `reply:${prompt.kind}`, 'not_an_approver', request?.id ?? null);
      return void (await reply(m.notAuthorized));
    }
    if (!request) return void (await reply(m.unknownRequest));
    const refused = refusalFor(deps.ctx, principal, request);
    if (refused) {
      await auditRefusal(deps, msg.from, chat, `reply:${prompt.kind}`, refused, request.id);
      return void (await reply(refused === 'filer' ? m.filed : m.notRouted));
    }
    const clear = () => deps.conv.clearPrompt(chat, promptId, msg.from!.id);
    if (request.status !== 'pending') {
      await clear();
      return void (await reply(alreadyDecidedText(m, request)));
    }
    const turn: Turn = { deps, chat, user: msg.from, principal, request, m };
    let result: DecideResult | null = null;
    switch (prompt.kind) {
      case 'reason':
      case 'answer':
      case 'edit': {
        const wanted = prompt.kind === 'reason' ? 'deny_reason' : prompt.kind;
        const choice = telegramChoices(request, false).find((c) => c.kind === wanted);
        if (!choice) return void (await reply(m.invalidButton));
        const given = prompt.kind === 'edit' ? { edited: text } : prompt.kind === 'answer' ? { answer: text } : { comment: text };
        const d = decisionFor(request, choice, given);
        if (!d.ok) return void (await reply(prompt.kind === 'edit' ? m.notJson : m.failed(d.error)));
        result = await decideAs(turn, d.input);
        break;
      }
      case 'code': {
        // The code is a secret: its message goes at once, whatever comes of it (the Bot API lets a
        // bot delete what a user sent in a private chat, or in a group where it may delete messages).
        await deps.bot.api.deleteMessage(chatArg(chat), msg.message_id).catch((err: unknown) => deps.ctx.logger.debug('telegram: could not delete a code message', { err }));
        const choice = telegramChoices(request, false).find((c) => c.input?.kind === 'code');
        if (!choice) return void (await reply(m.invalidButton));
        const d = decisionFor(request, choice, { code: text });
        if (!d.ok) return void (await reply(m.failed(d.error)));
        result = await decideAs(turn, d.input);
        break;
      }
      case 'condition': {
        const walk = await deps.conv.getWalk(chat, msg.from.id, request.id);
        const field = request.conditions_schema?.[prompt.field ?? -1];
        if (!walk || !field || walk.step !== prompt.field) {
          await clear();
          return void (await reply(m.stepDone));
        }
        const parsed = fieldValue(field, text);
        if (!parsed) return void (await reply(field.type === 'number' ? m.notANumber : m.failed(`${field.label ?? field.name}?`)));
        const next = advance(walk, field, parsed.value);
        await deps.conv.setWalk(chat, msg.from.id, request.id, next);
        await clear();
        return nextStep(turn, next, msg.message_id);
      }
    }
    if (result.ok) await clear();
    await reply(result.text);
  } catch (err) {
    deps.ctx.logger.error('telegram: handling a reply failed', { err });
    await reply(m.failed('internal error; try again or use the dashboard'));
  }
}
