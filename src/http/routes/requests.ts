// Native v1 API: requests — create, read, list, the pending queue, wait, decide, cancel.
import { Hono } from 'hono';
import { GreenlightError } from '../../core/errors.js';
import { CancelSchema, describeIssues } from '../../core/request-input.js';
import { PRIORITIES, STATUSES, type Priority, type Status } from '../../core/types.js';
import { intQuery, principalOf, readJsonObject, type AppEnv, type Ctx } from '../context.js';
import { requestHeader } from '../envelope.js';
import { requireAgentKey, requireAuth } from '../middleware.js';
import { requestToWire } from '../wire.js';

function listParam<T extends string>(c: Ctx, name: string, allowed: readonly T[]): T[] | undefined {
  const raw = c.req.queries(name)?.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  if (!raw || raw.length === 0) return undefined;
  for (const v of raw) {
    if (!(allowed as readonly string[]).includes(v)) throw new GreenlightError('VALIDATION_FAILED', `${name} must be one of ${allowed.join(', ')}; got ${JSON.stringify(v.slice(0, 40))}.`);
  }
  return raw as T[];
}

function textParam(c: Ctx, name: string, max = 200): string | undefined {
  const v = c.req.query(name);
  if (v === undefined || v === '') return undefined;
  if (v.length > max) throw new GreenlightError('VALIDATION_FAILED', `${name} may be at most ${max} characters.`);
  return v;
}

function timeParam(c: Ctx, name: string): number | undefined {
  const v = c.req.query(name);
  if (!v) return undefined;
  const t = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(t)) throw new GreenlightError('VALIDATION_FAILED', `${name} must be an ISO-8601 date or epoch milliseconds.`);
  return t;
}

export function requestRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const anyKey = requireAuth();

  app.post('/v1/requests', requireAgentKey(), async (c) => {
    const body = await readJsonObject(c);
    const { request, created } = await c.get('deps').gate.request(principalOf(c), body, { origin: 'native', idempotencyKey: requestHeader(c, 'idempotency-key') ?? null });
    return created ? c.json(requestToWire(request), 201, { Location: `/v1/requests/${request.id}` }) : c.json(requestToWire(request), 200);
  });

  app.get('/v1/requests', anyKey, async (c) => {
    const page = await c.get('deps').gate.list(principalOf(c), {
      status: listParam<Status>(c, 'status', STATUSES),
      priority: listParam<Priority>(c, 'priority', PRIORITIES),
      agent: textParam(c, 'agent'),
      project: textParam(c, 'project'),
      tag: textParam(c, 'tag'),
      text: textParam(c, 'q') ?? textParam(c, 'text'),
      created_from: timeParam(c, 'from'),
      created_to: timeParam(c, 'to'),
      cursor: textParam(c, 'cursor', 500),
      limit: intQuery(c, 'limit', 50, 1, 1000),
    });
    return c.json({ items: page.items.map(requestToWire), next_cursor: page.next_cursor });
  });

  app.get('/v1/requests/pending', anyKey, async (c) => {
    const page = await c.get('deps').gate.pending(principalOf(c), intQuery(c, 'limit', 100, 1, 1000), intQuery(c, 'offset', 0, 0, 1_000_000));
    return c.json({ items: page.items.map(requestToWire), next_cursor: page.next_cursor });
  });

  app.get('/v1/requests/:id', anyKey, async (c) => {
    return c.json(requestToWire(await c.get('deps').gate.get(principalOf(c), c.req.param('id'))));
  });

  app.get('/v1/requests/:id/wait', anyKey, async (c) => {
    const timeoutSec = intQuery(c, 'timeout_sec', 30, 0, c.get('deps').config.requests.max_wait_sec);
    const request = await c.get('deps').gate.wait(principalOf(c), c.req.param('id'), timeoutSec * 1000, c.req.raw.signal);
    return c.json(requestToWire(request), 200, { 'X-Greenlight-Status': request.status });
  });

  // Any key may call it: the gate answers an agent key with AGENT_CANNOT_DECIDE.
  app.post('/v1/requests/:id/decision', anyKey, async (c) => {
    const body = await readJsonObject(c);
    const via = requestHeader(c, 'x-greenlight-via') === 'web' ? 'web' : 'api';
    return c.json(requestToWire(await c.get('deps').gate.decide(principalOf(c), c.req.param('id'), body, via)));
  });

  app.post('/v1/requests/:id/cancel', requireAuth(['agent', 'admin']), async (c) => {
    const hasBody = (requestHeader(c, 'content-length') ?? '0') !== '0' || requestHeader(c, 'transfer-encoding') !== undefined;
    const body = hasBody ? await readJsonObject(c) : {};
    const parsed = CancelSchema.safeParse(body);
    if (!parsed.success) throw new GreenlightError('VALIDATION_FAILED', `The cancel body is not valid: ${describeIssues(parsed.error)}`);
    return c.json(requestToWire(await c.get('deps').gate.cancel(principalOf(c), c.req.param('id'), { reason: parsed.data.reason ?? null, via: 'api' })));
  });

  return app;
}
