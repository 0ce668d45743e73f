// OpenAPI paths of the Telegram channel (src/channels/telegram/routes.ts), at ok2run's paths. The
// channel mounts them only when `channels.telegram` is configured; otherwise they answer 404.
import { obj, str, type Schema } from './components.js';
import { jsonResponse, operation, TOO_DEEP } from './operation.js';

type Json = Record<string, unknown>;

const TAG = 'telegram';
const ONLY_WHEN = 'Served only when `channels.telegram` is configured (see docs/channels/telegram.md); otherwise there is no such route (404).';

const telegramResponse = obj(
  {
    ok: { const: true },
    result: { description: 'What the Bot API answered (`true` for setWebhook / deleteWebhook).' },
  },
  'The Bot API\'s answer.',
);

export const TELEGRAM_SCHEMAS: Record<string, Schema> = {
  TelegramUpdate: {
    type: 'object',
    description: 'An Update as the Telegram Bot API sends it (https://core.telegram.org/bots/api#update). Greenlight acts on `message` and `callback_query`.',
    properties: { update_id: { type: 'integer', description: 'Telegram\'s update id.' } },
    required: ['update_id'],
    additionalProperties: true,
  },
  TelegramWebhookAck: obj({ ok: { const: true } }, 'Received (also when the update was not for Greenlight: Telegram retries anything but 2xx).'),
  TelegramSetupWebhook: {
    type: 'object',
    properties: {
      url: { type: 'string', pattern: '^https?://\\S{1,2000}$', description: 'Where Telegram should send updates. Default: channels.telegram.webhook.url, else `<server.public_url>/v1/telegram/webhook`.' },
      drop_pending_updates: { type: 'boolean', default: false, description: 'Drop the updates Telegram has queued.' },
    },
  },
  TelegramWebhookSet: obj({ webhook_url: str('The URL registered with Telegram.'), telegram_response: telegramResponse }, 'The webhook is registered.'),
  TelegramWebhookDeleted: obj({ telegram_response: telegramResponse }, 'The webhook is removed.'),
};

export function telegramPaths(): Record<string, Json> {
  return {
    '/v1/telegram/webhook': {
      post: operation({
        operationId: 'telegramWebhook',
        tag: TAG,
        summary: 'Receive a Telegram update',
        description: `Telegram calls this in webhook mode. It carries no API key: it is authenticated by the \`X-Telegram-Bot-Api-Secret-Token\` header, compared in constant time with channels.telegram.webhook.secret_token; clicks and replies are then checked against the approvers' telegram_user_id. ${ONLY_WHEN}`,
        roles: 'public',
        parameters: [{ name: 'X-Telegram-Bot-Api-Secret-Token', in: 'header', required: true, description: 'The secret Telegram was given with setWebhook.', schema: { type: 'string' } }],
        body: { schema: { $ref: '#/components/schemas/TelegramUpdate' }, example: { update_id: 123456789, callback_query: { id: '42', from: { id: 111, is_bot: false, first_name: 'Alice' }, data: 'a:req_01j9z8k3m2abcdefghjkmnpqrs', chat_instance: '1' } } },
        responses: { '200': jsonResponse('Received.', { $ref: '#/components/schemas/TelegramWebhookAck' }) },
        errors: {
          400: 'VALIDATION_FAILED (not an update: no numeric update_id), INVALID_JSON or ' + TOO_DEEP + '.',
          403: 'FORBIDDEN: a missing or wrong X-Telegram-Bot-Api-Secret-Token.',
          404: `NOT_FOUND: webhook mode is off (no channels.telegram.webhook.secret_token). ${ONLY_WHEN}`,
          415: '',
          503: 'NOT_READY: the bot is not initialised yet (getMe failed); Telegram delivers the update again.',
        },
      }),
      delete: operation({
        operationId: 'telegramDeleteWebhook',
        tag: TAG,
        summary: 'Remove the Telegram webhook',
        description: `Calls deleteWebhook, so Telegram stops calling this server (to switch to polling, set channels.telegram.mode: polling and restart). Recorded as \`telegram.webhook_deleted\`. ${ONLY_WHEN}`,
        roles: ['admin'],
        responses: { '200': jsonResponse('Removed.', { $ref: '#/components/schemas/TelegramWebhookDeleted' }) },
        errors: { 400: 'BAD_REQUEST: the Bot API refused or could not be reached (`details.telegram_status`).', 404: ONLY_WHEN },
      }),
    },
    '/v1/telegram/setup-webhook': {
      post: operation({
        operationId: 'telegramSetupWebhook',
        tag: TAG,
        summary: 'Register the Telegram webhook',
        description: `Calls setWebhook with the configured secret token, for message and callback_query updates. The body is optional. Recorded as \`telegram.webhook_set\`. ${ONLY_WHEN}`,
        roles: ['admin'],
        body: { schema: { $ref: '#/components/schemas/TelegramSetupWebhook' }, required: false, example: { url: 'https://greenlight.example.com/v1/telegram/webhook' } },
        responses: { '200': jsonResponse('Registered.', { $ref: '#/components/schemas/TelegramWebhookSet' }) },
        errors: {
          400: 'BAD_REQUEST (channels.telegram.webhook.secret_token is not set; the Bot API refused or could not be reached, `details.telegram_status`), VALIDATION_FAILED (url is not an http(s) URL), INVALID_JSON or ' + TOO_DEEP + '.',
          404: ONLY_WHEN,
          415: '',
        },
      }),
    },
  };
}
