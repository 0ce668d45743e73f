// What every route handler can reach. Built once by main, shared by all routes.
import type { Context } from 'hono';
import type { Keyring } from '../auth/keyring.js';
import type { Config } from '../config/schema.js';
import { parseJson } from '../core/bounded-json.js';
import { GreenlightError } from '../core/errors.js';
import type { Gate } from '../core/gate.js';
import type { Principal } from '../core/types.js';
import type { Logger } from '../log.js';
import { requestHeader } from './envelope.js';
import type { Metrics } from './metrics.js';
import type { TokenBuckets } from '../cluster/token-buckets.js';
import type { PolicyService } from '../policy-service.js';

export interface HttpDeps {
  gate: Gate;
  keyring: Keyring;
  config: Config;
  metrics: Metrics;
  logger: Logger;
  /** The server's policy (dry runs); absent in bare test apps. */
  policy?: PolicyService;
  /** Agent sessions: hooked agents' reports are recorded there (absent in bare test apps). */
  sessions?: { onHook(principal: Principal, host: string, payload: Record<string, unknown>): Promise<void> };
  /** Whether the server is ready to serve: true/false, or a report of each check (store, migrations, draining, ...). */
  ready: () => Promise<boolean | ReadyReport>;
  /** Rate-limit buckets shared by every instance (default: in memory, per app). */
  limits?: TokenBuckets;
  version: string;
}

export interface ReadyReport {
  ready: boolean;
  /** Each check by name: ok, or what is wrong. */
  checks: Record<string, 'ok' | string>;
}

export type AppEnv = {
  Variables: {
    requestId: string;
    principal: Principal;
    deps: HttpDeps;
  };
};

export type Ctx = Context<AppEnv>;

/** The authenticated principal (routes behind `requireAuth`). */
export const principalOf = (c: Ctx): Principal => c.get('principal');

/** Reads a JSON body, refusing non-JSON, broken JSON and JSON nested too deep with clear errors. */
export async function readJson(c: Ctx): Promise<unknown> {
  const type = requestHeader(c, 'content-type') ?? '';
  const text = await c.req.text();
  if (text.trim() === '') throw new GreenlightError('INVALID_JSON', 'The request body is empty; send a JSON object.');
  if (type && !/^application\/(.+\+)?json\b/i.test(type) && !/^text\/plain\b/i.test(type)) {
    throw new GreenlightError('UNSUPPORTED_MEDIA_TYPE', `Send the body as application/json (got ${type.slice(0, 60)}).`);
  }
  return parseJson(text, 'The body');
}

/** Reads a JSON object body (arrays and scalars are refused). */
export async function readJsonObject(c: Ctx): Promise<Record<string, unknown>> {
  const body = await readJson(c);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GreenlightError('VALIDATION_FAILED', 'The body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

/** A query parameter as a bounded integer, or the default. */
export function intQuery(c: Ctx, name: string, dflt: number, min: number, max: number): number {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new GreenlightError('VALIDATION_FAILED', `Query parameter ${name} must be a whole number from ${min} to ${max}.`);
  }
  return n;
}
