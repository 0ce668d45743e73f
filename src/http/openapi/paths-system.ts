// OpenAPI paths of events (SSE), audit, keys, health, metrics and the docs themselves
// (src/http/routes/events.ts, admin.ts, system.ts; src/http/openapi/routes.ts).
import { ROLES } from '../../core/types.js';
import { schemaRef } from './components.js';
import { jsonResponse, operation, query, TOO_DEEP } from './operation.js';

type Json = Record<string, unknown>;

const SSE_DESCRIPTION = [
  'A `text/event-stream` that stays open. The first event is `ready`; then one event per change:',
  '`request.created`, `request.decided`, `request.expired`, `request.cancelled`. Each has `event:` (the type),',
  '`id:` (`<request id>:<epoch ms>`) and `data:` (JSON, see RequestEventData). A `: keep-alive` comment is sent',
  'every 15 s of silence. Approver and admin keys hear every request; an agent key hears only its own',
  'requests. With `request_id`, only that request\'s events (404 unless the key may read it).',
  '',
  'Browsers\' EventSource cannot send headers: use a client that can (curl -N, fetch with a reader).',
].join('\n');

export function systemPaths(): Record<string, Json> {
  return {
    '/v1/events': {
      get: operation({
        operationId: 'streamEvents',
        tag: 'events',
        summary: 'Server-sent events',
        description: SSE_DESCRIPTION,
        roles: ['agent', 'approver', 'admin'],
        parameters: [query('request_id', 'Only this request\'s events.', { type: 'string', minLength: 1 })],
        responses: {
          '200': {
            description: 'The event stream.',
            content: {
              'text/event-stream': {
                schema: { type: 'string', description: 'SSE frames; each `data:` line is a RequestEventData JSON object (or `{"request_id": ...}` for `ready`).' },
                example: 'event: ready\ndata: {"request_id":null}\n\nevent: request.decided\nid: req_01j9z8k3m2abcdefghjkmnpqrs:1767225600000\ndata: {"type":"request.decided","at":"2026-01-01T00:00:00.000Z","request":{...}}\n\n',
              },
            },
            'x-greenlight-event-schema': schemaRef('RequestEventData'),
          },
        },
        errors: { 404: 'NOT_FOUND: request_id names a request this key may not read.' },
      }),
    },
    '/v1/audit': {
      get: operation({
        operationId: 'listAudit',
        tag: 'audit',
        summary: 'The audit log',
        description:
          'The append-only log of every state change (who, what, via which channel, when), hash-chained. Newest first by default; page with `before_seq` (desc) or `after_seq` (asc), passing the last `seq` you saw.',
        roles: ['approver', 'admin'],
        parameters: [
          query('order', '`desc` (default) or `asc`.', { type: 'string', enum: ['desc', 'asc'], default: 'desc' }),
          query('after_seq', 'Only entries with a larger seq.', { type: 'integer', minimum: 0 }),
          query('before_seq', 'Only entries with a smaller seq.', { type: 'integer', minimum: 0 }),
          query('request_id', 'Only entries about this request.', { type: 'string', maxLength: 100 }),
          query('limit', 'Page size.', { type: 'integer', minimum: 1, maximum: 1000, default: 100 }),
        ],
        responses: { '200': jsonResponse('Audit entries.', schemaRef('AuditPage')) },
        errors: { 400: 'VALIDATION_FAILED: a number out of bounds.', 403: 'FORBIDDEN: agent keys cannot read the audit log.' },
      }),
    },
    '/v1/me': {
      get: operation({
        operationId: 'whoAmI',
        tag: 'keys',
        summary: 'Who am I',
        description: 'The principal the presented key belongs to. Handy to check a key.',
        roles: ['agent', 'approver', 'admin'],
        responses: { '200': jsonResponse('The principal.', schemaRef('Me')) },
      }),
    },
    '/v1/keys': {
      get: operation({
        operationId: 'listKeys',
        tag: 'keys',
        summary: 'List API keys',
        description: 'Keys created at run time (not the ones declared in the config file). Never shows secrets or hashes.',
        roles: ['admin'],
        responses: { '200': jsonResponse('Keys.', { type: 'object', properties: { items: { type: 'array', items: schemaRef('Key') } }, required: ['items'] }) },
      }),
      post: operation({
        operationId: 'createKey',
        tag: 'keys',
        summary: 'Create an API key',
        description: `Creates a key for an agent, approver or admin (${ROLES.join(', ')}). The secret is in the response once; the server keeps only its SHA-256.`,
        roles: ['admin'],
        body: { schema: schemaRef('CreateKey'), example: { role: 'agent', name: 'ci-bot', projects: ['billing'] } },
        responses: { '201': jsonResponse('The key, with its secret (shown once).', schemaRef('CreatedKey')) },
        errors: { 400: 'VALIDATION_FAILED: bad role, name or projects; INVALID_JSON or ' + TOO_DEEP + '.', 415: '' },
      }),
    },
    '/v1/keys/{id}': {
      delete: operation({
        operationId: 'revokeKey',
        tag: 'keys',
        summary: 'Revoke an API key',
        description: 'Revokes at once; revoking twice is harmless and returns the record.',
        roles: ['admin'],
        parameters: [{ name: 'id', in: 'path', required: true, description: 'Key id (`key_...`).', schema: { type: 'string', minLength: 1 } }],
        responses: { '200': jsonResponse('The revoked key.', schemaRef('Key')) },
        errors: { 404: 'NOT_FOUND: no such key.' },
      }),
    },
    '/healthz': {
      get: operation({
        operationId: 'health',
        tag: 'system',
        summary: 'Liveness',
        description: 'Always 200 while the process serves HTTP.',
        roles: 'public',
        responses: { '200': jsonResponse('Alive.', schemaRef('Health')) },
      }),
    },
    '/ready': {
      get: operation({
        operationId: 'ready',
        tag: 'system',
        summary: 'Readiness',
        description:
          'For load balancers: 200 when this instance should get traffic (the store answers, its migrations are done, it is not draining); 503 otherwise, with each check in `checks`. `/readyz` is the same.',
        roles: 'public',
        responses: { '200': jsonResponse('Ready.', schemaRef('Ready')), '503': jsonResponse('Not ready.', schemaRef('Ready')) },
      }),
    },
    '/readyz': {
      get: operation({
        operationId: 'readyz',
        tag: 'system',
        summary: 'Readiness',
        description: 'The same as `/ready`.',
        roles: 'public',
        responses: { '200': jsonResponse('Ready.', schemaRef('Ready')), '503': jsonResponse('Not ready.', schemaRef('Ready')) },
      }),
    },
    '/metrics': {
      get: operation({
        operationId: 'metrics',
        tag: 'system',
        summary: 'Prometheus metrics',
        description:
          'Prometheus text exposition (version 0.0.4, prom-client): request and decision counters, histograms of HTTP latency (`greenlight_http_request_duration_seconds`), gate latency (`greenlight_decision_duration_seconds`) and time to a human decision (`greenlight_time_to_decision_seconds`), outbox depth and age, channel health, and Node process metrics; see docs/operations.md. Not authenticated: expose it only to your scraper.',
        roles: 'public',
        responses: { '200': { description: 'Metrics.', content: { 'text/plain': { schema: { type: 'string' } } } } },
      }),
    },
    '/openapi.json': {
      get: operation({
        operationId: 'openapi',
        tag: 'system',
        summary: 'This OpenAPI document',
        description: 'OpenAPI 3.1, cacheable for 5 minutes.',
        roles: 'public',
        responses: { '200': jsonResponse('The document.', { type: 'object' }) },
      }),
    },
    '/docs': {
      get: operation({
        operationId: 'docs',
        tag: 'system',
        summary: 'Browsable API reference',
        description: 'A self-contained HTML page rendering this document (works offline; no CDN).',
        roles: 'public',
        responses: { '200': { description: 'HTML.', content: { 'text/html': { schema: { type: 'string' } } } } },
      }),
    },
  };
}
