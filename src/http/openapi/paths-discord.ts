// OpenAPI paths of the Discord channel (src/channels/discord/interactions.ts): the Interactions
// Endpoint URL Discord calls. Mounted only when `channels.discord` is configured; otherwise 404.
import { type Schema } from './components.js';
import { jsonResponse, operation, TOO_DEEP } from './operation.js';

type Json = Record<string, unknown>;

const ONLY_WHEN = 'Served only when `channels.discord` is configured (see docs/channels/discord.md); otherwise there is no such route (404).';

export const DISCORD_SCHEMAS: Record<string, Schema> = {
  DiscordInteraction: {
    type: 'object',
    description: 'An interaction as Discord sends it (https://discord.com/developers/docs/interactions/receiving-and-responding): PING (type 1), a button or select menu on a card (3), or a submitted form (5).',
    properties: {
      id: { type: 'string', pattern: '^\\d{17,20}$', description: 'The interaction\'s id: each is handled once.' },
      application_id: { type: 'string', description: 'Must be channels.discord.application_id.' },
      type: { type: 'integer', description: '1 PING, 3 MESSAGE_COMPONENT, 5 MODAL_SUBMIT (2 and 4 get a polite no).' },
      token: { type: 'string', description: 'Lets Greenlight replace its answer later.' },
      data: { type: 'object', description: 'The `custom_id` of the control (and `values` of a select menu, `components` of a form).', additionalProperties: true },
    },
    required: ['id', 'application_id', 'type'],
    additionalProperties: true,
  },
  DiscordInteractionResponse: {
    type: 'object',
    description: 'Greenlight\'s answer, as Discord takes it: `1` PONG; `4` a message only the presser sees (flags 64: not an approver, nothing decided, ...); `5` "working on it" (the result replaces it); `7` the card replaced by the outcome; `8` no autocomplete choices; `9` a form (deny with a reason, edit, conditions, a free answer). Every message says `allowed_mentions: {"parse": []}`.',
    properties: { type: { type: 'integer', enum: [1, 4, 5, 7, 8, 9] }, data: { type: 'object', additionalProperties: true } },
    required: ['type'],
  },
};

export function discordPaths(): Record<string, Json> {
  return {
    '/v1/discord/interactions': {
      post: operation({
        operationId: 'discordInteraction',
        tag: 'discord',
        summary: 'Receive a Discord interaction',
        description: `Discord calls this (the application's Interactions Endpoint URL) when someone presses a card's button, picks from its select menu or submits its form. It carries no API key: the body must be signed with the application's Ed25519 key (\`X-Signature-Ed25519\` over \`X-Signature-Timestamp\` + the raw body, checked with channels.discord.public_key) and be at most five minutes old; each interaction id is handled once. The presser decides only as the approver whose discord_user_id they are, and only what is routed to them. ${ONLY_WHEN}`,
        roles: 'public',
        parameters: [
          { name: 'X-Signature-Ed25519', in: 'header', required: true, description: 'Discord\'s signature, 128 hex characters.', schema: { type: 'string' } },
          { name: 'X-Signature-Timestamp', in: 'header', required: true, description: 'When Discord signed it, in Unix seconds.', schema: { type: 'string' } },
        ],
        body: { schema: { $ref: '#/components/schemas/DiscordInteraction' }, example: { id: '1234567890123456789', application_id: '1100000000000000001', type: 3, token: 'aW50ZXJhY3Rpb24…', member: { user: { id: '1400000000000000001', username: 'alice' } }, data: { custom_id: 'glb|approve|req_01j9z8k3m2abcdefghjkmnpqrs', component_type: 2 } } },
        responses: { '200': jsonResponse('Answered, as Discord expects.', { $ref: '#/components/schemas/DiscordInteractionResponse' }) },
        errors: {
          400: 'VALIDATION_FAILED (not an interaction, another application, an interaction type Greenlight does not use), INVALID_JSON or ' + TOO_DEEP + '.',
          401: 'SIGNATURE_INVALID: no signature, one that does not verify with channels.discord.public_key, or a timestamp more than 300 s away.',
          409: 'REPLAYED: this interaction was handled already.',
          413: 'PAYLOAD_TOO_LARGE: more than 128 KiB.',
        },
      }),
    },
  };
}
