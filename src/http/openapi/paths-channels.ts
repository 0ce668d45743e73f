// OpenAPI paths of the channels: their health (GET /v1/channels, always served) and the ntfy
// channel's button endpoint (src/channels/ntfy/act-route.ts, served when channels.ntfy is set).
import { nullableStr, obj, str, type Schema } from './components.js';
import { jsonResponse, operation } from './operation.js';

type Json = Record<string, unknown>;

const iso = (description: string): Schema => nullableStr(description, { format: 'date-time' });

export const CHANNEL_SCHEMAS: Record<string, Schema> = {
  ChannelStatus: obj(
    {
      name: str('The channel (`telegram`, `email`, `ntfy`, `web`, …): also the `via` of its decisions.'),
      state: { type: 'string', enum: ['ok', 'degraded', 'failing', 'idle'], description: '`failing`: the last send failed; `degraded`: sends work but inbound traffic fails, or an outbox item has waited over 5 minutes; `ok`; `idle`: nothing sent or received since this instance started.' },
      last_success_at: iso('When this instance last delivered an outbox item of this channel.'),
      last_error: { anyOf: [obj({ at: iso('When.'), message: str('What went wrong, as the channel said it.') }), { type: 'null' }], description: 'The last failed send on this instance.' },
      backlog: obj(
        {
          pending: { type: 'integer', minimum: 0, description: 'Outbox items waiting to be delivered (retries included).' },
          dead: { type: 'integer', minimum: 0, description: 'Outbox items given up on.' },
          oldest_pending_at: iso('When the oldest waiting item was written.'),
          capped: { type: 'boolean', description: 'The counts stopped at 1000: there may be more.' },
        },
        'The channel\'s share of the durable outbox (all instances).',
      ),
      inbound: {
        anyOf: [obj({ state: { type: 'string', enum: ['idle', 'ok', 'failing'] }, at: iso('When inbound traffic last came.'), detail: nullableStr('What went wrong, if it failed.') }), { type: 'null' }],
        description: 'Whether clicks, replies or webhook calls reach the channel (null: the channel does not say).',
      },
      detail: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean', 'null'] }, description: 'Facts the channel shows an operator (mode, server, …); never secrets.' },
    },
    'How one configured channel is doing.',
  ),
  ChannelStatusPage: obj({ items: { type: 'array', items: { $ref: '#/components/schemas/ChannelStatus' } } }, 'Every configured channel.'),
  NtfyAct: { type: 'object', properties: { token: str('The token the notification\'s button carries.', { maxLength: 2048 }) }, required: ['token'], additionalProperties: false },
  NtfyActed: obj({ result: { const: 'decided' }, request_id: str('The request.'), status: str('What it is now (`approved`, `denied`).'), decided_by: str('The approver the token was made for.') }, 'Decided.'),
};

export function channelPaths(): Record<string, Json> {
  return {
    '/v1/channels': {
      get: operation({
        operationId: 'listChannels',
        tag: 'channels',
        summary: 'How each channel is doing',
        description: 'Every configured channel with its health: the last successful send and the last error on this instance, its outbox backlog, and whether inbound traffic (clicks, replies, webhook calls) reaches it.',
        roles: ['approver', 'admin'],
        responses: { '200': jsonResponse('The channels.', { $ref: '#/components/schemas/ChannelStatusPage' }) },
        errors: { 403: 'FORBIDDEN: agent keys cannot read channel health.' },
      }),
    },
    '/v1/ntfy/act': {
      post: operation({
        operationId: 'ntfyAct',
        tag: 'ntfy',
        summary: 'Decide from an ntfy button',
        description:
          'Where an ntfy notification\'s Approve / Deny button posts. It carries no API key: the body\'s token is signed by this server for one request, one approver and one choice, expires with the request (or channels.ntfy.action_ttl_sec), and is spent when it decides. Served only when `channels.ntfy` is configured (docs/channels/ntfy.md); otherwise there is no such route (404).',
        roles: 'public',
        body: { schema: { $ref: '#/components/schemas/NtfyAct' }, example: { token: 'eyJ2IjoxLCJyIjoi….Xj4…' } },
        responses: { '200': jsonResponse('Decided, as the approver the token names, via ntfy.', { $ref: '#/components/schemas/NtfyActed' }) },
        errors: {
          400: 'ACTION_TOKEN_INVALID (forged, changed, or a choice the request does not offer by button), INVALID_JSON, JSON_TOO_DEEP.',
          403: 'NOT_ROUTED_TO_YOU: the token\'s approver does not decide this request (any more).',
          404: 'NOT_FOUND: the request does not exist.',
          409: '',
          410: 'ACTION_TOKEN_EXPIRED or ACTION_TOKEN_USED.',
          415: '',
        },
      }),
    },
  };
}
