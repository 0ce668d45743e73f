// Native v1 API: the audit log, keys (admins), and who am I.
import { Hono } from 'hono';
import { createKey, keyToWire, revokeKey } from '../../auth/keys-service.js';
import { GreenlightError } from '../../core/errors.js';
import { ROLES, type Role } from '../../core/types.js';
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
    const entries = await c.get('deps').gate.audit(principalOf(c), {
      after_seq: c.req.query('after_seq') ? intQuery(c, 'after_seq', 0, 0, Number.MAX_SAFE_INTEGER) : undefined,
      before_seq: c.req.query('before_seq') ? intQuery(c, 'before_seq', 0, 0, Number.MAX_SAFE_INTEGER) : undefined,
      request_id: requestId && requestId.length <= 100 ? requestId : undefined,
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
    const body = await readJsonObject(c);
    const role = body.role;
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
      throw new GreenlightError('VALIDATION_FAILED', `role must be one of ${ROLES.join(', ')}.`);
    }
    if (typeof body.name !== 'string') throw new GreenlightError('VALIDATION_FAILED', 'name is required.');
    const projects = body.projects ?? [];
    if (!Array.isArray(projects) || !projects.every((p) => typeof p === 'string' && p.length <= 100) || projects.length > 100) {
      throw new GreenlightError('VALIDATION_FAILED', 'projects must be a list of project names.');
    }
    const p = principalOf(c);
    const { gate } = c.get('deps');
    const { record, secret } = await createKey(gate.deps.store, gate.deps.clock, { kind: p.role, name: p.name }, { role: role as Role, name: body.name, projects: projects as string[] });
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
