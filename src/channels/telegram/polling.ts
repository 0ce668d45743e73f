// Long polling: getUpdates in a loop, one update at a time, the offset kept in the store so a
// restart neither loses nor replays updates. Telegram lets one poller per token; a second one
// gets 409, which we log with what to do and retry slowly.
import { GrammyError } from 'grammy';
import type { Update } from 'grammy/types';
import type { TelegramDeps } from './deps.js';
import { setTimeout as delay } from 'node:timers/promises';

export interface Poller {
  start(): void;
  stop(): Promise<void>;
}

const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

export function createPoller(deps: TelegramDeps, handle: (update: Update) => Promise<unknown>, ready: () => Promise<number | null>): Poller {
  const { settings, bot, conv } = deps;
  const { logger } = deps.ctx;
  let controller: AbortController | null = null;
  let loop: Promise<void> | null = null;

  /** Waits `ms`, or less when the loop is stopped; never throws. */
  const sleep = (ms: number, signal: AbortSignal) => delay(ms, undefined, { signal }).catch(() => undefined);

  async function run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    let botId: number | null = null;
    let offset = 0;
    while (!signal.aborted) {
      try {
        if (botId === null) {
          botId = await ready();
          if (botId === null) throw new Error('the bot is not initialised yet (getMe failed)');
          offset = await conv.offset(botId);
        }
        const updates = await bot.api.getUpdates({ offset, timeout: settings.poll_timeout_sec, allowed_updates: [...ALLOWED_UPDATES] }, signal as Parameters<typeof bot.api.getUpdates>[1]);
        failures = 0;
        deps.inbound.ok();
        for (const update of updates) {
          if (signal.aborted) break;
          await handle(update);
          offset = Math.max(offset, update.update_id + 1);
          await conv.setOffset(botId, offset);
        }
        if (updates.length === 0 && settings.poll_interval_ms > 0) await sleep(settings.poll_interval_ms, signal);
      } catch (err) {
        if (signal.aborted) break;
        failures++;
        deps.inbound.failed(`getUpdates: ${err instanceof Error ? err.message : String(err)}`);
        const wait = Math.min(30_000, 500 * 2 ** Math.min(failures, 6));
        if (err instanceof GrammyError && err.error_code === 409) {
          logger.error('telegram: getUpdates conflict (409): another process polls with this bot token, or a webhook is set. Run one polling instance, or use mode: webhook.', { retry_in_ms: wait });
        } else {
          logger.warn('telegram: polling failed; retrying', { err, retry_in_ms: wait });
        }
        await sleep(wait, signal);
      }
    }
  }

  return {
    start() {
      if (loop) return;
      controller = new AbortController();
      loop = run(controller.signal);
    },
    async stop() {
      controller?.abort();
      await loop;
      loop = null;
      controller = null;
    },
  };
}
