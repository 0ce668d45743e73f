// OpenAPI paths of signed decision receipts and the audit export (src/receipts/routes.ts,
// src/audit/routes.ts).
import { paramRef, schemaRef } from './components.js';
import { jsonResponse, operation, query } from './operation.js';

type Json = Record<string, unknown>;

export function receiptPaths(): Record<string, Json> {
  return {
    '/v1/requests/{id}/receipt': {
      get: operation({
        operationId: 'getReceipt',
        tag: 'receipts',
        summary: 'The signed receipt of a settled request',
        description:
          'The Ed25519-signed receipt issued when the request was settled (decided by a person or the policy, expired, or cancelled): the SHA-256 of the canonical action shown, of the edited action if any, the outcome, who decided via which channel, the conditions, and when. Check it offline with `greenlight receipt verify` and the key from `/v1/receipts/public-key` (docs/security.md#receipts). Whoever may read the request may read its receipt.',
        roles: ['agent', 'approver', 'admin'],
        parameters: [paramRef('RequestId')],
        responses: { '200': jsonResponse('The receipt.', schemaRef('Receipt')) },
        errors: { 404: 'NOT_FOUND: no such request (or not yours), or it was settled before this server issued receipts.', 409: 'RECEIPT_PENDING: the request is still pending.' },
      }),
    },
    '/v1/receipts/public-key': {
      get: operation({
        operationId: 'getReceiptPublicKey',
        tag: 'receipts',
        summary: "The server's receipt public key",
        description: 'The Ed25519 public key (PEM, SPKI) that checks receipts, its key id, and keys used before a deliberate rotation. With `format=pem`, the current key as a PEM file.',
        roles: 'public',
        parameters: [query('format', '`pem`: only the current key, as application/x-pem-file.', { type: 'string', enum: ['json', 'pem'], default: 'json' })],
        responses: {
          '200': {
            description: 'The public key.',
            content: { 'application/json': { schema: schemaRef('ReceiptPublicKey') }, 'application/x-pem-file': { schema: { type: 'string' } } },
          },
        },
      }),
    },
    '/v1/audit/export': {
      get: operation({
        operationId: 'exportAudit',
        tag: 'audit',
        summary: 'Export the audit log (JSON Lines)',
        description:
          'The audit log as JSON Lines, one row per line with its hash-chain fields (`seq`, `at` in epoch ms, `actor_kind`, `actor_name`, `action`, `request_id`, `via`, `detail`, `prev_hash`, `hash`), oldest first. With `since` / `until`, the contiguous run of rows from the first at or after `since` up to the last before `until`. Check a file offline with `greenlight audit verify --file`.',
        roles: ['admin'],
        parameters: [
          query('since', 'ISO-8601 time or epoch milliseconds.', { type: 'string', maxLength: 40 }),
          query('until', 'ISO-8601 time or epoch milliseconds (exclusive).', { type: 'string', maxLength: 40 }),
        ],
        responses: { '200': { description: 'The rows, one JSON object per line.', content: { 'application/x-ndjson': { schema: { type: 'string' } } } } },
        errors: { 400: 'VALIDATION_FAILED: since or until is not a time, or until is not after since.' },
      }),
    },
  };
}
