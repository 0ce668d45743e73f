// What an outbox sender throws when a delivery did not happen. Any other error counts as a
// retryable failure; a DeliveryError can say "never retry" or "not before".

export class DeliveryError extends Error {
  /** Retrying cannot help (a 3xx redirect, 410 Gone, a URL the SSRF guard refuses): the item goes dead at once. */
  readonly permanent: boolean;
  /** The receiver asked us to wait (Retry-After), in ms from now. */
  readonly retryAfterMs: number | null;
  /** HTTP status, when the receiver answered. */
  readonly status: number | null;

  constructor(message: string, options: { permanent?: boolean; retryAfterMs?: number | null; status?: number | null; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DeliveryError';
    this.permanent = options.permanent ?? false;
    this.retryAfterMs = options.retryAfterMs ?? null;
    this.status = options.status ?? null;
  }
}
