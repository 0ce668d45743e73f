// A small client for the few Discord REST calls Greenlight makes, over fetch: who the bot is
// (GET /users/@me), a channel it posts to, create and edit a message, and edit or follow up the
// answer to an interaction (webhook endpoints, authorised by the interaction's own token). No
// library: these six calls are the whole surface (docs/dependencies.md).
//
// Errors say who failed, grammY-style: DiscordApiError when Discord answered with an error (its
// status, its JSON `code` and `message`, and for 429 how long to wait), a plain DeliveryError when
// the network failed. toDeliveryError turns either into what the outbox needs: 429 waits
// `retry_after`; 5xx, 408, 401 and the network are retried with backoff; other refusals never
// succeed on retry.
import { DeliveryError } from '../../delivery/delivery-error.js';
import { parseRetryAfter } from '../../delivery/http-sender.js';
import { VERSION } from '../../version.js';

export class DiscordApiError extends Error {
  constructor(
    readonly status: number,
    /** Discord's JSON error code (50013 Missing Permissions, 10008 Unknown Message, ...); 0 when none. */
    readonly code: number,
    readonly description: string,
    readonly retryAfterMs: number | null,
    readonly what: string,
  ) {
    super(`Discord ${what}: ${status}${code ? ` (code ${code})` : ''} ${description}`.trim());
    this.name = 'DiscordApiError';
  }
}

export interface DiscordUser {
  id: string;
  username: string;
  bot?: boolean;
}

export interface PostedMessage {
  id: string;
  channel_id: string;
}

export interface DiscordApiOptions {
  apiRoot: string;
  botToken: string;
  applicationId: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

const USER_AGENT = `DiscordBot (greenlight, ${VERSION})`;
const MAX_ERROR_BODY = 4000;

export function createDiscordApi(o: DiscordApiOptions) {
  const doFetch = o.fetch ?? fetch;

  async function call<T>(method: string, path: string, what: string, body?: unknown, auth = true): Promise<T> {
    let res: Response;
    try {
      res = await doFetch(`${o.apiRoot}${path}`, {
        method,
        headers: { 'User-Agent': USER_AGENT, ...(auth ? { Authorization: `Bot ${o.botToken}` } : {}), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'error',
        signal: AbortSignal.timeout(o.timeoutMs),
      });
    } catch (err) {
      throw new DeliveryError(`Discord ${what}: ${o.apiRoot} cannot be reached: ${(err as Error).message}`, { cause: err });
    }
    const text = (await res.text().catch(() => '')).slice(0, 64 * 1024);
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (res.ok) return json as T;
    const e = (json ?? {}) as { code?: unknown; message?: unknown; retry_after?: unknown };
    const said = typeof e.message === 'string' ? e.message : text.replace(/\s+/g, ' ').trim();
    const retryAfterMs = res.status === 429 ? (typeof e.retry_after === 'number' && e.retry_after >= 0 ? Math.ceil(e.retry_after * 1000) : parseRetryAfter(res.headers.get('retry-after') ?? undefined)) : null;
    throw new DiscordApiError(res.status, typeof e.code === 'number' ? e.code : 0, said.slice(0, MAX_ERROR_BODY / 10), retryAfterMs, what);
  }

  const hook = (token: string) => `/webhooks/${o.applicationId}/${encodeURIComponent(token)}`;

  return {
    me: () => call<DiscordUser>('GET', '/users/@me', 'GET /users/@me'),
    channel: (id: string) => call<{ id: string; name?: string; type: number }>('GET', `/channels/${id}`, `GET /channels/${id}`),
    createMessage: (channelId: string, body: unknown) => call<PostedMessage>('POST', `/channels/${channelId}/messages`, `create a message in channel ${channelId}`, body),
    editMessage: (channelId: string, messageId: string, body: unknown) => call<PostedMessage>('PATCH', `/channels/${channelId}/messages/${messageId}`, `edit message ${messageId} in channel ${channelId}`, body),
    /** Replaces the answer to an interaction that was acknowledged first. */
    editOriginal: (interactionToken: string, body: unknown) => call<unknown>('PATCH', `${hook(interactionToken)}/messages/@original`, 'edit an interaction\'s answer', body, false),
  };
}

export type DiscordApi = ReturnType<typeof createDiscordApi>;

/** The message (or its channel) is gone, or the bot may no longer edit it: nothing to retry. */
export const isGone = (err: unknown): boolean => err instanceof DiscordApiError && (err.status === 404 || err.code === 10008 || err.code === 10003 || err.code === 50005);

/** What a failed call means for the outbox. */
export function toDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  if (err instanceof DiscordApiError) {
    const hint = err.status === 403 ? ' (the bot lacks a permission in that channel: View Channel, Send Messages and Embed Links; see docs/channels/discord.md)' : err.status === 401 ? ' (check channels.discord.bot_token: reset it on the Bot page and set it again)' : '';
    const retry = err.status === 429 || err.status >= 500 || err.status === 408 || err.status === 401;
    return new DeliveryError(`${err.message}${hint}`, { permanent: !retry, retryAfterMs: err.retryAfterMs, status: err.status, cause: err });
  }
  return new DeliveryError(`Discord: ${(err as Error)?.message ?? String(err)}`, { cause: err });
}
