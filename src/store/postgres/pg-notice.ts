// What the Postgres store tells other instances, and how it connects: the NOTIFY channel and
// payload (ids only: listeners read the row), and the connection pool every part shares.
import pg from 'pg';
import type { SignalPayload } from '../../cluster/cluster.js';
import type { RequestEventType, Status } from '../../core/types.js';
import { PG_TYPES } from './pg-rows.js';

/** The NOTIFY channel every instance listens on. */
export const EVENTS_CHANNEL = 'greenlight_events';

/** What a notification says: which instance, and which request changed how (or that outbox items were written, or a cluster signal). */
/** `o`: outbox items were written too. */
export type Notice =
  | { s: string; e: 'outbox' }
  | { s: string; e: 'request'; id: string; types: RequestEventType[]; at: number; o?: true }
  | { s: string; e: 'signal'; t: string; p: SignalPayload };

export function eventTypeOf(status: Status): RequestEventType {
  return status === 'expired' ? 'request.expired' : status === 'cancelled' ? 'request.cancelled' : 'request.decided';
}

export function createPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, types: PG_TYPES, application_name: 'greenlight', keepAlive: true, connectionTimeoutMillis: 10_000 });
  // An idle client that loses its connection emits here; without a listener it would crash the process.
  pool.on('error', () => {});
  return pool;
}
