// OpenAPI paths of team workflows: an approver's absence ("away until … with a delegate",
// src/workflows/away-routes.ts). Quorum and ladder state travel on every request (`workflow`).
import { nullableStr, obj, str, type Schema } from './components.js';
import { jsonResponse, operation, TOO_DEEP } from './operation.js';

type Json = Record<string, unknown>;

export const WORKFLOW_SCHEMAS: Record<string, Schema> = {
  Away: {
    type: 'object',
    description: 'Whether an approver is away: with `away: true`, until when, who is asked in their stead, and who said so.',
    properties: {
      away: { type: 'boolean' },
      approver: str('The approver.'),
      until: str('When they are back (ISO-8601).', { format: 'date-time' }),
      delegate: nullableStr('Who workflows ask in their stead (null: nobody; an on-call rotation then asks the next in turn).'),
      note: nullableStr('What they said.'),
      set_by: str('Who set it (they, or an admin).'),
      set_at: str('When.', { format: 'date-time' }),
    },
    required: ['away', 'approver'],
    additionalProperties: false,
  },
  SetAway: {
    type: 'object',
    properties: {
      until: str('When they are back: ISO-8601 with its offset, in the future, at most a year ahead.', { examples: ['2026-03-09T09:00:00+01:00'] }),
      delegate: nullableStr('A configured approver asked in their stead (not themselves).', { maxLength: 100 }),
      note: nullableStr('Shown to admins.', { maxLength: 500 }),
    },
    required: ['until'],
    additionalProperties: false,
  },
};

const name = { name: 'name', in: 'path', required: true, description: 'A configured approver.', schema: { type: 'string', maxLength: 100 } };
const away = { $ref: '#/components/schemas/Away' };

export function workflowPaths(): Record<string, Json> {
  return {
    '/v1/approvers/{name}/away': {
      get: operation({
        operationId: 'getAway',
        tag: 'workflows',
        summary: 'Whether an approver is away',
        description: 'The approver\'s absence if one is set and not over, else `{away: false}`.',
        roles: ['approver', 'admin'],
        parameters: [name],
        responses: { '200': jsonResponse('The absence.', away) },
        errors: { 404: 'NOT_FOUND: no approver of that name is configured.' },
      }),
      put: operation({
        operationId: 'setAway',
        tag: 'workflows',
        summary: 'Say an approver is away until a time, with a delegate',
        description: 'From now until `until`, workflow steps that name this approver (by name, group or on call) ask the delegate instead; without one, an on-call rotation asks the next in turn. The delegate may vote on requests filed meanwhile. An approver sets their own; an admin may set anyone\'s. It lapses by itself. Audited as `approver.away`.',
        roles: ['approver', 'admin'],
        parameters: [name],
        body: { schema: { $ref: '#/components/schemas/SetAway' }, example: { until: '2026-03-09T09:00:00+01:00', delegate: 'bob', note: 'Skiing' } },
        responses: { '200': jsonResponse('The absence as stored.', away) },
        errors: { 400: `VALIDATION_FAILED (until not in the future or over a year ahead; an unknown delegate, or themselves), INVALID_JSON, ${TOO_DEEP}.`, 403: 'FORBIDDEN: an approver may set only their own absence; agents never.', 404: 'NOT_FOUND: no approver of that name is configured.' },
      }),
      delete: operation({
        operationId: 'clearAway',
        tag: 'workflows',
        summary: 'Say an approver is back',
        description: 'Ends the absence at once. Audited as `approver.back`.',
        roles: ['approver', 'admin'],
        parameters: [name],
        responses: { '200': jsonResponse('Back.', obj({ away: { type: 'boolean', const: false }, approver: str('The approver.') })) },
        errors: { 403: 'FORBIDDEN: an approver may clear only their own absence; agents never.', 404: 'NOT_FOUND: no approver of that name is configured.' },
      }),
    },
  };
}
