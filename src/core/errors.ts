// One error catalogue. Every error that crosses the wire has a stable code, an HTTP status and a
// message that tells the caller how to fix it. See docs/errors.md.

export const ERROR_CODES = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  JSON_TOO_DEEP: 400,
  CONDITIONS_INVALID: 400,
  ANSWER_INVALID: 400,
  ACTION_TOKEN_INVALID: 400,
  VOTE_NOT_ALLOWED: 400,
  STEP_UP_CODE_MALFORMED: 400,
  UNAUTHENTICATED: 401,
  SIGNATURE_INVALID: 401,
  FORBIDDEN: 403,
  AGENT_CANNOT_DECIDE: 403,
  AGENT_KEY_REQUIRED: 403,
  FILER_CANNOT_DECIDE: 403,
  NOT_ROUTED_TO_YOU: 403,
  TARGET_NOT_ROUTED: 403,
  PROJECT_NOT_ALLOWED: 403,
  CALLBACK_URL_BLOCKED: 403,
  ON_TIMEOUT_APPROVE_NOT_ALLOWED: 403,
  CONTEXT_NOT_ALLOWED: 403,
  STEP_UP_REQUIRED: 403,
  STEP_UP_NOT_ENROLLED: 403,
  STEP_UP_CODE_WRONG: 403,
  STEP_UP_PASSKEY_INVALID: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  ALREADY_DECIDED: 409,
  NOT_PENDING: 409,
  RECEIPT_PENDING: 409,
  IDEMPOTENCY_CONFLICT: 409,
  ALREADY_VOTED: 409,
  SESSION_BUSY: 409,
  SESSION_BUDGET_SPENT: 409,
  REPLAYED: 409,
  STEP_UP_CODE_REPLAYED: 409,
  STEP_UP_ALREADY_ENROLLED: 409,
  NOT_A_SUGGESTION: 409,
  ACTION_TOKEN_EXPIRED: 410,
  ACTION_TOKEN_USED: 410,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  SESSION_LIMIT: 429,
  STEP_UP_LOCKED: 429,
  INTERNAL: 500,
  NOT_READY: 503,
  SHUTTING_DOWN: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class GreenlightError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Extra machine-readable facts (e.g. who won a decision race). */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, { cause: options.cause });
    this.name = 'GreenlightError';
    this.code = code;
    this.status = ERROR_CODES[code];
    this.details = options.details;
  }
}

export const isGreenlightError = (e: unknown): e is GreenlightError => e instanceof GreenlightError;

export function notFound(what: string, id: string): GreenlightError {
  return new GreenlightError('NOT_FOUND', `${what} ${id} does not exist, or your key may not see it.`);
}

export function validation(message: string, details?: Record<string, unknown>): GreenlightError {
  return new GreenlightError('VALIDATION_FAILED', message, { details });
}

export function forbidden(message: string): GreenlightError {
  return new GreenlightError('FORBIDDEN', message);
}

/** Seconds a shutting-down server asks callers to wait before they ask again (Retry-After). */
export const SHUTDOWN_RETRY_AFTER_SEC = 2;

/** The server is shutting down: the caller should come back (to the next instance) shortly. */
export function shuttingDown(requestId?: string): GreenlightError {
  const saved = requestId ? ` Request ${requestId} is saved and still pending: wait on it again (or retry the same action) in ${SHUTDOWN_RETRY_AFTER_SEC} s, against the restarted server or another instance.` : ` Send this again in ${SHUTDOWN_RETRY_AFTER_SEC} s, to the restarted server or another instance.`;
  return new GreenlightError('SHUTTING_DOWN', `Greenlight is shutting down.${saved}`, { details: { retry_after_sec: SHUTDOWN_RETRY_AFTER_SEC, ...(requestId ? { request_id: requestId } : {}) } });
}
