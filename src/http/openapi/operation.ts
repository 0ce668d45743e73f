// A small builder for OpenAPI operations, so every one carries the same things: summary,
// description, who may call it (text and `x-greenlight-roles`), security, parameters, and
// the error responses it can give.
import { MAX_JSON_DEPTH } from '../../core/bounded-json.js';
import type { Role } from '../../core/types.js';
import { errorRef } from './components.js';

type Json = Record<string, unknown>;

/** How error descriptions name the depth limit of every JSON body. */
export const TOO_DEEP = `JSON_TOO_DEEP (nested deeper than ${MAX_JSON_DEPTH} levels)`;

export interface OperationSpec {
  operationId: string;
  tag: string;
  summary: string;
  description: string;
  /** Roles whose keys may call it; `public` needs no key. */
  roles: readonly Role[] | 'public';
  /** Security schemes of a dialect that authenticates differently (default: bearer or X-API-Key). */
  security?: Json[];
  parameters?: Json[];
  body?: { schema: Json; required?: boolean; description?: string; example?: unknown; /** Default application/json. */ mediaType?: string };
  /** Success responses by status. */
  responses: Record<string, Json>;
  /** Error responses: status → operation-specific description (empty string: the shared one). */
  errors?: Record<number, string>;
  /** `compat`: errors also carry FastAPI's `detail` (the compat dialects), and 422 is documented. */
  errorEnvelope?: 'native' | 'compat';
}

const AUTH_ERRORS: Record<number, string> = { 401: '', 429: '' };

export const DEFAULT_SECURITY: Json[] = [{ bearerAuth: [] }, { apiKeyAuth: [] }];

export function operation(spec: OperationSpec): Json {
  const publicOp = spec.roles === 'public';
  const roles = publicOp ? [] : [...spec.roles];
  const who = publicOp ? 'No key needed.' : `Roles: ${roles.join(', ')}.`;
  const errors: Record<number, string> = { ...(publicOp ? {} : AUTH_ERRORS), ...(spec.errors ?? {}) };
  if (!publicOp && roles.length < 3 && !(403 in errors)) errors[403] = `FORBIDDEN: needs a ${roles.join(' or ')} key.`;
  if (spec.body) {
    errors[413] ??= '';
    errors[400] ??= '';
  }
  const responses: Json = { ...spec.responses };
  for (const status of Object.keys(errors).map(Number).sort((a, b) => a - b)) {
    responses[String(status)] = errorRef(status, errors[status] || undefined, spec.errorEnvelope === 'compat' ? 'C' : 'E');
  }
  return {
    operationId: spec.operationId,
    tags: [spec.tag],
    summary: spec.summary,
    description: `${spec.description}\n\n**${who}**`,
    'x-greenlight-roles': roles,
    security: publicOp ? [] : (spec.security ?? DEFAULT_SECURITY),
    ...(spec.parameters?.length ? { parameters: spec.parameters } : {}),
    ...(spec.body
      ? {
          requestBody: {
            required: spec.body.required ?? true,
            ...(spec.body.description ? { description: spec.body.description } : {}),
            content: { [spec.body.mediaType ?? 'application/json']: { schema: spec.body.schema, ...(spec.body.example !== undefined ? { example: spec.body.example } : {}) } },
          },
        }
      : {}),
    responses,
  };
}

/** A JSON success response. */
export const jsonResponse = (description: string, schema: Json, headers?: Json): Json => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema } },
});

/** A query parameter. */
export const query = (name: string, description: string, schema: Json, extra: Json = {}): Json => ({ name, in: 'query', required: false, description, schema, ...extra });
