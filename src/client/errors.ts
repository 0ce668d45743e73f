// Errors the client throws, split by who failed: the server said no (GreenlightApiError) or the
// network / transport failed (GreenlightNetworkError). Both keep their cause.

/** The server answered with `{ error: { code, message, request_id } }`. */
export class GreenlightApiError extends Error {
  /** Stable UPPER_SNAKE code from the server's error catalogue (docs/errors.md). */
  readonly code: string;
  readonly status: number;
  /** The server's id for the HTTP call (X-Request-Id), for its logs. */
  readonly request_id: string | null;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, status: number, requestId: string | null, details?: Record<string, unknown>) {
    super(message);
    this.name = 'GreenlightApiError';
    this.code = code;
    this.status = status;
    this.request_id = requestId;
    this.details = details;
  }
}

/** The server could not be reached, or answered with something that is not Greenlight's JSON. */
export class GreenlightNetworkError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'GreenlightNetworkError';
  }
}

export const isGreenlightApiError = (e: unknown): e is GreenlightApiError => e instanceof GreenlightApiError;
