// "Away until … with a delegate" over HTTP: an approver says they are away (and who is asked in
// their stead) until a time; an admin may do it for anyone; agents never. Kept in ./away.ts and
// read when a workflow step starts (./planner.ts). Every change is audited.
//   GET    /v1/approvers/{name}/away   → the current absence, or {away: false}
//   PUT    /v1/approvers/{name}/away   {until, delegate?, note?}
//   DELETE /v1/approvers/{name}/away   → back
import { Hono } from 'hono';
import { z } from 'zod';
import { GreenlightError, notFound } from '../core/errors.js';
import { describeIssues } from '../core/request-input.js';
import type { Principal } from '../core/types.js';
import { principalOf, readJsonObject, type AppEnv, type Ctx } from '../http/context.js';
import { requireAuth } from '../http/middleware.js';
import { clearAway, getAway, setAway, type Away } from './away.js';

const MAX_AWAY_MS = 366 * 86_400_000;

const AwaySchema = z
  .object({
    /** ISO-8601 with a time zone: `2026-03-09T09:00:00+01:00` or `…Z`. */
    until: z.string().max(40).regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/, 'an ISO-8601 time with its offset, e.g. 2026-03-09T09:00:00+01:00'),
    delegate: z.string().min(1).max(100).nullable().optional(),
    note: z.string().max(500).nullable().optional(),
  })
  .strict();

const toWire = (a: Away) => ({ away: true, approver: a.approver, until: new Date(a.until).toISOString(), delegate: a.delegate, note: a.note, set_by: a.set_by, set_at: new Date(a.set_at).toISOString() });

export function awayRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const humans = requireAuth(['approver', 'admin']);

  /** The configured approver named in the path, if the caller may change their absence. */
  const target = (c: Ctx, write: boolean): { name: string; principal: Principal } => {
    const principal = principalOf(c);
    const name = c.req.param('name') ?? '';
    const { config } = c.get('deps');
    if (!config.approvers.some((a) => a.name === name)) throw notFound('Approver', JSON.stringify(name.slice(0, 100)));
    if (write && principal.role !== 'admin' && principal.name !== name) {
      throw new GreenlightError('FORBIDDEN', `Only ${name} (or an admin) can say when ${name} is away.`);
    }
    return { name, principal };
  };

  app.get('/v1/approvers/:name/away', humans, async (c) => {
    const { name } = target(c, false);
    const { gate } = c.get('deps');
    const away = await getAway(gate.deps.store, name, gate.deps.clock.now());
    return c.json(away ? toWire(away) : { away: false, approver: name });
  });

  app.put('/v1/approvers/:name/away', humans, async (c) => {
    const { name, principal } = target(c, true);
    const parsed = AwaySchema.safeParse(await readJsonObject(c));
    if (!parsed.success) throw new GreenlightError('VALIDATION_FAILED', `The absence is not valid: ${describeIssues(parsed.error)}`);
    const { gate, config } = c.get('deps');
    const now = gate.deps.clock.now();
    const until = Date.parse(parsed.data.until);
    if (!Number.isFinite(until) || until <= now) throw new GreenlightError('VALIDATION_FAILED', 'until must be in the future.');
    if (until - now > MAX_AWAY_MS) throw new GreenlightError('VALIDATION_FAILED', 'until may be at most a year ahead; set it again when you know more.');
    const delegate = parsed.data.delegate ?? null;
    if (delegate !== null) {
      if (delegate === name) throw new GreenlightError('VALIDATION_FAILED', 'An approver cannot be their own delegate.');
      if (!config.approvers.some((a) => a.name === delegate)) throw new GreenlightError('VALIDATION_FAILED', `The delegate ${JSON.stringify(delegate.slice(0, 100))} is not a configured approver.`);
    }
    const away: Away = { approver: name, until, delegate, note: parsed.data.note ?? null, set_by: principal.name, set_at: now };
    await setAway(gate.deps.store, away);
    await gate.record({ kind: principal.role, name: principal.name }, 'approver.away', { approver: name, until: toWire(away).until, delegate, note: away.note }, 'api');
    return c.json(toWire(away));
  });

  app.delete('/v1/approvers/:name/away', humans, async (c) => {
    const { name, principal } = target(c, true);
    const { gate } = c.get('deps');
    const was = await clearAway(gate.deps.store, name);
    if (was) await gate.record({ kind: principal.role, name: principal.name }, 'approver.back', { approver: name }, 'api');
    return c.json({ away: false, approver: name });
  });

  return app;
}
