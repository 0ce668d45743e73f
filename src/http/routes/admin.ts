// Native v1 API: the audit log, keys (admins), and who am I.
import { Hono } from 'hono';
import { createKey, keyToWire, revokeKey } from '../../auth/keys-service.js';
import { GreenlightError } from '../../core/errors.js';
import { CreateKeySchema, describeIssues } from '../../core/request-input.js';
import { intQuery, principalOf, readJsonObject, type AppEnv } from '../context.js';
import { requireAuth } from '../middleware.js';
import { auditToWire } from '../wire.js';

export function adminRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const admins = requireAuth(['admin']);

  app.get('/v1/me', requireAuth(), (c) => {
    const p = principalOf(c);
    return c.json({ name: p.name, role: p.role, key_id: p.keyId, projects: p.projects });
  });

  app.get('/v1/audit', requireAuth(['approver', 'admin']), async (c) => {
    const order = c.req.query('order') === 'asc' ? 'asc' : 'desc';
    const requestId = c.req.query('request_id');
    if (requestId !== undefined && (requestId.length === 0 || requestId.length > 100)) throw new GreenlightError('VALIDATION_FAILED', 'request_id must be 1–100 characters.');
    const orderParam = c.req.query('order');
    if (orderParam !== undefined && orderParam !== 'asc' && orderParam !== 'desc') throw new GreenlightError('VALIDATION_FAILED', 'order must be asc or desc.');
    const entries = await c.get('deps').gate.audit(principalOf(c), {
      after_seq: c.req.query('after_seq') ? intQuery(c, 'after_seq', 0, 0, Number.MAX_SAFE_INTEGER) : undefined,
      before_seq: c.req.query('before_seq') ? intQuery(c, 'before_seq', 0, 0, Number.MAX_SAFE_INTEGER) : undefined,
      request_id: requestId,
      limit: intQuery(c, 'limit', 100, 1, 1000),
      order,
    });
    return c.json({ items: entries.map(auditToWire) });
  });

  app.get('/v1/keys', admins, async (c) => {
    const keys = await c.get('deps').gate.deps.store.listKeys();
    return c.json({ items: keys.map(keyToWire) });
  });

  app.post('/v1/keys', admins, async (c) => {
    const parsed = CreateKeySchema.safeParse(await readJsonObject(c));
    if (!parsed.success) throw new GreenlightError('VALIDATION_FAILED', `The key is not valid: ${describeIssues(parsed.error)}`);
    const { config, gate } = c.get('deps');
    const unknown = parsed.data.projects.filter((p) => !config.projects.some((x) => x.name === p));
    if (unknown.length) throw new GreenlightError('VALIDATION_FAILED', `Unknown projects: ${unknown.join(', ')}. Declare them under projects[] first.`);
    const p = principalOf(c);
    const { record, secret } = await createKey(gate.deps.store, gate.deps.clock, { kind: p.role, name: p.name }, parsed.data);
    return c.json({ ...keyToWire(record), key: secret, note: 'This key is shown once. Store it now; the server keeps only its hash.' }, 201);
  });

  app.delete('/v1/keys/:id', admins, async (c) => {
    const p = principalOf(c);
    const { gate } = c.get('deps');
    const revoked = await revokeKey(gate.deps.store, gate.deps.clock, { kind: p.role, name: p.name }, c.req.param('id'));
    return c.json(keyToWire(revoked));
  });

  return app;
}
