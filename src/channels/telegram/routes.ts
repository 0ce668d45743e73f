// HTTP routes of the Telegram channel, at ok2run's paths:
//   POST   /v1/telegram/webhook        Telegram → us; X-Telegram-Bot-Api-Secret-Token checked in constant time
//   POST   /v1/telegram/setup-webhook  admin: register the webhook with Telegram
//   DELETE /v1/telegram/webhook        admin: remove it (back to polling)
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import type { Update } from 'grammy/types';
import { GreenlightError } from '../../core/errors.js';
import { principalOf, readJson, type AppEnv } from '../../http/context.js';
import { requireAuth } from '../../http/middleware.js';
import { toDeliveryError } from './api.js';
import { webhookUrlOf } from './config.js';
import { CHANNEL, type TelegramDeps } from './deps.js';

/** Constant-time comparison of two secrets of any length (both hashed to 32 bytes first). */
export function secretsMatch(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

export const ALLOWED_UPDATES = ['message', 'callback_query'];

export function telegramRoutes(deps: TelegramDeps, handle: (update: Update) => Promise<boolean>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { settings, bot } = deps;

  app.post('/v1/telegram/webhook', async (c) => {
    const secret = settings.webhook.secret_token;
    if (!secret) throw new GreenlightError('NOT_FOUND', 'Telegram webhook mode is off on this server: set channels.telegram.webhook.secret_token (and mode: webhook) to receive updates here.');
    if (!secretsMatch(c.req.header('x-telegram-bot-api-secret-token') ?? '', secret)) {
      deps.ctx.metrics.inc('greenlight_telegram_refused_total', { reason: 'webhook_secret' });
      throw new GreenlightError('FORBIDDEN', 'Missing or wrong X-Telegram-Bot-Api-Secret-Token.');
    }
    const update = await readJson(c);
    if (typeof update !== 'object' || update === null || typeof (update as { update_id?: unknown }).update_id !== 'number') {
      throw new GreenlightError('VALIDATION_FAILED', 'A Telegram update is a JSON object with a numeric update_id.');
    }
    // Telegram retries anything but 2xx: a failure while handling is logged, not returned; only
    // "not ready yet" (getMe has not succeeded) asks for the update again.
    if (!(await handle(update as Update))) throw new GreenlightError('NOT_READY', 'The Telegram bot is not initialised yet (getMe failed); Telegram will deliver this update again.');
    return c.json({ ok: true });
  });

  app.post('/v1/telegram/setup-webhook', requireAuth(['admin']), async (c) => {
    const secret = settings.webhook.secret_token;
    if (!secret) throw new GreenlightError('BAD_REQUEST', 'Set channels.telegram.webhook.secret_token first: Greenlight refuses webhook updates without it.');
    const body = (await c.req.text()).trim() ? await readJson(c) : {};
    const input = (typeof body === 'object' && body !== null ? body : {}) as { url?: unknown; drop_pending_updates?: unknown };
    if (input.url !== undefined && (typeof input.url !== 'string' || !/^https?:\/\/\S{1,2000}$/.test(input.url))) throw new GreenlightError('VALIDATION_FAILED', 'url must be an http(s) URL.');
    const url = (input.url as string | undefined) ?? webhookUrlOf(settings, deps.ctx.publicUrl);
    const result = await bot.api
      .setWebhook(url, { secret_token: secret, allowed_updates: ALLOWED_UPDATES as never, drop_pending_updates: input.drop_pending_updates === true })
      .catch((err: unknown) => Promise.reject(upstream(err, 'setWebhook')));
    const p = principalOf(c);
    await deps.ctx.gate.record({ kind: p.role, name: p.name }, 'telegram.webhook_set', { url }, CHANNEL);
    return c.json({ webhook_url: url, telegram_response: { ok: true, result } });
  });

  app.delete('/v1/telegram/webhook', requireAuth(['admin']), async (c) => {
    const result = await bot.api.deleteWebhook().catch((err: unknown) => Promise.reject(upstream(err, 'deleteWebhook')));
    const p = principalOf(c);
    await deps.ctx.gate.record({ kind: p.role, name: p.name }, 'telegram.webhook_deleted', null, CHANNEL);
    return c.json({ telegram_response: { ok: true, result } });
  });

  return app;
}

function upstream(err: unknown, what: string): GreenlightError {
  const d = toDeliveryError(err, what);
  return new GreenlightError('BAD_REQUEST', `${d.message}`, { cause: err, details: { telegram_status: d.status } });
}
