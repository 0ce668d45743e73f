// The grammY client and what its errors mean for delivery: GrammyError (the Bot API said no)
// becomes a DeliveryError that says whether and when to retry; HttpError (the network failed) is
// retried with backoff.
import { Bot, GrammyError, HttpError, type Transformer } from 'grammy';
import { DeliveryError } from '../../delivery/delivery-error.js';
import type { TelegramSettings } from './config.js';

export type ApiTransformer = Transformer;

/** A bot on the configured Bot API server. No I/O until it is used. */
export function createBot(settings: Pick<TelegramSettings, 'bot_token' | 'api_root'>, transformers: ApiTransformer[] = []): Bot {
  const bot = new Bot(settings.bot_token, { client: { apiRoot: settings.api_root, timeoutSeconds: 75 } });
  if (transformers.length) bot.api.config.use(...transformers);
  return bot;
}

/** Telegram's answer when an edit would not change anything: the edit already happened. */
export const isNotModified = (err: unknown): boolean => err instanceof GrammyError && err.error_code === 400 && /message is not modified/i.test(err.description);

/** The message is gone or can no longer be edited: nothing to retry. */
export const isGoneMessage = (err: unknown): boolean =>
  err instanceof GrammyError && err.error_code === 400 && /message to edit not found|message can't be edited|message to delete not found|MESSAGE_ID_INVALID/i.test(err.description);

/** A group that became a supergroup has a new id; Telegram names it. */
export const migratedTo = (err: unknown): number | null => (err instanceof GrammyError && typeof err.parameters.migrate_to_chat_id === 'number' ? err.parameters.migrate_to_chat_id : null);

/**
 * What a failed Bot API call means for the outbox: 429 waits `retry_after`; 400 and 403 (bad chat,
 * bot blocked or removed, malformed message) never succeed on retry; 401 (token revoked) and 5xx
 * and network failures are retried with backoff.
 */
export function toDeliveryError(err: unknown, what: string): DeliveryError {
  if (err instanceof DeliveryError) return err;
  if (err instanceof GrammyError) {
    const status = err.error_code;
    const message = `Telegram ${what}: ${status} ${err.description}`;
    if (status === 429) {
      const sec = typeof err.parameters.retry_after === 'number' ? err.parameters.retry_after : 1;
      return new DeliveryError(message, { retryAfterMs: sec * 1000, status, cause: err });
    }
    if (status === 400 || status === 403) return new DeliveryError(message, { permanent: true, status, cause: err });
    return new DeliveryError(message, { status: typeof status === 'number' ? status : null, cause: err });
  }
  if (err instanceof HttpError) return new DeliveryError(`Telegram ${what}: network error: ${describe(err.error)}`, { cause: err });
  return new DeliveryError(`Telegram ${what}: ${describe(err)}`, { cause: err });
}

const describe = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** A startup failure, phrased so the operator knows what to change. */
export function startupProblem(err: unknown, apiRoot: string): { fatal: boolean; message: string } {
  if (err instanceof GrammyError && (err.error_code === 401 || err.error_code === 404)) {
    return {
      fatal: true,
      message: `Telegram rejected the bot token (${err.error_code} ${err.description}). Check channels.telegram.bot_token: copy it again from @BotFather (/mybots → API Token); a revoked token must be replaced.`,
    };
  }
  if (err instanceof GrammyError) return { fatal: true, message: `Telegram refused getMe (${err.error_code} ${err.description}); check channels.telegram.bot_token and api_root (${apiRoot}).` };
  const cause = err instanceof HttpError ? describe(err.error) : describe(err);
  return { fatal: false, message: `Cannot reach the Telegram Bot API at ${apiRoot} (${cause}). Check channels.telegram.api_root and the network; Greenlight keeps retrying and delivers queued cards once it can.` };
}
