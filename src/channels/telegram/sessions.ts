// Agent sessions from Telegram: a thin adapter over the channel-neutral chat controller
// (src/sessions/chat.ts). It registers /context, /new, /stop, /resume and /status, hands plain
// messages of a chat that picked a context to the controller as prompts, refuses and audits
// everyone who is not an approver, and gives the controller a surface to stream output on:
// plain text (no parse mode, so nothing an agent writes is markup), edited in place no more often
// than `session_edit_interval_ms`, long output as a document.
import { InputFile, type Bot, type Context } from 'grammy';
import type { ApprovalRequest } from '../../core/types.js';
import type { ChatSurface } from '../../sessions/chat-stream.js';
import type { Sessions } from '../../sessions/service.js';
import type { AgentSession } from '../../store/store.js';
import { isNotModified } from './api.js';
import { auditRefusal, chatArg, CHANNEL, messagesOf, type TelegramDeps } from './deps.js';

export const SESSION_COMMANDS = ['context', 'new', 'stop', 'resume', 'status'] as const;
const MESSAGE_MAX = 4096;

export function telegramSurface(deps: TelegramDeps): ChatSurface {
  const { bot } = deps;
  return {
    channel: CHANNEL,
    maxChars: MESSAGE_MAX,
    minEditMs: deps.settings.session_edit_interval_ms,
    async send(target, text) {
      const m = await bot.api.sendMessage(chatArg(target), text.slice(0, MESSAGE_MAX), { link_preview_options: { is_disabled: true } });
      return String(m.message_id);
    },
    async edit(target, messageId, text) {
      await bot.api.editMessageText(chatArg(target), Number(messageId), text.slice(0, MESSAGE_MAX), { link_preview_options: { is_disabled: true } }).catch((err: unknown) => {
        if (!isNotModified(err)) throw err;
      });
    },
    async sendFile(target, name, content, caption) {
      await bot.api.sendDocument(chatArg(target), new InputFile(Buffer.from(content, 'utf8'), name), { caption: caption.slice(0, 1000) });
    },
  };
}

/** Where a hooked agent's notices go: the chats its requests would be announced in. */
function hookChats(deps: TelegramDeps, session: AgentSession): string[] {
  const pseudo = { agent: session.agent, project: session.project, target: null, channel: null } as unknown as ApprovalRequest;
  return deps.chatsFor?.(pseudo) ?? [];
}

export function installSessionHandlers(deps: TelegramDeps, bot: Bot, sessions: Sessions): () => void {
  const surface = telegramSurface(deps);
  const detach = sessions.chat.attach(surface, (s) => hookChats(deps, s));

  async function run(c: Context, text: string, what: string): Promise<void> {
    const from = c.from;
    const chat = String(c.chat?.id ?? '');
    if (!from || !chat) return;
    const principal = deps.ctx.principalFor({ telegram_user_id: from.id });
    if (!principal) {
      await auditRefusal(deps, from, chat, what, 'not_an_approver', null);
      await c.reply(messagesOf(deps, chat).notAuthorized).catch(() => undefined);
      return;
    }
    const reply = await sessions.chat.handle({ surface, target: chat, principal, text });
    if (reply) await c.reply(reply, { reply_parameters: { message_id: c.msg!.message_id, allow_sending_without_reply: true }, link_preview_options: { is_disabled: true } }).catch((err: unknown) => deps.ctx.logger.debug('telegram: session reply failed', { err }));
  }

  for (const name of SESSION_COMMANDS) bot.command(name, (c) => run(c, `/${name} ${c.match ?? ''}`, `/${name}`));
  deps.sessionText = async (c) => {
    const chat = String(c.chat?.id ?? '');
    if (!(await sessions.chat.hasContext(CHANNEL, chat))) return false;
    await run(c, c.message?.text ?? '', 'prompt');
    return true;
  };
  return detach;
}
