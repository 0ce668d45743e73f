// OpenAPI paths of the Slack channel in http mode (src/channels/slack/http-routes.ts): the
// Interactivity Request URL and the /greenlight slash command's Request URL. Mounted only when
// `channels.slack` is configured; in Socket Mode they answer 404.
import { type Schema } from './components.js';
import { jsonResponse, operation, TOO_DEEP } from './operation.js';

type Json = Record<string, unknown>;

const TAG = 'slack';
const ONLY_WHEN = 'Served only when `channels.slack` is configured (see docs/channels/slack.md); otherwise there is no such route (404).';
const FORM = 'application/x-www-form-urlencoded';

const SIGNED = 'It carries no API key: Slack signs the raw body (`X-Slack-Signature` = `v0=` + hex HMAC-SHA256 of `v0:<X-Slack-Request-Timestamp>:<body>` with channels.slack.signing_secret), checked in constant time; a timestamp more than five minutes from the server\'s clock is refused, and each signature counts once on every instance. Nothing is parsed before that.';

const signatureHeaders: Json[] = [
  { name: 'X-Slack-Signature', in: 'header', required: true, description: 'Slack\'s v0 signature: `v0=` and 64 hex characters.', schema: { type: 'string' } },
  { name: 'X-Slack-Request-Timestamp', in: 'header', required: true, description: 'When Slack signed it, in Unix seconds.', schema: { type: 'string' } },
];

const errors = (what: string): Record<number, string> => ({
  400: `VALIDATION_FAILED (${what}), INVALID_JSON or ${TOO_DEEP}.`,
  401: 'SIGNATURE_INVALID: no signature, one that does not match the body, or a timestamp more than five minutes away.',
  404: `NOT_FOUND: the channel runs in Socket Mode (channels.slack.mode: socket). ${ONLY_WHEN}`,
  409: 'REPLAYED: this signed request was received already.',
  415: 'UNSUPPORTED_MEDIA_TYPE: Slack sends application/x-www-form-urlencoded.',
});

export const SLACK_SCHEMAS: Record<string, Schema> = {
  SlackInteractionForm: {
    type: 'object',
    description: 'An interaction as Slack sends it (https://api.slack.com/interactivity/handling#payloads): one form field, `payload`, holding JSON — `block_actions` (a button on a card), `view_submission` (a submitted modal); other types are acknowledged and ignored.',
    properties: { payload: { type: 'string', description: 'The interaction, as JSON.' } },
    required: ['payload'],
    additionalProperties: false,
  },
  SlackCommandForm: {
    type: 'object',
    description: 'A slash command as Slack sends it (https://api.slack.com/interactivity/slash-commands#app_command_handling): `/greenlight pending`.',
    properties: {
      command: { type: 'string', description: '`/greenlight`.' },
      text: { type: 'string', description: 'What follows the command: `pending` or nothing.' },
      user_id: { type: 'string', description: 'Who typed it: an approver\'s slack_user_id, or they get a refusal.' },
      channel_id: { type: 'string' },
    },
    required: ['command', 'user_id'],
    additionalProperties: true,
  },
  SlackAck: {
    type: ['object', 'null'],
    description: 'The acknowledgement Slack waits three seconds for; deciding happens after it. Empty for a click; for a modal with wrong values, `{"response_action": "errors", "errors": {block_id: message}}`; for the slash command, an ephemeral message (`response_type: ephemeral`, `text`, `blocks`) only the caller sees.',
    properties: {
      response_action: { type: 'string', enum: ['errors'] },
      errors: { type: 'object', additionalProperties: { type: 'string' } },
      response_type: { type: 'string', enum: ['ephemeral'] },
      text: { type: 'string' },
      blocks: { type: 'array', items: { type: 'object', additionalProperties: true } },
    },
  },
};

export function slackPaths(): Record<string, Json> {
  return {
    '/v1/slack/interactions': {
      post: operation({
        operationId: 'slackInteraction',
        tag: TAG,
        summary: 'Receive a Slack interaction',
        description: `Slack calls this (the app's Interactivity Request URL, http mode) when someone presses a card's button or submits one of its modals. ${SIGNED} The presser decides only as the approver whose slack_user_id they are, and only what is routed to them; anyone else is told privately and audited. ${ONLY_WHEN}`,
        roles: 'public',
        parameters: signatureHeaders,
        body: { mediaType: FORM, schema: { $ref: '#/components/schemas/SlackInteractionForm' }, example: { payload: '{"type":"block_actions","user":{"id":"U0ALICE01"},"trigger_id":"1.2.abc","actions":[{"action_id":"gl:approve","value":"req_01j9z8k3m2abcdefghjkmnpqrs"}]}' } },
        responses: { '200': jsonResponse('Acknowledged.', { $ref: '#/components/schemas/SlackAck' }) },
        errors: errors('not one field `payload`, or not a Slack interaction'),
      }),
    },
    '/v1/slack/commands': {
      post: operation({
        operationId: 'slackCommand',
        tag: TAG,
        summary: 'Receive the /greenlight slash command',
        description: `Slack calls this (the slash command's Request URL, http mode) for \`/greenlight pending\`: the answer lists, to the caller alone, what waits for them to decide. ${SIGNED} ${ONLY_WHEN}`,
        roles: 'public',
        parameters: signatureHeaders,
        body: { mediaType: FORM, schema: { $ref: '#/components/schemas/SlackCommandForm' }, example: { command: '/greenlight', text: 'pending', user_id: 'U0ALICE01', channel_id: 'C0APPROVE' } },
        responses: { '200': jsonResponse('Answered, to the caller alone.', { $ref: '#/components/schemas/SlackAck' }) },
        errors: errors('no command or user_id'),
      }),
    },
  };
}
