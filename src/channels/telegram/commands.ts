// Bot commands: /start (the ids to paste into the config), /pending (cards for what waits on you),
// /clear (end the session grants approved from this chat), /help.
import type { Bot, CommandContext, Context } from 'grammy';
import { newId } from '../../core/ids.js';
import type { Principal } from '../../core/types.js';
import type { OutboxInput } from '../../store/store.js';
import { auditRefusal, CHANNEL, messagesOf, type TelegramDeps } from './deps.js';
import { mayDecide } from '../who-decides.js';

export function registerCommands(deps: TelegramDeps, bot: Bot): void {
  const guarded = (name: string, run: (c: CommandContext<Context>, principal: Principal, chat: string) => Promise<unknown>) =>
    bot.command(name, async (c) => {
      const chat = String(c.chat.id);
      const from = c.from;
      if (!from) return;
      try {
        const principal = deps.ctx.principalFor({ telegram_user_id: from.id });
        if (!principal) {
          await auditRefusal(deps, from, chat, `/${name}`, 'not_an_approver', null);
          await c.reply(messagesOf(deps, chat).notAuthorized);
          return;
        }
        await run(c, principal, chat);
      } catch (err) {
        deps.ctx.logger.error(`telegram: /${name} failed`, { err });
        await c.reply(messagesOf(deps, chat).failed('internal error')).catch(() => undefined);
      }
    });

  // Anyone may ask for the ids: that is how an operator learns what to put in the config.
  bot.command('start', async (c) => {
    const chat = String(c.chat.id);
    const principal = c.from ? deps.ctx.principalFor({ telegram_user_id: c.from.id }) : null;
    await c.reply(messagesOf(deps, chat).startHtml(chat, c.from?.id ?? 0, principal?.name ?? null), { parse_mode: 'HTML' }).catch((err: unknown) => deps.ctx.logger.warn('telegram: /start reply failed', { err }));
  });

  bot.command('help', (c) => c.reply(messagesOf(deps, String(c.chat.id)).help).catch(() => undefined));

  guarded('pending', async (c, principal, chat) => {
    const m = messagesOf(deps, chat);
    const page = await deps.ctx.gate.pending(principal, 200);
    const mine = page.items.filter((r) => mayDecide(deps.ctx, principal, r));
    if (mine.length === 0) return c.reply(m.pendingNone);
    const shown = mine.slice(0, deps.settings.pending_limit);
    await c.reply(m.pendingSending(shown.length, mine.length - shown.length));
    // The cards go through the outbox like every other card: retried, and edited once decided.
    const now = deps.ctx.clock.now();
    const items: OutboxInput[] = shown.map((r) => ({
      id: newId('dlv', now),
      kind: CHANNEL,
      target: chat,
      request_id: r.id,
      payload: { op: 'announce', chat_id: chat, reason: 'pending' },
      created_at: now,
      next_attempt_at: now,
    }));
    await deps.ctx.store.enqueueOutbox(items);
    deps.ctx.gate.deps.onOutbox?.();
  });

  guarded('clear', async (c, principal, chat) => {
    const m = messagesOf(deps, chat);
    const sessions = await deps.conv.sessions(chat);
    const now = deps.ctx.clock.now();
    let ended = 0;
    for (const s of sessions) {
      ended += await deps.ctx.store.revokeSessionGrants(s.agent, s.session_id, now, {
        audit: [{ at: now, actor_kind: principal.role, actor_name: principal.name, action: 'grants.session_cleared', request_id: null, via: CHANNEL, detail: { agent: s.agent, session_id: s.session_id, chat_id: chat } }],
        outbox: [],
      });
    }
    await deps.conv.forgetSessions(chat);
    return c.reply(ended ? m.clearDone(ended, sessions.length) : m.clearNone);
  });
}
