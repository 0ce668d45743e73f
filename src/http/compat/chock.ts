// Chock compatibility: `/api/requests`, `/api/pending`, respond, cancel, `/api/activity` and
// `/health` with Chock's shapes, limits and error words, under Greenlight's auth rules (every
// route but /health needs a key; respond needs an approver). See docs/compat.md.
import { Hono } from 'hono';
import type { Gate } from '../../core/gate.js';
import type { ApprovalRequest, Principal, Status } from '../../core/types.js';
import type { AuditEntry, RequestFilter } from '../../store/store.js';
import { principalOf, type AppEnv, type Ctx } from '../context.js';
import { requireAgentKey, requireAuth } from '../middleware.js';
import { activityView, checkPriority, checkStatus, chockCreateToNative, chockRespondToNative, chockView } from './chock-mapping.js';
import { chockResponse, chockTime } from '../../delivery/payloads.js';
import { CompatHttpError, compatErrorHandler, pyList, readBodyObject, type Translate } from './compat-errors.js';

/** Chock's words for our errors: "Request not found", "Already responded: X", missing conditions. */
const translate: Translate = (err, c) => {
  if (err.code === 'NOT_FOUND') return new CompatHttpError(404, err.code, err.message, { detail: 'Request not found' });
  if (err.code === 'ALREADY_DECIDED') {
    const status = String(err.details?.status ?? 'decided');
    const detail = c.req.method === 'DELETE' ? `Cannot cancel — already ${status}` : `Already responded: ${status}`;
    return new CompatHttpError(400, err.code, detail, { details: err.details });
  }
  if (err.code === 'CONDITIONS_INVALID' && Array.isArray(err.details?.missing)) {
    return new CompatHttpError(400, err.code, `Missing required conditions: ${pyList(err.details.missing as string[])}`, { details: err.details });
  }
  return null;
};

/** A query integer as FastAPI reads it (422 if not a whole number), then clamped as Chock does. */
function clampedInt(c: Ctx, name: string, dflt: number, min: number, max: number): number {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return dflt;
  if (!/^-?\d{1,15}$/.test(raw.trim())) {
    throw new CompatHttpError(422, 'VALIDATION_FAILED', `Query parameter ${name} must be a whole number.`, {
      detail: [{ loc: ['query', name], msg: 'Input should be a valid integer, unable to parse string as an integer', type: 'int_parsing' }],
    });
  }
  return Math.max(min, Math.min(max, Number(raw)));
}

const query = (c: Ctx, name: string, max = 500): string | undefined => {
  const v = c.req.query(name);
  if (v === undefined || v === '') return undefined;
  if (v.length > max) throw new CompatHttpError(400, 'VALIDATION_FAILED', `${name} may be at most ${max} characters.`);
  return v;
};

/** Pages the scan for an exact `requester` may read (1000 each) before it stops. */
const REQUESTER_SCAN_PAGES = 20;

/**
 * Chock's list. Our store has no requester filter, so `requester` narrows by the text search and
 * is then matched exactly here, with offset and limit applied after the exact match.
 */
async function listRequests(gate: Gate, principal: Principal, f: { status?: Status; priority?: RequestFilter['priority']; tag?: string; q?: string; requester?: string; limit: number; offset: number }): Promise<ApprovalRequest[]> {
  const base = { status: f.status ? [f.status] : undefined, priority: f.priority, tag: f.tag, text: f.q ?? f.requester };
  if (!f.requester) return (await gate.list(principal, { ...base, limit: f.limit, offset: f.offset })).items;
  const out: ApprovalRequest[] = [];
  let skipped = 0;
  for (let page = 0, offset = 0; page < REQUESTER_SCAN_PAGES; page++) {
    const { items } = await gate.list(principal, { ...base, limit: 1000, offset });
    for (const r of items) {
      if (r.requester !== f.requester) continue;
      if (skipped < f.offset) {
        skipped++;
        continue;
      }
      out.push(r);
      if (out.length >= f.limit) return out;
    }
    if (items.length < 1000) break;
    offset += items.length;
  }
  return out;
}

/** The newest `limit` audit rows about requests (Chock's activity holds nothing else). */
async function requestActivity(gate: Gate, principal: Principal, limit: number): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  let before: number | undefined;
  for (let round = 0; round < 10 && out.length < limit; round++) {
    const page = await gate.audit(principal, { limit: 1000, order: 'desc', ...(before !== undefined ? { before_seq: before } : {}) });
    out.push(...page.filter((e) => e.request_id !== null));
    if (page.length < 1000) break;
    before = page[page.length - 1].seq;
  }
  return out.slice(0, limit);
}

export function chockRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.onError(compatErrorHandler(translate));
  const anyKey = requireAuth();

  app.post('/api/requests', requireAgentKey(), async (c) => {
    const input = chockCreateToNative(await readBodyObject(c));
    const { request } = await c.get('deps').gate.request(principalOf(c), input, { origin: 'chock' });
    return c.json({ id: request.id, status: request.status }, 201);
  });

  app.get('/api/requests', anyKey, async (c) => {
    const status = query(c, 'status');
    const priority = query(c, 'priority');
    const items = await listRequests(c.get('deps').gate, principalOf(c), {
      status: status ? checkStatus(status) : undefined,
      priority: priority ? [checkPriority(priority)] : undefined,
      tag: query(c, 'tag', 100),
      q: query(c, 'q'),
      requester: query(c, 'requester', 200),
      limit: clampedInt(c, 'limit', 200, 1, 1000),
      offset: clampedInt(c, 'offset', 0, 0, 1_000_000),
    });
    return c.json(items.map(chockView));
  });

  app.get('/api/requests/:id', anyKey, async (c) => {
    return c.json(chockView(await c.get('deps').gate.get(principalOf(c), c.req.param('id'))));
  });

  // The approval queue: highest priority first, then oldest first. Chock returns every pending
  // request; we return up to 1000.
  app.get('/api/pending', anyKey, async (c) => {
    const page = await c.get('deps').gate.pending(principalOf(c), 1000, 0);
    return c.json(page.items.map(chockView));
  });

  app.post('/api/requests/:id/respond', requireAuth(['approver', 'admin']), async (c) => {
    const { responder, decide } = chockRespondToNative(await readBodyObject(c));
    const deps = c.get('deps');
    const principal = principalOf(c);
    const decided = await deps.gate.decide(principal, c.req.param('id'), decide, 'chock');
    // The decider of record is the key's owner; Chock's free-text `responder` is kept in the audit log only.
    if (responder && responder !== principal.name) {
      await deps.gate.record({ kind: principal.role, name: principal.name }, 'request.responder_named', { responder }, 'chock', decided.id).catch((err: unknown) => {
        deps.logger.error('could not record the Chock responder name', { request_id: decided.id, err });
      });
    }
    return c.json({ status: decided.status, request_id: decided.id, response: chockResponse(decided, decided.updated_at) });
  });

  // Chock deleted the row; Greenlight keeps it as `cancelled`, so GET still finds it.
  app.delete('/api/requests/:id', requireAuth(['agent', 'admin']), async (c) => {
    await c.get('deps').gate.cancel(principalOf(c), c.req.param('id'), { via: 'chock', reason: query(c, 'reason', 2000) ?? null });
    return c.json({ status: 'cancelled' });
  });

  app.get('/api/activity', requireAuth(['approver', 'admin']), async (c) => {
    const limit = clampedInt(c, 'limit', 50, 0, 1000);
    const entries = limit === 0 ? [] : await requestActivity(c.get('deps').gate, principalOf(c), limit);
    return c.json(entries.map(activityView));
  });

  // Chock's shape; also Greenlight's liveness probe: 200 while the process serves HTTP. Whether to
  // send it traffic is /ready's answer (routes/system.ts).
  app.get('/health', (c) => c.json({ status: 'ok', service: 'chock', timestamp: chockTime(Date.now()) }));

  return app;
}
