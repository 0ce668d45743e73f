// Request ids an operator can follow: the X-Request-Id of the HTTP call (or one made up for work
// that starts elsewhere: a Telegram tap, an email reply) travels with the work it causes through
// AsyncLocalStorage — into every log line (`trace_id`), the audit rows of the change, the outbox
// items it writes (`payload.trace_id`), the sends of those items (their log lines, and the
// X-Request-Id header of webhooks and callbacks). A caller's id is taken only when it is sane: 1 to
// 128 letters, digits and `. _ - : /`; anything else (huge, control or bidi characters, spaces) is
// replaced by a fresh id, which the response carries.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

const store = new AsyncLocalStorage<string>();

const SANE = /^[A-Za-z0-9._:/-]{1,128}$/;

/** The caller's id when it is sane, else null. */
export const saneTraceId = (given: string | null | undefined): string | null => (given && SANE.test(given) ? given : null);

// Fresh ids: 16 hex characters, a random per-process prefix and a counter (cheap enough for every
// HTTP call). They name work in logs and error answers; they are not secrets.
const ID_PREFIX = randomBytes(4).toString('hex');
let idCounter = 0;
export const newTraceId = (): string => ID_PREFIX + ((idCounter = (idCounter + 1) >>> 0).toString(16).padStart(8, '0'));

/** The id of the work running now, or null outside any. */
export const currentTrace = (): string | null => store.getStore() ?? null;

/** Runs `f` as the work of `id`. */
export const withTrace = <T>(id: string, f: () => T): T => store.run(id, f);

/** Runs `f` in the current trace, or in a new one when there is none (work that starts outside HTTP). */
export const inTrace = <T>(f: () => T): T => (currentTrace() ? f() : store.run(newTraceId(), f));

/** Outbox items, each carrying the current trace id in its payload (`trace_id`). */
export function traced<T extends { payload: Record<string, unknown> }>(items: T[]): T[] {
  const id = currentTrace();
  return id ? items.map((i) => ({ ...i, payload: { ...i.payload, trace_id: id } })) : items;
}

/** The trace id an outbox item was written under, when it is sane. */
export const traceOf = (payload: Record<string, unknown>): string | null => saneTraceId(typeof payload.trace_id === 'string' ? payload.trace_id : null);
